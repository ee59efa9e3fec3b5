#include "tests/conformance/object_store_conformance.h"

#include <gmock/gmock.h>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <cstring>
#include <latch>
#include <random>
#include <thread>

#include "core/hash.h"

namespace deltaglider::testing {

void PrintTo(const StorageFactory& factory, std::ostream* out) { *out << factory.name; }

std::string StorageFactoryName(const ::testing::TestParamInfo<StorageFactory>& info) {
  return info.param.name;
}

void ObjectStoreConformance::SetUp() {
  auto storage = GetParam().make(scratch_.path());
  ASSERT_TRUE(storage.ok()) << storage.error().message;
  storage_ = std::move(storage).value();
}

// Best effort: empties and removes every bucket this test created.
void ObjectStoreConformance::TearDown() {
  if (storage_ == nullptr) return;
  for (const std::string& name : created_buckets_) {
    auto store = storage_->OpenBucket(name);
    if (!store.ok()) continue;
    std::vector<std::string> keys;
    Status listed = (*store)->List({}, [&keys](const ListEntry& entry) {
      keys.push_back(entry.key);
      return OkStatus();
    });
    if (!listed.ok()) continue;
    for (const std::string& key : keys) (void)(*store)->Delete(key);
    (void)storage_->DeleteBucket(name);
  }
}

std::string ObjectStoreConformance::UniqueBucketName() {
  static std::atomic<int> counter{0};
  static const std::string run = [] {
    std::random_device device;
    return std::to_string(device() % 1000000000u);
  }();
  return "dgc-" + run + "-" + std::to_string(counter++);
}

ObjectStore& ObjectStoreConformance::NewBucket() { return NewBucket(nullptr); }

ObjectStore& ObjectStoreConformance::NewBucket(std::string* name) {
  const std::string bucket = UniqueBucketName();
  Status created = storage_->CreateBucket(bucket);
  EXPECT_TRUE(created.ok()) << bucket << ": " << created.message();
  created_buckets_.push_back(bucket);
  auto store = storage_->OpenBucket(bucket);
  EXPECT_TRUE(store.ok()) << bucket;
  stores_.push_back(std::move(store).value());
  if (name != nullptr) *name = bucket;
  return *stores_.back();
}

namespace {

using ::testing::ElementsAre;
using ::testing::ElementsAreArray;
using ::testing::HasSubstr;
using ::testing::UnorderedElementsAreArray;

constexpr char kHelloMd5[] = "5eb63bbbe01eeed093cb22bb8f5acdc3";  // md5("hello world")
constexpr char kEmptyMd5[] = "d41d8cd98f00b204e9800998ecf8427e";

std::string Md5Hex(std::string_view data) {
  Hasher hasher(Hasher::Algorithm::kMd5);
  hasher.Update(AsBytes(data));
  return hasher.HexDigest();
}

std::string RandomBytes(size_t size, uint32_t seed) {
  std::mt19937 rng(seed);
  std::string data(size, '\0');
  for (char& c : data) c = static_cast<char>(rng() & 0xff);
  return data;
}

Result<ObjectHead> PutString(ObjectStore& store, std::string_view key, std::string_view data,
                             const PutOptions& options = {}) {
  SpanSource source(AsBytes(data));
  return store.Put(key, source, options);
}

Result<ObjectHead> PutIfAbsent(ObjectStore& store, std::string_view key, std::string_view data) {
  PutOptions options;
  options.if_none_match = true;
  return PutString(store, key, data, options);
}

// The object's bytes, or the Get error.
Result<std::string> GetString(ObjectStore& store, std::string_view key) {
  VectorSink sink;
  DG_RETURN_IF_ERROR(store.Get(key, sink));
  return std::string(AsChars(sink.bytes()));
}

std::vector<ListEntry> ListEntries(ObjectStore& store, std::string prefix = "",
                                   std::string delimiter = "", std::string start_after = "") {
  std::vector<ListEntry> entries;
  Status listed = store.List({std::move(prefix), std::move(delimiter), std::move(start_after)},
                             [&entries](const ListEntry& entry) {
                               entries.push_back(entry);
                               return OkStatus();
                             });
  EXPECT_TRUE(listed.ok()) << listed.message();
  return entries;
}

// Keys as listed; common prefixes are marked "P:".
std::vector<std::string> ListKeys(ObjectStore& store, std::string prefix = "",
                                  std::string delimiter = "", std::string start_after = "") {
  std::vector<std::string> keys;
  for (const ListEntry& entry :
       ListEntries(store, std::move(prefix), std::move(delimiter), std::move(start_after))) {
    keys.push_back(entry.is_prefix ? "P:" + entry.key : entry.key);
  }
  return keys;
}

std::vector<std::string> BucketNames(Storage& storage) {
  auto buckets = storage.ListBuckets();
  EXPECT_TRUE(buckets.ok()) << buckets.error().message;
  std::vector<std::string> names;
  if (buckets.ok()) {
    for (const BucketInfo& info : *buckets) names.push_back(info.name);
  }
  return names;
}

// Hands out its bytes `chunk` at a time, cannot rewind and does not know its size:
// what a pipe looks like.
class TrickleSource final : public ByteSource {
 public:
  TrickleSource(std::string data, size_t chunk) : data_(std::move(data)), chunk_(chunk) {}
  Result<size_t> Read(std::span<std::byte> buffer) override {
    const size_t n = std::min({buffer.size(), chunk_, data_.size() - offset_});
    std::memcpy(buffer.data(), data_.data() + offset_, n);
    offset_ += n;
    return n;
  }
  Status Rewind() override { return MakeError(ErrorCode::kUnsupported, "cannot rewind"); }
  std::optional<uint64_t> size() const override { return std::nullopt; }

 private:
  std::string data_;
  size_t chunk_;
  size_t offset_ = 0;
};

// Yields `good` bytes, then fails with kUnavailable.
class FailingSource final : public ByteSource {
 public:
  explicit FailingSource(size_t good) : good_(good) {}
  Result<size_t> Read(std::span<std::byte> buffer) override {
    if (given_ >= good_) return MakeError(ErrorCode::kUnavailable, "source broke");
    const size_t n = std::min(buffer.size(), good_ - given_);
    std::fill_n(buffer.begin(), n, std::byte{'x'});
    given_ += n;
    return n;
  }
  Status Rewind() override {
    given_ = 0;
    return OkStatus();
  }
  std::optional<uint64_t> size() const override { return good_ * 2; }

 private:
  size_t good_;
  size_t given_ = 0;
};

class FailingSink final : public ByteSink {
 public:
  Status Write(std::span<const std::byte>) override {
    return MakeError(ErrorCode::kResourceExhausted, "sink full");
  }
};

bool RequireConditionalPut(ObjectStore& store) { return store.capabilities().conditional_put; }

TEST_P(ObjectStoreConformance, PutGetHeadRoundTripKeepsBytesMetadataAndContentType) {
  ObjectStore& store = NewBucket();
  PutOptions options;
  options.metadata = {{"dg-file-sha256", std::string(64, 'a')}, {"dg-note", "stored direct"}};
  options.content_type = "application/zip";
  const auto before = std::chrono::system_clock::now() - std::chrono::seconds(5);

  auto put = PutString(store, "dir/file.zip", "hello world", options);
  ASSERT_TRUE(put.ok()) << put.error().message;
  const auto after = std::chrono::system_clock::now() + std::chrono::seconds(5);
  EXPECT_EQ(put->key, "dir/file.zip");
  EXPECT_EQ(put->size, 11u);
  EXPECT_EQ(put->etag, kHelloMd5);

  VectorSink sink;
  auto got = store.Get("dir/file.zip", sink);
  ASSERT_TRUE(got.ok()) << got.error().message;
  EXPECT_EQ(AsChars(sink.bytes()), "hello world");
  EXPECT_EQ(got->key, "dir/file.zip");
  EXPECT_EQ(got->size, 11u);
  EXPECT_EQ(got->etag, kHelloMd5);
  EXPECT_EQ(got->metadata, options.metadata);
  EXPECT_EQ(got->content_type, "application/zip");

  auto head = store.Head("dir/file.zip");
  ASSERT_TRUE(head.ok()) << head.error().message;
  EXPECT_EQ(head->key, "dir/file.zip");
  EXPECT_EQ(head->size, 11u);
  EXPECT_EQ(head->etag, kHelloMd5);
  EXPECT_EQ(head->metadata, options.metadata);
  EXPECT_EQ(head->content_type, "application/zip");
  EXPECT_GT(head->last_modified, before);
  EXPECT_LT(head->last_modified, after);
}

TEST_P(ObjectStoreConformance, EtagIsMd5HexOfTheBytesEverywhere) {
  ObjectStore& store = NewBucket();
  const std::string data = RandomBytes(100000, 7);
  auto put = PutString(store, "blob", data);
  ASSERT_TRUE(put.ok()) << put.error().message;
  const std::string md5 = Md5Hex(data);
  EXPECT_EQ(put->etag, md5);
  auto head = store.Head("blob");
  ASSERT_TRUE(head.ok());
  EXPECT_EQ(head->etag, md5);
  auto listed = ListEntries(store);
  ASSERT_EQ(listed.size(), 1u);
  EXPECT_EQ(listed[0].etag, md5);
  EXPECT_EQ(listed[0].size, data.size());
  EXPECT_FALSE(listed[0].is_prefix);
  EXPECT_NE(listed[0].last_modified, TimePoint{});
}

TEST_P(ObjectStoreConformance, OverwriteReplacesBytesAndAllMetadata) {
  ObjectStore& store = NewBucket();
  PutOptions first;
  first.metadata = {{"dg-a", "1"}};
  first.content_type = "text/plain";
  ASSERT_TRUE(PutString(store, "k", "first version, longer", first).ok());
  PutOptions second;
  second.metadata = {{"dg-b", "2"}};
  ASSERT_TRUE(PutString(store, "k", "second", second).ok());

  EXPECT_EQ(GetString(store, "k").value(), "second");
  auto head = store.Head("k");
  ASSERT_TRUE(head.ok());
  EXPECT_EQ(head->size, 6u);
  EXPECT_EQ(head->metadata, second.metadata);  // not merged with the old metadata
  EXPECT_EQ(head->content_type, "application/octet-stream");
  EXPECT_THAT(ListKeys(store), ElementsAre("k"));
}

TEST_P(ObjectStoreConformance, EmptyObjectRoundTrips) {
  ObjectStore& store = NewBucket();
  auto put = PutString(store, "empty", "");
  ASSERT_TRUE(put.ok()) << put.error().message;
  EXPECT_EQ(put->size, 0u);
  EXPECT_EQ(put->etag, kEmptyMd5);
  VectorSink sink;
  auto got = store.Get("empty", sink);
  ASSERT_TRUE(got.ok()) << got.error().message;
  EXPECT_TRUE(sink.bytes().empty());
  EXPECT_EQ(got->size, 0u);
  EXPECT_EQ(got->etag, kEmptyMd5);
  auto listed = ListEntries(store);
  ASSERT_EQ(listed.size(), 1u);
  EXPECT_EQ(listed[0].key, "empty");
  EXPECT_EQ(listed[0].size, 0u);
}

TEST_P(ObjectStoreConformance, ThreeMegabyteObjectRoundTrips) {
  ObjectStore& store = NewBucket();
  const std::string data = RandomBytes(3 * 1024 * 1024 + 17, 3);
  auto put = PutString(store, "big.bin", data);
  ASSERT_TRUE(put.ok()) << put.error().message;
  EXPECT_EQ(put->size, data.size());
  auto got = GetString(store, "big.bin");
  ASSERT_TRUE(got.ok()) << got.error().message;
  EXPECT_TRUE(*got == data) << "3 MiB body differs after the round trip";
  EXPECT_EQ(store.Head("big.bin")->etag, Md5Hex(data));
}

TEST_P(ObjectStoreConformance, PutReadsSourcesInSmallChunksWithoutRewindOrSize) {
  ObjectStore& store = NewBucket();
  const std::string data = RandomBytes(70000, 11);
  TrickleSource source(data, 1000);
  auto put = store.Put("trickled", source, {});
  ASSERT_TRUE(put.ok()) << put.error().message;
  EXPECT_EQ(put->size, data.size());
  EXPECT_EQ(put->etag, Md5Hex(data));
  EXPECT_TRUE(GetString(store, "trickled").value() == data);
}

TEST_P(ObjectStoreConformance, FailedSourceLeavesTheOldObjectIntact) {
  ObjectStore& store = NewBucket();
  ASSERT_TRUE(PutString(store, "k", "old").ok());
  FailingSource broken(5000);
  auto put = store.Put("k", broken, {});
  ASSERT_FALSE(put.ok());
  EXPECT_EQ(put.code(), ErrorCode::kUnavailable) << put.error().message;
  EXPECT_EQ(GetString(store, "k").value(), "old");

  FailingSource broken_new(10);
  EXPECT_FALSE(store.Put("fresh", broken_new, {}).ok());
  EXPECT_EQ(store.Head("fresh").code(), ErrorCode::kNotFound);
  EXPECT_THAT(ListKeys(store), ElementsAre("k"));
}

TEST_P(ObjectStoreConformance, MissingKeyIsNotFoundAndNotAMissingBucket) {
  ObjectStore& store = NewBucket();
  ASSERT_TRUE(PutString(store, "present", "x").ok());
  auto head = store.Head("absent/key.bin");
  ASSERT_EQ(head.code(), ErrorCode::kNotFound) << head.error().message;
  EXPECT_THAT(head.error().message, HasSubstr("absent/key.bin"));

  VectorSink sink;
  auto got = store.Get("absent/key.bin", sink);
  ASSERT_EQ(got.code(), ErrorCode::kNotFound) << got.error().message;
  EXPECT_THAT(got.error().message, HasSubstr("absent/key.bin"));
  EXPECT_TRUE(sink.bytes().empty());
  // A key that is a prefix of an existing key is not an object either.
  EXPECT_EQ(store.Head("pres").code(), ErrorCode::kNotFound);
}

TEST_P(ObjectStoreConformance, EveryOperationOnAMissingBucketIsNoSuchBucket) {
  const std::string name = UniqueBucketName();
  auto opened = storage().OpenBucket(name);
  ASSERT_TRUE(opened.ok()) << "OpenBucket must not check existence";
  ObjectStore& store = **opened;
  EXPECT_EQ(store.bucket(), name);

  auto expect_no_such_bucket = [&name](const Status& status, const char* op) {
    ASSERT_EQ(status.code(), ErrorCode::kBucketNotFound) << op << ": " << status.message();
    EXPECT_THAT(status.message(), HasSubstr(name)) << op;
  };
  expect_no_such_bucket(store.Head("k").status(), "head");
  VectorSink sink;
  expect_no_such_bucket(store.Get("k", sink).status(), "get");
  expect_no_such_bucket(PutString(store, "k", "data").status(), "put");
  expect_no_such_bucket(PutIfAbsent(store, "k", "data").status(), "put if absent");
  expect_no_such_bucket(store.List({}, [](const ListEntry&) { return OkStatus(); }), "list");
  expect_no_such_bucket(store.Delete("k"), "delete");
  expect_no_such_bucket(storage().DeleteBucket(name), "delete bucket");
  EXPECT_THAT(BucketNames(storage()), ::testing::Not(::testing::Contains(name)));
}

TEST_P(ObjectStoreConformance, IfNoneMatchCreatesOnceAndKeepsTheOriginal) {
  ObjectStore& store = NewBucket();
  if (!RequireConditionalPut(store)) GTEST_SKIP() << "store has no conditional put";
  auto first = PutIfAbsent(store, "reference.bin", "original");
  ASSERT_TRUE(first.ok()) << first.error().message;
  EXPECT_EQ(first->etag, Md5Hex("original"));

  auto second = PutIfAbsent(store, "reference.bin", "usurper!");
  ASSERT_EQ(second.code(), ErrorCode::kAlreadyExists) << second.status().message();
  EXPECT_EQ(GetString(store, "reference.bin").value(), "original");
  EXPECT_EQ(store.Head("reference.bin")->size, 8u);
  // An unconditional put still overwrites.
  ASSERT_TRUE(PutString(store, "reference.bin", "replaced").ok());
  EXPECT_EQ(GetString(store, "reference.bin").value(), "replaced");
}

TEST_P(ObjectStoreConformance, ConcurrentIfNoneMatchHasExactlyOneWinner) {
  ObjectStore& store = NewBucket();
  if (!RequireConditionalPut(store)) GTEST_SKIP() << "store has no conditional put";
  constexpr int kThreads = 8;
  for (int round = 0; round < 5; ++round) {
    const std::string key = "race/" + std::to_string(round) + "/reference.bin";
    std::latch start(kThreads);
    std::vector<Result<ObjectHead>> results(kThreads, Error{});
    std::vector<std::thread> threads;
    for (int i = 0; i < kThreads; ++i) {
      threads.emplace_back([&, i] {
        const std::string body = "writer " + std::to_string(i) + " " + RandomBytes(20000, i);
        start.arrive_and_wait();
        results[i] = PutIfAbsent(store, key, body);
      });
    }
    for (std::thread& thread : threads) thread.join();

    int winner = -1;
    for (int i = 0; i < kThreads; ++i) {
      if (results[i].ok()) {
        EXPECT_EQ(winner, -1) << "round " << round << ": writers " << winner << " and " << i
                              << " both won";
        winner = i;
      } else {
        EXPECT_EQ(results[i].code(), ErrorCode::kAlreadyExists) << results[i].error().message;
      }
    }
    ASSERT_NE(winner, -1) << "round " << round << ": nobody won";
    auto stored = GetString(store, key);
    ASSERT_TRUE(stored.ok());
    EXPECT_TRUE(stored->starts_with("writer " + std::to_string(winner) + " "))
        << "stored bytes are not the winner's";
  }
}

TEST_P(ObjectStoreConformance, DeleteRemovesAndDeletingAMissingKeyIsOk) {
  ObjectStore& store = NewBucket();
  ASSERT_TRUE(PutString(store, "dir/a", "1").ok());
  ASSERT_TRUE(PutString(store, "dir/b", "2").ok());
  ASSERT_TRUE(store.Delete("dir/a").ok());
  EXPECT_EQ(store.Head("dir/a").code(), ErrorCode::kNotFound);
  EXPECT_EQ(GetString(store, "dir/b").value(), "2");
  EXPECT_THAT(ListKeys(store), ElementsAre("dir/b"));

  Status again = store.Delete("dir/a");
  EXPECT_TRUE(again.ok()) << again.message();
  Status never = store.Delete("never/existed");
  EXPECT_TRUE(never.ok()) << never.message();
  ASSERT_TRUE(store.Delete("dir/b").ok());
  EXPECT_TRUE(ListKeys(store).empty());
  // The key can be written again after its "directory" emptied.
  ASSERT_TRUE(PutString(store, "dir/a", "3").ok());
  EXPECT_EQ(GetString(store, "dir/a").value(), "3");
}

// The bytes GetRange returns, or its error; `size` gets the object's size.
Result<std::string> GetRangeString(ObjectStore& store, std::string_view key, uint64_t offset,
                                   uint64_t length, uint64_t* size = nullptr) {
  VectorSink sink;
  DG_ASSIGN_OR_RETURN(ObjectHead head, store.GetRange(key, offset, length, sink));
  if (size != nullptr) *size = head.size;
  return std::string(AsChars(sink.bytes()));
}

TEST_P(ObjectStoreConformance, GetRangeReturnsExactlyTheRangeAndTheWholeSize) {
  ObjectStore& store = NewBucket();
  const std::string data = RandomBytes(3 << 20, 11);
  ASSERT_TRUE(PutString(store, "big", data).ok());
  uint64_t size = 0;
  EXPECT_EQ(GetRangeString(store, "big", 0, 10, &size).value(), data.substr(0, 10));
  EXPECT_EQ(size, data.size());
  EXPECT_EQ(GetRangeString(store, "big", (1 << 20) - 3, 7).value(), data.substr((1 << 20) - 3, 7));
  EXPECT_EQ(GetRangeString(store, "big", data.size() - 5, 100).value(), data.substr(data.size() - 5));
  EXPECT_EQ(GetRangeString(store, "big", 0, UINT64_MAX).value(), data);
  EXPECT_EQ(GetRangeString(store, "big", data.size() + 10, 5, &size).value(), "");
  EXPECT_EQ(size, data.size());
  EXPECT_EQ(GetRangeString(store, "big", 3, 0).value(), "");
  EXPECT_EQ(GetRangeString(store, "missing", 0, 5).code(), ErrorCode::kNotFound);
}

TEST_P(ObjectStoreConformance, DeleteKeysRemovesManyAndIgnoresMissingOnes) {
  ObjectStore& store = NewBucket();
  std::vector<std::string> keys;
  for (int i = 0; i < 1003; ++i) keys.push_back("many/" + std::to_string(i) + " &<x>");
  // A thousand puts are slow on a real server; a few suffice to prove removal,
  // the rest are missing keys that must still be accepted in the same batches.
  for (int i : {0, 1, 999, 1000, 1002}) ASSERT_TRUE(PutString(store, keys[i], "x").ok());
  ASSERT_TRUE(PutString(store, "keep", "y").ok());
  Status deleted = store.DeleteKeys(keys);
  ASSERT_TRUE(deleted.ok()) << deleted.message();
  EXPECT_THAT(ListKeys(store), ElementsAre("keep"));
  EXPECT_TRUE(store.DeleteKeys({}).ok());
}

TEST_P(ObjectStoreConformance, CopyReplacesMetadataAndKeepsTheSource) {
  ObjectStore& store = NewBucket();
  if (!store.capabilities().server_side_copy) {
    EXPECT_EQ(store.CopyObject("a", "b", {}).code(), ErrorCode::kUnsupported);
    return;
  }
  const std::string data = RandomBytes(100000, 5);
  PutOptions original;
  original.metadata = {{"dg-note", "old"}};
  ASSERT_TRUE(PutString(store, "dir/source", data, original).ok());
  PutOptions replaced;
  replaced.metadata = {{"dg-note", "new"}, {"dg-file-sha256", std::string(64, 'b')}};
  replaced.content_type = "application/zip";
  auto copied = store.CopyObject("dir/source", "other/copy", replaced);
  ASSERT_TRUE(copied.ok()) << copied.error().message;
  EXPECT_EQ(copied->size, data.size());
  EXPECT_EQ(GetString(store, "other/copy").value(), data);
  EXPECT_EQ(GetString(store, "dir/source").value(), data);
  auto head = store.Head("other/copy");
  ASSERT_TRUE(head.ok());
  EXPECT_EQ(head->metadata, replaced.metadata);
  EXPECT_EQ(head->content_type, "application/zip");
  EXPECT_EQ(head->etag, Md5Hex(data));
  EXPECT_EQ(store.Head("dir/source")->metadata, original.metadata);

  EXPECT_EQ(store.CopyObject("missing", "x", {}).code(), ErrorCode::kNotFound);
  PutOptions create_only;
  create_only.if_none_match = true;
  EXPECT_EQ(store.CopyObject("dir/source", "other/copy", create_only).code(),
            ErrorCode::kAlreadyExists);
}

TEST_P(ObjectStoreConformance, ListIsInUtf8ByteOrder) {
  ObjectStore& store = NewBucket();
  const std::vector<std::string> keys = {"b",  "a0",     "A", "a+b", "é",    "a/b",
                                         "~x", "_under", "z", "Z/y", "日本", "a-b"};
  for (const std::string& key : keys) ASSERT_TRUE(PutString(store, key, key).ok()) << key;
  std::vector<std::string> sorted = keys;
  std::sort(sorted.begin(), sorted.end());  // std::string compares bytes as unsigned
  EXPECT_THAT(ListKeys(store), ElementsAreArray(sorted));
  EXPECT_EQ(sorted.front(), "A");
  EXPECT_EQ(sorted.back(), "日本");
}

TEST_P(ObjectStoreConformance, PrefixFiltersIncludingPartialSegments) {
  ObjectStore& store = NewBucket();
  for (const char* key : {"readme", "rel", "releases/v1/app.zip", "releases/v1/lib.zip",
                          "releases/v2/app.zip", "other/x", "r"}) {
    ASSERT_TRUE(PutString(store, key, key).ok()) << key;
  }
  EXPECT_THAT(ListKeys(store, "re"), ElementsAre("readme", "rel", "releases/v1/app.zip",
                                                 "releases/v1/lib.zip", "releases/v2/app.zip"));
  EXPECT_THAT(ListKeys(store, "releases/"),
              ElementsAre("releases/v1/app.zip", "releases/v1/lib.zip", "releases/v2/app.zip"));
  EXPECT_THAT(ListKeys(store, "releases/v1/a"), ElementsAre("releases/v1/app.zip"));
  EXPECT_THAT(ListKeys(store, "readme"), ElementsAre("readme"));
  EXPECT_TRUE(ListKeys(store, "readme/").empty());
  EXPECT_TRUE(ListKeys(store, "releases/v3/").empty());
  EXPECT_TRUE(ListKeys(store, "zzz").empty());
  EXPECT_EQ(ListKeys(store, "").size(), 7u);
}

TEST_P(ObjectStoreConformance, DelimiterGroupsCommonPrefixesOnce) {
  ObjectStore& store = NewBucket();
  for (const char* key :
       {"a.txt", "dir/x", "dir/y", "dir/sub/z", "dir/sub/deeper/w", "dir2/w", "e", "dir.zip"}) {
    ASSERT_TRUE(PutString(store, key, "12345").ok()) << key;
  }
  // '.' (0x2e) sorts before '/' (0x2f), which sorts before '2' (0x32).
  EXPECT_THAT(ListKeys(store, "", "/"), ElementsAre("a.txt", "dir.zip", "P:dir/", "P:dir2/", "e"));
  EXPECT_THAT(ListKeys(store, "dir/", "/"), ElementsAre("P:dir/sub/", "dir/x", "dir/y"));
  EXPECT_THAT(ListKeys(store, "di", "/"), ElementsAre("dir.zip", "P:dir/", "P:dir2/"));
  EXPECT_THAT(ListKeys(store, "dir/sub/", "/"), ElementsAre("P:dir/sub/deeper/", "dir/sub/z"));

  auto entries = ListEntries(store, "dir/", "/");
  ASSERT_EQ(entries.size(), 3u);
  EXPECT_TRUE(entries[0].is_prefix);
  EXPECT_EQ(entries[0].key, "dir/sub/");
  EXPECT_FALSE(entries[1].is_prefix);
  EXPECT_EQ(entries[1].size, 5u);
  EXPECT_EQ(entries[1].etag, Md5Hex("12345"));
}

TEST_P(ObjectStoreConformance, StartAfterListsOnlyLaterKeys) {
  ObjectStore& store = NewBucket();
  for (const char* key : {"a", "b0", "b/x", "b/y", "c", "c.delta", "d/e"}) {
    ASSERT_TRUE(PutString(store, key, key).ok()) << key;
  }
  // '/' (0x2f) sorts before '0' (0x30).
  EXPECT_THAT(ListKeys(store, "", "", "b"), ElementsAre("b/x", "b/y", "b0", "c", "c.delta", "d/e"));
  EXPECT_THAT(ListKeys(store, "", "", "b/x"), ElementsAre("b/y", "b0", "c", "c.delta", "d/e"));
  EXPECT_THAT(ListKeys(store, "", "", "bz"), ElementsAre("c", "c.delta", "d/e"));
  EXPECT_TRUE(ListKeys(store, "", "", "zzz").empty());
  EXPECT_THAT(ListKeys(store, "b/", "", "a"), ElementsAre("b/x", "b/y"));
  EXPECT_THAT(ListKeys(store, "b/", "", "b/x"), ElementsAre("b/y"));
  EXPECT_TRUE(ListKeys(store, "b/", "", "c").empty());
  EXPECT_THAT(ListKeys(store, "", "/", "a"), ElementsAre("P:b/", "b0", "c", "c.delta", "P:d/"));
  EXPECT_THAT(ListKeys(store, "", "/", "c"), ElementsAre("c.delta", "P:d/"));
}

TEST_P(ObjectStoreConformance, VisitorErrorStopsTheListing) {
  ObjectStore& store = NewBucket();
  for (const char* key : {"a", "b", "c", "d"}) ASSERT_TRUE(PutString(store, key, key).ok());
  int calls = 0;
  Status listed = store.List({}, [&calls](const ListEntry& entry) -> Status {
    ++calls;
    if (entry.key == "b") return MakeError(ErrorCode::kCorrupted, "stop at b");
    return OkStatus();
  });
  EXPECT_EQ(listed.code(), ErrorCode::kCorrupted);
  EXPECT_EQ(listed.message(), "stop at b");
  EXPECT_EQ(calls, 2);
}

TEST_P(ObjectStoreConformance, KeysWithSpecialCharactersRoundTrip) {
  ObjectStore& store = NewBucket();
  const std::vector<std::string> keys = {
      "with space/a b.txt", "ü/日本.zip",    "plus+sign",        "percent%20literal",
      "hash#tag",           "question?mark", "amp&eq=1",         "quote'\"",
      "star*and~tilde",     "back\\slash",   "semi;colon,comma", "(paren)[bracket]{brace}",
      "emoji-😀.bin"};
  for (const std::string& key : keys) {
    auto put = PutString(store, key, "body of " + key);
    ASSERT_TRUE(put.ok()) << key << ": " << put.error().message;
    EXPECT_EQ(put->key, key);
  }
  for (const std::string& key : keys) {
    auto got = GetString(store, key);
    ASSERT_TRUE(got.ok()) << key << ": " << got.error().message;
    EXPECT_EQ(*got, "body of " + key);
    auto head = store.Head(key);
    ASSERT_TRUE(head.ok()) << key;
    EXPECT_EQ(head->key, key);
  }
  EXPECT_THAT(ListKeys(store), UnorderedElementsAreArray(keys));
  EXPECT_THAT(ListKeys(store, "ü/"), ElementsAre("ü/日本.zip"));
  EXPECT_THAT(ListKeys(store, "with space/", "/"), ElementsAre("with space/a b.txt"));
  ASSERT_TRUE(store.Delete("ü/日本.zip").ok());
  EXPECT_EQ(store.Head("ü/日本.zip").code(), ErrorCode::kNotFound);
}

TEST_P(ObjectStoreConformance, MalformedKeysAreInvalidArgument) {
  ObjectStore& store = NewBucket();
  EXPECT_EQ(PutString(store, "", "x").code(), ErrorCode::kInvalidArgument);
  EXPECT_EQ(store.Head("").code(), ErrorCode::kInvalidArgument);
  const std::string too_long(1025, 'k');
  EXPECT_EQ(PutString(store, too_long, "x").code(), ErrorCode::kInvalidArgument);
  const std::string longest = std::string(200, 'a') + "/" + std::string(200, 'b') + "/" +
                              std::string(200, 'c') + "/" + std::string(200, 'd') + "/" +
                              std::string(220, 'e');
  ASSERT_EQ(longest.size(), 1024u);
  auto put = PutString(store, longest, "x");
  EXPECT_TRUE(put.ok()) << put.error().message;
  EXPECT_TRUE(ListKeys(store).size() == 1u);
}

TEST_P(ObjectStoreConformance, HandlesOnTheSameBucketSeeTheSameObjects) {
  std::string name;
  ObjectStore& writer = NewBucket(&name);
  auto reader = storage().OpenBucket(name);
  ASSERT_TRUE(reader.ok());
  ASSERT_TRUE(PutString(writer, "shared", "data").ok());
  EXPECT_EQ(GetString(**reader, "shared").value(), "data");
  ASSERT_TRUE((*reader)->Delete("shared").ok());
  EXPECT_EQ(writer.Head("shared").code(), ErrorCode::kNotFound);
}

TEST_P(ObjectStoreConformance, GetReportsTheSinkError) {
  ObjectStore& store = NewBucket();
  ASSERT_TRUE(PutString(store, "k", "some bytes").ok());
  FailingSink sink;
  EXPECT_EQ(store.Get("k", sink).code(), ErrorCode::kResourceExhausted);
}

TEST_P(ObjectStoreConformance, BucketsAreIndependent) {
  ObjectStore& one = NewBucket();
  ObjectStore& two = NewBucket();
  ASSERT_TRUE(PutString(one, "k", "in one").ok());
  EXPECT_EQ(two.Head("k").code(), ErrorCode::kNotFound);
  EXPECT_TRUE(ListKeys(two).empty());
  ASSERT_TRUE(PutString(two, "k", "in two").ok());
  EXPECT_EQ(GetString(one, "k").value(), "in one");
}

TEST_P(ObjectStoreConformance, CreateBucketTwiceIsAlreadyExists) {
  std::string name;
  NewBucket(&name);
  Status again = storage().CreateBucket(name);
  EXPECT_EQ(again.code(), ErrorCode::kBucketAlreadyExists) << again.message();
  const std::vector<std::string> names = BucketNames(storage());
  EXPECT_EQ(std::count(names.begin(), names.end(), name), 1);
}

TEST_P(ObjectStoreConformance, DeleteBucketRefusesANonEmptyBucket) {
  std::string name;
  ObjectStore& store = NewBucket(&name);
  ASSERT_TRUE(PutString(store, "deep/inside/k", "keep me").ok());
  Status refused = storage().DeleteBucket(name);
  EXPECT_EQ(refused.code(), ErrorCode::kBucketNotEmpty) << refused.message();
  EXPECT_EQ(GetString(store, "deep/inside/k").value(), "keep me");

  ASSERT_TRUE(store.Delete("deep/inside/k").ok());
  Status deleted = storage().DeleteBucket(name);
  ASSERT_TRUE(deleted.ok()) << deleted.message();
  EXPECT_THAT(BucketNames(storage()), ::testing::Not(::testing::Contains(name)));
  auto head = store.Head("deep/inside/k");
  EXPECT_EQ(head.code(), ErrorCode::kBucketNotFound) << head.error().message;
  // The name is free again.
  EXPECT_TRUE(storage().CreateBucket(name).ok());
}

TEST_P(ObjectStoreConformance, ListBucketsShowsCreatedBucketsInNameOrder) {
  std::string first;
  std::string second;
  NewBucket(&first);
  NewBucket(&second);
  const std::vector<std::string> names = BucketNames(storage());
  EXPECT_THAT(names, ::testing::Contains(first));
  EXPECT_THAT(names, ::testing::Contains(second));
  EXPECT_TRUE(std::is_sorted(names.begin(), names.end()));
  auto buckets = storage().ListBuckets();
  ASSERT_TRUE(buckets.ok());
  for (const BucketInfo& info : *buckets) {
    if (info.name == first) {
      EXPECT_NE(info.created, TimePoint{});
    }
  }
}

TEST_P(ObjectStoreConformance, InvalidBucketNamesAreRefused) {
  const std::vector<std::string> invalid = {"ab",
                                            std::string(64, 'a'),
                                            "Upper-case",
                                            "under_score",
                                            "-dash-first",
                                            "dash-last-",
                                            ".dot-first",
                                            "two..dots",
                                            "spa ce",
                                            "slash/y",
                                            ""};
  for (const std::string& name : invalid) {
    Status created = storage().CreateBucket(name);
    EXPECT_EQ(created.code(), ErrorCode::kInvalidArgument) << "'" << name << "'";
    EXPECT_EQ(storage().OpenBucket(name).code(), ErrorCode::kInvalidArgument) << "'" << name << "'";
  }
  EXPECT_TRUE(ValidateBucketName(std::string(63, 'a')).ok());
  EXPECT_TRUE(ValidateBucketName("a-b.c1").ok());
}

}  // namespace
}  // namespace deltaglider::testing
