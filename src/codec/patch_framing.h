// What the gzip-patch and zip-patch delta framings share: the preamble (4-byte
// magic, format version, mode), how each deflate stream is rebuilt (version 1: a
// 3-byte deflate profile; versions 2 and 3: the profile, then the size (u32) and
// bytes of a correction recipe, 0 when the profile reproduces the stream), and the
// header CRC32. Version 3 has the layout of version 2 and is written since the
// rebuild may take a stream from the reference's entry of the same name (copied,
// or deflated guided by its parse: deflate_rebuild.h), where the recorded profile
// alone need not reproduce it; readers of version 2 must refuse it, not misread it.
// Reading treats the bytes as hostile; it never reads past the reader's span.
#pragma once

#include <cstddef>
#include <cstdint>
#include <span>
#include <string_view>
#include <vector>

#include "codec/byte_io.h"
#include "codec/deflate/deflate.h"
#include "codec/deflate_rebuild.h"
#include "codec/profile_bytes.h"
#include "deltaglider/result.h"

namespace deltaglider {

// A framing's identity: the codec name (for messages), magic and newest version.
struct PatchFraming {
  std::string_view codec;
  std::string_view magic;  // 4 bytes
  uint8_t version;
};

struct Preamble {
  uint8_t version = 1;
  uint8_t mode = 0;
};

void AppendPreamble(const PatchFraming& framing, const Preamble& preamble,
                    std::vector<std::byte>& out);

// Reads the preamble. kCorrupted for another magic or a truncation,
// kUnsupported for a version newer than the framing's.
Result<Preamble> ReadPreamble(const PatchFraming& framing, ByteReader& in);

// Appends a stream's method as format `version` writes it (see the top).
void AppendMethod(const DeflateMethod& method, uint8_t version, std::vector<std::byte>& out);

// Reads a method; kCorrupted (prefixed with `codec`) if truncated or invalid.
Result<DeflateMethod> ReadMethod(std::string_view codec, uint8_t version, ByteReader& in);

// Appends the CRC32 of out[start...].
void AppendHeaderCrc32(size_t start, std::vector<std::byte>& out);

// Reads the CRC32 that ends a header and checks it against all of `data` before
// it; kCorrupted if missing or different.
Status ReadHeaderCrc32(std::string_view codec, ByteReader& in, std::span<const std::byte> data);

}  // namespace deltaglider
