// InflateRaw() and Crc32() on the system zlib; see inflate_raw.h.
#include "codec/inflate_raw.h"

#include <zlib.h>

#include <algorithm>
#include <limits>
#include <memory>

namespace deltaglider {
namespace {

struct InflateDeleter {
  void operator()(z_stream* z) const {
    inflateEnd(z);
    delete z;
  }
};

}  // namespace

Result<size_t> InflateRaw(std::span<const std::byte> data, uint64_t limit,
                          std::vector<std::byte>& payload) {
  std::unique_ptr<z_stream, InflateDeleter> z(new z_stream{});
  if (inflateInit2(z.get(), -15) != Z_OK) {
    return MakeError(ErrorCode::kResourceExhausted, "inflate: inflateInit failed");
  }
  // The output grows in chunks from 16 KiB to 1 MiB, so the many small entries
  // of a zip each cost a small chunk, not a large one.
  constexpr size_t kMaxChunk = size_t{1} << 20;
  size_t chunk = size_t{16} << 10;
  size_t consumed = 0;
  for (;; chunk = std::min(2 * chunk, kMaxChunk)) {
    const size_t before = payload.size();
    if (before >= limit)
      return MakeError(ErrorCode::kResourceExhausted, "inflate: payload past its limit");
    const size_t room = static_cast<size_t>(std::min<uint64_t>(chunk, limit - before));
    payload.resize(before + room);
    const size_t in_now =
        std::min<size_t>(data.size() - consumed, std::numeric_limits<uInt>::max());
    z->next_in = reinterpret_cast<Bytef*>(const_cast<std::byte*>(data.data() + consumed));
    z->avail_in = static_cast<uInt>(in_now);
    z->next_out = reinterpret_cast<Bytef*>(payload.data() + before);
    z->avail_out = static_cast<uInt>(room);
    const int rc = inflate(z.get(), Z_NO_FLUSH);
    consumed += in_now - z->avail_in;
    payload.resize(before + room - z->avail_out);
    if (rc == Z_STREAM_END) return consumed;
    if (rc == Z_BUF_ERROR && z->avail_in == 0 && consumed == data.size()) {
      return MakeError(ErrorCode::kInvalidArgument, "inflate: truncated deflate stream");
    }
    if (rc != Z_OK && rc != Z_BUF_ERROR)
      return MakeError(ErrorCode::kInvalidArgument, "inflate: bad deflate data");
  }
}

uint32_t Crc32(std::span<const std::byte> data, uint32_t crc) {
  while (!data.empty()) {
    const size_t n = std::min<size_t>(data.size(), std::numeric_limits<uInt>::max());
    crc = static_cast<uint32_t>(
        ::crc32(crc, reinterpret_cast<const Bytef*>(data.data()), static_cast<uInt>(n)));
    data = data.subspan(n);
  }
  return crc;
}

}  // namespace deltaglider
