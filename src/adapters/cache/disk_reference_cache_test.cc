#include <fcntl.h>
#include <gtest/gtest.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <sys/xattr.h>
#include <unistd.h>

#include <cstdlib>
#include <filesystem>
#include <thread>

#include "core/hash.h"
#include "deltaglider/cache.h"
#include "tests/testutil/scoped_env.h"
#include "tests/testutil/temp_dir.h"

namespace deltaglider {
namespace {

namespace fs = std::filesystem;
using testing::ReadFile;
using testing::ScopedEnv;
using testing::TempDir;
using testing::WriteFile;

std::function<Status(ByteSink&)> Writes(const std::string& content) {
  return [content](ByteSink& sink) -> Status {
    // Two writes, so the cache sees a stream rather than one buffer.
    const size_t half = content.size() / 2;
    DG_RETURN_IF_ERROR(sink.Write(AsBytes(std::string_view(content).substr(0, half))));
    return sink.Write(AsBytes(std::string_view(content).substr(half)));
  };
}

std::string Sha(const std::string& content) { return Sha256Hex(AsBytes(content)); }

size_t CountFiles(const std::string& dir) {
  std::error_code ec;
  size_t n = 0;
  for (auto it = fs::directory_iterator(dir, ec); !ec && it != fs::directory_iterator(); ++it) ++n;
  return n;
}

// Sets a file's modification time to `seconds_ago` before now.
void SetAge(const std::string& path, int seconds_ago) {
  timespec times[2];
  clock_gettime(CLOCK_REALTIME, &times[0]);
  times[0].tv_sec -= seconds_ago;
  times[1] = times[0];
  ASSERT_EQ(utimensat(AT_FDCWD, path.c_str(), times, 0), 0) << path;
}

class DiskReferenceCacheTest : public ::testing::Test {
 protected:
  std::unique_ptr<ReferenceCache> Open(uint64_t max_bytes = 1 << 30,
                                       const std::string& boot_id = "") {
    auto cache = NewDiskReferenceCache(
        {.dir = dir_.Sub("cache"), .max_bytes = max_bytes, .boot_id = boot_id});
    EXPECT_TRUE(cache.ok()) << cache.error().message;
    return std::move(cache).value();
  }
  std::string Entry(const std::string& content) { return dir_.Sub("cache/refs/" + Sha(content)); }

  TempDir dir_;
};

TEST_F(DiskReferenceCacheTest, InsertThenFind) {
  auto cache = Open();
  const std::string content = "reference bytes " + std::string(10000, 'r');
  auto inserted = cache->Insert(Sha(content), Writes(content));
  ASSERT_TRUE(inserted.ok()) << inserted.error().message;
  EXPECT_EQ(AsChars((*inserted)->bytes()), content);
  EXPECT_EQ(ReadFile(Entry(content)), content);
  EXPECT_EQ(CountFiles(dir_.Sub("cache/tmp")), 0u);

  auto found = Open()->Find(Sha(content));  // another instance, same directory
  ASSERT_TRUE(found.ok()) << found.error().message;
  EXPECT_EQ(AsChars((*found)->bytes()), content);
}

TEST_F(DiskReferenceCacheTest, EmptyReference) {
  auto cache = Open();
  ASSERT_TRUE(cache->Insert(Sha(""), Writes("")).ok());
  auto found = cache->Find(Sha(""));
  ASSERT_TRUE(found.ok()) << found.error().message;
  EXPECT_TRUE((*found)->bytes().empty());
}

TEST_F(DiskReferenceCacheTest, UnknownIsNotFound) {
  auto found = Open()->Find(Sha("never inserted"));
  EXPECT_EQ(found.code(), ErrorCode::kNotFound);
}

TEST_F(DiskReferenceCacheTest, MalformedKeyIsInvalid) {
  auto cache = Open();
  EXPECT_EQ(cache->Find("../../etc/passwd").code(), ErrorCode::kInvalidArgument);
  EXPECT_EQ(cache->Insert("ABC", Writes("x")).code(), ErrorCode::kInvalidArgument);
}

TEST_F(DiskReferenceCacheTest, WrongHashIsCorruptedAndNotCached) {
  auto cache = Open();
  const std::string expected = Sha("what the metadata says");
  auto inserted = cache->Insert(expected, Writes("what was downloaded"));
  ASSERT_FALSE(inserted.ok());
  EXPECT_EQ(inserted.code(), ErrorCode::kCorrupted);
  EXPECT_EQ(inserted.error().message,
            "reference bytes hash to " + Sha("what was downloaded") + ", expected " + expected);
  EXPECT_EQ(cache->Find(expected).code(), ErrorCode::kNotFound);
  EXPECT_EQ(CountFiles(dir_.Sub("cache/refs")), 0u);
  EXPECT_EQ(CountFiles(dir_.Sub("cache/tmp")), 0u);
}

TEST_F(DiskReferenceCacheTest, FillErrorIsReturnedAsIs) {
  auto cache = Open();
  auto inserted = cache->Insert(Sha("x"), [](ByteSink& sink) -> Status {
    DG_RETURN_IF_ERROR(sink.Write(AsBytes("partial")));
    return MakeError(ErrorCode::kUnavailable, "HTTP 503 SlowDown");
  });
  EXPECT_EQ(inserted.code(), ErrorCode::kUnavailable);
  EXPECT_EQ(inserted.error().message, "HTTP 503 SlowDown");
  EXPECT_EQ(CountFiles(dir_.Sub("cache/refs")), 0u);
  EXPECT_EQ(CountFiles(dir_.Sub("cache/tmp")), 0u);
}

TEST_F(DiskReferenceCacheTest, DamagedEntryIsDroppedNotServed) {
  auto cache = Open();
  const std::string content(5000, 'a');
  ASSERT_TRUE(cache->Insert(Sha(content), Writes(content)).ok());
  std::string damaged = content;
  damaged[1234] = 'b';
  WriteFile(Entry(content), damaged);
  auto found = cache->Find(Sha(content));
  EXPECT_EQ(found.code(), ErrorCode::kNotFound);
  EXPECT_FALSE(fs::exists(Entry(content)));
  ASSERT_TRUE(cache->Insert(Sha(content), Writes(content)).ok());  // the caller refetches
  EXPECT_TRUE(cache->Find(Sha(content)).ok());
}

// An entry is hashed again by the first Find of a later boot (a crash may have
// torn it) and after any write moved its time; one this boot wrote or verified,
// untouched since, is trusted. The damage here keeps the size and time, so only
// a hash can see it: served as it is in the boot that wrote it, dropped after.
TEST_F(DiskReferenceCacheTest, EntryIsHashedAgainAfterAReboot) {
  const std::string content(5000, 'a');
  ASSERT_TRUE(Open(1 << 30, "boot-1")->Insert(Sha(content), Writes(content)).ok());
  struct stat before {};
  ASSERT_EQ(stat(Entry(content).c_str(), &before), 0);
  std::string damaged = content;
  damaged[1234] = 'b';
  WriteFile(Entry(content), damaged);
  const timespec times[2] = {before.st_atim, before.st_mtim};
  ASSERT_EQ(utimensat(AT_FDCWD, Entry(content).c_str(), times, 0), 0);

  if (getxattr(Entry(content).c_str(), "user.deltaglider.verified", nullptr, 0) > 0) {
    auto same_boot = Open(1 << 30, "boot-1")->Find(Sha(content));
    ASSERT_TRUE(same_boot.ok()) << same_boot.error().message;
    EXPECT_EQ(std::string(reinterpret_cast<const char*>((*same_boot)->bytes().data()),
                          (*same_boot)->bytes().size()),
              damaged);
  }  // else the file system keeps no marks, and every Find hashes
  EXPECT_EQ(Open(1 << 30, "boot-2")->Find(Sha(content)).code(), ErrorCode::kNotFound);
  EXPECT_FALSE(fs::exists(Entry(content)));
}

// A Find that hashed an entry right marks it for the rest of the boot; a rewrite
// in the same clock tick still moves its time, so it is hashed again.
TEST_F(DiskReferenceCacheTest, RewriteAfterAVerifiedFindIsSeen) {
  const std::string content(5000, 'a');
  ASSERT_TRUE(Open(1 << 30, "boot-1")->Insert(Sha(content), Writes(content)).ok());
  auto cache = Open(1 << 30, "boot-2");
  ASSERT_TRUE(cache->Find(Sha(content)).ok());  // hashed, then marked for boot-2
  std::string damaged = content;
  damaged[10] = 'b';
  WriteFile(Entry(content), damaged);
  EXPECT_EQ(cache->Find(Sha(content)).code(), ErrorCode::kNotFound);
}

TEST_F(DiskReferenceCacheTest, EvictsLeastRecentlyUsedAndKeepsNewest) {
  auto cache = Open(/*max_bytes=*/2500);
  const std::string a(1000, 'a'), b(1000, 'b'), c(1000, 'c'), d(1000, 'd');
  ASSERT_TRUE(cache->Insert(Sha(a), Writes(a)).ok());
  ASSERT_TRUE(cache->Insert(Sha(b), Writes(b)).ok());
  SetAge(Entry(a), 300);
  SetAge(Entry(b), 200);
  ASSERT_TRUE(cache->Find(Sha(a)).ok());  // a is now the most recently used
  ASSERT_TRUE(cache->Insert(Sha(c), Writes(c)).ok());
  EXPECT_TRUE(fs::exists(Entry(a)));
  EXPECT_FALSE(fs::exists(Entry(b)));
  EXPECT_TRUE(fs::exists(Entry(c)));
  SetAge(Entry(a), 100);
  SetAge(Entry(c), 50);
  ASSERT_TRUE(cache->Insert(Sha(d), Writes(d)).ok());
  EXPECT_FALSE(fs::exists(Entry(a)));
  EXPECT_TRUE(fs::exists(Entry(c)));
  EXPECT_TRUE(fs::exists(Entry(d)));
}

TEST_F(DiskReferenceCacheTest, EntryLargerThanLimitIsKeptUntilNextInsert) {
  auto cache = Open(/*max_bytes=*/100);
  const std::string big(1000, 'x'), small(10, 'y');
  ASSERT_TRUE(cache->Insert(Sha(big), Writes(big)).ok());
  EXPECT_TRUE(cache->Find(Sha(big)).ok());
  ASSERT_TRUE(cache->Insert(Sha(small), Writes(small)).ok());
  EXPECT_FALSE(fs::exists(Entry(big)));
  EXPECT_TRUE(fs::exists(Entry(small)));
}

TEST_F(DiskReferenceCacheTest, BlobOutlivesEviction) {
  auto cache = Open(/*max_bytes=*/1500);
  const std::string a(1000, 'a'), b(1000, 'b');
  ASSERT_TRUE(cache->Insert(Sha(a), Writes(a)).ok());
  auto blob = cache->Find(Sha(a));
  ASSERT_TRUE(blob.ok());
  SetAge(Entry(a), 100);
  ASSERT_TRUE(cache->Insert(Sha(b), Writes(b)).ok());
  ASSERT_FALSE(fs::exists(Entry(a)));
  EXPECT_EQ(AsChars((*blob)->bytes()), a);
}

TEST_F(DiskReferenceCacheTest, RemovedDirectoryHealsItself) {
  auto cache = Open();
  const std::string a(100, 'a'), b(100, 'b');
  ASSERT_TRUE(cache->Insert(Sha(a), Writes(a)).ok());
  fs::remove_all(dir_.Sub("cache"));
  EXPECT_EQ(cache->Find(Sha(a)).code(), ErrorCode::kNotFound);
  auto inserted = cache->Insert(Sha(b), Writes(b));
  ASSERT_TRUE(inserted.ok()) << inserted.error().message;
  EXPECT_TRUE(cache->Find(Sha(b)).ok());
  fs::remove_all(dir_.Sub("cache/refs"));  // only refs/: the rename must recreate it
  ASSERT_TRUE(cache->Insert(Sha(a), Writes(a)).ok());
  EXPECT_TRUE(cache->Find(Sha(a)).ok());
}

TEST_F(DiskReferenceCacheTest, StaleTempFilesAreRemoved) {
  auto cache = Open();
  WriteFile(dir_.Sub("cache/tmp/dead.123456"), "left by a crash");
  WriteFile(dir_.Sub("cache/tmp/busy.654321"), "being written now");
  SetAge(dir_.Sub("cache/tmp/dead.123456"), 2 * 60 * 60);
  ASSERT_TRUE(cache->Insert(Sha("x"), Writes("x")).ok());
  EXPECT_FALSE(fs::exists(dir_.Sub("cache/tmp/dead.123456")));
  EXPECT_TRUE(fs::exists(dir_.Sub("cache/tmp/busy.654321")));
}

TEST_F(DiskReferenceCacheTest, ConcurrentThreadsInsertSameEntry) {
  auto cache = Open();
  const std::string content(300000, 'z');
  std::vector<std::thread> threads;
  std::atomic<int> failures{0};
  for (int i = 0; i < 4; ++i) {
    threads.emplace_back([&] {
      for (int j = 0; j < 10; ++j) {
        auto blob = cache->Insert(Sha(content), Writes(content));
        if (!blob.ok() || AsChars((*blob)->bytes()) != content) ++failures;
        if (!cache->Find(Sha(content)).ok()) ++failures;
      }
    });
  }
  for (auto& t : threads) t.join();
  EXPECT_EQ(failures, 0);
  EXPECT_EQ(CountFiles(dir_.Sub("cache/refs")), 1u);
}

TEST_F(DiskReferenceCacheTest, ConcurrentProcessesInsertSameEntry) {
  const std::string content(300000, 'p');
  std::vector<pid_t> children;
  for (int i = 0; i < 3; ++i) {
    const pid_t pid = fork();
    ASSERT_GE(pid, 0);
    if (pid == 0) {
      auto cache =
          NewDiskReferenceCache({.dir = dir_.Sub("cache"), .max_bytes = 1 << 30, .boot_id = ""});
      bool ok = cache.ok();
      for (int j = 0; ok && j < 20; ++j) {
        ok = (*cache)->Insert(Sha(content), Writes(content)).ok() &&
             (*cache)->Find(Sha(content)).ok();
      }
      _exit(ok ? 0 : 1);
    }
    children.push_back(pid);
  }
  auto cache = Open();
  for (int j = 0; j < 20; ++j) EXPECT_TRUE(cache->Insert(Sha(content), Writes(content)).ok());
  for (pid_t pid : children) {
    int status = 0;
    ASSERT_EQ(waitpid(pid, &status, 0), pid);
    EXPECT_TRUE(WIFEXITED(status) && WEXITSTATUS(status) == 0);
  }
  EXPECT_TRUE(cache->Find(Sha(content)).ok());
  EXPECT_EQ(CountFiles(dir_.Sub("cache/tmp")), 0u);
}

TEST_F(DiskReferenceCacheTest, NeedsADirectory) {
  EXPECT_EQ(NewDiskReferenceCache(DiskCacheOptions{}).code(), ErrorCode::kInvalidArgument);
  WriteFile(dir_.Sub("file"), "not a directory");
  DiskCacheOptions under_a_file;
  under_a_file.dir = dir_.Sub("file/cache");
  EXPECT_FALSE(NewDiskReferenceCache(under_a_file).ok());
}

TEST(DefaultCacheDirTest, EnvironmentPrecedence) {
  ScopedEnv home("HOME", "/home/u");
  {
    ScopedEnv dg("DG_CACHE_DIR", "/var/dg");
    ScopedEnv xdg("XDG_CACHE_HOME", "/xdg");
    EXPECT_EQ(DefaultCacheDir(), "/var/dg");
  }
  {
    ScopedEnv dg("DG_CACHE_DIR", "");
    ScopedEnv xdg("XDG_CACHE_HOME", "/xdg");
    EXPECT_EQ(DefaultCacheDir(), "/xdg/deltaglider");
  }
  {
    ScopedEnv dg("DG_CACHE_DIR", nullptr);
    ScopedEnv xdg("XDG_CACHE_HOME", nullptr);
    EXPECT_EQ(DefaultCacheDir(), "/home/u/.cache/deltaglider");
  }
}

}  // namespace
}  // namespace deltaglider
