#include "deltaglider/stream.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <string>
#include <vector>

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

TEST(StreamTest, HoldbackSinkKeepsTheTailUntilReleasedWhateverTheWriteSizes) {
  const std::string text = "0123456789abcdefghijklmnopqrstuvwxyz";
  for (size_t chunk : {1u, 4u, 7u, 36u}) {
    VectorSink out;
    HoldbackSink holdback(out, 10);
    for (size_t at = 0; at < text.size(); at += chunk) {
      ASSERT_TRUE(holdback.Write(AsBytes(std::string_view(text).substr(at, chunk))).ok());
      const size_t written = std::min(text.size(), at + chunk);
      EXPECT_EQ(AsChars(out.bytes()), text.substr(0, written > 10 ? written - 10 : 0));
    }
    EXPECT_EQ(AsChars(out.bytes()), text.substr(0, text.size() - 10)) << "chunk " << chunk;
    ASSERT_TRUE(holdback.Release().ok());
    EXPECT_EQ(AsChars(out.bytes()), text);
  }
  VectorSink small;
  HoldbackSink whole(small, 100);  // a file shorter than the hold: nothing before Release
  ASSERT_TRUE(whole.Write(AsBytes("short")).ok());
  EXPECT_TRUE(small.bytes().empty());
}

TEST(StreamTest, ObservedSourceCountsEachPassAndItsObserverCanStopIt) {
  SpanSource inner(AsBytes("0123456789"));
  std::vector<uint64_t> heard;
  ObservedSource source(inner, [&](uint64_t done, std::optional<uint64_t> total) {
    EXPECT_EQ(total, 10u);
    heard.push_back(done);
    return done > 8 ? MakeError(ErrorCode::kUnavailable, "stop") : OkStatus();
  });
  std::byte buffer[4];
  ASSERT_TRUE(source.Read(buffer).ok());
  ASSERT_TRUE(source.Read(buffer).ok());
  EXPECT_EQ(source.Read(buffer).code(), ErrorCode::kUnavailable);  // 10 > 8
  ASSERT_TRUE(source.Rewind().ok());
  ASSERT_TRUE(source.Read(buffer).ok());
  EXPECT_EQ(heard, (std::vector<uint64_t>{4, 8, 10, 4}));  // a new pass starts at 0
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
