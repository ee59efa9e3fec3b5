#include "codec/vcdiff/delta_reader.h"

#include <algorithm>
#include <string>

namespace deltaglider::vcdiff {
namespace {

constexpr size_t kBufferSize = size_t{64} << 10;
// ReadBytes reserves at most this much ahead of the bytes it has received.
constexpr uint64_t kMaxReserveAhead = uint64_t{1} << 20;

}  // namespace

DeltaReader::DeltaReader(ByteSource& source) : source_(source), buffer_(kBufferSize) {}

Result<bool> DeltaReader::Fill() {
  if (pos_ < end_) return true;
  DG_ASSIGN_OR_RETURN(size_t n, source_.Read(buffer_));
  pos_ = 0;
  end_ = n;
  return n > 0;
}

Error DeltaReader::Truncated(std::string_view what) const {
  return MakeError(ErrorCode::kCorrupted, "delta truncated in ", what, " at offset ",
                   std::to_string(consumed_));
}

Result<bool> DeltaReader::AtEnd() {
  DG_ASSIGN_OR_RETURN(bool more, Fill());
  return !more;
}

Result<uint8_t> DeltaReader::ReadByte(std::string_view what) {
  DG_ASSIGN_OR_RETURN(bool more, Fill());
  if (!more) return Truncated(what);
  ++consumed_;
  return static_cast<uint8_t>(buffer_[pos_++]);
}

Result<uint64_t> DeltaReader::ReadVarint(int max_bits, std::string_view what) {
  const uint64_t start = consumed_;
  uint64_t acc = 0;
  for (;;) {
    if ((acc >> (max_bits - 7)) != 0) {
      return MakeError(ErrorCode::kCorrupted, what, " at offset ", std::to_string(start),
                       " does not fit in ", std::to_string(max_bits), " bits");
    }
    DG_ASSIGN_OR_RETURN(uint8_t byte, ReadByte(what));
    acc = (acc << 7) | (byte & 0x7F);
    if ((byte & 0x80) == 0) return acc;
  }
}

Status DeltaReader::ReadBytes(uint64_t n, std::vector<std::byte>& out, std::string_view what) {
  out.clear();
  out.reserve(static_cast<size_t>(std::min(n, kMaxReserveAhead)));
  while (out.size() < n) {
    DG_ASSIGN_OR_RETURN(bool more, Fill());
    if (!more) return Truncated(what);
    const size_t take = static_cast<size_t>(std::min<uint64_t>(n - out.size(), end_ - pos_));
    out.insert(out.end(), buffer_.begin() + pos_, buffer_.begin() + pos_ + take);
    pos_ += take;
    consumed_ += take;
  }
  return OkStatus();
}

Status DeltaReader::Skip(uint64_t n, std::string_view what) {
  while (n > 0) {
    DG_ASSIGN_OR_RETURN(bool more, Fill());
    if (!more) return Truncated(what);
    const size_t take = static_cast<size_t>(std::min<uint64_t>(n, end_ - pos_));
    pos_ += take;
    consumed_ += take;
    n -= take;
  }
  return OkStatus();
}

}  // namespace deltaglider::vcdiff
