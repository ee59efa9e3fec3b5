// The deltaglider binary against a real S3 server (moto_server, started by the
// test): the main flow, a bucket the Python DeltaGlider wrote, and the failure
// paths that only a network endpoint has.
#include <gtest/gtest.h>

#include <cmath>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <thread>
#include <nlohmann/json.hpp>

#include "core/hash.h"
#include "deltaglider/s3.h"
#include "tests/cli/cli_runner.h"
#include "tests/testutil/moto_server.h"
#include "tests/testutil/temp_dir.h"
#include "tests/testutil/release_data.h"

namespace deltaglider {
namespace {

namespace fs = std::filesystem;
using nlohmann::json;
using testing::CliResult;
using testing::ReadFile;
using testing::RunCli;
using testing::TempDir;
using testing::WriteFile;

std::string Release(int version) { return testing::SyntheticRelease(version, 300000, 7); }

class CliS3Test : public ::testing::Test {
 protected:
  void SetUp() override {
    auto moto = testing::EmptiedMotoServer();
    ASSERT_TRUE(moto.ok()) << moto.error().message;
    moto_ = *moto;
    env_ = moto_->ClientEnvironment();
    env_["DG_CACHE_DIR"] = tmp_.Sub("cache");
  }

  CliResult Dg(const std::vector<std::string>& args) { return RunCli(args, env_, tmp_.path()); }

  // The server, reached without the CLI.
  std::unique_ptr<Storage> DirectStorage() {
    return std::move(NewS3Storage(moto_->ClientConfig())).value();
  }

  // Writes app-1.zip .. app-N.zip and copies each to `uri` with `flags`.
  void PutReleases(const std::string& uri, int count, const std::vector<std::string>& flags = {}) {
    for (int v = 1; v <= count; ++v) {
      const std::string name = "app-" + std::to_string(v) + ".zip";
      WriteFile(tmp_.Sub(name), Release(v));
      std::vector<std::string> args = {"cp", tmp_.Sub(name), uri};
      args.insert(args.end(), flags.begin(), flags.end());
      CliResult up = Dg(args);
      ASSERT_EQ(up.exit_code, 0) << up.err;
    }
  }

  // The aws CLI's stdout for `args` (shell words) against moto.
  std::string AwsCli(const std::string& args) {
    const std::string command = "AWS_ACCESS_KEY_ID=" + moto_->access_key_id() +
                                " AWS_SECRET_ACCESS_KEY=" + moto_->secret_access_key() +
                                " AWS_DEFAULT_REGION=" + moto_->region() + " aws --endpoint-url " +
                                moto_->endpoint() + " " + args + " 2>&1";
    std::string out;
    FILE* pipe = popen(command.c_str(), "r");
    if (pipe == nullptr) return out;
    char buffer[4096];
    size_t n;
    while ((n = fread(buffer, 1, sizeof buffer, pipe)) > 0) out.append(buffer, n);
    pclose(pipe);
    return out;
  }

  testing::MotoServer* moto_ = nullptr;
  TempDir tmp_;
  std::map<std::string, std::string> env_;
};

TEST_F(CliS3Test, StoreListReadVerifyAndRemove) {
  ASSERT_EQ(Dg({"mb", "s3://releases"}).exit_code, 0);
  ASSERT_NO_FATAL_FAILURE(PutReleases("s3://releases/app/", 3));
  CliResult ls = Dg({"ls", "s3://releases/app/"});
  EXPECT_NE(ls.out.find("     300000 app-3.zip\n"), std::string::npos) << ls.out;
  EXPECT_EQ(ls.out.find("reference.bin"), std::string::npos) << ls.out;
  CliResult stats = Dg({"stats", "s3://releases", "--json"});
  ASSERT_EQ(stats.exit_code, 0) << stats.err;
  const json total = json::parse(stats.out)["total"];
  EXPECT_EQ(total["original_bytes"], 900000);
  EXPECT_EQ(total["deltas"], 3);
  EXPECT_LT(total["stored_bytes"].get<uint64_t>(), 350000u);

  fs::remove_all(tmp_.Sub("cache"));  // another machine: the reference comes from S3
  CliResult down = Dg({"cp", "s3://releases/app/app-2.zip", tmp_.Sub("back.zip")});
  ASSERT_EQ(down.exit_code, 0) << down.err;
  EXPECT_EQ(ReadFile(tmp_.Sub("back.zip")), Release(2));
  EXPECT_EQ(Dg({"verify", "s3://releases/app/app-3.zip"}).exit_code, 0);
  EXPECT_EQ(Dg({"rm", "s3://releases/app/app-1.zip"}).exit_code, 0);
  EXPECT_EQ(Dg({"cp", "s3://releases/app/app-3.zip", tmp_.Sub("three.zip")}).exit_code, 0);
  EXPECT_EQ(ReadFile(tmp_.Sub("three.zip")), Release(3));
}

// The same flow with the bucket in the host name: bucket.localhost:PORT.
TEST_F(CliS3Test, VirtualHostAddressing) {
  if (moto_->external()) GTEST_SKIP() << "moto only: bucket.localhost";
  env_["AWS_ENDPOINT_URL"] = "http://localhost:" + std::to_string(moto_->port());
  const std::vector<std::string> style = {"--addressing-style", "virtual"};
  auto dg = [&](std::vector<std::string> args) {
    args.insert(args.end(), style.begin(), style.end());
    return Dg(args);
  };
  ASSERT_EQ(dg({"mb", "s3://vhost"}).exit_code, 0);
  ASSERT_NO_FATAL_FAILURE(PutReleases("s3://vhost/app/", 2, style));
  CliResult ls = dg({"ls", "s3://vhost/app/"});
  EXPECT_NE(ls.out.find("app-2.zip"), std::string::npos) << ls.out;
  fs::remove_all(tmp_.Sub("cache"));
  CliResult down = dg({"cp", "s3://vhost/app/app-2.zip", tmp_.Sub("back.zip")});
  ASSERT_EQ(down.exit_code, 0) << down.err;
  EXPECT_EQ(ReadFile(tmp_.Sub("back.zip")), Release(2));
  // Path style sees the same bucket.
  EXPECT_EQ(Dg({"ls", "s3://vhost/app/", "--addressing-style", "path"}).out, ls.out);
  // Virtual host on an IP address is refused before any request.
  env_["AWS_ENDPOINT_URL"] = moto_->endpoint();
  CliResult ip = dg({"ls", "s3://vhost"});
  EXPECT_EQ(ip.exit_code, 2) << ip.err;
  EXPECT_NE(ip.err.find("virtual-host addressing needs a host name"), std::string::npos) << ip.err;
  EXPECT_EQ(Dg({"ls", "s3://vhost", "--addressing-style", "sideways"}).exit_code, 2);
}

// moto_server -s: https with a self-signed certificate. Refused by default,
// accepted with --no-verify-ssl.
TEST_F(CliS3Test, TlsVerificationAndNoVerifySsl) {
  if (moto_->external()) GTEST_SKIP() << "moto only: moto_server -s";
  auto tls = testing::MotoServer::Start(std::chrono::seconds(30), /*tls=*/true);
  ASSERT_TRUE(tls.ok()) << tls.error().message;
  env_["AWS_ENDPOINT_URL"] = (*tls)->endpoint();
  CliResult refused = Dg({"mb", "s3://secure"});
  EXPECT_EQ(refused.exit_code, 1) << refused.err;
  EXPECT_NE(refused.err.find("certificate"), std::string::npos) << refused.err;
  ASSERT_EQ(Dg({"mb", "s3://secure", "--no-verify-ssl"}).exit_code, 0);
  WriteFile(tmp_.Sub("a.zip"), Release(1));
  CliResult up = Dg({"cp", tmp_.Sub("a.zip"), "s3://secure/", "--no-verify-ssl"});
  ASSERT_EQ(up.exit_code, 0) << up.err;
  CliResult down = Dg({"cp", "s3://secure/a.zip", tmp_.Sub("b.zip"), "--no-verify-ssl"});
  ASSERT_EQ(down.exit_code, 0) << down.err;
  EXPECT_EQ(ReadFile(tmp_.Sub("b.zip")), Release(1));
  // A CA bundle that does not hold moto's certificate does not make it trusted.
  env_["AWS_CA_BUNDLE"] = "/etc/ssl/certs/ca-certificates.crt";
  EXPECT_EQ(Dg({"ls", "s3://secure"}).exit_code, 1);
}

// --sse reaches every object deltaglider writes (reference and delta alike).
TEST_F(CliS3Test, ServerSideEncryption) {
  if (moto_->external()) GTEST_SKIP() << "moto only: a KMS key that need not exist";
  ASSERT_EQ(Dg({"mb", "s3://sealed"}).exit_code, 0);
  ASSERT_NO_FATAL_FAILURE(
      PutReleases("s3://sealed/app/", 2, {"--sse", "aws:kms", "--sse-kms-key-id", "dg-key"}));
  // Ask moto what it stored, through the aws CLI.
  auto storage = DirectStorage();
  auto store = std::move(storage->OpenBucket("sealed")).value();
  int objects = 0;
  ASSERT_TRUE(
      store
          ->List({"app/", ""},
                 [&](const ListEntry& entry) -> Status {
                   ++objects;
                   const std::string out =
                       AwsCli("s3api head-object --bucket sealed --key '" + entry.key + "'");
                   EXPECT_NE(out.find("\"ServerSideEncryption\": \"aws:kms\""), std::string::npos)
                       << entry.key << ": " << out;
                   EXPECT_NE(out.find("\"SSEKMSKeyId\": \"dg-key\""), std::string::npos)
                       << entry.key << ": " << out;
                   return OkStatus();
                 })
          .ok());
  EXPECT_EQ(objects, 3);  // reference.bin and two deltas
  CliResult down = Dg({"cp", "s3://sealed/app/app-2.zip", tmp_.Sub("back.zip")});
  ASSERT_EQ(down.exit_code, 0) << down.err;
  EXPECT_EQ(ReadFile(tmp_.Sub("back.zip")), Release(2));
  EXPECT_EQ(Dg({"ls", "s3://sealed", "--sse", "rot13"}).exit_code, 2);
  CliResult key_alone = Dg({"ls", "s3://sealed", "--sse-kms-key-id", "k"});
  EXPECT_EQ(key_alone.exit_code, 2) << key_alone.err;
}

TEST_F(CliS3Test, MissingBucketAndKey) {
  CliResult up = Dg({"cp", "/etc/hostname", "s3://no-such-bucket/"});
  EXPECT_EQ(up.exit_code, 1);
  EXPECT_NE(up.err.find("no-such-bucket"), std::string::npos) << up.err;
  ASSERT_EQ(Dg({"mb", "s3://releases"}).exit_code, 0);
  CliResult down = Dg({"cp", "s3://releases/none.zip", tmp_.Sub("none.zip")});
  EXPECT_EQ(down.exit_code, 1);
  EXPECT_NE(down.err.find("s3://releases/none.zip"), std::string::npos) << down.err;
  EXPECT_FALSE(fs::exists(tmp_.Sub("none.zip")));
}

TEST_F(CliS3Test, UnreachableEndpointIsOneClearLine) {
  env_["AWS_ENDPOINT_URL"] = "http://127.0.0.1:" + std::to_string(testing::FreeLocalPort());
  CliResult r = Dg({"ls", "s3://releases"});
  EXPECT_EQ(r.exit_code, 1);
  EXPECT_EQ(std::count(r.err.begin(), r.err.end(), '\n'), 1) << r.err;
  EXPECT_NE(r.err.find("127.0.0.1"), std::string::npos) << r.err;
}

// SHA256 of a file, streamed.
std::string FileSha256(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  Hasher hasher(Hasher::Algorithm::kSha256);
  std::vector<char> buffer(1 << 20);
  while (in.read(buffer.data(), static_cast<std::streamsize>(buffer.size())) || in.gcount() > 0) {
    hasher.Update(std::as_bytes(std::span(buffer.data(), static_cast<size_t>(in.gcount()))));
  }
  return hasher.HexDigest();
}

TEST_F(CliS3Test, TwoHundredMegabytesGoMultipartAndComeBackByteExact) {
  const std::string big = tmp_.Sub("big.bin");
  {
    std::ofstream out(big, std::ios::binary);
    std::vector<uint64_t> block(1 << 17);
    uint64_t x = 0x9e3779b97f4a7c15ull;
    for (int i = 0; i < 200; ++i) {  // 200 x 1 MiB of xorshift
      for (uint64_t& word : block) {
        x ^= x << 13;
        x ^= x >> 7;
        x ^= x << 17;
        word = x;
      }
      out.write(reinterpret_cast<const char*>(block.data()), static_cast<std::streamsize>(block.size() * 8));
    }
  }
  ASSERT_EQ(Dg({"mb", "s3://large"}).exit_code, 0);
  CliResult up = Dg({"cp", big, "s3://large/"});
  ASSERT_EQ(up.exit_code, 0) << up.err;
  CliResult stored = Dg({"ls", "--stored", "--json", "s3://large"});
  ASSERT_EQ(stored.exit_code, 0) << stored.err;
  const json object = json::parse(stored.out);
  EXPECT_EQ(object["size"], 200u << 20);
  EXPECT_TRUE(object["etag"].get<std::string>().ends_with("-25")) << stored.out;  // 8 MiB parts
  CliResult down = Dg({"cp", "s3://large/big.bin", tmp_.Sub("back.bin")});
  ASSERT_EQ(down.exit_code, 0) << down.err;
  EXPECT_EQ(FileSha256(tmp_.Sub("back.bin")), FileSha256(big));
}

TEST_F(CliS3Test, MultipartSizesAndAttemptsAreFlags) {
  // 12 MiB of xorshift: incompressible, so it is stored direct under its own key.
  std::string data(12 << 20, '\0');
  uint64_t x = 88172645463325252ull;
  for (char& c : data) {
    x ^= x << 13;
    x ^= x >> 7;
    x ^= x << 17;
    c = static_cast<char>(x);
  }
  WriteFile(tmp_.Sub("mid.bin"), data);
  ASSERT_EQ(Dg({"mb", "s3://parts"}).exit_code, 0);
  CliResult up = Dg({"cp", tmp_.Sub("mid.bin"), "s3://parts/", "--multipart-threshold", "5MB",
                     "--multipart-chunksize", "5MiB", "--max-attempts", "5"});
  ASSERT_EQ(up.exit_code, 0) << up.err;
  CliResult stored = Dg({"ls", "--stored", "--json", "s3://parts"});
  ASSERT_EQ(stored.exit_code, 0) << stored.err;
  EXPECT_TRUE(json::parse(stored.out)["etag"].get<std::string>().ends_with("-3")) << stored.out;

  CliResult bad_size = Dg({"cp", tmp_.Sub("mid.bin"), "s3://parts/", "--multipart-chunksize", "8XB"});
  EXPECT_EQ(bad_size.exit_code, 2);
  EXPECT_EQ(bad_size.err,
            "deltaglider: --multipart-chunksize '8XB': expected a size such as 8388608, 8MB or 1GB\n");
  CliResult small_part = Dg({"cp", tmp_.Sub("mid.bin"), "s3://parts/", "--multipart-chunksize", "1MB"});
  EXPECT_EQ(small_part.exit_code, 2) << small_part.err;
  env_["AWS_MAX_ATTEMPTS"] = "zero";
  CliResult bad_env = Dg({"ls", "s3://parts"});
  EXPECT_EQ(bad_env.exit_code, 2);
  EXPECT_EQ(bad_env.err,
            "deltaglider: $AWS_MAX_ATTEMPTS 'zero': expected a whole number of at least 1\n");
}

TEST_F(CliS3Test, GcAbortsIncompleteMultipartUploadsAndRemovesUnusedReferences) {
  ASSERT_EQ(Dg({"mb", "s3://gcb"}).exit_code, 0);
  PutReleases("s3://gcb/app/", 2);
  ASSERT_EQ(Dg({"rm", "s3://gcb/app/app-1.zip"}).exit_code, 0);
  ASSERT_EQ(Dg({"rm", "s3://gcb/app/app-2.zip"}).exit_code, 0);
  // An upload a killed client never completed.
  const std::string started = AwsCli("s3api create-multipart-upload --bucket gcb --key big.bin");
  ASSERT_NE(started.find("UploadId"), std::string::npos) << started;
  CliResult plan = Dg({"gc", "s3://gcb", "--grace", "0"});
  ASSERT_EQ(plan.exit_code, 0) << plan.err;
  EXPECT_NE(plan.out.find("(dryrun) delete reference: s3://gcb/app/reference.bin ("),
            std::string::npos) << plan.out;
  EXPECT_NE(plan.out.find("(dryrun) remove multipart upload "), std::string::npos) << plan.out;
  EXPECT_NE(plan.out.find(" of s3://gcb/big.bin\n"), std::string::npos) << plan.out;
  CliResult done = Dg({"gc", "s3://gcb", "--grace", "0", "--yes"});
  ASSERT_EQ(done.exit_code, 0) << done.err;
  EXPECT_EQ(AwsCli("s3api list-multipart-uploads --bucket gcb").find("UploadId"), std::string::npos);
  EXPECT_EQ(Dg({"ls", "-r", "--stored", "s3://gcb"}).out, "");
}

// A bucket filled by `aws s3 cp` (plain objects) migrated in place, resumed after
// a kill, then copied to another bucket.
TEST_F(CliS3Test, MigrateInPlaceIsResumableAndNeverLosesAnObject) {
  ASSERT_EQ(Dg({"mb", "s3://plain"}).exit_code, 0);
  const int kFiles = 6;
  for (int v = 1; v <= kFiles; ++v) {
    const std::string name = "app-" + std::to_string(v) + ".zip";
    WriteFile(tmp_.Sub(name), Release(v));
    AwsCli("s3 cp " + tmp_.Sub(name) + " s3://plain/rel/" + name);
  }
  WriteFile(tmp_.Sub("notes.txt"), "release notes");
  AwsCli("s3 cp " + tmp_.Sub("notes.txt") + " s3://plain/rel/notes.txt");

  CliResult plan = Dg({"migrate", "s3://plain/rel/", "--dryrun"});
  ASSERT_EQ(plan.exit_code, 0) << plan.err;
  EXPECT_NE(plan.out.find("(dryrun) migrate: s3://plain/rel/app-1.zip to s3://plain/rel/app-1.zip\n"),
            std::string::npos) << plan.out;
  EXPECT_NE(plan.out.find("skip: s3://plain/rel/notes.txt (not an archive: it stays as it is)"),
            std::string::npos) << plan.out;
  EXPECT_NE(AwsCli("s3 ls s3://plain/rel/").find("app-1.zip"), std::string::npos);

  // Killed part-way, then run again: every file reads back either way.
  {
    testing::CliProcess killed({"migrate", "s3://plain/rel/"},
                               testing::CliLaunch{.env = env_, .cwd = tmp_.path(), .max_file_bytes = 0});
    std::this_thread::sleep_for(std::chrono::milliseconds(300));
    killed.Kill();
    (void)killed.Wait();
  }
  for (int v = 1; v <= kFiles; ++v) {
    const std::string name = "app-" + std::to_string(v) + ".zip";
    ASSERT_EQ(Dg({"cp", "s3://plain/rel/" + name, tmp_.Sub("mid-" + name)}).exit_code, 0) << name;
    EXPECT_EQ(ReadFile(tmp_.Sub("mid-" + name)), Release(v)) << name;
  }
  CliResult resumed = Dg({"migrate", "s3://plain/rel/"});
  ASSERT_EQ(resumed.exit_code, 0) << resumed.err;
  CliResult stored = Dg({"ls", "-r", "--stored", "s3://plain"});
  EXPECT_EQ(stored.out.find("app-1.zip\n"), std::string::npos) << stored.out;  // no plain copies left
  EXPECT_NE(stored.out.find("rel/app-6.zip.delta"), std::string::npos) << stored.out;
  for (int v = 1; v <= kFiles; ++v) {
    const std::string name = "app-" + std::to_string(v) + ".zip";
    ASSERT_EQ(Dg({"cp", "s3://plain/rel/" + name, tmp_.Sub("back-" + name)}).exit_code, 0);
    EXPECT_EQ(ReadFile(tmp_.Sub("back-" + name)), Release(v)) << name;
  }
  CliResult again = Dg({"migrate", "s3://plain/rel/"});
  ASSERT_EQ(again.exit_code, 0) << again.err;
  EXPECT_NE(again.out.find(": 0 migrated, "), std::string::npos) << again.out;

  // Into another bucket: sources stay; a second run skips everything.
  ASSERT_EQ(Dg({"mb", "s3://moved"}).exit_code, 0);
  CliResult copied = Dg({"migrate", "s3://plain/rel/", "s3://moved/r/"});
  ASSERT_EQ(copied.exit_code, 0) << copied.err;
  EXPECT_NE(copied.out.find("migrate s3://plain/rel/: 1 migrated"), std::string::npos) << copied.out;
  CliResult twice = Dg({"migrate", "s3://plain/rel/", "s3://moved/r/"});
  EXPECT_NE(twice.out.find("skip: s3://plain/rel/notes.txt (already migrated to s3://moved/r/notes.txt)"),
            std::string::npos) << twice.out;
  EXPECT_EQ(Dg({"migrate", "s3://plain/rel/", "s3://plain/rel/sub/"}).exit_code, 2);
}

// The Python DeltaGlider's bucket (tests/data/upstream-v6) restored into S3 with
// its exact metadata, then read through the CLI.
TEST_F(CliS3Test, ReadsABucketThePythonToolWrote) {
  const std::string dir = std::string(std::getenv("DG_SOURCE_DIR")) + "/tests/data/upstream-v6";
  auto storage = DirectStorage();
  ASSERT_TRUE(storage->CreateBucket("fixture").ok());
  auto store = std::move(storage->OpenBucket("fixture")).value();
  for (const json& entry : json::parse(ReadFile(dir + "/manifest.json"))) {
    const std::string bytes = ReadFile(dir + "/objects/" + entry["key"].get<std::string>());
    PutOptions options;
    options.content_type = entry["content_type"];
    for (const auto& [name, value] : entry["metadata"].items()) options.metadata[name] = value;
    SpanSource source(AsBytes(bytes));
    ASSERT_TRUE(store->Put(entry["key"].get<std::string>(), source, options).ok());
  }
  int exact = 0;
  for (const json& original : json::parse(ReadFile(dir + "/originals.json"))) {
    const std::string key = original["logical_key"];
    fs::remove(tmp_.Sub("out"));
    CliResult r = Dg({"cp", "s3://fixture/" + key, tmp_.Sub("out")});
    // Including the two .tgz files the Python tool itself cannot give back.
    ASSERT_EQ(r.exit_code, 0) << key << ": " << r.err;
    EXPECT_EQ(Sha256Hex(AsBytes(ReadFile(tmp_.Sub("out")))), original["sha256"]) << key;
    ++exact;
  }
  EXPECT_EQ(exact, 15);
}

// Plain objects put by another S3 client, analyzed (ranged GETs on S3), then
// copied in by deltaglider and counted by stats per reference group, HEADs in parallel.
TEST_F(CliS3Test, AnalyzeThenStatsWithFamilyRows) {
  auto storage = DirectStorage();
  ASSERT_TRUE(storage->CreateBucket("plain").ok());
  auto plain = std::move(storage->OpenBucket("plain")).value();
  for (int v = 1; v <= 4; ++v) {
    const std::string version = "2.0." + std::to_string(v);
    const std::string key = "dist/" + version + "/app-" + version + ".zip";
    const std::string content = Release(v);
    WriteFile(tmp_.Sub("tree/" + key), content);
    SpanSource body(AsBytes(content));
    ASSERT_TRUE(plain->Put(key, body, PutOptions{}).ok());
  }
  CliResult analyze = Dg({"analyze", "s3://plain", "--json", "--jobs", "2"});
  ASSERT_EQ(analyze.exit_code, 0) << analyze.err;
  const json group = json::parse(analyze.out.substr(0, analyze.out.find('\n')));
  EXPECT_EQ(group["group"], "dist/*/{app.zip}");
  EXPECT_EQ(group["estimate"], "sampled");
  const json summary = json::parse(analyze.out.substr(analyze.out.rfind('\n', analyze.out.size() - 2) + 1));
  EXPECT_EQ(summary["original_bytes"], 1200000);

  ASSERT_EQ(Dg({"mb", "s3://dgbucket"}).exit_code, 0);
  CliResult copy = Dg({"cp", "-r", tmp_.Sub("tree"), "s3://dgbucket/", "-q"});
  ASSERT_EQ(copy.exit_code, 0) << copy.err;
  CliResult stats = Dg({"stats", "s3://dgbucket", "--json", "--jobs", "4"});
  ASSERT_EQ(stats.exit_code, 0) << stats.err;
  const json out = json::parse(stats.out);
  ASSERT_EQ(out["deltaspaces"].size(), 1u) << stats.out;
  const json family = out["deltaspaces"][0];
  EXPECT_EQ(family["group"], "dist/*/{app.zip}");
  EXPECT_EQ(family["kind"], "family");
  EXPECT_EQ(family["files"], 4);
  EXPECT_EQ(family["deltas"], 4);
  EXPECT_EQ(family["references"], 1);
  EXPECT_EQ(family["original_bytes"], 1200000);
  const double predicted = summary["predicted_bytes"].get<double>();
  const double stored = family["stored_bytes"].get<double>();
  EXPECT_LT(std::abs(stored - predicted), 0.10 * predicted)
      << predicted << " vs " << stored << "\n" << analyze.out << stats.out;
}

}  // namespace
}  // namespace deltaglider
