// The deltaglider binary as users run it: commands, output, exit codes and every
// bad-input path of the walking skeleton, against a file:// store.
#include <gtest/gtest.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <filesystem>

#include "deltaglider/filesystem.h"
#include "deltaglider/open.h"
#include "tests/cli/cli_runner.h"
#include "tests/testutil/release_data.h"
#include "tests/testutil/temp_dir.h"

namespace deltaglider {
namespace {

namespace fs = std::filesystem;
using testing::CliLaunch;
using testing::CliProcess;
using testing::CliResult;
using testing::ReadFile;
using testing::RunCli;
using testing::TempDir;
using testing::WriteFile;

std::string Release(int version) { return testing::SyntheticRelease(version, 200000); }

int CountLines(const std::string& text) {
  return static_cast<int>(std::count(text.begin(), text.end(), '\n'));
}

class CliTest : public ::testing::Test {
 protected:
  CliTest() {
    store_ = tmp_.Sub("store");
    cache_ = tmp_.Sub("cache");
    work_ = tmp_.Sub("work");
    fs::create_directories(work_);
  }

  // Runs deltaglider against the test store, from the work directory.
  CliResult Dg(std::vector<std::string> args, const std::string& cache = "") {
    args.push_back("--endpoint-url");
    args.push_back("file://" + store_);
    return RunCli(args, {{"DG_CACHE_DIR", cache.empty() ? cache_ : cache}}, work_);
  }

  std::string Local(const std::string& name, const std::string& content) {
    const std::string path = work_ + "/" + name;
    WriteFile(path, content);
    return path;
  }

  void MakeBucketWithTwoReleases() {
    ASSERT_EQ(Dg({"mb", "s3://rel"}).exit_code, 0);
    ASSERT_EQ(Dg({"cp", Local("app-1.zip", Release(1)), "s3://rel/app/"}).exit_code, 0);
    ASSERT_EQ(Dg({"cp", Local("app-2.zip", Release(2)), "s3://rel/app/"}).exit_code, 0);
  }

  // Rewrites a stored object through the library (bytes and/or metadata).
  void Tamper(const std::string& key, const std::function<void(std::string&, Metadata&)>& edit) {
    auto storage = std::move(NewFilesystemStorage(store_)).value();
    auto bucket = std::move(storage->OpenBucket("rel")).value();
    VectorSink sink;
    auto head = bucket->Get(key, sink);
    ASSERT_TRUE(head.ok()) << key;
    std::string bytes(AsChars(sink.bytes()));
    Metadata metadata = head->metadata;
    edit(bytes, metadata);
    SpanSource source(AsBytes(bytes));
    PutOptions options;
    options.metadata = metadata;
    ASSERT_TRUE(bucket->Put(key, source, options).ok());
  }

  // No file and no temp file may be left in the work directory by a failed get.
  void ExpectWorkDirHolds(std::vector<std::string> expected) {
    std::vector<std::string> names;
    for (const auto& entry : fs::directory_iterator(work_)) names.push_back(entry.path().filename());
    std::sort(names.begin(), names.end());
    std::sort(expected.begin(), expected.end());
    EXPECT_EQ(names, expected);
  }

  void ExpectOneLineError(const CliResult& r, int code, const std::string& needle) {
    EXPECT_EQ(r.exit_code, code) << r.err;
    EXPECT_EQ(CountLines(r.err), 1) << r.err;
    EXPECT_NE(r.err.find(needle), std::string::npos) << r.err;
    EXPECT_EQ(r.err.rfind("deltaglider: ", 0), 0u) << r.err;
  }

  TempDir tmp_;
  std::string store_, cache_, work_;
};

// One file's cp on a terminal draws the phase it is in; --no-progress, or stderr
// not a terminal, draws nothing.
TEST_F(CliTest, SingleFileProgressNamesThePhaseOnATerminal) {
  if (std::system("command -v script >/dev/null 2>&1") != 0) GTEST_SKIP() << "no script(1)";
  ASSERT_EQ(Dg({"mb", "s3://rel"}).exit_code, 0);
  Local("app-1.zip", Release(1));
  const std::string store = " --endpoint-url file://" + store_;
  const std::string up = testing::OnATerminal(work_, cache_, "cp app-1.zip s3://rel/a/" + store);
  EXPECT_NE(up.find("\rstoring reference "), std::string::npos) << up;
  EXPECT_NE(up.find("\rencoding "), std::string::npos) << up;
  EXPECT_NE(up.find("upload: app-1.zip to s3://rel/a/app-1.zip"), std::string::npos) << up;
  const std::string down = testing::OnATerminal(work_, tmp_.Sub("cold-cache"),
                                                "cp s3://rel/a/app-1.zip back.zip" + store);
  EXPECT_NE(down.find("\rfetching reference "), std::string::npos) << down;
  EXPECT_NE(down.find("\rrebuilding "), std::string::npos) << down;
  EXPECT_EQ(ReadFile(work_ + "/back.zip"), Release(1));
  const std::string quiet =
      testing::OnATerminal(work_, cache_, "cp app-1.zip s3://rel/b/ --no-progress" + store);
  EXPECT_EQ(quiet.find("encoding"), std::string::npos) << quiet;
  EXPECT_EQ(Dg({"cp", "app-1.zip", "s3://rel/c/"}).err, "");
}

TEST_F(CliTest, VersionAndHelp) {
  CliResult v = RunCli({"--version"});
  EXPECT_EQ(v.exit_code, 0);
  EXPECT_EQ(v.out, "deltaglider 0.1.0\n");
  CliResult h = RunCli({"--help"});
  EXPECT_EQ(h.exit_code, 0);
  for (const char* word : {"cp", "put", "get", "ls", "rm", "mb", "rb", "verify", "stats", "analyze",
                           "--endpoint-url", "--json", "--quiet", "--debug", "--max-ratio"}) {
    EXPECT_NE(h.out.find(word), std::string::npos) << word;
  }
  CliResult cp_help = RunCli({"cp", "--help"});
  EXPECT_EQ(cp_help.exit_code, 0);
  EXPECT_NE(cp_help.out.find("s3://releases/app/"), std::string::npos);
}

TEST_F(CliTest, UsageErrorsExitTwo) {
  EXPECT_EQ(RunCli({}).exit_code, 2);
  EXPECT_EQ(RunCli({"frobnicate"}).exit_code, 2);
  EXPECT_EQ(Dg({"cp", "a", "b"}).exit_code, 2);
  EXPECT_EQ(Dg({"ls", "bucket/key"}).exit_code, 2);
  EXPECT_EQ(Dg({"--max-ratio", "7", "ls"}).exit_code, 2);
  EXPECT_EQ(Dg({"--codec", "bsdiff", "ls"}).exit_code, 2);
  EXPECT_EQ(Dg({"--level", "0", "ls"}).exit_code, 2);
  EXPECT_EQ(Dg({"mb", "s3://x"}).exit_code, 2);  // invalid bucket name
  EXPECT_EQ(Dg({"rm", "s3://bucket/"}).exit_code, 2);
  CliResult no_endpoint = RunCli({"ls"}, {{"AWS_ENDPOINT_URL", ""}, {"AWS_ENDPOINT_URL_S3", ""}});
  ExpectOneLineError(no_endpoint, 2, "--endpoint-url");
  ExpectOneLineError(Dg({"--memory-limit", "32MiB", "ls"}), 2, "at least 64MiB");
  ExpectOneLineError(Dg({"--memory-limit", "lots", "ls"}), 2, "expected a size");
}

TEST_F(CliTest, UploadDownloadRoundTripWithAwsStyleDestinations) {
  MakeBucketWithTwoReleases();
  // cp f s3://b/dir/ keeps dir/; cp f s3://b/dir/name renames.
  ASSERT_EQ(Dg({"cp", Local("app-3.zip", Release(3)), "s3://rel/app/renamed.zip"}).exit_code, 0);
  CliResult ls = Dg({"ls", "s3://rel/app/"});
  ASSERT_EQ(ls.exit_code, 0) << ls.err;
  EXPECT_NE(ls.out.find(" 200000 app-1.zip\n"), std::string::npos) << ls.out;
  EXPECT_NE(ls.out.find(" 200000 app-2.zip\n"), std::string::npos) << ls.out;
  EXPECT_NE(ls.out.find(" 200000 renamed.zip\n"), std::string::npos) << ls.out;
  EXPECT_EQ(ls.out.find("reference.bin"), std::string::npos);
  EXPECT_EQ(ls.out.find(".delta"), std::string::npos);

  fs::create_directories(work_ + "/down");
  ASSERT_EQ(Dg({"cp", "s3://rel/app/app-2.zip", "./"}).exit_code, 0);  // overwrites the local copy
  ASSERT_EQ(Dg({"cp", "s3://rel/app/app-1.zip", "down/"}).exit_code, 0);
  ASSERT_EQ(Dg({"cp", "s3://rel/app/renamed.zip", "down/r.zip"}).exit_code, 0);
  EXPECT_EQ(ReadFile(work_ + "/app-2.zip"), Release(2));
  EXPECT_EQ(ReadFile(work_ + "/down/app-1.zip"), Release(1));
  EXPECT_EQ(ReadFile(work_ + "/down/r.zip"), Release(3));
  CliResult to_stdout = Dg({"cp", "s3://rel/app/app-1.zip", "-"});
  EXPECT_EQ(to_stdout.exit_code, 0);
  EXPECT_EQ(to_stdout.out, Release(1));
}

// `tar c | deltaglider cp - s3://b/k`: a pipe, read once, stored as a delta like a file.
TEST_F(CliTest, StandardInputFromAPipeIsStoredLikeAFile) {
  MakeBucketWithTwoReleases();
  CliLaunch launch;
  launch.env = {{"DG_CACHE_DIR", cache_}, {"TMPDIR", tmp_.Sub("spool")}};
  launch.cwd = work_;
  launch.stdin_pipe_from = Local("piped.zip", Release(3));
  fs::create_directories(tmp_.Sub("spool"));
  CliResult piped =
      CliProcess({"cp", "-", "s3://rel/app/app-3.zip", "--endpoint-url", "file://" + store_},
                 launch)
          .Wait();
  ASSERT_EQ(piped.exit_code, 0) << piped.err;
  EXPECT_NE(piped.out.find("upload: - to s3://rel/app/app-3.zip (delta "), std::string::npos)
      << piped.out;
  EXPECT_EQ(Dg({"cp", "s3://rel/app/app-3.zip", "-"}).out, Release(3));
  EXPECT_TRUE(fs::is_empty(tmp_.Sub("spool")));  // the spool file never had a name
  ExpectOneLineError(Dg({"cp", "-", "s3://rel/app/"}), 2, "name the key");
}

TEST_F(CliTest, PutGetShortFormsAndGlobalOptionsAnywhere) {
  ASSERT_EQ(Dg({"mb", "s3://rel"}).exit_code, 0);
  const std::string a = Local("a-1.tar", Release(1));
  const std::string b = Local("a-2.tar", Release(2));
  CliResult put = RunCli({"--endpoint-url", "file://" + store_, "put", a, b, "s3://rel/v", "--json"},
                         {{"DG_CACHE_DIR", cache_}}, work_);
  ASSERT_EQ(put.exit_code, 0) << put.err;
  EXPECT_EQ(CountLines(put.out), 2);
  EXPECT_NE(put.out.find("\"key\":\"v/a-2.tar\""), std::string::npos) << put.out;
  EXPECT_NE(put.out.find("\"stored_as\":\"delta\""), std::string::npos);
  fs::create_directories(work_ + "/out");
  ASSERT_EQ(Dg({"get", "s3://rel/v/a-2.tar", "out"}).exit_code, 0);
  EXPECT_EQ(ReadFile(work_ + "/out/a-2.tar"), Release(2));
  CliResult quiet = Dg({"-q", "cp", a, "s3://rel/q/"});
  EXPECT_EQ(quiet.exit_code, 0);
  EXPECT_EQ(quiet.out, "");
}

TEST_F(CliTest, UploadReportsDeltaAndReference) {
  ASSERT_EQ(Dg({"mb", "s3://rel"}).exit_code, 0);
  CliResult first = Dg({"cp", Local("app-1.zip", Release(1)), "s3://rel/app/"});
  ASSERT_EQ(first.exit_code, 0);
  EXPECT_NE(first.out.find("upload: " + work_ + "/app-1.zip to s3://rel/app/app-1.zip (delta"),
            std::string::npos)
      << first.out;
  EXPECT_NE(first.out.find("new reference app/reference.bin"), std::string::npos) << first.out;
  CliResult second = Dg({"cp", Local("app-2.zip", Release(2)), "s3://rel/app/"});
  EXPECT_EQ(second.out.find("new reference"), std::string::npos) << second.out;
  CliResult stored = Dg({"ls", "-r", "--stored", "s3://rel"});
  EXPECT_NE(stored.out.find("app/reference.bin"), std::string::npos) << stored.out;
  EXPECT_NE(stored.out.find("app/app-2.zip.delta"), std::string::npos) << stored.out;
}

// The CI pattern `cp dist/app-X.zip s3://releases/vX/`: every version in its own
// directory still deltas against one family reference.
TEST_F(CliTest, VersionDirectoriesShareAFamilyReference) {
  ASSERT_EQ(Dg({"mb", "s3://rel"}).exit_code, 0);
  for (int v = 1; v <= 3; ++v) {
    const std::string name = "app-1.0." + std::to_string(v) + ".zip";
    CliResult up = Dg({"cp", Local(name, Release(v)), "s3://rel/v1.0." + std::to_string(v) + "/"});
    ASSERT_EQ(up.exit_code, 0) << up.err;
    EXPECT_EQ(up.out.find("new reference") != std::string::npos, v == 1) << up.out;
  }
  CliResult stored = Dg({"ls", "-r", "--stored", "s3://rel"});
  EXPECT_NE(stored.out.find(" .dg-family/app.zip/1/reference.bin\n"), std::string::npos)
      << stored.out;
  EXPECT_EQ(CountLines(stored.out), 4) << stored.out;  // one reference, three deltas
  CliResult json = Dg({"ls", "-r", "--json", "s3://rel"});
  EXPECT_NE(json.out.find("\"group\":\"*/{app.zip}\""), std::string::npos) << json.out;
  EXPECT_NE(json.out.find("\"ref_key\":\".dg-family/app.zip/1/reference.bin\""), std::string::npos)
      << json.out;
  CliResult top = Dg({"ls", "s3://rel"});
  EXPECT_EQ(top.out.find(".dg-family"), std::string::npos) << top.out;
  EXPECT_EQ(CountLines(top.out), 3) << top.out;
  CliResult back = Dg({"cp", "s3://rel/v1.0.2/app-1.0.2.zip", work_ + "/back.zip"});
  ASSERT_EQ(back.exit_code, 0) << back.err;
  EXPECT_EQ(ReadFile(work_ + "/back.zip"), Release(2));

  // --no-family: each version directory gets its own reference, as in the Python tool.
  CliResult own = Dg({"cp", Local("app-2.0.0.zip", Release(4)), "s3://rel/v2.0.0/", "--no-family"});
  ASSERT_EQ(own.exit_code, 0) << own.err;
  EXPECT_NE(own.out.find("new reference v2.0.0/reference.bin"), std::string::npos) << own.out;
}

TEST_F(CliTest, GcPlansThenRemovesUnusedReferencesAndLitter) {
  MakeBucketWithTwoReleases();
  ASSERT_EQ(Dg({"rm", "s3://rel/app/app-1.zip"}).exit_code, 0);
  CliResult needed = Dg({"gc", "s3://rel", "--grace", "0"});
  ASSERT_EQ(needed.exit_code, 0) << needed.err;
  EXPECT_EQ(needed.out, "gc s3://rel/: 1 references, 0 unused (0 B), 0 kept (younger than 0), 0 litter\n");
  ASSERT_EQ(Dg({"rm", "s3://rel/app/app-2.zip"}).exit_code, 0);
  // A temp file of a killed write, an hour old.
  const std::string temp = store_ + "/.dg-tmp/put-killed";
  WriteFile(temp, "partial");
  const auto hour_ago = fs::file_time_type::clock::now() - std::chrono::hours(1);
  fs::last_write_time(temp, hour_ago);
  const std::string reference = store_ + "/rel/app/reference.bin";

  CliResult young = Dg({"gc", "s3://rel"});
  EXPECT_EQ(young.out,
            "keep reference: s3://rel/app/reference.bin (no delta needs it yet, younger than "
            "--grace 24h)\n"
            "gc s3://rel/: 1 references, 0 unused (0 B), 1 kept (younger than 24h), 0 litter\n");
  fs::last_write_time(reference, hour_ago);
  CliResult plan = Dg({"gc", "s3://rel", "--grace", "30m"});
  ASSERT_EQ(plan.exit_code, 0) << plan.err;
  EXPECT_NE(plan.out.find("(dryrun) delete reference: s3://rel/app/reference.bin ("),
            std::string::npos)
      << plan.out;
  EXPECT_NE(plan.out.find("(dryrun) remove temp file " + temp + " (7 B)\n"), std::string::npos)
      << plan.out;
  EXPECT_TRUE(fs::exists(temp));
  CliResult done = Dg({"gc", "s3://rel", "--grace", "30m", "--yes"});
  ASSERT_EQ(done.exit_code, 0) << done.err;
  EXPECT_TRUE(done.out.starts_with("delete reference: s3://rel/app/reference.bin (")) << done.out;
  EXPECT_FALSE(fs::exists(temp));
  EXPECT_EQ(Dg({"ls", "-r", "--stored", "s3://rel"}).out, "");
  EXPECT_EQ(Dg({"gc", "s3://rel", "--grace", "soon"}).exit_code, 2);
}

TEST_F(CliTest, LsBucketsPrefixesAndRecursive) {
  MakeBucketWithTwoReleases();
  ASSERT_EQ(Dg({"cp", Local("n.txt", "notes"), "s3://rel/"}).exit_code, 0);
  CliResult buckets = Dg({"ls"});
  EXPECT_NE(buckets.out.find(" rel\n"), std::string::npos) << buckets.out;
  CliResult top = Dg({"ls", "s3://rel"});
  EXPECT_NE(top.out.find("                           PRE app/\n"), std::string::npos) << top.out;
  EXPECT_NE(top.out.find("          5 n.txt\n"), std::string::npos) << top.out;
  CliResult all = Dg({"ls", "--recursive", "s3://rel"});
  EXPECT_NE(all.out.find(" app/app-1.zip\n"), std::string::npos) << all.out;
  EXPECT_EQ(CountLines(all.out), 3);
}

TEST_F(CliTest, StatsVerifyRmAndBuckets) {
  MakeBucketWithTwoReleases();
  CliResult stats = Dg({"stats", "s3://rel", "--json"});
  ASSERT_EQ(stats.exit_code, 0) << stats.err;
  EXPECT_NE(stats.out.find("\"original_bytes\":400000"), std::string::npos) << stats.out;
  EXPECT_NE(stats.out.find("\"deltas\":2"), std::string::npos) << stats.out;
  CliResult text = Dg({"stats", "s3://rel"});
  EXPECT_NE(text.out.find("app/"), std::string::npos) << text.out;
  EXPECT_NE(text.out.find("total"), std::string::npos);

  CliResult verify = Dg({"verify", "s3://rel/app/app-2.zip"});
  EXPECT_EQ(verify.exit_code, 0) << verify.err;
  EXPECT_NE(verify.out.find("verified: s3://rel/app/app-2.zip (delta, 200000 bytes"), std::string::npos);

  CliResult rb_full = Dg({"rb", "s3://rel"});
  ExpectOneLineError(rb_full, 1, "rel");
  EXPECT_EQ(Dg({"rm", "s3://rel/app/app-1.zip"}).exit_code, 0);
  EXPECT_EQ(Dg({"cp", "s3://rel/app/app-2.zip", "x.zip"}).exit_code, 0);  // still readable
  ExpectOneLineError(Dg({"rm", "s3://rel/app/app-1.zip"}), 1, "s3://rel/app/app-1.zip");
  EXPECT_EQ(Dg({"mb", "s3://rel"}).exit_code, 1);
}

TEST_F(CliTest, MissingOrUnreadableLocalFile) {
  ASSERT_EQ(Dg({"mb", "s3://rel"}).exit_code, 0);
  // As `aws s3 cp`: a missing local source is a usage error (exit 2), not a failed transfer.
  ExpectOneLineError(Dg({"cp", work_ + "/nope.zip", "s3://rel/"}), 2, "nope.zip");
  fs::create_directories(work_ + "/adir.zip");
  ExpectOneLineError(Dg({"cp", work_ + "/adir.zip", "s3://rel/"}), 2, "adir.zip");
  CliResult stored = Dg({"ls", "-r", "--stored", "s3://rel"});
  EXPECT_EQ(stored.out, "");  // nothing half-written
}

TEST_F(CliTest, MissingBucket) {
  CliResult r = Dg({"cp", Local("a.zip", Release(1)), "s3://absent/"});
  ExpectOneLineError(r, 1, "absent");
  ExpectOneLineError(Dg({"cp", "s3://absent/a.zip", "out.zip"}), 1, "absent");
  ExpectWorkDirHolds({"a.zip"});
}

TEST_F(CliTest, MissingKeyCreatesNoFile) {
  MakeBucketWithTwoReleases();
  ExpectOneLineError(Dg({"cp", "s3://rel/app/app-9.zip", "out.zip"}), 1, "s3://rel/app/app-9.zip");
  ExpectWorkDirHolds({"app-1.zip", "app-2.zip"});
}

TEST_F(CliTest, FlippedByteInDeltaLeavesNoFile) {
  MakeBucketWithTwoReleases();
  Tamper("app/app-2.zip.delta", [](std::string& bytes, Metadata&) { bytes[bytes.size() / 2] ^= 1; });
  ExpectOneLineError(Dg({"cp", "s3://rel/app/app-2.zip", "out.zip"}), 1, "app/app-2.zip.delta");
  ExpectOneLineError(Dg({"verify", "s3://rel/app/app-2.zip"}), 1, "app/app-2.zip.delta");
  ExpectWorkDirHolds({"app-1.zip", "app-2.zip"});
}

TEST_F(CliTest, TruncatedDeltaLeavesNoFile) {
  MakeBucketWithTwoReleases();
  Tamper("app/app-2.zip.delta", [](std::string& bytes, Metadata&) { bytes.resize(bytes.size() - 7); });
  ExpectOneLineError(Dg({"cp", "s3://rel/app/app-2.zip", "out.zip"}), 1, "truncated");
  ExpectWorkDirHolds({"app-1.zip", "app-2.zip"});
}

TEST_F(CliTest, FlippedByteInReferenceIsNamed) {
  MakeBucketWithTwoReleases();
  Tamper("app/reference.bin", [](std::string& bytes, Metadata&) { bytes[bytes.size() / 3] ^= 0x10; });
  CliResult r = Dg({"cp", "s3://rel/app/app-2.zip", "out.zip"}, tmp_.Sub("fresh-cache"));
  ExpectOneLineError(r, 1, "reference s3://rel/app/reference.bin");
  ExpectWorkDirHolds({"app-1.zip", "app-2.zip"});
}

TEST_F(CliTest, MissingReferenceIsNamed) {
  MakeBucketWithTwoReleases();
  fs::remove(store_ + "/rel/app/reference.bin");
  CliResult r = Dg({"cp", "s3://rel/app/app-2.zip", "out.zip"}, tmp_.Sub("fresh-cache"));
  ExpectOneLineError(r, 1, "reference s3://rel/app/reference.bin is missing");
  ExpectOneLineError(Dg({"verify", "s3://rel/app/app-1.zip"}), 1, "app/reference.bin");
  ExpectWorkDirHolds({"app-1.zip", "app-2.zip"});
}

TEST_F(CliTest, UnknownCodecIsNamed) {
  MakeBucketWithTwoReleases();
  Tamper("app/app-2.zip.delta", [](std::string&, Metadata& m) { m["dg-delta-cmd"] = "courgette -x"; });
  ExpectOneLineError(Dg({"cp", "s3://rel/app/app-2.zip", "out.zip"}), 1, "courgette");
  ExpectWorkDirHolds({"app-1.zip", "app-2.zip"});
}

TEST_F(CliTest, UnwritableDestination) {
  MakeBucketWithTwoReleases();
  CliResult r = Dg({"cp", "s3://rel/app/app-2.zip", "/sys/kernel/app-2.zip"});
  ExpectOneLineError(r, 1, "/sys/kernel/app-2.zip");
  CliResult missing_dir = Dg({"cp", "s3://rel/app/app-2.zip", work_ + "/no/such/dir/x.zip"});
  ExpectOneLineError(missing_dir, 1, "no/such/dir");
}

TEST_F(CliTest, Xdelta3CodecWritesWhatThePythonToolReads) {
  ASSERT_EQ(Dg({"mb", "s3://rel"}).exit_code, 0);
  ASSERT_EQ(Dg({"--codec", "xdelta3", "cp", Local("app-1.zip", Release(1)), "s3://rel/app/"}).exit_code, 0);
  CliResult second = Dg({"--codec", "xdelta3", "cp", Local("app-2.zip", Release(2)), "s3://rel/app/", "--json"});
  ASSERT_EQ(second.exit_code, 0) << second.err;
  EXPECT_NE(second.out.find("\"stored_as\":\"delta\""), std::string::npos) << second.out;
  auto storage = std::move(NewFilesystemStorage(store_)).value();
  auto bucket = std::move(storage->OpenBucket("rel")).value();
  auto head = bucket->Head("app/app-2.zip.delta");
  ASSERT_TRUE(head.ok());
  EXPECT_EQ(head->metadata.at("dg-delta-cmd"), "xdelta3 -e -9 -s reference.bin app-2.zip app-2.zip.delta");
  EXPECT_EQ(bucket->Head("app/reference.bin")->size, 200000u);  // raw, as the Python tool stores it
  ASSERT_EQ(Dg({"cp", "s3://rel/app/app-2.zip", "back.zip"}).exit_code, 0);
  EXPECT_EQ(ReadFile(work_ + "/back.zip"), Release(2));
}

// A file put through the library with a content type and metadata keeps them
// when the CLI copies it to another bucket (rebuilt and stored again there).
TEST_F(CliTest, CopiesBetweenBucketsKeepContentTypeAndMetadata) {
  ASSERT_EQ(Dg({"mb", "s3://src"}).exit_code, 0);
  ASSERT_EQ(Dg({"mb", "s3://dst"}).exit_code, 0);
  ClientOptions options;
  options.endpoint_url = "file://" + store_;
  options.cache = CacheKind::kMemory;
  auto client = Client::Open(options);
  ASSERT_TRUE(client.ok()) << client.error().message;
  const ObjectAttributes attributes{.content_type = "application/zip",
                                    .user_metadata = {{"build", "1234"}}};
  for (const std::string version : {"1", "2"}) {
    auto session = (*client)->OpenBucket("src");
    ASSERT_TRUE(session.ok());
    const std::string bytes = Release(std::stoi(version));
    SpanSource body(AsBytes(bytes));
    ASSERT_TRUE(
        session->service->Put("app/app-" + version + ".zip", body, "app.zip", attributes).ok());
  }
  CliResult copied = Dg({"cp", "s3://src/app/app-2.zip", "s3://dst/app/app-2.zip"});
  ASSERT_EQ(copied.exit_code, 0) << copied.err;
  CliResult tree = Dg({"cp", "-r", "s3://src/app/", "s3://dst/tree/"});
  ASSERT_EQ(tree.exit_code, 0) << tree.err;
  auto destination = (*client)->OpenBucket("dst");
  ASSERT_TRUE(destination.ok());
  for (const char* key : {"app/app-2.zip", "tree/app-1.zip", "tree/app-2.zip"}) {
    auto head = destination->service->Head(key);
    ASSERT_TRUE(head.ok()) << key << ": " << head.error().message;
    EXPECT_EQ(head->content_type, "application/zip") << key;
    EXPECT_EQ(head->user_metadata, attributes.user_metadata) << key;
  }
}

// aws s3 cp's --content-type and --metadata, on single and recursive uploads.
TEST_F(CliTest, UploadsRecordContentTypeAndMetadata) {
  ASSERT_EQ(Dg({"mb", "s3://rel"}).exit_code, 0);
  const std::string one = Local("app-1.zip", Release(1));
  Local("tree/app-2.zip", Release(2));
  CliResult single = Dg({"cp", one, "s3://rel/app/", "--content-type", "application/zip",
                         "--metadata", "Build=1234,branch=main"});
  ASSERT_EQ(single.exit_code, 0) << single.err;
  CliResult tree = Dg({"cp", "-r", work_ + "/tree/", "s3://rel/app/", "--metadata", "build=99"});
  ASSERT_EQ(tree.exit_code, 0) << tree.err;
  ClientOptions options;
  options.endpoint_url = "file://" + store_;
  options.cache = CacheKind::kMemory;
  auto client = Client::Open(options);
  ASSERT_TRUE(client.ok());
  auto session = (*client)->OpenBucket("rel");
  ASSERT_TRUE(session.ok());
  auto first = session->service->Head("app/app-1.zip");
  ASSERT_TRUE(first.ok()) << first.error().message;
  EXPECT_EQ(first->content_type, "application/zip");
  EXPECT_EQ(first->user_metadata, (Metadata{{"branch", "main"}, {"build", "1234"}}));
  auto second = session->service->Head("app/app-2.zip");
  ASSERT_TRUE(second.ok()) << second.error().message;
  EXPECT_EQ(second->content_type, "application/octet-stream");
  EXPECT_EQ(second->user_metadata, (Metadata{{"build", "99"}}));
  CliResult bad = Dg({"cp", one, "s3://rel/app/", "--metadata", "novalue"});
  EXPECT_EQ(bad.exit_code, 2);
  EXPECT_NE(bad.err.find("--metadata: 'novalue': expected KEY=VALUE"), std::string::npos)
      << bad.err;
}

TEST_F(CliTest, UnusableCacheDirectoryFallsBackToMemory) {
  MakeBucketWithTwoReleases();
  CliResult r = Dg({"cp", "s3://rel/app/app-2.zip", "out.zip"}, "/sys/kernel/deltaglider-cache");
  EXPECT_EQ(r.exit_code, 0) << r.err;
  EXPECT_NE(r.err.find("warning:"), std::string::npos) << r.err;
  EXPECT_EQ(ReadFile(work_ + "/out.zip"), Release(2));
}

TEST_F(CliTest, KeysWithSpacesAndUnicode) {
  ASSERT_EQ(Dg({"mb", "s3://rel"}).exit_code, 0);
  ASSERT_EQ(Dg({"cp", Local("my app 1.zip", Release(1)), "s3://rel/über dir/"}).exit_code, 0);
  ASSERT_EQ(Dg({"cp", Local("日本 2.zip", Release(2)), "s3://rel/über dir/"}).exit_code, 0);
  ASSERT_EQ(Dg({"cp", "s3://rel/über dir/日本 2.zip", "back.zip"}).exit_code, 0);
  EXPECT_EQ(ReadFile(work_ + "/back.zip"), Release(2));
  CliResult ls = Dg({"ls", "s3://rel/über dir/"});
  EXPECT_NE(ls.out.find("my app 1.zip"), std::string::npos) << ls.out;
}

TEST_F(CliTest, KeysEscapingTheStoreAreRejected) {
  ASSERT_EQ(Dg({"mb", "s3://rel"}).exit_code, 0);
  const std::string f = Local("a.txt", "x");
  CliResult r = Dg({"cp", f, "s3://rel/../../escape.txt"});
  EXPECT_NE(r.exit_code, 0);
  EXPECT_FALSE(fs::exists(tmp_.Sub("escape.txt")));
  EXPECT_FALSE(fs::exists(store_ + "/escape.txt"));
}

TEST_F(CliTest, KilledDownloadNeverLeavesAPartialFile) {
  ASSERT_EQ(Dg({"mb", "s3://rel"}).exit_code, 0);
  const std::string big(40 << 20, 'z');
  ASSERT_EQ(Dg({"cp", Local("big.txt", big), "s3://rel/"}).exit_code, 0);
  fs::remove(work_ + "/big.txt");
  for (int delay_ms : {1, 5, 20, 60}) {
    const pid_t pid = fork();
    if (pid == 0) {
      if (chdir(work_.c_str()) != 0) _exit(127);
      setenv("DG_CACHE_DIR", cache_.c_str(), 1);
      const std::string endpoint = "file://" + store_;
      execl(testing::CliBinary().c_str(), "deltaglider", "cp", "s3://rel/big.txt", "got.txt",
            "--endpoint-url", endpoint.c_str(), "-q", static_cast<char*>(nullptr));
      _exit(127);
    }
    usleep(delay_ms * 1000);
    kill(pid, SIGKILL);
    waitpid(pid, nullptr, 0);
    // Either the whole verified file or nothing under the final name.
    if (fs::exists(work_ + "/got.txt")) {
      EXPECT_EQ(fs::file_size(work_ + "/got.txt"), big.size());
      fs::remove(work_ + "/got.txt");
    }
  }
}

}  // namespace
}  // namespace deltaglider
