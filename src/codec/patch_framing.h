// What the gzip-patch and zip-patch delta framings share: the preamble (4-byte
// magic, format version, mode), the 3-byte deflate profile, and the header CRC32.
// Reading treats the bytes as hostile; it never reads past the reader's span.
#pragma once

#include <cstddef>
#include <cstdint>
#include <span>
#include <string_view>
#include <vector>

#include "codec/byte_io.h"
#include "codec/deflate/deflate.h"
#include "deltaglider/result.h"

namespace deltaglider {

// A framing's identity: the codec name (for messages), magic and version.
struct PatchFraming {
  std::string_view codec;
  std::string_view magic;  // 4 bytes
  uint8_t version;
};

void AppendPreamble(const PatchFraming& framing, uint8_t mode, std::vector<std::byte>& out);

// Reads the preamble and returns the mode. kCorrupted for another magic or a
// truncation, kUnsupported for another version.
Result<uint8_t> ReadPreamble(const PatchFraming& framing, ByteReader& in);

void AppendProfile(const DeflateProfile& profile, std::vector<std::byte>& out);

// Reads a profile; kCorrupted (prefixed with `codec`) if truncated or invalid.
Result<DeflateProfile> ReadProfile(std::string_view codec, ByteReader& in);

// Appends the CRC32 of out[start...].
void AppendHeaderCrc32(size_t start, std::vector<std::byte>& out);

// Reads the CRC32 that ends a header and checks it against all of `data` before
// it; kCorrupted if missing or different.
Status ReadHeaderCrc32(std::string_view codec, ByteReader& in, std::span<const std::byte> data);

}  // namespace deltaglider
