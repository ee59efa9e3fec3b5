// The framing of a "gzip-patch" delta (docs/format.md, "gzip-patch deltas"):
//   "DGGZ" | version (3 is written; 1 and 2 are read; 3 has 2's layout, see
//   patch_framing.h) | mode
//   mode 0 (raw):     (after the CRC32 below) a zstd-patch frame of the target
//                     against the raw reference
//   mode 1 (members): reference form (0 raw, 1 inflated gzip) | member count (u32)
//                     | per member: header length (u32), header bytes, deflate
//                       profile (hash, level, memLevel: u8 each; version 2+: then
//                       the recipe's size (u32) and bytes), payload size
//                       (u64), CRC32 (u32), ISIZE (u32), deflate stream size
//                       (u64) and CRC32 (u32)
//   then, in both modes, the CRC32 (u32) of all header bytes before it
//                     | mode 1: a zstd-patch frame of the members' payloads, concatenated,
//                       against the reference in that form
// Integers little-endian. Reading treats the bytes as hostile: anything malformed
// is kCorrupted, and no field can make the reader allocate more than the delta's
// own size. Versions are only ever added; versions 1 to 3 are read forever.
#pragma once

#include <cstddef>
#include <cstdint>
#include <span>
#include <vector>

#include "codec/deflate_rebuild.h"
#include "deltaglider/result.h"

namespace deltaglider {

struct GzipPatchMember {
  std::vector<std::byte> header;  // the member's gzip header, verbatim
  DeflateMethod method;
  uint64_t payload_size = 0;
  uint32_t crc32 = 0;
  uint32_t isize = 0;
  uint64_t stream_size = 0;  // the member's deflate stream, to check the rebuild
  uint32_t stream_crc32 = 0;
};

struct GzipPatchHeader {
  enum class Mode : uint8_t { kRaw = 0, kMembers = 1 };
  Mode mode = Mode::kRaw;
  bool reference_inflated = false;  // mode kMembers only
  std::vector<GzipPatchMember> members;
};

// Appends the header's bytes to `out`; the zstd frame follows it.
void AppendGzipPatchHeader(const GzipPatchHeader& header, std::vector<std::byte>& out);

// A parsed header and where the zstd frame starts in the delta.
struct ParsedGzipPatch {
  GzipPatchHeader header;
  size_t frame_offset = 0;
};

// Parses the header at the start of `delta`. kCorrupted if malformed (bad magic,
// unknown mode, invalid profile, truncated, header CRC32 mismatch); kUnsupported
// for a newer version.
Result<ParsedGzipPatch> ParseGzipPatchHeader(std::span<const std::byte> delta);

// The members' payload sizes summed; kCorrupted past `cap` (what a gzip file
// held in memory, or written to disk, may inflate to).
Result<uint64_t> TotalPayload(const GzipPatchHeader& header, uint64_t cap);

}  // namespace deltaglider
