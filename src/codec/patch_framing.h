// What the gzip-patch and zip-patch delta framings share: the preamble (4-byte
// magic, format version, mode), how each deflate stream is rebuilt (version 1: a
// 3-byte deflate profile; version 2: the profile, then the size (u32) and bytes
// of a correction recipe, 0 when the profile reproduces the stream), and the
// header CRC32.
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
#include "deltaglider/result.h"

namespace deltaglider {

// A framing's identity: the codec name (for messages), magic and newest version.
struct PatchFraming {
  std::string_view codec;
  std::string_view magic;  // 4 bytes
  uint8_t version;
};

// The oldest format version that can hold these methods (1 unless one has a recipe).
template <typename Range, typename Method>
uint8_t VersionFor(const Range& items, Method method_of) {
  for (const auto& item : items) {
    if (!method_of(item).recipe.empty()) return 2;
  }
  return 1;
}

struct Preamble {
  uint8_t version = 1;
  uint8_t mode = 0;
};

void AppendPreamble(const PatchFraming& framing, const Preamble& preamble,
                    std::vector<std::byte>& out);

// Reads the preamble. kCorrupted for another magic or a truncation,
// kUnsupported for a version newer than the framing's.
Result<Preamble> ReadPreamble(const PatchFraming& framing, ByteReader& in);

// The 3-byte deflate profile: hash, level, memLevel.
void AppendProfile(const DeflateProfile& profile, std::vector<std::byte>& out);

// Reads a profile; kCorrupted (prefixed with `codec`) if truncated or invalid.
Result<DeflateProfile> ReadProfile(std::string_view codec, ByteReader& in);

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
