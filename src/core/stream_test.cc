#include "deltaglider/stream.h"

#include <gtest/gtest.h>

namespace deltaglider {
namespace {

TEST(StreamTest, SpanSourceReadsAndRewinds) {
  SpanSource source(AsBytes("hello world"));
  auto all = ReadAll(source);
  ASSERT_TRUE(all.ok());
  EXPECT_EQ(AsChars(*all), "hello world");
  std::array<std::byte, 4> buf{};
  EXPECT_EQ(*source.Read(buf), 0u);
  ASSERT_TRUE(source.Rewind().ok());
  EXPECT_EQ(*source.Read(buf), 4u);
  EXPECT_EQ(AsChars(buf), "hell");
}

TEST(StreamTest, VectorSinkLimitRejectsWholeWrite) {
  VectorSink sink(5);
  EXPECT_TRUE(sink.Write(AsBytes("abc")).ok());
  Status s = sink.Write(AsBytes("def"));
  EXPECT_EQ(s.code(), ErrorCode::kResourceExhausted);
  EXPECT_EQ(AsChars(sink.bytes()), "abc");
}

TEST(StreamTest, CopyCountsBytes) {
  std::string big(3 << 20, 'x');
  SpanSource source(AsBytes(big));
  NullSink sink;
  auto n = Copy(source, sink);
  ASSERT_TRUE(n.ok());
  EXPECT_EQ(*n, big.size());
  EXPECT_EQ(sink.count(), big.size());
}

}  // namespace
}  // namespace deltaglider
