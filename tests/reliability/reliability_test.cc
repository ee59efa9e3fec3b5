// Reliability under concurrency, crashes and a full disk, through the CLI binary
// as users run it, against the file:// store and moto_server. Every check reads
// the bucket back in-process and compares SHA256s with the files that went in;
// the suite ends by printing the counts (docs/reliability.md records a run).
#include <gtest/gtest.h>
#include <sys/stat.h>

#include <chrono>
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
#include "tests/testutil/moto_server.h"
#include "tests/testutil/release_data.h"
#include "tests/testutil/temp_dir.h"

namespace deltaglider {
namespace {

namespace fs = std::filesystem;
using testing::CliLaunch;
using testing::CliProcess;
using testing::CliResult;
using testing::ReadFile;
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
  int killed_gcs = 0;
  int killed_puts = 0;
  int killed_gets = 0;
  int full_disk_runs = 0;
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
        "put+rm+gc rounds %d (references removed by gc %d, put back %d); "
        "kill -9 during put %d, during get %d, during gc %d; full-disk runs %d; files checked %d; "
        "files lost %d; temp files left by killed downloads %d, temp objects left in "
        "the store by killed puts %d\n",
        r.concurrent_rounds_fs, r.concurrent_rounds_s3, r.concurrent_puts, r.concurrent_gc_rounds,
        r.gc_removed_references, r.gc_restored_references, r.killed_puts,
        r.killed_gets, r.killed_gcs, r.full_disk_runs, r.files_checked, r.files_lost, r.leftover_temp_files,
        r.leftover_temp_objects);
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
  Releases(const TempDir& tmp, int count, size_t size) {
    for (int v = 1; v <= count; ++v) {
      names.push_back("app-" + std::to_string(v) + ".zip");
      contents.push_back(testing::SyntheticRelease(v, size, 9));
      paths.push_back(tmp.Sub(names.back()));
      WriteFile(paths.back(), contents.back());
    }
  }
  std::vector<std::string> names, contents, paths;
};

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
  // How long `args` takes, to aim kills inside the operation.
  std::chrono::microseconds Time(const std::vector<std::string>& args) {
    const auto start = std::chrono::steady_clock::now();
    const CliResult result = Dg(args);
    EXPECT_EQ(result.exit_code, 0) << result.err;
    return std::chrono::duration_cast<std::chrono::microseconds>(std::chrono::steady_clock::now() -
                                                                 start);
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
  constexpr int kRuns = 40;
  Releases releases(tmp_, kRuns + 2, 3 << 20);
  ASSERT_EQ(Dg({"cp", releases.paths[0], "s3://bucket/k/app.zip"}).exit_code, 0);
  ASSERT_EQ(Dg({"cp", releases.paths[1], "s3://bucket/k/other.zip"}).exit_code, 0);
  const auto typical = Time({"cp", releases.paths[1], "s3://bucket/k/app.zip"});
  std::map<std::string, size_t> version_of_sha;
  for (size_t i = 0; i < releases.contents.size(); ++i) {
    version_of_sha[Sha256Of(releases.contents[i])] = i;
  }
  Reader reader(Open());
  size_t current = 1;
  for (int run = 0; run < kRuns; ++run) {
    const size_t next = static_cast<size_t>(run) + 2;
    CliProcess put({"cp", releases.paths[next], "s3://bucket/k/app.zip"}, Launch());
    std::this_thread::sleep_for(std::chrono::microseconds(rng_() % (typical.count() * 6 / 5 + 1)));
    put.Kill();
    (void)put.Wait();
    ++TheReport().killed_puts;
    Result<FileInfo> head = reader.service().Head("k/app.zip");
    ASSERT_TRUE(head.ok()) << head.error().message;
    ASSERT_TRUE(version_of_sha.count(head->sha256)) << "run " << run;
    const size_t now = version_of_sha[head->sha256];
    EXPECT_TRUE(now == current || now == next) << "run " << run << ": version " << now;
    reader.ExpectFile("k/app.zip", releases.contents[now]);
    reader.ExpectFile("k/other.zip", releases.contents[1]);
    current = now;
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
    std::this_thread::sleep_for(std::chrono::microseconds(rng_() % (typical.count() * 6 / 5 + 1)));
    put.Kill();
    (void)put.Wait();
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
    std::this_thread::sleep_for(std::chrono::microseconds(rng_() % (typical.count() * 6 / 5 + 1)));
    get.Kill();
    (void)get.Wait();
    ++TheReport().killed_gets;
    ++TheReport().files_checked;
    const std::string now = ReadFile(dest);
    const bool whole = now == "old contents" || now == releases.contents[1];
    if (!whole) ++TheReport().files_lost;
    EXPECT_TRUE(whole) << "run " << run << ": " << now.size() << " bytes";
  }
  TheReport().leftover_temp_files += TempFilesUnder(out_dir);
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

TEST(S3Reliability, EightProcessesCreateOneDeltaspaceAtOnceOnS3) {
  auto moto = testing::SharedMotoServer();
  ASSERT_TRUE(moto.ok()) << moto.error().message;
  testing::MotoServer* server = *moto;
  ASSERT_TRUE(server->Reset().ok());
  TempDir tmp;
  std::map<std::string, std::string> env = server->ClientEnvironment();
  env["DG_CACHE_DIR"] = tmp.Sub("cache");
  ASSERT_EQ(testing::RunCli({"mb", "s3://bucket"}, env).exit_code, 0);
  auto storage = std::shared_ptr<Storage>(std::move(NewS3Storage(server->ClientConfig())).value());
  const Target target{env, [storage] { return std::move(storage->OpenBucket("bucket")).value(); }};
  ConcurrentFirstWrites(target, 25, TheReport().concurrent_rounds_s3);
}

}  // namespace
}  // namespace deltaglider
