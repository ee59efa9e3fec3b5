// The recursive commands (cp -r, mv -r, rm -r, sync, rb --force, ls --summarize,
// presign's refusal of deltas) as users run them against a file:// store: exact
// stdout lines (sorted where jobs run in parallel; deltaglider's "(delta ...)"
// note stripped), exit codes, and the trees on both sides before and after.
#include <gtest/gtest.h>

#include <algorithm>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <map>
#include <nlohmann/json.hpp>
#include <sstream>

#include "deltaglider/filesystem.h"
#include "tests/cli/cli_runner.h"
#include "tests/testutil/release_data.h"
#include "tests/testutil/temp_dir.h"

namespace deltaglider {
namespace {

namespace fs = std::filesystem;
using testing::CliResult;
using testing::ReadFile;
using testing::ReadTree;
using testing::RunCli;
using testing::TempDir;
using testing::WriteFile;
using Lines = std::vector<std::string>;
using Tree = std::map<std::string, std::string>;

std::string Release(int version) { return testing::SyntheticRelease(version, 120000); }

// stdout's lines, each without deltaglider's " (delta ...)" note, sorted.
Lines SortedLines(const std::string& out) {
  Lines lines;
  std::istringstream in(out);
  for (std::string line; std::getline(in, line);) {
    const size_t note = line.find(" (");
    lines.push_back(note == std::string::npos ? line : line.substr(0, note));
  }
  std::sort(lines.begin(), lines.end());
  return lines;
}

class CliTreeTest : public ::testing::Test {
 protected:
  CliTreeTest() {
    store_ = tmp_.Sub("store");
    work_ = tmp_.Sub("work");
    fs::create_directories(work_);
  }

  CliResult Dg(std::vector<std::string> args) {
    args.push_back("--endpoint-url");
    args.push_back("file://" + store_);
    return RunCli(args, {{"DG_CACHE_DIR", tmp_.Sub("cache")}}, work_);
  }

  void Write(const std::string& relative, const std::string& content) {
    WriteFile(work_ + "/" + relative, content);
  }

  // src/: nested directories, a space and non-ASCII names, archives and text.
  void MakeSourceTree() {
    Write("src/app/app-1.zip", Release(1));
    Write("src/app/app-2.zip", Release(2));
    Write("src/app/sub dir/app-3.zip", Release(3));
    Write("src/docs/é ü.txt", "hello");
    Write("src/top.tar", Release(4));
    ASSERT_EQ(Dg({"mb", "s3://rel"}).exit_code, 0);
  }

  // A plain object written straight into the store (keys the CLI would never write).
  void PutRaw(const std::string& key, const std::string& bytes) {
    auto storage = std::move(NewFilesystemStorage(store_)).value();
    auto bucket = std::move(storage->OpenBucket("rel")).value();
    SpanSource source(AsBytes(bytes));
    ASSERT_TRUE(bucket->Put(key, source, PutOptions{}).ok()) << key;
  }

  TempDir tmp_;
  std::string store_, work_;
};

const Lines kUploads = {
    "upload: src/app/app-1.zip to s3://rel/p/app/app-1.zip",
    "upload: src/app/app-2.zip to s3://rel/p/app/app-2.zip",
    "upload: src/app/sub dir/app-3.zip to s3://rel/p/app/sub dir/app-3.zip",
    "upload: src/docs/é ü.txt to s3://rel/p/docs/é ü.txt",
    "upload: src/top.tar to s3://rel/p/top.tar",
};

TEST_F(CliTreeTest, CpRecursiveUpAndDownIsByteExact) {
  MakeSourceTree();
  CliResult up = Dg({"cp", "-r", "src", "s3://rel/p/", "--jobs", "4"});
  ASSERT_EQ(up.exit_code, 0) << up.err;
  EXPECT_EQ(SortedLines(up.out), kUploads);
  EXPECT_EQ(up.err, "");  // no progress line: stderr is not a terminal

  CliResult stored = Dg({"ls", "-r", "--stored", "s3://rel/p/app/"});
  EXPECT_NE(stored.out.find("app/app-2.zip.delta"), std::string::npos) << stored.out;
  EXPECT_NE(stored.out.find("app/sub dir/reference.bin"), std::string::npos) << stored.out;

  CliResult down = Dg({"cp", "--recursive", "s3://rel/p", "down"});  // "p" means "p/"
  ASSERT_EQ(down.exit_code, 0) << down.err;
  EXPECT_EQ(SortedLines(down.out),
            (Lines{"download: s3://rel/p/app/app-1.zip to down/app/app-1.zip",
                   "download: s3://rel/p/app/app-2.zip to down/app/app-2.zip",
                   "download: s3://rel/p/app/sub dir/app-3.zip to down/app/sub dir/app-3.zip",
                   "download: s3://rel/p/docs/é ü.txt to down/docs/é ü.txt",
                   "download: s3://rel/p/top.tar to down/top.tar"}));
  EXPECT_EQ(ReadTree(work_ + "/down"), ReadTree(work_ + "/src"));
}

TEST_F(CliTreeTest, FiltersApplyInOrderAndLaterOnesWin) {
  MakeSourceTree();
  CliResult zips =
      Dg({"cp", "-r", "src", "s3://rel/p/", "--exclude", "*", "--include", "*.zip", "--dryrun"});
  ASSERT_EQ(zips.exit_code, 0) << zips.err;
  EXPECT_EQ(zips.out,
            "(dryrun) upload: src/app/app-1.zip to s3://rel/p/app/app-1.zip\n"
            "(dryrun) upload: src/app/app-2.zip to s3://rel/p/app/app-2.zip\n"
            "(dryrun) upload: src/app/sub dir/app-3.zip to s3://rel/p/app/sub dir/app-3.zip\n");

  CliResult none =
      Dg({"cp", "-r", "src", "s3://rel/p/", "--include", "*.zip", "--exclude", "*", "--dryrun"});
  EXPECT_EQ(none.exit_code, 0);
  EXPECT_EQ(none.out, "");

  CliResult layered = Dg({"cp", "-r", "src", "s3://rel/p/", "--exclude", "app/*", "--include",
                          "app/sub dir/*", "--exclude", "*.txt", "--dryrun"});
  EXPECT_EQ(layered.out,
            "(dryrun) upload: src/app/sub dir/app-3.zip to s3://rel/p/app/sub dir/app-3.zip\n"
            "(dryrun) upload: src/top.tar to s3://rel/p/top.tar\n");
}

TEST_F(CliTreeTest, SyncUploadsOnceThenNothingAndDeletes) {
  MakeSourceTree();
  CliResult first = Dg({"sync", "src", "s3://rel/p"});
  ASSERT_EQ(first.exit_code, 0) << first.err;
  EXPECT_EQ(SortedLines(first.out), kUploads);
  const Tree stored = ReadTree(store_);

  CliResult again = Dg({"sync", "src", "s3://rel/p"});
  EXPECT_EQ(again.exit_code, 0) << again.err;
  EXPECT_EQ(again.out, "");
  EXPECT_EQ(ReadTree(store_), stored);  // nothing rewritten

  fs::remove(work_ + "/src/top.tar");
  Write("src/app/app-4.zip", Release(5));
  CliResult changed = Dg({"sync", "src", "s3://rel/p", "--delete"});
  ASSERT_EQ(changed.exit_code, 0) << changed.err;
  EXPECT_EQ(SortedLines(changed.out),
            (Lines{"delete: s3://rel/p/top.tar",
                   "upload: src/app/app-4.zip to s3://rel/p/app/app-4.zip"}));
  EXPECT_EQ(Dg({"sync", "src", "s3://rel/p", "--delete"}).out, "");
}

// "a.zip.delta" lists after "a.zip-notes.txt" and "a.zip 2.txt" ('-' and ' ' sort
// before '.'), yet its logical key "a.zip" sorts before them: the merge of the two
// trees must still pair every file, or --delete would remove files that exist.
TEST_F(CliTreeTest, SyncPairsDeltasWhoseStoredKeysSortLater) {
  ASSERT_EQ(Dg({"mb", "s3://rel"}).exit_code, 0);
  Write("q/a.zip", Release(1));
  Write("q/a.zip-notes.txt", "notes");
  Write("q/a.zip 2.txt", "two");
  Write("q/a.zip.d/x.zip", Release(2));
  CliResult first = Dg({"sync", "q", "s3://rel/q", "--delete"});
  ASSERT_EQ(first.exit_code, 0) << first.err;
  EXPECT_EQ(SortedLines(first.out).size(), 4u) << first.out;
  EXPECT_NE(Dg({"ls", "-r", "--stored", "s3://rel/q/"}).out.find("q/a.zip.delta"),
            std::string::npos);
  CliResult again = Dg({"sync", "q", "s3://rel/q", "--delete"});
  EXPECT_EQ(again.exit_code, 0) << again.err;
  EXPECT_EQ(again.out, "");
  ASSERT_EQ(Dg({"sync", "s3://rel/q", "back", "--delete"}).exit_code, 0);
  EXPECT_EQ(ReadTree(work_ + "/back"), ReadTree(work_ + "/q"));
  EXPECT_EQ(Dg({"sync", "s3://rel/q", "back", "--delete"}).out, "");
  EXPECT_EQ(Dg({"sync", "s3://rel/q", "s3://rel/copy", "--delete"}).exit_code, 0);
  EXPECT_EQ(Dg({"sync", "s3://rel/q", "s3://rel/copy", "--delete"}).out, "");
}

TEST_F(CliTreeTest, SyncDownIsIdempotentAndDeletesLocalExtras) {
  MakeSourceTree();
  ASSERT_EQ(Dg({"sync", "src", "s3://rel/p"}).exit_code, 0);
  CliResult down = Dg({"sync", "s3://rel/p", "mirror"});
  ASSERT_EQ(down.exit_code, 0) << down.err;
  EXPECT_EQ(SortedLines(down.out).size(), 5u);
  EXPECT_EQ(ReadTree(work_ + "/mirror"), ReadTree(work_ + "/src"));
  EXPECT_EQ(Dg({"sync", "s3://rel/p", "mirror"}).out, "");
  EXPECT_EQ(Dg({"sync", "s3://rel/p", "mirror", "--exact-timestamps"}).out, "");

  Write("mirror/extra.txt", "not in the bucket");
  ASSERT_EQ(Dg({"rm", "s3://rel/p/top.tar"}).exit_code, 0);
  CliResult pruned = Dg({"sync", "s3://rel/p", "mirror", "--delete", "--exclude", "extra.txt"});
  EXPECT_EQ(pruned.out, "delete: mirror/top.tar\n");  // excluded files are protected
  EXPECT_TRUE(fs::exists(work_ + "/mirror/extra.txt"));
  EXPECT_EQ(Dg({"sync", "s3://rel/p", "mirror", "--delete"}).out, "delete: mirror/extra.txt\n");
  // A source that cannot be listed deletes nothing.
  CliResult missing = Dg({"sync", "s3://absent/p", "mirror", "--delete"});
  EXPECT_EQ(missing.exit_code, 1);
  EXPECT_EQ(missing.out, "");
  EXPECT_EQ(ReadTree(work_ + "/mirror").size(), 4u);
}

TEST_F(CliTreeTest, SizeOnlyIgnoresNewerFilesOfTheSameSize) {
  MakeSourceTree();
  ASSERT_EQ(Dg({"sync", "src", "s3://rel/p"}).exit_code, 0);
  const std::string doc = work_ + "/src/docs/é ü.txt";
  const auto later = fs::file_time_type::clock::now() + std::chrono::hours(1);
  Write("src/docs/é ü.txt", "HELLO");  // same size, newer
  fs::last_write_time(doc, later);
  EXPECT_EQ(Dg({"sync", "src", "s3://rel/p", "--size-only"}).out, "");
  CliResult newer = Dg({"sync", "src", "s3://rel/p"});
  EXPECT_EQ(SortedLines(newer.out), (Lines{"upload: src/docs/é ü.txt to s3://rel/p/docs/é ü.txt"}));
  CliResult back = Dg({"cp", "s3://rel/p/docs/é ü.txt", "-"});
  EXPECT_EQ(back.out, "HELLO");
}

TEST_F(CliTreeTest, DryrunChangesNothing) {
  MakeSourceTree();
  ASSERT_EQ(Dg({"sync", "src", "s3://rel/p"}).exit_code, 0);
  fs::remove(work_ + "/src/top.tar");
  Write("src/new.txt", "new");
  const Tree store_before = ReadTree(store_);
  const Tree local_before = ReadTree(work_);

  CliResult sync = Dg({"sync", "src", "s3://rel/p", "--delete", "--dryrun"});
  EXPECT_EQ(sync.exit_code, 0) << sync.err;
  EXPECT_EQ(sync.out,
            "(dryrun) upload: src/new.txt to s3://rel/p/new.txt\n"
            "(dryrun) delete: s3://rel/p/top.tar\n");
  CliResult mv = Dg({"mv", "-r", "src", "s3://rel/m/", "--dryrun", "--exclude", "app/*"});
  EXPECT_EQ(mv.out,
            "(dryrun) move: src/docs/é ü.txt to s3://rel/m/docs/é ü.txt\n"
            "(dryrun) move: src/new.txt to s3://rel/m/new.txt\n");
  CliResult down = Dg({"cp", "-r", "s3://rel/p/docs/", "down", "--dryrun"});
  EXPECT_EQ(down.out, "(dryrun) download: s3://rel/p/docs/é ü.txt to down/é ü.txt\n");
  CliResult rm = Dg({"rm", "-r", "s3://rel/p/app", "--dryrun"});
  EXPECT_EQ(rm.out,
            "(dryrun) delete: s3://rel/p/app/app-1.zip\n"
            "(dryrun) delete: s3://rel/p/app/app-2.zip\n"
            "(dryrun) delete: s3://rel/p/app/sub dir/app-3.zip\n");
  EXPECT_EQ(Dg({"rm", "s3://rel/p/app/app-1.zip", "--dryrun"}).out,
            "(dryrun) delete: s3://rel/p/app/app-1.zip\n");
  EXPECT_EQ(Dg({"cp", "src/new.txt", "s3://rel/p/renamed.txt", "--dryrun"}).out,
            "(dryrun) upload: src/new.txt to s3://rel/p/renamed.txt\n");
  EXPECT_EQ(Dg({"mv", "s3://rel/p/top.tar", "down.tar", "--dryrun"}).out,
            "(dryrun) move: s3://rel/p/top.tar to down.tar\n");
  EXPECT_EQ(Dg({"cp", "s3://rel/p/top.tar", "s3://rel/q/", "--dryrun"}).out,
            "(dryrun) copy: s3://rel/p/top.tar to s3://rel/q/top.tar\n");

  EXPECT_EQ(ReadTree(store_), store_before);
  EXPECT_EQ(ReadTree(work_), local_before);
}

TEST_F(CliTreeTest, AFailingFileInTheMiddleFailsTheRunButNotTheOthers) {
  ASSERT_EQ(Dg({"mb", "s3://rel"}).exit_code, 0);
  Write("mixed/a.zip", Release(1));
  Write("mixed/m/reference.bin", "a reserved name: the store refuses it");
  Write("mixed/z.txt", "last");
  CliResult r = Dg({"cp", "-r", "mixed", "s3://rel/x/", "--jobs", "1"});
  EXPECT_EQ(r.exit_code, 1);
  EXPECT_EQ(SortedLines(r.out), (Lines{"upload: mixed/a.zip to s3://rel/x/a.zip",
                                       "upload: mixed/z.txt to s3://rel/x/z.txt"}));
  EXPECT_NE(r.err.find("upload failed: mixed/m/reference.bin to s3://rel/x/m/reference.bin: "),
            std::string::npos)
      << r.err;
  EXPECT_NE(r.err.find("deltaglider: 1 of 3 files failed\n"), std::string::npos) << r.err;
  EXPECT_EQ(Dg({"cp", "s3://rel/x/z.txt", "-"}).out, "last");
}

TEST_F(CliTreeTest, MoveDeletesTheSourceOnlyAfterASuccessfulCopy) {
  ASSERT_EQ(Dg({"mb", "s3://rel"}).exit_code, 0);
  Write("mv/a.zip", Release(1));
  Write("mv/bad/reference.bin", "refused");
  Write("mv/c.txt", "c");
  CliResult up = Dg({"mv", "-r", "mv", "s3://rel/m/"});
  EXPECT_EQ(up.exit_code, 1);
  EXPECT_EQ(SortedLines(up.out),
            (Lines{"move: mv/a.zip to s3://rel/m/a.zip", "move: mv/c.txt to s3://rel/m/c.txt"}));
  EXPECT_EQ(ReadTree(work_ + "/mv"), (Tree{{"bad/reference.bin", "refused"}}));

  CliResult down = Dg({"mv", "-r", "s3://rel/m/", "back"});
  ASSERT_EQ(down.exit_code, 0) << down.err;
  EXPECT_EQ(ReadTree(work_ + "/back"), (Tree{{"a.zip", Release(1)}, {"c.txt", "c"}}));
  EXPECT_EQ(Dg({"ls", "-r", "s3://rel/m/"}).out, "");

  // A single file, bucket to bucket: the copy is stored, then the source goes.
  ASSERT_EQ(Dg({"cp", "back/a.zip", "s3://rel/one/"}).exit_code, 0);
  CliResult one = Dg({"mv", "s3://rel/one/a.zip", "s3://rel/two/"});
  EXPECT_EQ(SortedLines(one.out), (Lines{"move: s3://rel/one/a.zip to s3://rel/two/a.zip"}));
  EXPECT_EQ(Dg({"ls", "-r", "s3://rel/one/"}).out, "");
}

TEST_F(CliTreeTest, RmRecursiveAndRbForce) {
  MakeSourceTree();
  ASSERT_EQ(Dg({"cp", "-r", "src", "s3://rel/p/"}).exit_code, 0);
  CliResult rm = Dg({"rm", "-r", "s3://rel/p/app/", "--exclude", "*sub dir*"});
  ASSERT_EQ(rm.exit_code, 0) << rm.err;
  EXPECT_EQ(SortedLines(rm.out),
            (Lines{"delete: s3://rel/p/app/app-1.zip", "delete: s3://rel/p/app/app-2.zip"}));
  CliResult left = Dg({"ls", "-r", "s3://rel/p/"});
  EXPECT_EQ(SortedLines(left.out).size(), 3u) << left.out;

  CliResult refused = Dg({"rb", "s3://rel"});
  EXPECT_EQ(refused.exit_code, 1);
  CliResult forced = Dg({"rb", "--force", "s3://rel"});
  ASSERT_EQ(forced.exit_code, 0) << forced.err;
  EXPECT_NE(forced.out.find("delete: s3://rel/p/app/reference.bin\n"), std::string::npos)
      << forced.out;
  EXPECT_TRUE(forced.out.ends_with("remove_bucket: rel\n")) << forced.out;
  EXPECT_EQ(Dg({"ls"}).out, "");
}

TEST_F(CliTreeTest, LsHumanReadableSummarize) {
  ASSERT_EQ(Dg({"mb", "s3://rel"}).exit_code, 0);
  Write("h/a.txt", "1");
  Write("h/b.txt", std::string(2048, 'b'));
  Write("h/c.zip", Release(1));
  ASSERT_EQ(Dg({"cp", "-r", "h", "s3://rel/h/"}).exit_code, 0);
  CliResult ls = Dg({"ls", "-r", "s3://rel/h/", "--human-readable", "--summarize"});
  ASSERT_EQ(ls.exit_code, 0) << ls.err;
  Lines tails;  // each row without its local-time column
  std::istringstream in(ls.out);
  for (std::string line; std::getline(in, line);)
    tails.push_back(line.size() > 20 && line[4] == '-' ? line.substr(20) : line);
  EXPECT_EQ(tails, (Lines{"    1 Byte h/a.txt", "   2.0 KiB h/b.txt", " 117.2 KiB h/c.zip", "",
                          "Total Objects: 3", "   Total Size: 119.2 KiB"}));
  CliResult plain = Dg({"ls", "-r", "s3://rel/h/", "--summarize"});
  EXPECT_TRUE(plain.out.ends_with("\nTotal Objects: 3\n   Total Size: 122049\n")) << plain.out;
}

TEST_F(CliTreeTest, KeysThatWouldLeaveTheDestinationAreRefused) {
  ASSERT_EQ(Dg({"mb", "s3://rel"}).exit_code, 0);
  PutRaw("u/ok.txt", "fine");
  PutRaw("u/x\\..\\..\\evil.txt", "escape attempt");
  for (const std::string command : {"cp", "sync"}) {
    const std::string out = "out-" + command;
    std::vector<std::string> args = {command, "s3://rel/u/", out};
    if (command == "cp") args.push_back("-r");
    CliResult r = Dg(args);
    EXPECT_EQ(r.exit_code, 1) << command;
    EXPECT_EQ(r.out, "download: s3://rel/u/ok.txt to " + out + "/ok.txt\n");
    EXPECT_NE(r.err.find("download failed: s3://rel/u/x\\..\\..\\evil.txt"), std::string::npos)
        << r.err;
    EXPECT_NE(r.err.find("refusing to write"), std::string::npos) << r.err;
    EXPECT_EQ(ReadTree(work_ + "/" + out), (Tree{{"ok.txt", "fine"}}));
  }
  EXPECT_FALSE(fs::exists(tmp_.Sub("evil.txt")));
}

TEST_F(CliTreeTest, PresignRefusesADelta) {
  MakeSourceTree();
  ASSERT_EQ(Dg({"cp", "-r", "src", "s3://rel/p/"}).exit_code, 0);
  CliResult delta = Dg({"presign", "s3://rel/p/app/app-1.zip"});
  EXPECT_EQ(delta.exit_code, 1);
  EXPECT_NE(delta.err.find("stored as a delta"), std::string::npos) << delta.err;
  EXPECT_NE(delta.err.find("cannot be presigned"), std::string::npos) << delta.err;
  CliResult local = Dg({"presign", "s3://rel/p/docs/é ü.txt"});
  EXPECT_EQ(local.exit_code, 1);
  EXPECT_NE(local.err.find("need an S3 endpoint"), std::string::npos) << local.err;
}

TEST_F(CliTreeTest, SingleFilesTakeTheSameFlags) {
  MakeSourceTree();
  CliResult quiet = Dg({"cp", "src/top.tar", "s3://rel/", "--only-show-errors"});
  EXPECT_EQ(quiet.exit_code, 0) << quiet.err;
  EXPECT_EQ(quiet.out, "");
  EXPECT_EQ(Dg({"cp", "src/top.tar", "s3://rel/skipped/", "--exclude", "*.tar"}).out, "");
  EXPECT_EQ(Dg({"ls", "-r", "s3://rel/skipped/"}).out, "");
  EXPECT_EQ(Dg({"rm", "s3://rel/top.tar", "--only-show-errors"}).out, "");
  EXPECT_EQ(Dg({"ls", "-r", "s3://rel/"}).out, "");
}

TEST_F(CliTreeTest, ProgressLineOnlyOnATerminal) {
  if (std::system("command -v script >/dev/null 2>&1") != 0) GTEST_SKIP() << "no script(1)";
  MakeSourceTree();
  const std::string store = " --endpoint-url file://" + store_;
  const std::string drawn =
      testing::OnATerminal(work_, tmp_.Sub("cache"), "cp -r src s3://rel/tty/" + store);
  EXPECT_NE(drawn.find("\rCompleted "), std::string::npos) << drawn;
  EXPECT_NE(drawn.find("upload: src/top.tar to s3://rel/tty/top.tar"), std::string::npos) << drawn;
  const std::string plain = testing::OnATerminal(work_, tmp_.Sub("cache"),
                                                 "cp -r src s3://rel/tty2/ --no-progress" + store);
  EXPECT_EQ(plain.find("Completed"), std::string::npos) << plain;
  EXPECT_NE(plain.find("upload: src/top.tar to s3://rel/tty2/top.tar"), std::string::npos) << plain;
  // Not a terminal (the other tests): no progress line at all.
  EXPECT_EQ(Dg({"cp", "-r", "src", "s3://rel/pipe/"}).err, "");
}

TEST_F(CliTreeTest, JsonEventsAndSummary) {
  MakeSourceTree();
  CliResult r = Dg({"cp", "-r", "src", "s3://rel/p/", "--json"});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  std::istringstream in(r.out);
  std::vector<nlohmann::json> events;
  for (std::string line; std::getline(in, line);) events.push_back(nlohmann::json::parse(line));
  ASSERT_EQ(events.size(), 6u);
  for (size_t i = 0; i < 5; ++i) {
    EXPECT_EQ(events[i]["event"], "upload");
    EXPECT_TRUE(events[i]["stored_size"].get<uint64_t>() > 0);
  }
  EXPECT_EQ(events[5]["event"], "summary");
  EXPECT_EQ(events[5]["files"], 5);
  EXPECT_EQ(events[5]["failed"], 0);

  // A name that is not UTF-8 fails alone (metadata must be UTF-8); the JSON stays valid.
  Write("latin/caf\xe9.txt", "x");
  Write("latin/ok.txt", "y");
  CliResult latin = Dg({"cp", "-r", "latin", "s3://rel/l/", "--json"});
  EXPECT_EQ(latin.exit_code, 1) << latin.err;
  std::istringstream lines(latin.out);
  int parsed = 0;
  for (std::string line; std::getline(lines, line); ++parsed) {
    EXPECT_FALSE(nlohmann::json::parse(line, nullptr, false).is_discarded()) << line;
  }
  EXPECT_EQ(parsed, 4);  // error, upload, summary, "1 of 2 files failed"
}

TEST_F(CliTreeTest, UsageErrors) {
  MakeSourceTree();
  EXPECT_EQ(Dg({"cp", "-r", "src", "elsewhere"}).exit_code, 2);           // two local paths
  EXPECT_EQ(Dg({"sync", "missing", "s3://rel/p"}).exit_code, 2);          // nothing to read
  EXPECT_EQ(Dg({"cp", "-r", "src/top.tar", "s3://rel/p"}).exit_code, 2);  // not a directory
  EXPECT_EQ(Dg({"cp", "src", "s3://rel/p/"}).exit_code, 2);               // a directory without -r
  EXPECT_EQ(Dg({"cp", "-r", "src", "s3://rel/p", "--jobs", "0"}).exit_code, 2);
  // Copies into the prefix being read (or onto itself) would never end, or lose files.
  ASSERT_EQ(Dg({"cp", "-r", "src", "s3://rel/p/"}).exit_code, 0);
  EXPECT_EQ(Dg({"cp", "-r", "s3://rel/", "s3://rel/copy/"}).exit_code, 2);
  EXPECT_EQ(Dg({"mv", "-r", "s3://rel/p", "s3://rel/p/"}).exit_code, 2);
  EXPECT_EQ(Dg({"sync", "s3://rel/p/app/", "s3://rel/p/"}).exit_code, 2);
  EXPECT_EQ(Dg({"mv", "s3://rel/p/top.tar", "s3://rel/p/"}).exit_code, 2);
  EXPECT_EQ(Dg({"ls", "-r", "s3://rel/p/"}).out.size() > 0, true);
}

TEST_F(CliTreeTest, SymlinkLoopsAreWalkedOnce) {
  ASSERT_EQ(Dg({"mb", "s3://rel"}).exit_code, 0);
  Write("loop/a.txt", "a");
  fs::create_directory_symlink("..", work_ + "/loop/up");
  fs::create_directory_symlink(".", work_ + "/loop/self");
  CliResult r = Dg({"cp", "-r", "loop", "s3://rel/l/", "--exclude", "up/*", "--dryrun"});
  EXPECT_EQ(r.exit_code, 0) << r.err;
  EXPECT_EQ(r.out, "(dryrun) upload: loop/a.txt to s3://rel/l/a.txt\n");
}

}  // namespace
}  // namespace deltaglider
