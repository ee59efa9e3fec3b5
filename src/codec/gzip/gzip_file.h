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

// No gzip file's payload (all members together) may exceed this when it is
// held in memory...
inline constexpr uint64_t kMaxGzipPayloadTotal = uint64_t{4} << 30;
// ...nor this when it is written to disk (ScanGzip, the spooled path).
inline constexpr uint64_t kMaxSpooledGzipPayloadTotal = uint64_t{1} << 40;

// The most payload bytes a file of `compressed_size` bytes may inflate to in
// memory: deflate cannot exceed 1032:1, so more means a malformed or hostile
// file.
uint64_t MaxGzipPayload(uint64_t compressed_size);
// The same bound for a payload written to disk.
uint64_t MaxSpooledGzipPayload(uint64_t compressed_size);

// Inflates the raw deflate stream at the start of its first argument (which
// may go on past it) onto the end of the third, which may then hold at most the
// second's bytes; returns the stream's size (InflateRaw's contract).
using RawInflater =
    std::function<Result<size_t>(std::span<const std::byte>, uint64_t, std::vector<std::byte>&)>;

// Splits and inflates `file` (which must outlive the result's spans), each
// member's stream with `inflate` (default: the system zlib's InflateRaw).
// kInvalidArgument when it is not exactly a sequence of valid gzip members
// (bad magic, reserved flags, truncated, bad deflate data, wrong CRC32/ISIZE,
// trailing bytes); kResourceExhausted past MaxGzipPayload() or `max_payload`
// (ISIZE counts modulo 4 GiB: only inflating tells a payload's size).
Result<GzipFile> ParseGzip(std::span<const std::byte> file, const RawInflater& inflate = {},
                           uint64_t max_payload = kMaxGzipPayloadTotal);

// ParseGzip() with the payload written to `payload` instead of held (the
// members' payload offsets count from the first byte written there): bounded
// memory whatever the file's size, and payloads past 4 GiB (up to
// MaxSpooledGzipPayload()). The system zlib inflates.
Result<std::vector<GzipMember>> ScanGzip(std::span<const std::byte> file, ByteSink& payload);

}  // namespace deltaglider
