// ParseGzip(): RFC 1952 member framing plus zlib's raw inflate. See gzip_file.h.
#include "codec/gzip/gzip_file.h"

#include <zlib.h>

#include <algorithm>
#include <limits>
#include <memory>

namespace deltaglider {
namespace {

constexpr uint8_t kFlagHeaderCrc = 0x02;
constexpr uint8_t kFlagExtra = 0x04;
constexpr uint8_t kFlagName = 0x08;
constexpr uint8_t kFlagComment = 0x10;
constexpr uint8_t kFlagReserved = 0xE0;
constexpr size_t kFixedHeader = 10;
constexpr size_t kTrailer = 8;

Error NotGzip(std::string_view why) { return MakeError(ErrorCode::kInvalidArgument, "gzip: ", why); }

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

struct InflateDeleter {
  void operator()(z_stream* z) const {
    inflateEnd(z);
    delete z;
  }
};

// Inflates the raw deflate stream at the start of `data`, appending to `payload`
// (never past `limit` bytes in total); returns the stream's length.
Result<size_t> InflateStream(std::span<const std::byte> data, uint64_t limit,
                             std::vector<std::byte>& payload) {
  std::unique_ptr<z_stream, InflateDeleter> z(new z_stream{});
  if (inflateInit2(z.get(), -15) != Z_OK) {
    return MakeError(ErrorCode::kResourceExhausted, "gzip: inflateInit failed");
  }
  constexpr size_t kChunk = size_t{1} << 20;
  size_t consumed = 0;
  for (;;) {
    const size_t before = payload.size();
    if (before >= limit) return MakeError(ErrorCode::kResourceExhausted, "gzip: payload too large");
    const size_t room = static_cast<size_t>(std::min<uint64_t>(kChunk, limit - before));
    payload.resize(before + room);
    const size_t in_now = std::min<size_t>(data.size() - consumed, std::numeric_limits<uInt>::max());
    z->next_in = reinterpret_cast<Bytef*>(const_cast<std::byte*>(data.data() + consumed));
    z->avail_in = static_cast<uInt>(in_now);
    z->next_out = reinterpret_cast<Bytef*>(payload.data() + before);
    z->avail_out = static_cast<uInt>(room);
    const int rc = inflate(z.get(), Z_NO_FLUSH);
    consumed += in_now - z->avail_in;
    payload.resize(before + room - z->avail_out);
    if (rc == Z_STREAM_END) return consumed;
    if (rc == Z_BUF_ERROR && z->avail_in == 0 && consumed == data.size()) {
      return NotGzip("truncated deflate stream");
    }
    if (rc != Z_OK && rc != Z_BUF_ERROR) return NotGzip("bad deflate data");
  }
}

}  // namespace

uint64_t MaxGzipPayload(uint64_t compressed_size) {
  return std::min(kMaxGzipPayloadTotal, std::max<uint64_t>(1040 * compressed_size, 1 << 20));
}

uint32_t GzipCrc32(std::span<const std::byte> data, uint32_t crc) {
  while (!data.empty()) {
    const size_t n = std::min<size_t>(data.size(), std::numeric_limits<uInt>::max());
    crc = static_cast<uint32_t>(::crc32(crc, reinterpret_cast<const Bytef*>(data.data()),
                                        static_cast<uInt>(n)));
    data = data.subspan(n);
  }
  return crc;
}

Result<GzipFile> ParseGzip(std::span<const std::byte> file) {
  GzipFile out;
  const uint64_t limit = MaxGzipPayload(file.size());
  size_t pos = 0;
  do {
    const std::span<const std::byte> rest = file.subspan(pos);
    DG_ASSIGN_OR_RETURN(const size_t header_len, HeaderLength(rest));
    GzipMember member;
    member.header = rest.first(header_len);
    member.payload_offset = out.payload.size();
    DG_ASSIGN_OR_RETURN(const size_t stream_len,
                        InflateStream(rest.subspan(header_len), limit, out.payload));
    member.stream = rest.subspan(header_len, stream_len);
    member.payload_size = out.payload.size() - member.payload_offset;
    const std::span<const std::byte> after = rest.subspan(header_len + stream_len);
    if (after.size() < kTrailer) return NotGzip("truncated trailer");
    member.crc32 = Le32(after);
    member.isize = Le32(after.subspan(4));
    const std::span<const std::byte> payload(out.payload.data() + member.payload_offset,
                                             member.payload_size);
    if (member.crc32 != GzipCrc32(payload) ||
        member.isize != static_cast<uint32_t>(member.payload_size)) {
      return NotGzip("CRC32/ISIZE do not match the payload");
    }
    out.members.push_back(member);
    pos += header_len + stream_len + kTrailer;
  } while (pos < file.size());
  return out;
}

}  // namespace deltaglider
