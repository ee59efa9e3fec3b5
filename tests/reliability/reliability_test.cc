// Reliability under concurrency, crashes and a full disk, through the CLI binary
// as users run it, against the file:// store and moto_server. Every check reads
// the bucket back in-process and compares SHA256s with the files that went in;
// the suite ends by printing the counts (docs/reliability.md records a run).
#include <gtest/gtest.h>
#include <sys/stat.h>

#include <chrono>
#include <climits>
#include <csignal>
#include <filesystem>
#include <map>
#include <memory>
#include <random>
#include <set>
#include <thread>

#include "core/hash.h"
#include "deltaglider/cache.h"
#include "deltaglider/client.h"
#include "deltaglider/codecs.h"
#include "deltaglider/filesystem.h"
#include "deltaglider/s3.h"
#include "tests/cli/cli_runner.h"
#include "tests/testutil/flipping_proxy.h"
#include "tests/testutil/moto_server.h"
#include "tests/testutil/release_data.h"
#include "tests/testutil/temp_dir.h"

namespace deltaglider {
namespace {

namespace fs = std::filesystem;
using testing::CliLaunch;
using testing::CliProcess;
using testing::CliResult;
using testing::FlippingProxy;
using testing::ReadFile;
using testing::ReadTree;
using testing::TempDir;
using testing::WriteFile;

// What the suite did, printed at the end (the numbers of docs/reliability.md).
struct Report {
  int concurrent_rounds_fs = 0;
  int concurrent_rounds_s3 = 0;
  int concurrent_puts = 0;
  int concurrent_gc_rounds = 0;
  int gc_removed_references = 0;
  int gc_restored_references = 0;
  int gc_kept_parked = 0;
  int killed_gcs = 0;
  int killed_puts = 0;
  int killed_gets = 0;
  int killed_syncs_up = 0;
  int killed_syncs_down = 0;
  int files_old_after_killed_sync = 0;
  int full_disk_runs = 0;
  int interrupted_runs = 0;  // puts and gets stopped by SIGINT/SIGTERM
  int read_only_runs = 0;
  int flipped_downloads = 0;
  int flipped_uploads = 0;
  int files_checked = 0;
  int files_lost = 0;
  int leftover_temp_files = 0;
  int leftover_temp_objects = 0;
};
Report& TheReport() {
  static Report report;
  return report;
}

class ReportPrinter : public ::testing::Environment {
 public:
  void TearDown() override {
    const Report& r = TheReport();
    std::printf(
        "reliability report: concurrent first-write rounds %d (file://) + %d (S3), %d puts; "
        "put+rm+gc rounds %d (references removed by gc %d, put back %d, kept parked %d); "
        "kill -9 during put %d, during get %d, during gc %d, during sync up %d, down %d "
        "(files still old after it %d); "
        "full-disk runs %d; puts/gets interrupted by SIGINT/SIGTERM %d; "
        "read-only destinations %d; "
        "bit flipped in transit: downloads %d, uploads %d; files checked %d; "
        "files lost %d; temp files left by killed downloads %d, temp objects left in "
        "the store by killed puts %d\n",
        r.concurrent_rounds_fs, r.concurrent_rounds_s3, r.concurrent_puts, r.concurrent_gc_rounds,
        r.gc_removed_references, r.gc_restored_references, r.gc_kept_parked, r.killed_puts,
        r.killed_gets, r.killed_gcs, r.killed_syncs_up, r.killed_syncs_down,
        r.files_old_after_killed_sync, r.full_disk_runs, r.interrupted_runs, r.read_only_runs,
        r.flipped_downloads, r.flipped_uploads, r.files_checked, r.files_lost,
        r.leftover_temp_files, r.leftover_temp_objects);
  }
};
const auto* const kPrinter = ::testing::AddGlobalTestEnvironment(new ReportPrinter);

std::string Sha256Of(const std::string& data) { return Sha256Hex(AsBytes(data)); }

int Occurrences(const std::string& text, const std::string& needle) {
  int count = 0;
  for (size_t at = text.find(needle); at != std::string::npos; at = text.find(needle, at + 1)) ++count;
  return count;
}

// A DeltaService over a store, as the CLI builds one, for reading back.
class Reader {
 public:
  explicit Reader(std::unique_ptr<ObjectStore> store) : store_(std::move(store)) {
    codecs_.Add(NewZstdDeltaCodec({}));
    codecs_.Add(NewGzipDeltaCodec({}));
    codecs_.Add(NewZipDeltaCodec({}));
    compressor_ = NewZstdDeltaCodec({});
    cache_ = NewMemoryReferenceCache();
    service_ = std::make_unique<DeltaService>(
        ServicePorts{store_.get(), cache_.get(), &codecs_, compressor_.get(), &SystemClock()},
        ServiceOptions{});
  }

  // The bytes of `key` (verified by the service), or the error message.
  Result<std::string> Get(const std::string& key) {
    VectorSink sink;
    DG_RETURN_IF_ERROR(service_->Get(key, sink));
    return std::string(AsChars(sink.bytes()));
  }

  // Checks that `key` holds exactly `expected`; counts it in the report.
  void ExpectFile(const std::string& key, const std::string& expected) {
    ++TheReport().files_checked;
    Result<std::string> got = Get(key);
    const bool exact = got.ok() && *got == expected;
    if (!exact) ++TheReport().files_lost;
    EXPECT_TRUE(exact) << key << ": " << (got.ok() ? "wrong bytes" : got.error().message);
  }

  // Every delta under `prefix` names the same reference, which is there and has
  // the SHA256 the deltas were made against.
  void ExpectOneReferenceForAllDeltas(const std::string& prefix) {
    std::set<std::pair<std::string, std::string>> references;
    Status listed = store_->List({prefix, ""}, [&](const ListEntry& entry) {
      if (!entry.key.ends_with(".delta")) return OkStatus();
      Result<ObjectHead> delta = store_->Head(entry.key);
      EXPECT_TRUE(delta.ok()) << entry.key;
      if (delta.ok()) {
        references.emplace(delta->metadata.at("dg-ref-key"), delta->metadata.at("dg-ref-sha256"));
      }
      return OkStatus();
    });
    EXPECT_TRUE(listed.ok()) << listed.message();
    ASSERT_EQ(references.size(), 1u) << prefix;
    const auto& [key, sha] = *references.begin();
    Result<ObjectHead> ref = store_->Head(key);
    ASSERT_TRUE(ref.ok()) << key;
    EXPECT_EQ(ref->metadata.at("dg-file-sha256"), sha);
  }

  DeltaService& service() { return *service_; }
  ObjectStore& store() { return *store_; }

 private:
  std::unique_ptr<ObjectStore> store_;
  CodecRegistry codecs_;
  std::unique_ptr<DeltaCodec> compressor_;
  std::unique_ptr<ReferenceCache> cache_;
  std::unique_ptr<DeltaService> service_;
};

// Files named like release artifacts with contents that delta well.
struct Releases {
  Releases(const TempDir& tmp, int count, size_t size, const std::string& extension = ".zip") {
    for (int v = 1; v <= count; ++v) {
      names.push_back("app-" + std::to_string(v) + extension);
      contents.push_back(testing::SyntheticRelease(v, size, 9));
      paths.push_back(tmp.Sub(names.back()));
      WriteFile(paths.back(), contents.back());
    }
  }
  std::vector<std::string> names, contents, paths;
};

// A tree of files for sync, in version `version`: every file changes size from
// one version to the next, so sync always sees the change.
std::map<std::string, std::string> SyncTree(int version) {
  std::map<std::string, std::string> tree;
  const std::vector<std::string> names = {"app-1.zip", "app-2.zip", "app-3.zip", "sub/app-4.zip"};
  for (size_t i = 0; i < names.size(); ++i) {
    tree[names[i]] =
        testing::SyntheticRelease(version, (1 << 20) + version * 64, static_cast<uint32_t>(i + 1));
  }
  return tree;
}

void WriteTree(const std::string& dir, const std::map<std::string, std::string>& tree) {
  for (const auto& [name, content] : tree) WriteFile(dir + "/" + name, content);
}

// Counts a file that a killed sync may have been writing: it must hold its old or
// its new content, whole (`got` is what reading it gave).
void ExpectOldOrNew(const std::string& name, const Result<std::string>& got,
                    const std::string& old_content, const std::string& new_content) {
  ++TheReport().files_checked;
  if (got.ok() && *got == old_content) ++TheReport().files_old_after_killed_sync;
  const bool whole = got.ok() && (*got == old_content || *got == new_content);
  if (!whole) ++TheReport().files_lost;
  EXPECT_TRUE(whole) << name << ": "
                     << (got.ok() ? std::to_string(got->size()) + " bytes" : got.error().message);
}

// Exit 1 and one line on stderr.
void ExpectOneLineFailure(const CliResult& result) {
  EXPECT_EQ(result.exit_code, 1) << result.err;
  EXPECT_EQ(std::count(result.err.begin(), result.err.end(), '\n'), 1) << result.err;
}

// Adds or removes write permission on `path` and everything under it.
void SetWritable(const std::string& path, bool writable) {
  const fs::perms write = fs::perms::owner_write | fs::perms::group_write | fs::perms::others_write;
  const fs::perm_options how = writable ? fs::perm_options::add : fs::perm_options::remove;
  fs::permissions(path, write, how);
  for (const auto& entry : fs::recursive_directory_iterator(path)) {
    fs::permissions(entry.path(), write, how);
  }
}

// One way of reaching a bucket: the CLI's endpoint and environment, and the same
// bucket opened in-process.
struct Target {
  std::map<std::string, std::string> env;
  std::function<std::unique_ptr<ObjectStore>()> open;
};

// Starts 8 `cp` processes at once into one fresh deltaspace per round.
void ConcurrentFirstWrites(const Target& target, int rounds, int& counter) {
  TempDir tmp;
  Releases releases(tmp, 8, 200000);
  Reader reader(target.open());
  for (int round = 0; round < rounds; ++round) {
    // Odd rounds: one deltaspace; even rounds: every version in its own version
    // directory, so all 8 race to create one new family's reference.
    const bool family = round % 2 == 0;
    const std::string prefix = "race/round-" + std::to_string(round) + "/";
    std::vector<std::unique_ptr<CliProcess>> processes;
    for (size_t i = 0; i < releases.paths.size(); ++i) {
      const std::string dir = family ? prefix + "v" + std::to_string(i + 1) + "/" : prefix;
      processes.push_back(std::make_unique<CliProcess>(
          std::vector<std::string>{"cp", releases.paths[i], "s3://bucket/" + dir},
          CliLaunch{.env = target.env, .cwd = tmp.path(), .max_file_bytes = 0}));
    }
    for (auto& process : processes) {
      const CliResult result = process->Wait();
      ASSERT_EQ(result.exit_code, 0) << result.err;
      ++TheReport().concurrent_puts;
    }
    for (size_t i = 0; i < releases.names.size(); ++i) {
      const std::string dir = family ? prefix + "v" + std::to_string(i + 1) + "/" : prefix;
      reader.ExpectFile(dir + releases.names[i], releases.contents[i]);
    }
    reader.ExpectOneReferenceForAllDeltas(prefix);
    ++counter;
    if (::testing::Test::HasFailure()) return;
  }
}

class FileStoreReliability : public ::testing::Test {
 protected:
  void SetUp() override {
    root_ = tmp_.Sub("store");
    env_ = {{"DG_CACHE_DIR", tmp_.Sub("cache")}, {"AWS_ENDPOINT_URL", "file://" + root_}};
    ASSERT_EQ(Dg({"mb", "s3://bucket"}).exit_code, 0);
  }

  CliResult Dg(const std::vector<std::string>& args) {
    return testing::RunCli(args, env_, tmp_.path());
  }
  std::unique_ptr<ObjectStore> Open() {
    return std::move((*NewFilesystemStorage(root_))->OpenBucket("bucket")).value();
  }
  Target AsTarget() {
    return Target{env_, [this] { return Open(); }};
  }
  CliLaunch Launch(uint64_t max_file_bytes = 0) {
    return CliLaunch{.env = env_, .cwd = tmp_.path(), .max_file_bytes = max_file_bytes};
  }
  // The CLI as a user whom file permissions bind (the tests run as root).
  CliResult DgWithoutCapabilities(const std::vector<std::string>& args) {
    CliLaunch launch = Launch();
    launch.without_capabilities = true;
    return CliProcess(args, launch).Wait();
  }
  // How long `args` takes, to aim kills inside the operation.
  std::chrono::microseconds Time(const std::vector<std::string>& args) {
    const auto start = std::chrono::steady_clock::now();
    const CliResult result = Dg(args);
    EXPECT_EQ(result.exit_code, 0) << result.err;
    return std::chrono::duration_cast<std::chrono::microseconds>(std::chrono::steady_clock::now() -
                                                                 start);
  }
  // Sleeps a random part of 1.2 x `typical`, then kills `process`.
  void KillSoon(CliProcess& process, std::chrono::microseconds typical) {
    std::this_thread::sleep_for(std::chrono::microseconds(rng_() % (typical.count() * 6 / 5 + 1)));
    process.Kill();
    (void)process.Wait();
  }
  // Temp files (".dg-tmp-*" beside downloads, files in the store's .dg-tmp/).
  int TempFilesUnder(const std::string& dir) {
    int count = 0;
    for (const auto& entry : fs::recursive_directory_iterator(dir)) {
      const std::string path = entry.path().string();
      if (entry.is_regular_file() && path.find(".dg-tmp") != std::string::npos) {
        ++count;
      }
    }
    return count;
  }

  TempDir tmp_;
  std::string root_;
  std::map<std::string, std::string> env_;
  std::mt19937 rng_{20261125};
};

TEST_F(FileStoreReliability, EightProcessesCreateOneDeltaspaceAtOnceHundredRounds) {
  ConcurrentFirstWrites(AsTarget(), 100, TheReport().concurrent_rounds_fs);
}

// kill -9 at a random moment of a put over an existing file: afterwards the file
// is exactly its old or its new version, and its neighbours are untouched.
TEST_F(FileStoreReliability, KilledPutsLeaveTheOldOrTheNewVersion) {
  constexpr int kRuns = 20;  // per kind: .zip (zip-patch deltas), .tar (delta chains)
  for (const std::string extension : {".zip", ".tar"}) {
    Releases releases(tmp_, kRuns + 2, 3 << 20, extension);
    const std::string app = "s3://bucket/k/app" + extension;
    const std::string other = "s3://bucket/k/other" + extension;
    ASSERT_EQ(Dg({"cp", releases.paths[0], app}).exit_code, 0);
    ASSERT_EQ(Dg({"cp", releases.paths[1], other}).exit_code, 0);
    const auto typical = Time({"cp", releases.paths[1], app});
    std::map<std::string, size_t> version_of_sha;
    for (size_t i = 0; i < releases.contents.size(); ++i) {
      version_of_sha[Sha256Of(releases.contents[i])] = i;
    }
    Reader reader(Open());
    size_t current = 1;
    for (int run = 0; run < kRuns; ++run) {
      const size_t next = static_cast<size_t>(run) + 2;
      CliProcess put({"cp", releases.paths[next], app}, Launch());
      KillSoon(put, typical);
      ++TheReport().killed_puts;
      Result<FileInfo> head = reader.service().Head("k/app" + extension);
      ASSERT_TRUE(head.ok()) << head.error().message;
      ASSERT_TRUE(version_of_sha.count(head->sha256)) << extension << " run " << run;
      const size_t now = version_of_sha[head->sha256];
      EXPECT_TRUE(now == current || now == next)
          << extension << " run " << run << ": version " << now;
      reader.ExpectFile("k/app" + extension, releases.contents[now]);
      reader.ExpectFile("k/other" + extension, releases.contents[1]);
      current = now;
    }
    // Read by a machine with nothing cached: every link of the chain is in the bucket.
    Reader cold(Open());
    cold.ExpectFile("k/app" + extension, releases.contents[current]);
  }
  TheReport().leftover_temp_objects += TempFilesUnder(root_);
}

// kill -9 during the very first put of a deltaspace: the file is absent or
// whole, and the next put into that deltaspace works.
TEST_F(FileStoreReliability, KilledFirstPutsLeaveAUsableDeltaspace) {
  constexpr int kRuns = 20;
  Releases releases(tmp_, 2, 3 << 20);
  const auto typical = Time({"cp", releases.paths[0], "s3://bucket/probe/app-1.zip"});
  Reader reader(Open());
  for (int run = 0; run < kRuns; ++run) {
    const std::string prefix = "first/" + std::to_string(run) + "/";
    CliProcess put({"cp", releases.paths[0], "s3://bucket/" + prefix}, Launch());
    KillSoon(put, typical);
    ++TheReport().killed_puts;
    Result<FileInfo> head = reader.service().Head(prefix + releases.names[0]);
    if (head.ok()) {
      reader.ExpectFile(prefix + releases.names[0], releases.contents[0]);
    } else {
      EXPECT_EQ(head.code(), ErrorCode::kNotFound) << head.error().message;
    }
    const CliResult again = Dg({"cp", releases.paths[1], "s3://bucket/" + prefix});
    ASSERT_EQ(again.exit_code, 0) << again.err;
    reader.ExpectFile(prefix + releases.names[1], releases.contents[1]);
  }
  TheReport().leftover_temp_objects += TempFilesUnder(root_);
}

// kill -9 at a random moment of a download over an existing local file: the
// destination holds the old bytes or the whole new file, never a part.
TEST_F(FileStoreReliability, KilledGetsNeverLeaveAPartialDestination) {
  constexpr int kRuns = 40;
  Releases releases(tmp_, 2, 8 << 20);
  ASSERT_EQ(Dg({"cp", releases.paths[0], "s3://bucket/k/"}).exit_code, 0);
  ASSERT_EQ(Dg({"cp", releases.paths[1], "s3://bucket/k/"}).exit_code, 0);
  const std::string out_dir = tmp_.Sub("out");
  fs::create_directories(out_dir);
  const std::string dest = out_dir + "/app.zip";
  const auto typical = Time({"cp", "s3://bucket/k/" + releases.names[1], dest});
  for (int run = 0; run < kRuns; ++run) {
    WriteFile(dest, "old contents");
    CliProcess get({"cp", "s3://bucket/k/" + releases.names[1], dest}, Launch());
    KillSoon(get, typical);
    ++TheReport().killed_gets;
    ++TheReport().files_checked;
    const std::string now = ReadFile(dest);
    const bool whole = now == "old contents" || now == releases.contents[1];
    if (!whole) ++TheReport().files_lost;
    EXPECT_TRUE(whole) << "run " << run << ": " << now.size() << " bytes";
  }
  TheReport().leftover_temp_files += TempFilesUnder(out_dir);
}

// Ctrl-C (SIGINT) or SIGTERM at a random moment of a put or a get: the process
// exits 130 with one line, the put stores nothing (the key keeps its version)
// unless it had finished, the get leaves the old destination or the whole file,
// and no temp file is left anywhere.
TEST_F(FileStoreReliability, InterruptedPutsAndGetsExit130AndLeaveNothing) {
  constexpr int kRuns = 8;
  Releases releases(tmp_, kRuns + 1, 32 << 20);
  ASSERT_EQ(Dg({"cp", releases.paths[0], "s3://bucket/k/app.zip"}).exit_code, 0);
  ASSERT_EQ(Dg({"cp", releases.paths[0], "s3://bucket/probe/app.zip"}).exit_code, 0);
  const auto put_time = Time({"cp", releases.paths[1], "s3://bucket/probe/app.zip"});
  const std::string dest = tmp_.Sub("app.zip");
  const auto get_time = Time({"cp", "s3://bucket/probe/app.zip", dest});
  Reader reader(Open());
  size_t current = 0;
  int interrupted = 0;
  const auto interrupt_soon = [&](CliProcess& process, std::chrono::microseconds typical, int run) {
    // After start-up (the handler is in place), before the usual end.
    process.WaitUntilCatching(SIGTERM);
    std::this_thread::sleep_for(std::chrono::microseconds(rng_() % (typical.count() * 2 / 3 + 1)));
    process.Signal(run % 2 == 0 ? SIGINT : SIGTERM);
    const CliResult result = process.Wait();
    if (result.exit_code == 0) return false;  // it finished first
    EXPECT_EQ(result.exit_code, 130) << result.err;
    EXPECT_EQ(std::count(result.err.begin(), result.err.end(), '\n'), 1) << result.err;
    EXPECT_NE(result.err.find("interrupted"), std::string::npos) << result.err;
    ++interrupted;
    ++TheReport().interrupted_runs;
    return true;
  };
  // A signal that lands after the file was committed (while the process winds
  // down) still exits 130: then the new version is whole where it belongs.
  for (int run = 0; run < kRuns; ++run) {
    const size_t next = static_cast<size_t>(run) + 1;
    CliProcess put({"cp", releases.paths[next], "s3://bucket/k/app.zip"}, Launch());
    const bool put_stopped = interrupt_soon(put, put_time, run);
    Result<FileInfo> head = reader.service().Head("k/app.zip");
    ASSERT_TRUE(head.ok()) << head.error().message;
    if (!put_stopped || head->sha256 == Sha256Of(releases.contents[next])) current = next;
    reader.ExpectFile("k/app.zip", releases.contents[current]);

    WriteFile(dest, "old contents");
    CliProcess get({"cp", "s3://bucket/k/app.zip", dest}, Launch());
    const bool stopped = interrupt_soon(get, get_time, run);
    const std::string now = ReadFile(dest);
    const bool whole = now == releases.contents[current] || (stopped && now == "old contents");
    EXPECT_TRUE(whole) << "run " << run << ": " << now.size() << " bytes, stopped " << stopped;
  }
  EXPECT_GT(interrupted, 0);
  EXPECT_EQ(TempFilesUnder(root_), 0);
  EXPECT_EQ(TempFilesUnder(tmp_.path()), 0);
}

// A disk that fills up (RLIMIT_FSIZE: writes fail with EFBIG) during a download
// or an upload: one clear error, exit 1, nothing half-written, nothing left over.
TEST_F(FileStoreReliability, FullDiskFailsCleanlyOnBothSides) {
  Releases releases(tmp_, 2, 4 << 20);
  ASSERT_EQ(Dg({"cp", releases.paths[0], "s3://bucket/k/"}).exit_code, 0);
  const std::string dest = tmp_.Sub("download.zip");
  CliProcess get({"cp", "s3://bucket/k/" + releases.names[0], dest}, Launch(1 << 20));
  const CliResult got = get.Wait();
  ++TheReport().full_disk_runs;
  EXPECT_EQ(got.exit_code, 1) << got.err;
  EXPECT_EQ(std::count(got.err.begin(), got.err.end(), '\n'), 1) << got.err;
  EXPECT_NE(got.err.find("File too large"), std::string::npos) << got.err;
  EXPECT_FALSE(fs::exists(dest));
  EXPECT_EQ(TempFilesUnder(tmp_.path()), 0);

  // The store's disk fills while a new deltaspace's reference goes in: nothing
  // appears under the new prefix, the old file is intact, and no temp object is
  // left in ROOT/.dg-tmp.
  CliProcess put({"cp", releases.paths[1], "s3://bucket/fresh/"}, Launch(64 << 10));
  const CliResult stored = put.Wait();
  ++TheReport().full_disk_runs;
  EXPECT_EQ(stored.exit_code, 1) << stored.err;
  EXPECT_EQ(std::count(stored.err.begin(), stored.err.end(), '\n'), 1) << stored.err;
  EXPECT_NE(stored.err.find("File too large"), std::string::npos) << stored.err;
  Reader reader(Open());
  reader.ExpectFile("k/" + releases.names[0], releases.contents[0]);
  EXPECT_EQ(reader.service().Head("fresh/" + releases.names[1]).code(), ErrorCode::kNotFound);
  EXPECT_EQ(TempFilesUnder(root_), 0);
}

// kill -9 at a random moment of `sync DIR s3://...`, then the same sync again,
// 20 runs: after the kill every file in the store is its old or its new version;
// the rerun completes and every file reads back as the new version.
TEST_F(FileStoreReliability, KilledSyncUpLeavesOldOrNewFilesAndARerunCompletes) {
  constexpr int kRuns = 20;
  const std::string src = tmp_.Sub("tree");
  const std::vector<std::string> sync = {"sync", src, "s3://bucket/tree/"};
  WriteTree(src, SyncTree(0));
  ASSERT_EQ(Dg(sync).exit_code, 0);
  WriteTree(src, SyncTree(1));
  const auto typical = Time(sync);
  Reader reader(Open());
  for (int run = 1; run <= kRuns; ++run) {
    const auto old_tree = SyncTree(run);
    const auto new_tree = SyncTree(run + 1);
    WriteTree(src, new_tree);
    CliProcess killed(sync, Launch());
    KillSoon(killed, typical);
    ++TheReport().killed_syncs_up;
    for (const auto& [name, content] : new_tree) {
      ExpectOldOrNew(name, reader.Get("tree/" + name), old_tree.at(name), content);
    }
    const CliResult again = Dg(sync);
    ASSERT_EQ(again.exit_code, 0) << again.err;
    for (const auto& [name, content] : new_tree) reader.ExpectFile("tree/" + name, content);
    if (::testing::Test::HasFailure()) return;
  }
  TheReport().leftover_temp_objects += TempFilesUnder(root_);
}

// kill -9 at a random moment of `sync s3://... DIR`, then the same sync again,
// 20 runs: after the kill every local file is its old or its new version and
// nothing else but temp files is in the directory; the rerun completes and the
// directory holds exactly the new versions.
TEST_F(FileStoreReliability, KilledSyncDownLeavesOldOrNewFilesAndARerunCompletes) {
  constexpr int kRuns = 20;
  const std::string src = tmp_.Sub("tree");
  const std::string out = tmp_.Sub("out");
  const std::vector<std::string> sync = {"sync", "s3://bucket/tree/", out};
  WriteTree(src, SyncTree(1));
  ASSERT_EQ(Dg({"sync", src, "s3://bucket/tree/"}).exit_code, 0);
  const auto typical = Time(sync);
  auto real_files = [&] {  // all but the temp files killed downloads leave
    std::map<std::string, std::string> files = ReadTree(out);
    std::erase_if(files,
                  [](const auto& file) { return file.first.find(".dg-tmp") != std::string::npos; });
    return files;
  };
  for (int run = 1; run <= kRuns; ++run) {
    const auto old_tree = SyncTree(run);
    const auto new_tree = SyncTree(run + 1);
    WriteTree(src, new_tree);
    ASSERT_EQ(Dg({"sync", src, "s3://bucket/tree/"}).exit_code, 0);
    CliProcess killed(sync, Launch());
    KillSoon(killed, typical);
    ++TheReport().killed_syncs_down;
    const auto after_kill = real_files();
    for (const auto& [name, content] : after_kill) {
      EXPECT_TRUE(new_tree.count(name)) << "run " << run << ": " << name;
    }
    for (const auto& [name, content] : new_tree) {
      const auto local = after_kill.find(name);
      Result<std::string> got = MakeError(ErrorCode::kNotFound, "missing");
      if (local != after_kill.end()) got = local->second;
      ExpectOldOrNew(name, got, old_tree.at(name), content);
    }
    const CliResult again = Dg(sync);
    ASSERT_EQ(again.exit_code, 0) << again.err;
    EXPECT_EQ(real_files(), new_tree) << "run " << run;
    if (::testing::Test::HasFailure()) return;
  }
  TheReport().leftover_temp_files += TempFilesUnder(out);
}

// Read-only destinations, with the CLI bound by permissions: a download (`cp`,
// `sync`) into a read-only directory and an upload into a read-only file://
// store fail with exit 1 and "Permission denied", and write nothing.
TEST_F(FileStoreReliability, ReadOnlyDestinationsFailCleanly) {
  Releases releases(tmp_, 2, 1 << 20);
  ASSERT_EQ(Dg({"cp", releases.paths[0], "s3://bucket/k/"}).exit_code, 0);
  const std::string locked = tmp_.Sub("locked");
  fs::create_directories(locked);
  SetWritable(locked, false);
  const CliResult copied =
      DgWithoutCapabilities({"cp", "s3://bucket/k/" + releases.names[0], locked + "/"});
  ++TheReport().read_only_runs;
  ExpectOneLineFailure(copied);
  EXPECT_NE(copied.err.find("Permission denied"), std::string::npos) << copied.err;
  EXPECT_TRUE(fs::is_empty(locked));
  // sync reports each file on its own line, then the count.
  const CliResult synced = DgWithoutCapabilities({"sync", "s3://bucket/k/", locked});
  ++TheReport().read_only_runs;
  EXPECT_EQ(synced.exit_code, 1) << synced.err;
  EXPECT_TRUE(synced.err.starts_with("download failed: s3://bucket/k/" + releases.names[0]))
      << synced.err;
  EXPECT_TRUE(synced.err.ends_with(": Permission denied\ndeltaglider: 1 of 1 files failed\n"))
      << synced.err;
  EXPECT_EQ(std::count(synced.err.begin(), synced.err.end(), '\n'), 2) << synced.err;
  EXPECT_TRUE(fs::is_empty(locked));

  const auto before = ReadTree(root_);
  SetWritable(root_, false);
  const CliResult up = DgWithoutCapabilities({"cp", releases.paths[1], "s3://bucket/k/"});
  SetWritable(root_, true);
  ++TheReport().read_only_runs;
  ExpectOneLineFailure(up);
  EXPECT_NE(up.err.find("Permission denied"), std::string::npos) << up.err;
  EXPECT_EQ(ReadTree(root_), before);
}

// The reference cache is scribbled over, then deleted, between runs: reads stay
// exact and the cache heals itself.
TEST_F(FileStoreReliability, DamagedOrDeletedCacheHeals) {
  Releases releases(tmp_, 2, 1 << 20);
  ASSERT_EQ(Dg({"cp", releases.paths[0], "s3://bucket/k/"}).exit_code, 0);
  ASSERT_EQ(Dg({"cp", releases.paths[1], "s3://bucket/k/"}).exit_code, 0);
  const std::string dest = tmp_.Sub("back.zip");
  auto read_back = [&] {
    const CliResult got = Dg({"cp", "s3://bucket/k/" + releases.names[1], dest});
    ASSERT_EQ(got.exit_code, 0) << got.err;
    ++TheReport().files_checked;
    EXPECT_EQ(ReadFile(dest), releases.contents[1]);
  };
  read_back();
  int scribbled = 0;
  for (const auto& entry : fs::recursive_directory_iterator(env_["DG_CACHE_DIR"])) {
    if (!entry.is_regular_file()) continue;
    std::string bytes = ReadFile(entry.path().string());
    for (size_t i = 0; i < bytes.size(); i += 4096) bytes[i] = static_cast<char>(bytes[i] ^ 0x5a);
    WriteFile(entry.path().string(), bytes);
    ++scribbled;
  }
  EXPECT_GT(scribbled, 0);
  read_back();
  fs::remove_all(env_["DG_CACHE_DIR"]);
  read_back();
}

// Puts, removals and `gc --grace 0 --yes` running at the same time on one
// deltaspace, many rounds: a delta must never be left without its reference,
// and every file still listed must read back exactly.
TEST_F(FileStoreReliability, PutsRemovalsAndGcAtOnceNeverOrphanADelta) {
  Releases releases(tmp_, 6, 200000);
  Reader reader(Open());
  std::map<std::string, std::string> expected;  // key -> content, for files that may exist
  for (int round = 0; round < 30; ++round) {
    const std::string prefix = "churn/";
    std::vector<std::unique_ptr<CliProcess>> processes;
    for (int i = 0; i < 3; ++i) {
      const size_t v = static_cast<size_t>(round * 3 + i) % releases.paths.size();
      const std::string key = prefix + std::to_string(round) + "-" + releases.names[v];
      expected[key] = releases.contents[v];
      processes.push_back(std::make_unique<CliProcess>(
          std::vector<std::string>{"cp", releases.paths[v], "s3://bucket/" + key}, Launch()));
    }
    for (int i = 0; round > 0 && i < 3; ++i) {  // the previous round's files go
      const size_t v = static_cast<size_t>((round - 1) * 3 + i) % releases.paths.size();
      const std::string key = prefix + std::to_string(round - 1) + "-" + releases.names[v];
      processes.push_back(
          std::make_unique<CliProcess>(std::vector<std::string>{"rm", "s3://bucket/" + key}, Launch()));
    }
    processes.push_back(std::make_unique<CliProcess>(
        std::vector<std::string>{"gc", "s3://bucket", "--grace", "0", "--yes"}, Launch()));
    if (round % 2 == 1) {  // and in odd rounds gc is killed at a random moment
      std::this_thread::sleep_for(std::chrono::microseconds(rng_() % 60000));
      processes.back()->Kill();
      ++TheReport().killed_gcs;
    }
    for (auto& process : processes) {
      const CliResult result = process->Wait();
      EXPECT_TRUE(result.exit_code == 0 || result.exit_code == 1 || result.exit_code == 137)
          << result.err;
      TheReport().gc_removed_references += Occurrences(result.out, "delete reference: ");
      TheReport().gc_restored_references += Occurrences(result.out, "restore reference: ");
      TheReport().gc_kept_parked += Occurrences(result.out, "keep parked reference: ");
    }
    ++TheReport().concurrent_gc_rounds;
    // Every delta still in the bucket has its reference, and reads back.
    Status listed = reader.store().List({prefix, ""}, [&](const ListEntry& entry) {
      if (!entry.key.ends_with(".delta")) return OkStatus();
      const std::string key = entry.key.substr(0, entry.key.size() - 6);
      reader.ExpectFile(key, expected[key]);
      return OkStatus();
    });
    ASSERT_TRUE(listed.ok()) << listed.message();
    if (::testing::Test::HasFailure()) return;
  }
}

// A bucket on moto (or on $DG_TEST_S3_ENDPOINT), reached by the CLI and in-process.
class S3Reliability : public ::testing::Test {
 protected:
  void SetUp() override {
    auto moto = testing::EmptiedMotoServer();
    ASSERT_TRUE(moto.ok()) << moto.error().message;
    server_ = *moto;
    env_ = server_->ClientEnvironment();
    env_["DG_CACHE_DIR"] = tmp_.Sub("cache");
    ASSERT_EQ(Dg({"mb", "s3://bucket"}, env_).exit_code, 0);
    storage_ = std::move(NewS3Storage(server_->ClientConfig())).value();
  }

  CliResult Dg(const std::vector<std::string>& args, const std::map<std::string, std::string>& env) {
    return testing::RunCli(args, env, tmp_.path());
  }
  std::unique_ptr<ObjectStore> Open() { return std::move(storage_->OpenBucket("bucket")).value(); }

  TempDir tmp_;
  testing::MotoServer* server_ = nullptr;
  std::map<std::string, std::string> env_;
  std::unique_ptr<Storage> storage_;
};

TEST_F(S3Reliability, EightProcessesCreateOneDeltaspaceAtOnceOnS3) {
  ConcurrentFirstWrites(Target{env_, [this] { return Open(); }}, 25,
                        TheReport().concurrent_rounds_s3);
}

// A bit flipped in transit between the CLI and moto (FlippingProxy). moto checks
// neither x-amz-content-sha256 nor any checksum, so only deltaglider's own checks
// stand between the flip and a wrong file.
class S3FlipReliability : public S3Reliability {
 protected:
  void SetUp() override {
    S3Reliability::SetUp();
    if (HasFatalFailure()) return;
    if (server_->external()) GTEST_SKIP() << "moto only: the proxy forwards to 127.0.0.1";
    reader_ = std::make_unique<Reader>(Open());
  }

  // The CLI's environment with its requests going through `proxy` and a cache of
  // its own, so that references are fetched through the proxy too.
  std::map<std::string, std::string> Through(const FlippingProxy& proxy) {
    std::map<std::string, std::string> env = env_;
    env["AWS_ENDPOINT_URL"] = proxy.endpoint();
    env["DG_CACHE_DIR"] = tmp_.Sub("cache-" + std::to_string(++caches_));
    return env;
  }

  std::unique_ptr<Reader> reader_;
  int caches_ = 0;
};

// Every object GET answered with one bit flipped: a download with a cold cache
// (the reference comes through the proxy) and one with a warm cache (only the
// delta does) fail with one line, exit 1, and leave nothing in the directory.
TEST_F(S3FlipReliability, AFlippedDownloadFailsAndLeavesNothing) {
  Releases releases(tmp_, 2, 1 << 20);
  for (const std::string& path : releases.paths) {
    ASSERT_EQ(Dg({"cp", path, "s3://bucket/k/"}, env_).exit_code, 0);
  }
  const std::string uri = "s3://bucket/k/" + releases.names[1];
  ASSERT_EQ(Dg({"cp", uri, tmp_.Sub("warm.zip")}, env_).exit_code, 0);
  FlippingProxy proxy(server_->port(), FlippingProxy::Target::kGetResponses, INT_MAX);
  const std::string out = tmp_.Sub("out");
  fs::create_directories(out);
  std::map<std::string, std::string> warm = Through(proxy);
  warm["DG_CACHE_DIR"] = env_["DG_CACHE_DIR"];
  for (const auto& [env, flipped] : {std::pair{Through(proxy), "reference bytes hash to"},
                                     std::pair{warm, "Data corruption detected"}}) {
    const int flips = proxy.flips();
    const CliResult got = Dg({"cp", uri, out + "/"}, env);
    ++TheReport().flipped_downloads;
    EXPECT_GT(proxy.flips(), flips);
    ExpectOneLineFailure(got);
    EXPECT_NE(got.err.find(flipped), std::string::npos) << got.err;
    EXPECT_TRUE(fs::is_empty(out)) << ReadTree(out).size() << " files left";
  }
}

// The first object PUT body of each upload gets one bit flipped: the reference
// of a new deltaspace, the delta of a second version, a multipart reference. The
// file must never be stored so that it reads back wrong: the put fails with one
// line and leaves the file absent; the same cp without the proxy then works.
TEST_F(S3FlipReliability, AFlippedUploadIsNeverStoredWrong) {
  Releases releases(tmp_, 3, 6 << 20);
  const std::vector<std::pair<std::string, std::vector<std::string>>> uploads = {
      {"k/" + releases.names[0], {"cp", releases.paths[0], "s3://bucket/k/"}},
      {"k/" + releases.names[1], {"cp", releases.paths[1], "s3://bucket/k/"}},
      {"big/" + releases.names[2],
       {"cp", releases.paths[2], "s3://bucket/big/", "--multipart-threshold", "5MB",
        "--multipart-chunksize", "5MB"}},
  };
  for (size_t i = 0; i < uploads.size(); ++i) {
    const auto& [key, args] = uploads[i];
    FlippingProxy proxy(server_->port(), FlippingProxy::Target::kPutRequests, 1);
    const CliResult up = Dg(args, Through(proxy));
    ++TheReport().flipped_uploads;
    EXPECT_EQ(proxy.flips(), 1) << key;
    ExpectOneLineFailure(up);
    EXPECT_NE(up.err.find("changed in transit"), std::string::npos) << up.err;
    EXPECT_EQ(reader_->service().Head(key).code(), ErrorCode::kNotFound) << key;
    const CliResult again = Dg(args, env_);
    ASSERT_EQ(again.exit_code, 0) << again.err;
    reader_->ExpectFile(key, releases.contents[i]);
  }
}

}  // namespace
}  // namespace deltaglider
