// NewMemoryStorage() against the ObjectStore conformance suite, plus what only
// the memory store promises.
#include <gtest/gtest.h>

#include "deltaglider/memory.h"
#include "tests/conformance/object_store_conformance.h"

namespace deltaglider {
namespace {

using testing::ObjectStoreConformance;
using testing::StorageFactory;
using testing::StorageFactoryName;

INSTANTIATE_TEST_SUITE_P(Memory, ObjectStoreConformance,
                         ::testing::Values(StorageFactory{
                             "memory",
                             [](const std::string&) -> Result<std::unique_ptr<Storage>> {
                               return NewMemoryStorage();
                             }}),
                         StorageFactoryName);

TEST(MemoryStorage, OffersConditionalPut) {
  auto storage = NewMemoryStorage();
  ASSERT_TRUE(storage->CreateBucket("bucket").ok());
  auto store = storage->OpenBucket("bucket");
  ASSERT_TRUE(store.ok());
  EXPECT_TRUE((*store)->capabilities().conditional_put);
}

TEST(MemoryStorage, StoresOutliveTheirStorageSafely) {
  auto storage = NewMemoryStorage();
  ASSERT_TRUE(storage->CreateBucket("bucket").ok());
  auto store = std::move(storage->OpenBucket("bucket")).value();
  SpanSource body(AsBytes("data"));
  ASSERT_TRUE(store->Put("k", body, {}).ok());
  storage.reset();
  VectorSink sink;
  auto got = store->Get("k", sink);
  ASSERT_TRUE(got.ok()) << got.error().message;
  EXPECT_EQ(AsChars(sink.bytes()), "data");
}

TEST(MemoryStorage, KeysThatADirectoryStoreRefusesAreFine) {
  // S3 semantics: "a" and "a/b" coexist, "//" and "." segments are ordinary.
  auto storage = NewMemoryStorage();
  ASSERT_TRUE(storage->CreateBucket("bucket").ok());
  auto store = std::move(storage->OpenBucket("bucket")).value();
  for (const char* key : {"a", "a/b", "x//y", "./z", "/abs"}) {
    SpanSource body(AsBytes(key));
    auto put = store->Put(key, body, {});
    EXPECT_TRUE(put.ok()) << key << ": " << put.error().message;
  }
  VectorSink sink;
  ASSERT_TRUE(store->Get("a/b", sink).ok());
  EXPECT_EQ(AsChars(sink.bytes()), "a/b");
}

TEST(MemoryStorage, DescribesItself) { EXPECT_EQ(NewMemoryStorage()->Describe(), "memory"); }

}  // namespace
}  // namespace deltaglider
