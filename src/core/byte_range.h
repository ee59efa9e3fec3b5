// Byte ranges of a logical file: an HTTP Range header parsed into a ByteRange,
// a ByteRange resolved against a file's size into the bytes a ranged Get sends,
// and a sink that passes on only those bytes of a whole-file stream. Pure: no
// store access.
#pragma once

#include <cstdint>
#include <string_view>

#include "deltaglider/client.h"
#include "deltaglider/stream.h"

namespace deltaglider {

// The bytes [offset, offset + length) of a file.
struct ByteSpan {
  uint64_t offset = 0;
  uint64_t length = 0;
};

// The bytes `range` names in a file of `size` bytes; kOutOfRange when none
// (the range starts at or past the end, a suffix of 0 bytes, an empty file).
Result<ByteSpan> ResolveRange(const ByteRange& range, uint64_t size);

// Writes to `sink` only the bytes of `span` of the stream written to it.
class SpanFilterSink final : public ByteSink {
 public:
  SpanFilterSink(ByteSink& sink, ByteSpan span) : sink_(sink), span_(span) {}
  Status Write(std::span<const std::byte> data) override;

 private:
  ByteSink& sink_;
  ByteSpan span_;
  uint64_t position_ = 0;  // bytes of the stream seen so far
};

}  // namespace deltaglider
