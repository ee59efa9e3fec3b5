#include "core/spooled_bytes.h"

#include <gtest/gtest.h>

#include "deltaglider/memory.h"

namespace deltaglider {
namespace {

using Bytes = std::vector<std::byte>;

// A memory spool counting the files it made.
class CountingSpool final : public Spool {
 public:
  Result<std::unique_ptr<SpoolFile>> Create() override {
    ++created;
    return memory_->Create();
  }
  int created = 0;

 private:
  std::unique_ptr<Spool> memory_ = NewMemorySpool();
};

Bytes Counting(size_t n) {
  Bytes out(n);
  for (size_t i = 0; i < n; ++i) out[i] = static_cast<std::byte>(i * 7);
  return out;
}

Bytes Written(SpooledBytes& spooled) {
  auto source = spooled.Read();
  EXPECT_TRUE(source.ok());
  return ReadAll(**source).value();
}

TEST(SpooledBytesTest, SmallResultsStayInMemory) {
  CountingSpool spool;
  SpooledBytes bytes(&spool, std::nullopt, 100);
  const Bytes data = Counting(100);
  ASSERT_TRUE(bytes.Write(data).ok());
  EXPECT_TRUE(bytes.in_memory());
  EXPECT_EQ(spool.created, 0);
  EXPECT_EQ(Written(bytes), data);
}

TEST(SpooledBytesTest, LargeResultsMoveToTheSpoolWithEveryByteInOrder) {
  CountingSpool spool;
  SpooledBytes bytes(&spool, std::nullopt, 100);
  const Bytes data = Counting(1000);
  for (size_t at = 0; at < data.size(); at += 30) {
    ASSERT_TRUE(
        bytes.Write(std::span(data).subspan(at, std::min<size_t>(30, data.size() - at))).ok());
  }
  EXPECT_FALSE(bytes.in_memory());
  EXPECT_EQ(spool.created, 1);
  EXPECT_EQ(bytes.size(), 1000U);
  EXPECT_EQ(Written(bytes), data);
}

TEST(SpooledBytesTest, AWritePastTheLimitFailsAndAddsNothing) {
  CountingSpool spool;
  SpooledBytes bytes(&spool, 150, 100);
  ASSERT_TRUE(bytes.Write(Counting(120)).ok());
  EXPECT_EQ(bytes.Write(Counting(31)).code(), ErrorCode::kResourceExhausted);
  ASSERT_TRUE(bytes.Write(Counting(30)).ok());
  EXPECT_EQ(bytes.size(), 150U);
}

TEST(SpooledBytesTest, WithoutASpoolEverythingStaysInMemory) {
  SpooledBytes bytes(nullptr, std::nullopt, 10);
  const Bytes data = Counting(500);
  ASSERT_TRUE(bytes.Write(data).ok());
  EXPECT_TRUE(bytes.in_memory());
  EXPECT_EQ(Written(bytes), data);
}

}  // namespace
}  // namespace deltaglider
