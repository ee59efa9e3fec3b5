#include "core/byte_range.h"

#include <algorithm>
#include <charconv>
#include <string>

namespace deltaglider {
namespace {

Error NotSatisfiable(std::string_view range, uint64_t size) {
  return MakeError(ErrorCode::kOutOfRange, "range ", range, " is outside the file's ",
                   std::to_string(size), " bytes");
}

// A decimal number that is the whole of `text`.
std::optional<uint64_t> Number(std::string_view text) {
  uint64_t value = 0;
  const char* end = text.data() + text.size();
  auto [ptr, ec] = std::from_chars(text.data(), end, value);
  if (text.empty() || ec != std::errc() || ptr != end) return std::nullopt;
  return value;
}

std::string RangeText(const ByteRange& range) {
  if (range.suffix) return "bytes=-" + std::to_string(range.suffix_length);
  std::string text = "bytes=" + std::to_string(range.first) + "-";
  if (range.last) text += std::to_string(*range.last);
  return text;
}

}  // namespace

Result<ByteRange> ParseByteRange(std::string_view header) {
  auto bad = [header] {
    return MakeError(ErrorCode::kInvalidArgument, "malformed range '", header,
                     "' (expected bytes=FIRST-LAST, bytes=FIRST- or bytes=-LENGTH)");
  };
  constexpr std::string_view kUnit = "bytes=";
  if (!header.starts_with(kUnit)) return bad();
  const std::string_view spec = header.substr(kUnit.size());
  if (spec.find(',') != std::string_view::npos) {
    return MakeError(ErrorCode::kUnsupported, "range '", header, "': several ranges at once");
  }
  const size_t dash = spec.find('-');
  if (dash == std::string_view::npos) return bad();
  const std::string_view first = spec.substr(0, dash);
  const std::string_view last = spec.substr(dash + 1);
  ByteRange range;
  if (first.empty()) {
    std::optional<uint64_t> length = Number(last);
    if (!length) return bad();
    range.suffix = true;
    range.suffix_length = *length;
    return range;
  }
  std::optional<uint64_t> from = Number(first);
  if (!from) return bad();
  range.first = *from;
  if (last.empty()) return range;
  std::optional<uint64_t> to = Number(last);
  if (!to || *to < *from) return bad();
  range.last = *to;
  return range;
}

Result<ByteSpan> ResolveRange(const ByteRange& range, uint64_t size) {
  if (range.suffix) {
    if (range.suffix_length == 0 || size == 0) return NotSatisfiable(RangeText(range), size);
    const uint64_t length = std::min(range.suffix_length, size);
    return ByteSpan{size - length, length};
  }
  if (range.first >= size) return NotSatisfiable(RangeText(range), size);
  const uint64_t end = range.last ? std::min(*range.last + 1, size) : size;
  return ByteSpan{range.first, end - range.first};
}

Status SpanFilterSink::Write(std::span<const std::byte> data) {
  const uint64_t start = position_;
  position_ += data.size();
  const uint64_t from = std::max(start, span_.offset);
  const uint64_t to = std::min(position_, span_.offset + span_.length);
  if (from >= to) return OkStatus();
  return sink_.Write(data.subspan(from - start, to - from));
}

}  // namespace deltaglider
