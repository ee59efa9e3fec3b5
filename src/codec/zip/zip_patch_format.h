// The framing of a "zip-patch" delta (docs/format.md, "zip-patch deltas"):
//   "DGZP" | version (3 is written; 1 and 2 are read; 3 has 2's layout, see
//   patch_framing.h) | mode
//   mode 1 (streams): target size (u64) | stream count (u32) | the stream table:
//                     version 1 inline; version 2+ its raw size (u64), then the
//                     size (u32) and bytes of one zstd frame of it. Its rows, in
//                     file order: offset (u64; version 2+: distance from the end of
//                     the previous stream), size (u64) and CRC32 (u32) of the raw
//                     deflate stream in the target, its payload size (u64), its
//                     deflate profile (hash, level, memLevel: u8 each; version 2+:
//                     then the recipe's size (u32) and bytes)
//   then, in both modes, the CRC32 (u32) of all header bytes before it, then one
//   zstd-patch frame: mode 0 (raw) the target against the raw reference; mode 1
//   the expanded target (each listed stream replaced by its payload) against
//   ZipPatchBase(reference) in the version's layout (zip_scan.h).
// Integers little-endian. Reading treats the bytes as hostile: anything malformed
// (streams out of order, overlapping or past the end included) is kCorrupted.
// Versions are only ever added; versions 1 to 3 are read forever.
#pragma once

#include <cstddef>
#include <cstdint>
#include <span>
#include <vector>

#include "codec/deflate_rebuild.h"
#include "deltaglider/result.h"

namespace deltaglider {

struct ZipPatchStream {
  uint64_t offset = 0;
  uint64_t size = 0;
  uint32_t crc32 = 0;
  uint64_t payload_size = 0;
  DeflateMethod method;
};

struct ZipPatchHeader {
  enum class Mode : uint8_t { kRaw = 0, kStreams = 1 };
  Mode mode = Mode::kRaw;
  uint64_t target_size = 0;
  std::vector<ZipPatchStream> streams;

  // Bytes of the expanded target; only valid for a header ParseZipPatchHeader accepted.
  uint64_t ExpandedSize() const;
};

// Appends the header's bytes to `out`; the zstd frame follows it.
void AppendZipPatchHeader(const ZipPatchHeader& header, std::vector<std::byte>& out);

struct ParsedZipPatch {
  uint8_t version = 0;
  ZipPatchHeader header;
  size_t frame_offset = 0;
};

// Parses the header at the start of `delta`. kCorrupted if malformed; kUnsupported
// for a newer version.
Result<ParsedZipPatch> ParseZipPatchHeader(std::span<const std::byte> delta);

}  // namespace deltaglider
