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

using Inflater = std::unique_ptr<z_stream, InflateDeleter>;

Result<Inflater> NewInflater() {
  Inflater z(new z_stream{});
  if (inflateInit2(z.get(), -15) != Z_OK) {
    return MakeError(ErrorCode::kResourceExhausted, "inflate: inflateInit failed");
  }
  return z;
}

// One inflate() from data[consumed...] into out[0, room): advances `consumed`,
// returns how many bytes it wrote and whether the stream ended.
struct Step {
  size_t produced = 0;
  bool ended = false;
};
Result<Step> InflateStep(z_stream& z, std::span<const std::byte> data, size_t& consumed,
                         std::byte* out, size_t room) {
  const size_t in_now = std::min<size_t>(data.size() - consumed, std::numeric_limits<uInt>::max());
  z.next_in = reinterpret_cast<Bytef*>(const_cast<std::byte*>(data.data() + consumed));
  z.avail_in = static_cast<uInt>(in_now);
  z.next_out = reinterpret_cast<Bytef*>(out);
  z.avail_out = static_cast<uInt>(room);
  const int rc = inflate(&z, Z_NO_FLUSH);
  consumed += in_now - z.avail_in;
  const Step step{room - z.avail_out, rc == Z_STREAM_END};
  if (rc == Z_BUF_ERROR && z.avail_in == 0 && consumed == data.size()) {
    return MakeError(ErrorCode::kInvalidArgument, "inflate: truncated deflate stream");
  }
  if (rc != Z_OK && rc != Z_BUF_ERROR && rc != Z_STREAM_END)
    return MakeError(ErrorCode::kInvalidArgument, "inflate: bad deflate data");
  return step;
}

Error PastLimit() {
  return MakeError(ErrorCode::kResourceExhausted, "inflate: payload past its limit");
}

}  // namespace

Result<size_t> InflateRaw(std::span<const std::byte> data, uint64_t limit,
                          std::vector<std::byte>& payload) {
  DG_ASSIGN_OR_RETURN(Inflater z, NewInflater());
  // The output grows in chunks from 16 KiB to 1 MiB, so the many small entries
  // of a zip each cost a small chunk, not a large one.
  constexpr size_t kMaxChunk = size_t{1} << 20;
  size_t chunk = size_t{16} << 10;
  size_t consumed = 0;
  for (;; chunk = std::min(2 * chunk, kMaxChunk)) {
    const size_t before = payload.size();
    if (before >= limit) return PastLimit();
    const size_t room = static_cast<size_t>(std::min<uint64_t>(chunk, limit - before));
    payload.resize(before + room);
    Result<Step> step = InflateStep(*z, data, consumed, payload.data() + before, room);
    payload.resize(before + (step.ok() ? step->produced : 0));
    if (!step.ok()) return step.error();
    if (step->ended) return consumed;
  }
}

Result<InflatedStream> InflateRawTo(std::span<const std::byte> data, uint64_t limit,
                                    ByteSink& payload) {
  DG_ASSIGN_OR_RETURN(Inflater z, NewInflater());
  std::vector<std::byte> buffer(size_t{1} << 20);
  InflatedStream inflated;
  size_t consumed = 0;
  for (;;) {
    if (inflated.payload_size >= limit) return PastLimit();
    const size_t room =
        static_cast<size_t>(std::min<uint64_t>(buffer.size(), limit - inflated.payload_size));
    DG_ASSIGN_OR_RETURN(const Step step, InflateStep(*z, data, consumed, buffer.data(), room));
    const std::span<const std::byte> out(buffer.data(), step.produced);
    DG_RETURN_IF_ERROR(payload.Write(out));
    inflated.crc32 = Crc32(out, inflated.crc32);
    inflated.payload_size += step.produced;
    if (step.ended) {
      inflated.stream_size = consumed;
      return inflated;
    }
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
