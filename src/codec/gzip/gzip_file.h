// GzipFile: a .gz/.tgz split into its members (RFC 1952): each member's header
// bytes as they are, its raw deflate stream, its trailer, and its inflated
// payload. Inflating uses the system zlib (inflate is fully determined by the
// format). Used by the gzip-patch codec; never writes gzip (that is the deflater's
// job) and never accepts anything it cannot account for byte by byte: trailing
// bytes, a bad trailer or an expansion past the limits make the parse fail.
#pragma once

#include <cstddef>
#include <cstdint>
#include <functional>
#include <span>
#include <vector>

#include "deltaglider/result.h"
#include "deltaglider/stream.h"

namespace deltaglider {

struct GzipMember {
  std::span<const std::byte> header;  // ID1 ... FHCRC, verbatim
  std::span<const std::byte> stream;  // the raw deflate stream
  uint32_t crc32 = 0;                 // trailer, checked against the payload
  uint32_t isize = 0;
  uint64_t payload_offset = 0;  // where this member's payload starts in payload
  uint64_t payload_size = 0;
};

struct GzipFile {
  std::vector<GzipMember> members;
  std::vector<std::byte> payload;  // all members' inflated bytes, concatenated
};

// No gzip file's payload (all members together) may exceed this.
inline constexpr uint64_t kMaxGzipPayloadTotal = uint64_t{4} << 30;

// The most payload bytes a file of `compressed_size` bytes may inflate to:
// deflate cannot exceed 1032:1, so more means a malformed or hostile file.
uint64_t MaxGzipPayload(uint64_t compressed_size);

// Inflates the raw deflate stream at the start of its first argument (which
// may go on past it) onto the end of the third, which may then hold at most the
// second's bytes; returns the stream's size (InflateRaw's contract).
using RawInflater =
    std::function<Result<size_t>(std::span<const std::byte>, uint64_t, std::vector<std::byte>&)>;

// Splits and inflates `file` (which must outlive the result's spans), each
// member's stream with `inflate` (default: the system zlib's InflateRaw).
// kInvalidArgument when it is not exactly a sequence of valid gzip members
// (bad magic, reserved flags, truncated, bad deflate data, wrong CRC32/ISIZE,
// trailing bytes); kResourceExhausted past MaxGzipPayload().
Result<GzipFile> ParseGzip(std::span<const std::byte> file, const RawInflater& inflate = {});

// ParseGzip() with the payload written to `payload` instead of held (the
// members' payload offsets count from the first byte written there): bounded
// memory whatever the file's size. The system zlib inflates.
Result<std::vector<GzipMember>> ScanGzip(std::span<const std::byte> file, ByteSink& payload);

}  // namespace deltaglider
