#include "deltaglider/stream.h"

#include <algorithm>
#include <array>
#include <cstring>

namespace deltaglider {

Result<size_t> SpanSource::Read(std::span<std::byte> buffer) {
  const size_t n = std::min(buffer.size(), data_.size() - offset_);
  if (n > 0) std::memcpy(buffer.data(), data_.data() + offset_, n);
  offset_ += n;
  return n;
}

Status SpanSource::Rewind() {
  offset_ = 0;
  return OkStatus();
}

Status VectorSink::Write(std::span<const std::byte> data) {
  if (limit_ && bytes_.size() + data.size() > *limit_) {
    return MakeError(ErrorCode::kResourceExhausted, "output exceeds ",
                     std::to_string(*limit_), " bytes");
  }
  bytes_.insert(bytes_.end(), data.begin(), data.end());
  return OkStatus();
}

Status WatchedSink::Write(std::span<const std::byte> data) {
  Status written = next_.Write(data);
  if (!written.ok() && failure_.ok()) failure_ = written;
  return written;
}

Result<size_t> ObservedSource::Read(std::span<std::byte> buffer) {
  DG_ASSIGN_OR_RETURN(size_t n, inner_.Read(buffer));
  done_ += n;
  DG_RETURN_IF_ERROR(observe_(done_, inner_.size()));
  return n;
}

Status ObservedSource::Rewind() {
  DG_RETURN_IF_ERROR(inner_.Rewind());
  done_ = 0;
  return OkStatus();
}

Status ObservedSink::Write(std::span<const std::byte> data) {
  DG_RETURN_IF_ERROR(inner_.Write(data));
  done_ += data.size();
  return observe_(done_, std::nullopt);
}

Status HoldbackSink::Write(std::span<const std::byte> data) {
  const size_t total = held_.size() + data.size();
  if (total <= hold_) {
    held_.insert(held_.end(), data.begin(), data.end());
    return OkStatus();
  }
  size_t emit = total - hold_;  // the oldest bytes: the held ones first, then data's
  const size_t from_held = std::min(emit, held_.size());
  DG_RETURN_IF_ERROR(inner_.Write(std::span<const std::byte>(held_).first(from_held)));
  held_.erase(held_.begin(), held_.begin() + static_cast<std::ptrdiff_t>(from_held));
  emit -= from_held;
  DG_RETURN_IF_ERROR(inner_.Write(data.first(emit)));
  held_.insert(held_.end(), data.begin() + static_cast<std::ptrdiff_t>(emit), data.end());
  return OkStatus();
}

Status HoldbackSink::Release() {
  Status written = inner_.Write(held_);
  held_.clear();
  return written;
}

Result<uint64_t> Copy(ByteSource& source, ByteSink& sink) {
  std::vector<std::byte> buffer(1 << 20);
  uint64_t total = 0;
  for (;;) {
    DG_ASSIGN_OR_RETURN(size_t n, source.Read(buffer));
    if (n == 0) return total;
    DG_RETURN_IF_ERROR(sink.Write(std::span(buffer.data(), n)));
    total += n;
  }
}

Result<std::vector<std::byte>> ReadAll(ByteSource& source) {
  VectorSink sink;
  if (auto size = source.size()) sink.bytes().reserve(*size);
  DG_RETURN_IF_ERROR(Copy(source, sink));
  return std::move(sink.bytes());
}

Result<std::vector<std::byte>> ReadUpTo(ByteSource& source, size_t limit) {
  std::vector<std::byte> bytes(limit);
  size_t filled = 0;
  while (filled < limit) {
    DG_ASSIGN_OR_RETURN(const size_t n, source.Read(std::span(bytes).subspan(filled)));
    if (n == 0) break;
    filled += n;
  }
  bytes.resize(filled);
  return bytes;
}

std::span<const std::byte> AsBytes(std::string_view text) {
  return std::as_bytes(std::span(text.data(), text.size()));
}

std::string_view AsChars(std::span<const std::byte> bytes) {
  return std::string_view(reinterpret_cast<const char*>(bytes.data()), bytes.size());
}

}  // namespace deltaglider
