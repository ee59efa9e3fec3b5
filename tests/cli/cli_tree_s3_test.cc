// The recursive commands against a real S3 server (moto_server, shared with
// cli_s3_test.cc in one test binary): cp -r both ways, sync both ways and again,
// bucket -> bucket copies that store deltas, a file:// store synced to S3,
// presigned URLs of direct objects, and keys with ".." on download.
#include <gtest/gtest.h>

#include <cstdio>
#include <filesystem>
#include <map>
#include <nlohmann/json.hpp>
#include <sstream>

#include "deltaglider/s3.h"
#include "tests/cli/cli_runner.h"
#include "tests/testutil/moto_server.h"
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
using Tree = std::map<std::string, std::string>;

std::string Release(int version) { return testing::SyntheticRelease(version, 150000, 11); }

size_t LineCount(const std::string& text) { return std::count(text.begin(), text.end(), '\n'); }

// The sum of the "size" fields of `ls --json` rows.
uint64_t ListedBytes(const std::string& json_lines) {
  uint64_t total = 0;
  std::istringstream in(json_lines);
  for (std::string line; std::getline(in, line);) {
    auto row = nlohmann::json::parse(line);
    if (row.contains("size")) total += row["size"].get<uint64_t>();
  }
  return total;
}

class CliTreeS3Test : public ::testing::Test {
 protected:
  void SetUp() override {
    auto moto = testing::EmptiedMotoServer();
    ASSERT_TRUE(moto.ok()) << moto.error().message;
    moto_ = *moto;
    env_ = moto_->ClientEnvironment();
    env_["DG_CACHE_DIR"] = tmp_.Sub("cache");
    work_ = tmp_.Sub("work");
    fs::create_directories(work_);
  }

  CliResult Dg(const std::vector<std::string>& args) { return RunCli(args, env_, work_); }

  std::unique_ptr<ObjectStore> DirectBucket(const std::string& bucket) {
    auto storage = std::move(NewS3Storage(moto_->ClientConfig())).value();
    Status created = storage->CreateBucket(bucket);
    EXPECT_TRUE(created.ok() || created.code() == ErrorCode::kBucketAlreadyExists);
    return std::move(storage->OpenBucket(bucket)).value();
  }

  void PutPlain(ObjectStore& store, const std::string& key, const std::string& bytes) {
    SpanSource source(AsBytes(bytes));
    ASSERT_TRUE(store.Put(key, source, PutOptions{}).ok()) << key;
  }

  void MakeSourceTree() {
    WriteFile(work_ + "/src/app/app-1.zip", Release(1));
    WriteFile(work_ + "/src/app/app-2.zip", Release(2));
    WriteFile(work_ + "/src/app/nested dir/app-3.tgz", Release(3));
    WriteFile(work_ + "/src/notes ü.txt", "release notes");
  }

  TempDir tmp_;
  std::string work_;
  testing::MotoServer* moto_ = nullptr;
  std::map<std::string, std::string> env_;
};

TEST_F(CliTreeS3Test, CpRecursiveAndSyncBothWays) {
  MakeSourceTree();
  ASSERT_EQ(Dg({"mb", "s3://tree"}).exit_code, 0);
  CliResult up = Dg({"cp", "-r", "src", "s3://tree/p/"});
  ASSERT_EQ(up.exit_code, 0) << up.err;
  EXPECT_EQ(LineCount(up.out), 4u) << up.out;
  CliResult down = Dg({"cp", "-r", "s3://tree/p/", "down"});
  ASSERT_EQ(down.exit_code, 0) << down.err;
  EXPECT_EQ(ReadTree(work_ + "/down"), ReadTree(work_ + "/src"));

  CliResult sync_up = Dg({"sync", "src", "s3://tree/s"});
  ASSERT_EQ(sync_up.exit_code, 0) << sync_up.err;
  EXPECT_EQ(LineCount(sync_up.out), 4u) << sync_up.out;
  CliResult again_up = Dg({"sync", "src", "s3://tree/s"});
  EXPECT_EQ(again_up.exit_code, 0) << again_up.err;
  EXPECT_EQ(again_up.out, "");

  CliResult sync_down = Dg({"sync", "s3://tree/s", "mirror"});
  ASSERT_EQ(sync_down.exit_code, 0) << sync_down.err;
  EXPECT_EQ(ReadTree(work_ + "/mirror"), ReadTree(work_ + "/src"));
  CliResult again_down = Dg({"sync", "s3://tree/s", "mirror"});
  EXPECT_EQ(again_down.exit_code, 0) << again_down.err;
  EXPECT_EQ(again_down.out, "");

  CliResult removed = Dg({"rb", "--force", "s3://tree"});
  ASSERT_EQ(removed.exit_code, 0) << removed.err;
  EXPECT_NE(removed.out.find("delete: s3://tree/p/app/reference.bin\n"), std::string::npos);
  EXPECT_TRUE(removed.out.ends_with("remove_bucket: tree\n")) << removed.out;
  EXPECT_EQ(Dg({"ls"}).out.find(" tree\n"), std::string::npos);
}

TEST_F(CliTreeS3Test, BucketToBucketCopyStoresDeltas) {
  auto plain = DirectBucket("plain");
  for (int v = 1; v <= 4; ++v)
    PutPlain(*plain, "rel/app-" + std::to_string(v) + ".zip", Release(v));
  ASSERT_EQ(Dg({"mb", "s3://packed"}).exit_code, 0);
  CliResult copy = Dg({"cp", "-r", "s3://plain/rel/", "s3://packed/rel/"});
  ASSERT_EQ(copy.exit_code, 0) << copy.err;
  EXPECT_NE(copy.out.find("copy: s3://plain/rel/app-4.zip to s3://packed/rel/app-4.zip (delta "),
            std::string::npos)
      << copy.out;
  const uint64_t logical = ListedBytes(Dg({"ls", "-r", "--json", "s3://packed/"}).out);
  const uint64_t stored = ListedBytes(Dg({"ls", "-r", "--stored", "--json", "s3://packed/"}).out);
  EXPECT_EQ(logical, 4u * 150000u);
  EXPECT_LT(stored, logical / 2) << "the destination holds a reference plus deltas";

  // Synced back bucket to bucket: nothing is stale.
  EXPECT_EQ(Dg({"sync", "s3://plain/rel/", "s3://packed/rel/"}).out, "");
  CliResult back = Dg({"cp", "s3://packed/rel/app-3.zip", "-"});
  EXPECT_EQ(back.out, Release(3));
}

TEST_F(CliTreeS3Test, FileStoreSyncedToS3) {
  MakeSourceTree();
  const std::string store = "file://" + tmp_.Sub("store");
  auto local = [&](std::vector<std::string> args) {
    args.insert(args.end(), {"--endpoint-url", store});
    return Dg(args);
  };
  ASSERT_EQ(local({"mb", "s3://rel"}).exit_code, 0);
  ASSERT_EQ(local({"sync", "src", "s3://rel/v1/"}).exit_code, 0);
  ASSERT_EQ(Dg({"mb", "s3://cloud"}).exit_code, 0);
  CliResult up = Dg({"sync", "s3://rel/v1/", "s3://cloud/v1/", "--source-endpoint-url", store});
  ASSERT_EQ(up.exit_code, 0) << up.err;
  EXPECT_EQ(LineCount(up.out), 4u) << up.out;
  EXPECT_EQ(Dg({"sync", "s3://rel/v1/", "s3://cloud/v1/", "--source-endpoint-url", store}).out, "");
  ASSERT_EQ(Dg({"cp", "-r", "s3://cloud/v1/", "back"}).exit_code, 0);
  EXPECT_EQ(ReadTree(work_ + "/back"), ReadTree(work_ + "/src"));
}

TEST_F(CliTreeS3Test, PresignedUrlOfADirectObjectServesItsBytes) {
  MakeSourceTree();
  ASSERT_EQ(Dg({"mb", "s3://links"}).exit_code, 0);
  ASSERT_EQ(Dg({"cp", "-r", "src", "s3://links/"}).exit_code, 0);
  CliResult url = Dg({"presign", "s3://links/notes ü.txt", "--expires-in", "300"});
  ASSERT_EQ(url.exit_code, 0) << url.err;
  ASSERT_TRUE(url.out.starts_with(moto_->endpoint() + "/links/notes%20%C3%BC.txt?")) << url.out;
  EXPECT_NE(url.out.find("X-Amz-Expires=300"), std::string::npos);
  const std::string command = "curl -fsS '" + url.out.substr(0, url.out.size() - 1) + "'";
  FILE* pipe = popen(command.c_str(), "r");
  ASSERT_NE(pipe, nullptr);
  std::string body;
  char buffer[4096];
  for (size_t n; (n = fread(buffer, 1, sizeof buffer, pipe)) > 0;) body.append(buffer, n);
  EXPECT_EQ(pclose(pipe), 0);
  EXPECT_EQ(body, "release notes");

  CliResult delta = Dg({"presign", "s3://links/app/app-2.zip"});
  EXPECT_EQ(delta.exit_code, 1);
  EXPECT_NE(delta.err.find("cannot be presigned"), std::string::npos) << delta.err;
}

TEST_F(CliTreeS3Test, DotDotKeysAreNotWrittenOutsideTheDestination) {
  auto bucket = DirectBucket("hostile");
  PutPlain(*bucket, "u/fine.txt", "fine");
  PutPlain(*bucket, "u/../../escaped.txt", "escape attempt");
  CliResult r = Dg({"cp", "-r", "s3://hostile/u/", "out"});
  EXPECT_EQ(r.exit_code, 1);
  EXPECT_EQ(r.out, "download: s3://hostile/u/fine.txt to out/fine.txt\n");
  EXPECT_NE(r.err.find("download failed: s3://hostile/u/../../escaped.txt"), std::string::npos)
      << r.err;
  EXPECT_NE(r.err.find("deltaglider: 1 of 2 files failed"), std::string::npos) << r.err;
  EXPECT_FALSE(fs::exists(tmp_.Sub("escaped.txt")));
  EXPECT_FALSE(fs::exists(work_ + "/escaped.txt"));
  EXPECT_EQ(ReadTree(work_ + "/out"), (Tree{{"fine.txt", "fine"}}));
}

}  // namespace
}  // namespace deltaglider
