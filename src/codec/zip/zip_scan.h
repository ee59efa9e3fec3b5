// ScanZip: finds the deflate-compressed entries of a .zip/.jar (local file
// headers with method 8, not encrypted) and inflates them, so the zip-patch codec
// can store them as their content. It only *locates* streams: every byte it does
// not return as a stream stays verbatim, so a file it misreads (a prefix, a data
// descriptor, zip64, not a zip at all) is still rebuilt exactly, just with fewer
// streams expanded. It is a pure function of the bytes (the same file always gives
// the same streams), which the codec relies on to expand the reference the same
// way at encode and decode time.
#pragma once

#include <cstddef>
#include <cstdint>
#include <span>
#include <string_view>
#include <vector>

namespace deltaglider {

struct ZipStream {
  uint64_t offset = 0;  // of the raw deflate stream in the file
  uint64_t size = 0;
  uint64_t payload_offset = 0;  // of its inflated bytes in ZipScan::expanded
  uint64_t payload_size = 0;
};

struct ZipScan {
  std::vector<ZipStream> streams;  // in file order, non-overlapping
  // The file with every stream replaced by its inflated bytes: the expanded
  // file the codec patches (every other byte as it is).
  std::vector<std::byte> expanded;
};

// Scans `file`. Inflates at most MaxGzipPayload(file.size()) bytes in total; past
// that, the remaining entries are left alone. `workers` threads inflate the
// entries the scan will likely meet ahead of it (0: one per core; 1: one entry
// after another); the result is the same for any count. `room_after` more bytes
// are reserved after the expanded file, for a caller that appends them.
ZipScan ScanZip(std::span<const std::byte> file, unsigned workers = 0, uint64_t room_after = 0);

// True when ScanZip(file) finds exactly `streams` (in order), given that each
// of them is a whole deflate stream inflating to its payload_size bytes:
// checked by walking the local headers as the scan does, without inflating.
bool ScanFinds(std::span<const std::byte> file, std::span<const ZipStream> streams);

// The entry name in the local file header that ends exactly where the stream at
// `stream_offset` starts, looked for in bytes [from, stream_offset) of `bytes`
// only (the bytes between the previous stream and this one, which an expanded
// target keeps as they are); empty if there is none.
std::string_view LocalHeaderName(std::span<const std::byte> bytes, uint64_t from,
                                 uint64_t stream_offset);

// What the zip-patch codec deltas an expanded target against, in one of two
// layouts (the delta's format version names it):
//   kRawThenPayloads  (version 1) `file` itself, then the inflated bytes of every
//                     stream ScanZip finds in it;
//   kExpandedThenRaw  (version 2) `file` with every such stream replaced by its
//                     inflated bytes (laid out like an expanded target, so an
//                     unchanged entry, header and content, is one match), then
//                     `file` itself (so entries kept compressed still match).
// `streams` and `expanded` are ScanZip(file)'s (`expanded` may go on past the
// expanded file: only the file's part is read).
enum class ZipBaseLayout { kRawThenPayloads, kExpandedThenRaw };
std::vector<std::byte> ZipPatchBase(std::span<const std::byte> file,
                                    std::span<const ZipStream> streams,
                                    std::span<const std::byte> expanded, ZipBaseLayout layout);

}  // namespace deltaglider
