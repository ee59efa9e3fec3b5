// NewFilesystemStorage() against the ObjectStore conformance suite, plus what
// only a directory store must get right: keys that could escape the root, the
// on-disk format, crash leftovers, hand-placed files and key/directory clashes.
#include <gtest/gtest.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <filesystem>
#include <thread>

#include "adapters/fs/object_file.h"
#include "core/hash.h"
#include "deltaglider/filesystem.h"
#include "tests/conformance/object_store_conformance.h"
#include "tests/testutil/temp_dir.h"

namespace deltaglider {
namespace {

namespace fs = std::filesystem;
using testing::ObjectStoreConformance;
using testing::ReadFile;
using testing::StorageFactory;
using testing::StorageFactoryName;
using testing::TempDir;
using testing::WriteFile;

INSTANTIATE_TEST_SUITE_P(Filesystem, ObjectStoreConformance,
                         ::testing::Values(StorageFactory{"filesystem",
                                                          [](const std::string& scratch) {
                                                            return NewFilesystemStorage(scratch +
                                                                                        "/store");
                                                          }}),
                         StorageFactoryName);

constexpr char kHelloMd5[] = "5eb63bbbe01eeed093cb22bb8f5acdc3";

// Every file and directory below `dir`, relative, sorted.
std::vector<std::string> Tree(const std::string& dir) {
  std::vector<std::string> paths;
  if (!fs::exists(dir)) return paths;
  for (const auto& entry : fs::recursive_directory_iterator(dir)) {
    paths.push_back(fs::relative(entry.path(), dir).string() + (entry.is_directory() ? "/" : ""));
  }
  std::sort(paths.begin(), paths.end());
  return paths;
}

class FsStorageTest : public ::testing::Test {
 protected:
  void SetUp() override {
    root_ = tmp_.Sub("store");
    storage_ = std::move(NewFilesystemStorage(root_)).value();
    ASSERT_TRUE(storage_->CreateBucket("bucket").ok());
    store_ = std::move(storage_->OpenBucket("bucket")).value();
  }

  Result<ObjectHead> Put(std::string_view key, std::string_view data, PutOptions options = {}) {
    SpanSource source(AsBytes(data));
    return store_->Put(key, source, options);
  }
  Result<std::string> Get(std::string_view key) {
    VectorSink sink;
    DG_RETURN_IF_ERROR(store_->Get(key, sink));
    return std::string(AsChars(sink.bytes()));
  }
  std::vector<std::string> Keys(std::string prefix = "", std::string delimiter = "") {
    std::vector<std::string> keys;
    Status listed = store_->List({prefix, delimiter}, [&keys](const ListEntry& entry) {
      keys.push_back(entry.key);
      return OkStatus();
    });
    EXPECT_TRUE(listed.ok()) << listed.message();
    return keys;
  }
  std::string Bucket(const std::string& relative = "") const {
    return root_ + "/bucket" + (relative.empty() ? "" : "/" + relative);
  }

  TempDir tmp_;
  std::string root_;
  std::unique_ptr<Storage> storage_;
  std::unique_ptr<ObjectStore> store_;
};

TEST_F(FsStorageTest, DescribesItselfByAbsoluteRootAndOffersConditionalPut) {
  EXPECT_EQ(storage_->Describe(), "file://" + root_);
  EXPECT_TRUE(store_->capabilities().conditional_put);

  const std::string cwd = fs::current_path().string();
  fs::current_path(tmp_.path());
  auto relative = NewFilesystemStorage("rel/dir/");
  fs::current_path(cwd);
  ASSERT_TRUE(relative.ok());
  EXPECT_EQ((*relative)->Describe(), "file://" + tmp_.path() + "/rel/dir");
}

TEST_F(FsStorageTest, UnsafeKeysAreRejectedAndNothingIsWrittenOutsideTheBucket) {
  ASSERT_TRUE(Put("inside", "ok").ok());
  const std::vector<std::string> unsafe = {"../escape",
                                           "../../escape",
                                           "/abs/escape",
                                           "a/../../escape",
                                           "..",
                                           ".",
                                           "a/./b",
                                           "a//b",
                                           "trailing/",
                                           "//",
                                           "a/..",
                                           std::string("nul\0byte", 8),
                                           std::string(1025, 'x')};
  for (const std::string& key : unsafe) {
    EXPECT_EQ(Put(key, "evil").code(), ErrorCode::kInvalidArgument) << "put '" << key << "'";
    EXPECT_EQ(store_->Head(key).code(), ErrorCode::kInvalidArgument) << "head '" << key << "'";
    EXPECT_EQ(Get(key).code(), ErrorCode::kInvalidArgument) << "get '" << key << "'";
    EXPECT_EQ(store_->Delete(key).code(), ErrorCode::kInvalidArgument) << "delete '" << key << "'";
  }
  PutOptions create_only;
  create_only.if_none_match = true;
  EXPECT_EQ(Put("../escape", "evil", create_only).code(), ErrorCode::kInvalidArgument);
  EXPECT_EQ(Put("a/../../escape", "x").status().message().find("'..'") != std::string::npos, true);

  // Prefixes that would leave the bucket list nothing rather than other buckets.
  ASSERT_TRUE(storage_->CreateBucket("other").ok());
  WriteFile(root_ + "/other/secret", "s");
  EXPECT_TRUE(Keys("../").empty());
  EXPECT_TRUE(Keys("../other/").empty());
  EXPECT_TRUE(Keys("/").empty());
  EXPECT_TRUE(Keys("./").empty());

  // Nothing appeared anywhere but "inside" and the test's own file.
  EXPECT_EQ(Tree(tmp_.path()), (std::vector<std::string>{"store/", "store/.dg-tmp/",
                                                         "store/bucket/", "store/bucket/inside",
                                                         "store/other/", "store/other/secret"}));
  // Bucket names cannot point elsewhere either.
  for (const char* name : {"..", ".", ".dg-tmp", "../store", "a/b"}) {
    EXPECT_EQ(storage_->OpenBucket(name).code(), ErrorCode::kInvalidArgument) << name;
    EXPECT_EQ(storage_->CreateBucket(name).code(), ErrorCode::kInvalidArgument) << name;
  }
}

TEST_F(FsStorageTest, ObjectFileIsMagicLengthJsonThenBytes) {
  PutOptions options;
  options.metadata = {{"dg-tool", "test"}};
  options.content_type = "text/plain";
  ASSERT_TRUE(Put("dir/hello.txt", "hello world", options).ok());
  const std::string file = ReadFile(Bucket("dir/hello.txt"));
  ASSERT_GT(file.size(), 12u);
  EXPECT_EQ(file.substr(0, 8), std::string("\x89"
                                           "DGOBJ\r\n",
                                           8));
  const auto* len = reinterpret_cast<const unsigned char*>(file.data() + 8);
  const size_t json_bytes = len[0] | (len[1] << 8) | (len[2] << 16) | (len[3] << 24);
  ASSERT_EQ(file.size(), 12 + json_bytes + 11);
  const std::string json = file.substr(12, json_bytes);
  EXPECT_NE(json.find(R"("metadata":{"dg-tool":"test"})"), std::string::npos) << json;
  EXPECT_NE(json.find(R"("content_type":"text/plain")"), std::string::npos) << json;
  EXPECT_NE(json.find(std::string(R"("etag":")") + kHelloMd5 + "\""), std::string::npos) << json;
  EXPECT_NE(json.find(R"("size":11)"), std::string::npos) << json;
  EXPECT_EQ(file.substr(12 + json_bytes), "hello world");
  // Nothing is left in the temp directory after a put.
  EXPECT_TRUE(fs::is_empty(root_ + "/.dg-tmp"));
}

TEST_F(FsStorageTest, NewFilesFollowTheUmaskLikeAnyOtherFile) {
  ASSERT_TRUE(Put("k", "x").ok());
  const mode_t mask = ::umask(0);
  ::umask(mask);
  struct stat st {};
  ASSERT_EQ(::stat(Bucket("k").c_str(), &st), 0);
  EXPECT_EQ(st.st_mode & 0777, 0666 & ~mask);
}

TEST_F(FsStorageTest, CrashLeftoversInTheTempDirectoryAreInvisible) {
  ASSERT_TRUE(Put("real", "data").ok());
  // A writer that died between write and rename leaves a complete-looking file.
  WriteFile(root_ + "/.dg-tmp/put-abc123", "half written");
  fs::create_directories(Bucket("empty/left/behind"));  // a crash during Delete
  EXPECT_EQ(Keys(), std::vector<std::string>{"real"});
  EXPECT_EQ(Keys("", "/"), std::vector<std::string>{"real"});  // no "empty/" prefix
  auto buckets = storage_->ListBuckets();
  ASSERT_TRUE(buckets.ok());
  ASSERT_EQ(buckets->size(), 1u);
  EXPECT_EQ((*buckets)[0].name, "bucket");
  // Writes still work next to the leftover.
  ASSERT_TRUE(Put("empty/left/behind/now", "x").ok());
  EXPECT_EQ(Get("empty/left/behind/now").value(), "x");
}

TEST_F(FsStorageTest, FailedPutsLeaveNoTempFiles) {
  ASSERT_TRUE(Put("taken", "first").ok());
  PutOptions create_only;
  create_only.if_none_match = true;
  EXPECT_EQ(Put("taken", "second", create_only).code(), ErrorCode::kAlreadyExists);
  ASSERT_TRUE(Put("x", "object").ok());
  EXPECT_EQ(Put("x/y", "clash").code(), ErrorCode::kFailedPrecondition);
  EXPECT_TRUE(fs::is_empty(root_ + "/.dg-tmp")) << Tree(root_ + "/.dg-tmp").front();
}

TEST_F(FsStorageTest, HandPlacedFilesArePlainObjects) {
  WriteFile(Bucket("docs/readme.txt"), "hello world");
  auto head = store_->Head("docs/readme.txt");
  ASSERT_TRUE(head.ok()) << head.error().message;
  EXPECT_EQ(head->size, 11u);
  EXPECT_EQ(head->etag, kHelloMd5);
  EXPECT_TRUE(head->metadata.empty());
  EXPECT_EQ(head->content_type, "application/octet-stream");
  EXPECT_NE(head->last_modified, TimePoint{});

  VectorSink sink;
  auto got = store_->Get("docs/readme.txt", sink);
  ASSERT_TRUE(got.ok());
  EXPECT_EQ(AsChars(sink.bytes()), "hello world");
  EXPECT_EQ(got->etag, kHelloMd5);

  std::vector<ListEntry> listed;
  ASSERT_TRUE(store_
                  ->List({},
                         [&](const ListEntry& e) {
                           listed.push_back(e);
                           return OkStatus();
                         })
                  .ok());
  ASSERT_EQ(listed.size(), 1u);
  EXPECT_EQ(listed[0].key, "docs/readme.txt");
  EXPECT_EQ(listed[0].size, 11u);

  WriteFile(Bucket("empty-plain"), "");
  EXPECT_EQ(store_->Head("empty-plain")->size, 0u);
  ASSERT_TRUE(store_->Delete("docs/readme.txt").ok());
  EXPECT_FALSE(fs::exists(Bucket("docs")));
}

TEST_F(FsStorageTest, KeyAndDirectoryClashIsFailedPreconditionNamingBoth) {
  ASSERT_TRUE(Put("a", "object a").ok());
  auto under = Put("a/b", "x");
  ASSERT_EQ(under.code(), ErrorCode::kFailedPrecondition);
  EXPECT_NE(under.error().message.find("'a'"), std::string::npos) << under.error().message;
  EXPECT_NE(under.error().message.find("a/b"), std::string::npos) << under.error().message;
  EXPECT_EQ(Put("a/b/c/d", "x").code(), ErrorCode::kFailedPrecondition);
  EXPECT_EQ(Get("a").value(), "object a");
  EXPECT_EQ(store_->Head("a/b").code(), ErrorCode::kNotFound);
  EXPECT_TRUE(store_->Delete("a/b").ok());

  ASSERT_TRUE(Put("dir/child", "child").ok());
  auto over = Put("dir", "x");
  ASSERT_EQ(over.code(), ErrorCode::kFailedPrecondition);
  EXPECT_NE(over.error().message.find("dir/..."), std::string::npos) << over.error().message;
  PutOptions create_only;
  create_only.if_none_match = true;
  EXPECT_EQ(Put("dir", "x", create_only).code(), ErrorCode::kFailedPrecondition);
  EXPECT_EQ(store_->Head("dir").code(), ErrorCode::kNotFound);  // a directory is no object
  EXPECT_TRUE(store_->Delete("dir").ok());
  EXPECT_EQ(Get("dir/child").value(), "child");
  EXPECT_EQ(Keys(), (std::vector<std::string>{"a", "dir/child"}));
}

TEST_F(FsStorageTest, DeleteRemovesEmptiedDirectoriesButNeverTheBucket) {
  ASSERT_TRUE(Put("d1/k1", "1").ok());
  ASSERT_TRUE(Put("d1/d2/d3/k3", "3").ok());
  ASSERT_TRUE(store_->Delete("d1/d2/d3/k3").ok());
  EXPECT_FALSE(fs::exists(Bucket("d1/d2")));
  EXPECT_TRUE(fs::exists(Bucket("d1/k1")));
  ASSERT_TRUE(store_->Delete("d1/k1").ok());
  EXPECT_FALSE(fs::exists(Bucket("d1")));
  EXPECT_TRUE(fs::is_directory(Bucket()));
  ASSERT_TRUE(Put("top", "t").ok());
  ASSERT_TRUE(store_->Delete("top").ok());
  EXPECT_TRUE(fs::is_directory(Bucket()));
}

TEST_F(FsStorageTest, DamagedObjectsAreCorrupted) {
  ASSERT_TRUE(Put("truncated", "0123456789").ok());
  ASSERT_TRUE(Put("flipped", "0123456789").ok());
  fs::resize_file(Bucket("truncated"), fs::file_size(Bucket("truncated")) - 1);
  std::string flipped = ReadFile(Bucket("flipped"));
  flipped.back() ^= 1;
  WriteFile(Bucket("flipped"), flipped);

  EXPECT_EQ(store_->Head("truncated").code(), ErrorCode::kCorrupted);
  EXPECT_EQ(Get("truncated").code(), ErrorCode::kCorrupted);
  auto got = Get("flipped");
  ASSERT_EQ(got.code(), ErrorCode::kCorrupted);
  EXPECT_NE(got.error().message.find("s3://bucket/flipped"), std::string::npos);
}

TEST_F(FsStorageTest, ObjectsSurviveReopeningTheStore) {
  PutOptions options;
  options.metadata = {{"dg-k", "v"}};
  ASSERT_TRUE(Put("persist/me", "durable", options).ok());
  store_.reset();
  storage_.reset();
  auto reopened = std::move(NewFilesystemStorage(root_)).value();
  auto store = std::move(reopened->OpenBucket("bucket")).value();
  auto head = store->Head("persist/me");
  ASSERT_TRUE(head.ok());
  EXPECT_EQ(head->metadata, options.metadata);
  EXPECT_EQ(head->size, 7u);
}

TEST_F(FsStorageTest, PutsSurviveConcurrentDeletesEmptyingTheirDirectory) {
  // Delete removes emptied directories while other writers create files in them.
  constexpr int kThreads = 4;
  std::vector<std::thread> threads;
  std::atomic<int> failures{0};
  for (int t = 0; t < kThreads; ++t) {
    threads.emplace_back([&, t] {
      for (int i = 0; i < 150; ++i) {
        const std::string key = "shared/deeper/t" + std::to_string(t);
        SpanSource body(AsBytes(key));
        auto put = store_->Put(key, body, {});
        if (!put.ok()) {
          ++failures;
          ADD_FAILURE() << put.error().message;
        }
        if (!store_->Delete(key).ok()) ++failures;
      }
    });
  }
  for (std::thread& thread : threads) thread.join();
  EXPECT_EQ(failures.load(), 0);
  EXPECT_TRUE(Keys().empty());
  EXPECT_FALSE(fs::exists(Bucket("shared")));
}

TEST_F(FsStorageTest, SymlinksAreNotObjects) {
  WriteFile(tmp_.Sub("outside"), "secret");
  fs::create_symlink(tmp_.Sub("outside"), Bucket("link"));
  EXPECT_EQ(store_->Head("link").code(), ErrorCode::kNotFound);
  EXPECT_TRUE(Keys().empty());
}

TEST_F(FsStorageTest, ListBucketsShowsOnlyValidBucketDirectories) {
  WriteFile(root_ + "/stray-file", "x");
  fs::create_directories(root_ + "/UPPER");
  fs::create_directories(root_ + "/.hidden");
  ASSERT_TRUE(storage_->CreateBucket("zeta").ok());
  auto buckets = storage_->ListBuckets();
  ASSERT_TRUE(buckets.ok());
  std::vector<std::string> names;
  for (const BucketInfo& info : *buckets) names.push_back(info.name);
  EXPECT_EQ(names, (std::vector<std::string>{"bucket", "zeta"}));
}

TEST_F(FsStorageTest, DeleteBucketRemovesLeftoverEmptyDirectories) {
  fs::create_directories(Bucket("empty/dirs/only"));
  Status deleted = storage_->DeleteBucket("bucket");
  ASSERT_TRUE(deleted.ok()) << deleted.message();
  EXPECT_FALSE(fs::exists(Bucket()));
}

TEST_F(FsStorageTest, DeleteBucketNamesAnObjectItStillHolds) {
  ASSERT_TRUE(Put("deep/inside/k", "x").ok());
  Status refused = storage_->DeleteBucket("bucket");
  ASSERT_EQ(refused.code(), ErrorCode::kBucketNotEmpty);
  EXPECT_NE(refused.message().find("deep/inside/k"), std::string::npos) << refused.message();
}

TEST(FsStorage, RootThatIsAFileIsInvalidArgument) {
  TempDir tmp;
  WriteFile(tmp.Sub("file"), "x");
  EXPECT_EQ(NewFilesystemStorage(tmp.Sub("file")).code(), ErrorCode::kInvalidArgument);
  EXPECT_EQ(NewFilesystemStorage("").code(), ErrorCode::kInvalidArgument);
}

TEST(FsStorage, CreateBucketMakesTheRootAndListsNothingBefore) {
  TempDir tmp;
  auto storage = std::move(NewFilesystemStorage(tmp.Sub("not/yet/there"))).value();
  auto before = storage->ListBuckets();
  ASSERT_TRUE(before.ok()) << before.error().message;
  EXPECT_TRUE(before->empty());
  ASSERT_TRUE(storage->CreateBucket("first").ok());
  EXPECT_TRUE(fs::is_directory(tmp.Sub("not/yet/there/first")));
}

TEST(FsStorage, UnwritableRootIsPermissionDeniedEvenForRoot) {
  // Tests run as root, which ignores mode bits; sysfs refuses mkdir to everyone.
  auto storage = std::move(NewFilesystemStorage("/sys/dg-test-store")).value();
  Status created = storage->CreateBucket("bucket");
  EXPECT_EQ(created.code(), ErrorCode::kPermissionDenied) << created.message();
  EXPECT_NE(created.message().find("/sys/dg-test-store"), std::string::npos) << created.message();
  EXPECT_FALSE(fs::exists("/sys/dg-test-store"));
}

}  // namespace
}  // namespace deltaglider
