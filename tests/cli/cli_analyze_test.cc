// `deltaglider analyze` and `stats` against a file:// store holding plain objects
// written as the aws CLI would (no dg-* metadata): synthetic releases in version
// directories, a small deltaspace, a lone archive and a few non-archives. The
// prediction of analyze is checked against what `sync` then really stores.
#include <gtest/gtest.h>

#include <cmath>
#include <filesystem>
#include <nlohmann/json.hpp>

#include "deltaglider/filesystem.h"
#include "tests/cli/cli_runner.h"
#include "tests/testutil/release_data.h"
#include "tests/testutil/temp_dir.h"

namespace deltaglider {
namespace {

namespace fs = std::filesystem;
using json = nlohmann::json;
using testing::CliResult;
using testing::RunCli;
using testing::TempDir;
using testing::WriteFile;

// key -> content of the plain bucket.
std::vector<std::pair<std::string, std::string>> PlainObjects() {
  std::vector<std::pair<std::string, std::string>> objects;
  for (int v = 1; v <= 5; ++v) {
    const std::string version = "1.0." + std::to_string(v);
    const std::string dir = "releases/v" + version + "/";
    objects.push_back({dir + "app-" + version + ".zip", testing::SyntheticRelease(v, 200000)});
    objects.push_back({dir + "tool-linux-" + version + ".tar", testing::SyntheticRelease(v, 100000, 7)});
    objects.push_back({dir + "notes.txt", "release notes " + version + "\n"});
  }
  objects.push_back({"other/lib-1.zip", testing::SyntheticRelease(1, 50000, 9)});
  objects.push_back({"other/lib-2.zip", testing::SyntheticRelease(2, 50000, 9)});
  objects.push_back({"README.md", "# artifacts\n"});
  return objects;
}

class CliAnalyzeTest : public ::testing::Test {
 protected:
  CliAnalyzeTest() : store_(tmp_.Sub("store")) {
    fs::create_directories(tmp_.Sub("work"));
  }

  CliResult Dg(std::vector<std::string> args) {
    args.insert(args.end(), {"--endpoint-url", "file://" + store_});
    return RunCli(args, {{"DG_CACHE_DIR", tmp_.Sub("cache")}}, tmp_.Sub("work"));
  }

  // The objects, written through the ObjectStore API with no metadata at all.
  void MakePlainBucket(const std::string& bucket) {
    auto storage = std::move(NewFilesystemStorage(store_)).value();
    ASSERT_TRUE(storage->CreateBucket(bucket).ok());
    auto store = std::move(storage->OpenBucket(bucket)).value();
    for (const auto& [key, content] : PlainObjects()) {
      SpanSource body(AsBytes(content));
      ASSERT_TRUE(store->Put(key, body, PutOptions{}).ok()) << key;
    }
  }

  // The same files in a local tree, synced into `bucket` by deltaglider.
  void SyncIntoNewBucket(const std::string& bucket) {
    for (const auto& [key, content] : PlainObjects()) WriteFile(tmp_.Sub("tree/" + key), content);
    ASSERT_EQ(Dg({"mb", "s3://" + bucket}).exit_code, 0);
    // One file at a time: racing puts into one chain place the loser's file one
    // level deep, which would make the counts below vary.
    CliResult sync = Dg({"sync", tmp_.Sub("tree"), "s3://" + bucket + "/", "-q", "--jobs", "1"});
    ASSERT_EQ(sync.exit_code, 0) << sync.err;
  }

  TempDir tmp_;
  std::string store_;
};

std::vector<std::string> Lines(const std::string& text) {
  std::vector<std::string> lines;
  std::stringstream in(text);
  for (std::string line; std::getline(in, line);) lines.push_back(line);
  return lines;
}

TEST_F(CliAnalyzeTest, PredictsWhatSyncThenStores) {
  MakePlainBucket("plain");
  CliResult analyze = Dg({"analyze", "s3://plain"});
  ASSERT_EQ(analyze.exit_code, 0) << analyze.err;
  EXPECT_EQ(Lines(analyze.out), (std::vector<std::string>{
      "s3://plain/",
      "group                              kind        files    original   predicted   saving  estimate",
      "other/{lib.zip}                    deltaspace      2    100.0 KB     50.2 KB    49.8%  sampled",
      "releases/*/{app.zip}               family          5      1.0 MB    200.9 KB    79.9%  partly sampled",
      "releases/*/{tool-linux.tar}        family          5    500.0 KB    100.8 KB    79.8%  partly sampled",
      "(not delta-eligible)               direct          6       112 B       112 B    0.00%  full size",
      "Potential savings: 78.0% (1.6 MB -> 352.0 KB)"}))
      << analyze.out;

  CliResult as_json = Dg({"analyze", "s3://plain", "--json"});
  ASSERT_EQ(as_json.exit_code, 0) << as_json.err;
  const std::vector<std::string> objects = Lines(as_json.out);
  ASSERT_EQ(objects.size(), 5u) << as_json.out;
  const json app = json::parse(objects[1]);
  EXPECT_EQ(app["group"], "releases/*/{app.zip}");
  EXPECT_EQ(app["kind"], "family");
  EXPECT_EQ(app["files"], 5);
  EXPECT_EQ(app["original_bytes"], 1000000);
  const json summary = json::parse(objects.back());
  EXPECT_EQ(summary["event"], "summary");
  const double predicted = summary["predicted_bytes"].get<double>();

  SyncIntoNewBucket("synced");
  CliResult stats = Dg({"stats", "s3://synced", "--json"});
  ASSERT_EQ(stats.exit_code, 0) << stats.err;
  const double achieved = json::parse(stats.out)["total"]["stored_bytes"].get<double>();
  EXPECT_LT(std::abs(achieved - predicted), 0.10 * predicted)
      << "predicted " << predicted << ", sync stored " << achieved;
  EXPECT_EQ(summary["original_bytes"], json::parse(stats.out)["total"]["original_bytes"]);
}

TEST_F(CliAnalyzeTest, SmallSampleBudgetExtrapolatesAndSaysSo) {
  MakePlainBucket("plain");
  // 400 KB: the reference and one member of the app family; lib (.zip) takes the
  // ratios measured on app; tool (.tar) has nothing to go by.
  CliResult analyze = Dg({"analyze", "s3://plain", "--sample-bytes", "400KB"});
  ASSERT_EQ(analyze.exit_code, 0) << analyze.err;
  const std::vector<std::string> lines = Lines(analyze.out);
  ASSERT_EQ(lines.size(), 7u) << analyze.out;
  EXPECT_EQ(lines[2].substr(0, 34), "other/{lib.zip}                   ");
  EXPECT_TRUE(lines[2].ends_with("  extrapolated")) << lines[2];
  EXPECT_TRUE(lines[3].ends_with("  partly sampled")) << lines[3];
  EXPECT_EQ(lines[4], "releases/*/{tool-linux.tar}        family          5    500.0 KB    500.0 KB    0.00%  full size");
}

TEST_F(CliAnalyzeTest, CountsWhatDeltagliderAlreadyStoredApart) {
  SyncIntoNewBucket("synced");
  CliResult analyze = Dg({"analyze", "s3://synced"});
  ASSERT_EQ(analyze.exit_code, 0) << analyze.err;
  // 12 deltas, 3 references stored whole, and 4 links of the .tar family's delta chain.
  EXPECT_NE(analyze.out.find("\nAlready stored by deltaglider: 19 objects, "), std::string::npos)
      << analyze.out;
  EXPECT_NE(analyze.out.find("\nPotential savings: 0.00% (112 B -> 112 B)\n"), std::string::npos)
      << analyze.out;
}

TEST_F(CliAnalyzeTest, EmptyMissingAndBadTargetsAreClearErrors) {
  ASSERT_EQ(Dg({"mb", "s3://empty"}).exit_code, 0);
  CliResult empty = Dg({"analyze", "s3://empty"});
  EXPECT_EQ(empty.exit_code, 1);
  EXPECT_EQ(empty.err, "deltaglider: analyze s3://empty/: no objects to analyze\n");
  MakePlainBucket("plain");
  CliResult prefix = Dg({"analyze", "s3://plain/nothing/"});
  EXPECT_EQ(prefix.exit_code, 1);
  EXPECT_EQ(prefix.err, "deltaglider: analyze s3://plain/nothing/: no objects to analyze\n");
  CliResult missing = Dg({"analyze", "s3://nosuchbucket"});
  EXPECT_EQ(missing.exit_code, 1);
  EXPECT_NE(missing.err.find("no such bucket 'nosuchbucket'"), std::string::npos) << missing.err;
  EXPECT_EQ(Dg({"analyze", "plain"}).exit_code, 2);
  EXPECT_EQ(Dg({"analyze", "s3://plain", "--sample-bytes", "lots"}).exit_code, 2);
  EXPECT_EQ(Dg({"analyze"}).exit_code, 2);
}

TEST_F(CliAnalyzeTest, StatsRowsPerReferenceGroup) {
  SyncIntoNewBucket("synced");
  CliResult stats = Dg({"stats", "s3://synced", "--jobs", "3"});
  ASSERT_EQ(stats.exit_code, 0) << stats.err;
  const std::vector<std::string> lines = Lines(stats.out);
  ASSERT_EQ(lines.size(), 12u) << stats.out;
  EXPECT_EQ(lines[1], "group                            kind        files deltas direct   refs    original      stored   saved");
  EXPECT_EQ(lines[2].substr(0, 71), "(root)                           deltaspace      1      0      1      0");
  EXPECT_EQ(lines[3].substr(0, 71), "other/                           deltaspace      2      2      0      1");
  EXPECT_EQ(lines[4].substr(0, 71), "releases/*/{app.zip}             family          5      5      0      1");
  // .tar files make a delta chain: one reference stored whole and four links.
  EXPECT_EQ(lines[5].substr(0, 71),
            "releases/*/{tool-linux.tar}      family          5      5      0      5");
  EXPECT_EQ(lines[6].substr(0, 71), "releases/v1.0.1/                 deltaspace      1      0      1      0");
  EXPECT_EQ(lines[11].substr(0, 71),
            "total                                           18     12      6      7");

  CliResult as_json = Dg({"stats", "s3://synced/releases/", "--json"});
  ASSERT_EQ(as_json.exit_code, 0) << as_json.err;
  const json out = json::parse(as_json.out);
  EXPECT_EQ(out["uri"], "s3://synced/releases/");
  EXPECT_EQ(out["total"]["files"], 15);
  EXPECT_EQ(out["total"]["references"], 6);
  EXPECT_EQ(out["total"]["max_depth"], 3);  // 5 .tar versions: positions 1-4, 3 reads through 2
  EXPECT_EQ(out["total"]["original_bytes"], 1500000 + 5 * 20);
  const json family = out["deltaspaces"][0];
  EXPECT_EQ(family["group"], "releases/*/{app.zip}");
  EXPECT_EQ(family["kind"], "family");
  EXPECT_EQ(family["deltaspace"], "releases");
  EXPECT_EQ(family["family"], "app.zip");
  EXPECT_EQ(family["files"], 5);
  EXPECT_EQ(family["deltas"], 5);
  EXPECT_EQ(family["references"], 1);
  EXPECT_EQ(family["original_bytes"], 1000000);
  EXPECT_EQ(out["deltaspaces"][2]["kind"], "deltaspace");
}

}  // namespace
}  // namespace deltaglider
