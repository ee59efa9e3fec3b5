#include <gtest/gtest.h>

#include <thread>

#include "core/hash.h"
#include "deltaglider/cache.h"

namespace deltaglider {
namespace {

std::function<Status(ByteSink&)> Writes(const std::string& content) {
  return [content](ByteSink& sink) { return sink.Write(AsBytes(content)); };
}

std::string Sha(const std::string& content) { return Sha256Hex(AsBytes(content)); }

TEST(MemoryReferenceCacheTest, InsertThenFind) {
  auto cache = NewMemoryReferenceCache();
  EXPECT_EQ(cache->Find(Sha("abc")).code(), ErrorCode::kNotFound);
  auto inserted = cache->Insert(Sha("abc"), Writes("abc"));
  ASSERT_TRUE(inserted.ok());
  EXPECT_EQ(AsChars((*inserted)->bytes()), "abc");
  auto found = cache->Find(Sha("abc"));
  ASSERT_TRUE(found.ok());
  EXPECT_EQ(found->get(), inserted->get());
}

TEST(MemoryReferenceCacheTest, WrongHashIsCorruptedAndNotCached) {
  auto cache = NewMemoryReferenceCache();
  auto inserted = cache->Insert(Sha("expected"), Writes("actual"));
  EXPECT_EQ(inserted.code(), ErrorCode::kCorrupted);
  EXPECT_EQ(inserted.error().message,
            "reference bytes hash to " + Sha("actual") + ", expected " + Sha("expected"));
  EXPECT_EQ(cache->Find(Sha("expected")).code(), ErrorCode::kNotFound);
}

TEST(MemoryReferenceCacheTest, FillErrorIsReturnedAsIs) {
  auto cache = NewMemoryReferenceCache();
  auto inserted = cache->Insert(
      Sha("x"), [](ByteSink&) -> Status { return MakeError(ErrorCode::kUnavailable, "HTTP 503"); });
  EXPECT_EQ(inserted.code(), ErrorCode::kUnavailable);
  EXPECT_EQ(cache->Find(Sha("x")).code(), ErrorCode::kNotFound);
}

TEST(MemoryReferenceCacheTest, ConcurrentInsertsAgree) {
  auto cache = NewMemoryReferenceCache();
  const std::string content(100000, 'q');
  std::vector<std::thread> threads;
  std::atomic<int> failures{0};
  for (int i = 0; i < 4; ++i) {
    threads.emplace_back([&] {
      for (int j = 0; j < 20; ++j) {
        auto blob = cache->Insert(Sha(content), Writes(content));
        if (!blob.ok() || AsChars((*blob)->bytes()) != content) ++failures;
      }
    });
  }
  for (auto& t : threads) t.join();
  EXPECT_EQ(failures, 0);
}

}  // namespace
}  // namespace deltaglider
