// ParseGzip(): RFC 1952 member framing plus zlib's raw inflate. See gzip_file.h.
#include "codec/gzip/gzip_file.h"

#include <algorithm>
#include <functional>
#include <vector>

#include "codec/inflate_raw.h"

namespace deltaglider {
namespace {

constexpr uint8_t kFlagHeaderCrc = 0x02;
constexpr uint8_t kFlagExtra = 0x04;
constexpr uint8_t kFlagName = 0x08;
constexpr uint8_t kFlagComment = 0x10;
constexpr uint8_t kFlagReserved = 0xE0;
constexpr size_t kFixedHeader = 10;
constexpr size_t kTrailer = 8;

Error NotGzip(std::string_view why) {
  return MakeError(ErrorCode::kInvalidArgument, "gzip: ", why);
}

uint32_t Le32(std::span<const std::byte> b) {
  return static_cast<uint32_t>(b[0]) | static_cast<uint32_t>(b[1]) << 8 |
         static_cast<uint32_t>(b[2]) << 16 | static_cast<uint32_t>(b[3]) << 24;
}

// Skips a zero-terminated field at `pos`; false if it runs off the end.
bool SkipZeroTerminated(std::span<const std::byte> file, size_t& pos) {
  while (pos < file.size() && file[pos] != std::byte{0}) ++pos;
  if (pos == file.size()) return false;
  ++pos;
  return true;
}

// The length of the member header at the start of `file`.
Result<size_t> HeaderLength(std::span<const std::byte> file) {
  if (file.size() < kFixedHeader || file[0] != std::byte{0x1f} || file[1] != std::byte{0x8b}) {
    return NotGzip("no gzip magic");
  }
  if (file[2] != std::byte{8}) return NotGzip("compression method is not deflate");
  const auto flags = static_cast<uint8_t>(file[3]);
  if ((flags & kFlagReserved) != 0) return NotGzip("reserved header flags set");
  size_t pos = kFixedHeader;
  if ((flags & kFlagExtra) != 0) {
    if (file.size() - pos < 2) return NotGzip("truncated FEXTRA");
    const size_t xlen = static_cast<size_t>(file[pos]) | static_cast<size_t>(file[pos + 1]) << 8;
    pos += 2;
    if (file.size() - pos < xlen) return NotGzip("truncated FEXTRA");
    pos += xlen;
  }
  if ((flags & kFlagName) != 0 && !SkipZeroTerminated(file, pos)) return NotGzip("truncated FNAME");
  if ((flags & kFlagComment) != 0 && !SkipZeroTerminated(file, pos)) {
    return NotGzip("truncated FCOMMENT");
  }
  if ((flags & kFlagHeaderCrc) != 0) {
    if (file.size() - pos < 2) return NotGzip("truncated FHCRC");
    pos += 2;
  }
  return pos;
}

// What deflate's 1032:1 allows a file of `compressed_size` bytes, at most `cap`.
uint64_t Inflatable(uint64_t compressed_size, uint64_t cap) {
  const uint64_t most = compressed_size > cap / 1040 ? cap : 1040 * compressed_size;
  return std::min(cap, std::max<uint64_t>(most, 1 << 20));
}

// Inflates one member's stream (at the start of its argument, which goes on
// past it) with at most `limit` payload bytes.
using MemberInflater =
    std::function<Result<InflatedStream>(std::span<const std::byte>, uint64_t limit)>;

// The members of `file`, each inflated by `inflate`, their payloads counted
// one after the other from offset 0; at most `limit` payload bytes in all.
Result<std::vector<GzipMember>> WalkMembers(std::span<const std::byte> file, uint64_t limit,
                                            const MemberInflater& inflate) {
  std::vector<GzipMember> members;
  uint64_t payload = 0;
  size_t pos = 0;
  do {
    const std::span<const std::byte> rest = file.subspan(pos);
    DG_ASSIGN_OR_RETURN(const size_t header_len, HeaderLength(rest));
    DG_ASSIGN_OR_RETURN(const InflatedStream inflated,
                        inflate(rest.subspan(header_len), limit - payload));
    const auto stream_len = static_cast<size_t>(inflated.stream_size);
    const std::span<const std::byte> after = rest.subspan(header_len + stream_len);
    if (after.size() < kTrailer) return NotGzip("truncated trailer");
    GzipMember member{rest.first(header_len),
                      rest.subspan(header_len, stream_len),
                      Le32(after),
                      Le32(after.subspan(4)),
                      payload,
                      inflated.payload_size};
    if (member.crc32 != inflated.crc32 ||
        member.isize != static_cast<uint32_t>(member.payload_size)) {
      return NotGzip("CRC32/ISIZE do not match the payload");
    }
    members.push_back(member);
    payload += member.payload_size;
    pos += header_len + stream_len + kTrailer;
  } while (pos < file.size());
  return members;
}

}  // namespace

uint64_t MaxGzipPayload(uint64_t compressed_size) {
  return Inflatable(compressed_size, kMaxGzipPayloadTotal);
}

uint64_t MaxSpooledGzipPayload(uint64_t compressed_size) {
  return Inflatable(compressed_size, kMaxSpooledGzipPayloadTotal);
}

Result<GzipFile> ParseGzip(std::span<const std::byte> file, const RawInflater& inflate,
                           uint64_t max_payload) {
  GzipFile out;
  const uint64_t limit = std::min(MaxGzipPayload(file.size()), max_payload);
  // The last member's ISIZE (all of the payload, for the usual single member)
  // spares regrowing the payload; a hint only, and reserving touches no memory.
  if (file.size() >= kTrailer) {
    out.payload.reserve(static_cast<size_t>(std::min<uint64_t>(Le32(file.last(4)), limit)));
  }
  const MemberInflater onto_payload = [&](std::span<const std::byte> data,
                                          uint64_t) -> Result<InflatedStream> {
    const size_t before = out.payload.size();
    DG_ASSIGN_OR_RETURN(const size_t stream_len, inflate ? inflate(data, limit, out.payload)
                                                         : InflateRaw(data, limit, out.payload));
    const std::span<const std::byte> payload(out.payload.data() + before,
                                             out.payload.size() - before);
    return InflatedStream{stream_len, payload.size(), Crc32(payload)};
  };
  DG_ASSIGN_OR_RETURN(out.members, WalkMembers(file, limit, onto_payload));
  return out;
}

Result<std::vector<GzipMember>> ScanGzip(std::span<const std::byte> file, ByteSink& payload) {
  return WalkMembers(file, MaxSpooledGzipPayload(file.size()),
                     [&](std::span<const std::byte> data, uint64_t limit) {
                       return InflateRawTo(data, limit, payload);
                     });
}

}  // namespace deltaglider
