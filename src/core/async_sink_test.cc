#include "deltaglider/async_sink.h"

#include <gtest/gtest.h>

#include <string>

namespace deltaglider {
namespace {

class FailingSink final : public ByteSink {
 public:
  explicit FailingSink(size_t fail_after) : fail_after_(fail_after) {}
  Status Write(std::span<const std::byte> data) override {
    if (written_ + data.size() > fail_after_) return MakeError(ErrorCode::kResourceExhausted, "disk full");
    written_ += data.size();
    return OkStatus();
  }

 private:
  size_t fail_after_;
  size_t written_ = 0;
};

TEST(AsyncSinkTest, DeliversEveryByteInOrder) {
  VectorSink inner;
  std::string expected;
  {
    AsyncSink sink(inner, 1000);
    for (int i = 0; i < 5000; ++i) {
      const std::string piece = std::to_string(i) + ",";
      expected += piece;
      ASSERT_TRUE(sink.Write(AsBytes(piece)).ok());
    }
    ASSERT_TRUE(sink.Finish().ok());
  }
  EXPECT_EQ(AsChars(inner.bytes()), expected);
}

TEST(AsyncSinkTest, ReportsTheInnerError) {
  FailingSink inner(10000);
  AsyncSink sink(inner, 4096);
  const std::string chunk(3000, 'x');
  Status last;
  for (int i = 0; i < 20 && last.ok(); ++i) last = sink.Write(AsBytes(chunk));
  Status finished = sink.Finish();
  EXPECT_EQ(finished.code(), ErrorCode::kResourceExhausted);
  EXPECT_EQ(finished.message(), "disk full");
}

TEST(AsyncSinkTest, EmptyFinishIsOk) {
  VectorSink inner;
  AsyncSink sink(inner);
  EXPECT_TRUE(sink.Finish().ok());
  EXPECT_TRUE(inner.bytes().empty());
}

}  // namespace
}  // namespace deltaglider
