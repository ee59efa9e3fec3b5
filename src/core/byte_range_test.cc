#include "core/byte_range.h"

#include <gtest/gtest.h>

#include <string>

namespace deltaglider {
namespace {

ByteRange From(uint64_t first, std::optional<uint64_t> last = std::nullopt) {
  ByteRange range;
  range.first = first;
  range.last = last;
  return range;
}

ByteRange Suffix(uint64_t length) {
  ByteRange range;
  range.suffix = true;
  range.suffix_length = length;
  return range;
}

std::string Resolved(const ByteRange& range, uint64_t size) {
  Result<ByteSpan> span = ResolveRange(range, size);
  if (!span.ok()) return std::string(ErrorCodeName(span.code()));
  return std::to_string(span->offset) + "+" + std::to_string(span->length);
}

TEST(ParseByteRange, ReadsTheThreeFormsOfOneRange) {
  Result<ByteRange> range = ParseByteRange("bytes=0-99");
  ASSERT_TRUE(range.ok());
  EXPECT_EQ(range->first, 0u);
  EXPECT_EQ(range->last, 99u);
  EXPECT_FALSE(range->suffix);
  range = ParseByteRange("bytes=100-");
  ASSERT_TRUE(range.ok());
  EXPECT_EQ(range->first, 100u);
  EXPECT_FALSE(range->last.has_value());
  range = ParseByteRange("bytes=-500");
  ASSERT_TRUE(range.ok());
  EXPECT_TRUE(range->suffix);
  EXPECT_EQ(range->suffix_length, 500u);
}

TEST(ParseByteRange, RefusesWhatHttpWouldIgnore) {
  for (const char* bad :
       {"", "bytes=", "bytes=-", "bytes=5", "bytes=9-3", "bytes=a-b", "bytes=1-2x", "items=0-1",
        "bytes= 0-1", "bytes=+1-2", "bytes=99999999999999999999-"}) {
    EXPECT_EQ(ParseByteRange(bad).code(), ErrorCode::kInvalidArgument) << bad;
  }
  EXPECT_EQ(ParseByteRange("bytes=0-1,5-9").code(), ErrorCode::kUnsupported);
}

TEST(ResolveRange, ClampsToTheFileAndRefusesWhatS3AnswersWith416) {
  EXPECT_EQ(Resolved(From(0, 99), 1000), "0+100");
  EXPECT_EQ(Resolved(From(990, 2000), 1000), "990+10");  // the last byte clamps
  EXPECT_EQ(Resolved(From(999), 1000), "999+1");
  EXPECT_EQ(Resolved(From(1000), 1000), "out of range");
  EXPECT_EQ(Resolved(From(0), 0), "out of range");
  EXPECT_EQ(Resolved(Suffix(10), 1000), "990+10");
  EXPECT_EQ(Resolved(Suffix(5000), 1000), "0+1000");  // more than the file: all of it
  EXPECT_EQ(Resolved(Suffix(0), 1000), "out of range");
  EXPECT_EQ(Resolved(Suffix(3), 0), "out of range");
}

TEST(SpanFilterSink, PassesOnOnlyTheSpanWhateverTheWriteSizes) {
  const std::string text = "0123456789abcdefghij";
  for (size_t chunk : {1u, 3u, 7u, 20u}) {
    VectorSink out;
    SpanFilterSink window(out, ByteSpan{5, 9});
    for (size_t at = 0; at < text.size(); at += chunk) {
      ASSERT_TRUE(window.Write(AsBytes(std::string_view(text).substr(at, chunk))).ok());
    }
    EXPECT_EQ(AsChars(out.bytes()), "56789abcd") << "chunk " << chunk;
  }
}

}  // namespace
}  // namespace deltaglider
