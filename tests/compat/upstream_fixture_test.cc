// Buckets written by the Python DeltaGlider 6.1.2 (tests/data/upstream-v6: every
// object with its exact metadata, plus the files the user uploaded) read back
// through the DeltaService and through the CLI: every restorable file byte-exact,
// the gzip files that tool broke reported as errors, listings and stats right.
#include <gtest/gtest.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <nlohmann/json.hpp>
#include <set>

#include "core/hash.h"
#include "deltaglider/cache.h"
#include "deltaglider/client.h"
#include "deltaglider/codecs.h"
#include "deltaglider/filesystem.h"
#include "deltaglider/memory.h"
#include "deltaglider/vcdiff.h"
#include "tests/cli/cli_runner.h"
#include "tests/testutil/temp_dir.h"

namespace deltaglider {
namespace {

namespace fs = std::filesystem;
using nlohmann::json;
using testing::ReadFile;
using testing::RunCli;
using testing::TempDir;

std::string FixtureDir() {
  const char* source = std::getenv("DG_SOURCE_DIR");
  return std::string(source != nullptr ? source : ".") + "/tests/data/upstream-v6";
}

json LoadJson(const std::string& name) { return json::parse(ReadFile(FixtureDir() + "/" + name)); }

// Puts every object of the fixture into `store` exactly as the Python tool stored it.
void LoadFixture(ObjectStore& store) {
  for (const json& entry : LoadJson("manifest.json")) {
    const std::string key = entry["key"];
    const std::string bytes = ReadFile(FixtureDir() + "/objects/" + key);
    ASSERT_EQ(bytes.size(), entry["size"].get<size_t>()) << key;
    PutOptions options;
    options.content_type = entry["content_type"];
    for (const auto& [name, value] : entry["metadata"].items()) options.metadata[name] = value;
    SpanSource source(AsBytes(bytes));
    ASSERT_TRUE(store.Put(key, source, options).ok()) << key;
  }
}

class UpstreamFixtureTest : public ::testing::Test {
 protected:
  UpstreamFixtureTest() {
    storage_ = NewMemoryStorage();
    EXPECT_TRUE(storage_->CreateBucket("fixture").ok());
    store_ = std::move(storage_->OpenBucket("fixture")).value();
    LoadFixture(*store_);
    codecs_.Add(NewZstdDeltaCodec({}));
    codecs_.Add(NewVcdiffDeltaCodec());
    compressor_ = NewZstdDeltaCodec({});
    cache_ = NewMemoryReferenceCache();
    ServicePorts ports{store_.get(), cache_.get(), &codecs_, compressor_.get(), &SystemClock()};
    service_ = std::make_unique<DeltaService>(ports, ServiceOptions{});
  }

  std::unique_ptr<Storage> storage_;
  std::unique_ptr<ObjectStore> store_;
  CodecRegistry codecs_;
  std::unique_ptr<DeltaCodec> compressor_;
  std::unique_ptr<ReferenceCache> cache_;
  std::unique_ptr<DeltaService> service_;
};

TEST_F(UpstreamFixtureTest, EveryRestorableFileReadsBackByteExact) {
  int restored = 0;
  for (const json& original : LoadJson("originals.json")) {
    const std::string key = original["logical_key"];
    VectorSink sink;
    auto info = service_->Get(key, sink);
    // "restorable": false marks the .tgz files the Python tool itself can no longer
    // give back (it stored their gunzipped tar); we rebuild them too.
    ASSERT_TRUE(info.ok()) << key << ": " << info.error().message;
    EXPECT_EQ(Sha256Hex(sink.bytes()), original["sha256"]) << key;
    EXPECT_EQ(AsChars(sink.bytes()), ReadFile(FixtureDir() + "/originals/" + key)) << key;
    EXPECT_EQ(info->size, original["size"].get<uint64_t>()) << key;
    ++restored;
  }
  EXPECT_EQ(restored, 15);
}

TEST_F(UpstreamFixtureTest, ListShowsLogicalNamesAndSizes) {
  std::map<std::string, uint64_t> listed;
  ASSERT_TRUE(service_->List("", true, [&](const ListedEntry& e) {
    listed[e.file.key] = e.file.size;
    return OkStatus();
  }).ok());
  std::map<std::string, uint64_t> expected;
  for (const json& original : LoadJson("originals.json")) {
    expected[original["logical_key"]] = original["size"];
  }
  EXPECT_EQ(listed, expected);
}

TEST_F(UpstreamFixtureTest, StatsCountEveryObject) {
  auto stats = service_->Stats("");
  ASSERT_TRUE(stats.ok());
  EXPECT_EQ(stats->total.files, 15u);
  EXPECT_EQ(stats->total.deltas, 13u);
  EXPECT_EQ(stats->total.directs, 2u);
  EXPECT_EQ(stats->total.references, 5u);
  EXPECT_EQ(stats->total.original_bytes, 2120167u);
  EXPECT_EQ(stats->total.stored_bytes, 1000345u);
}

TEST_F(UpstreamFixtureTest, VerifyPassesOnRestorableFiles) {
  for (const char* key : {"releases/underscore/underscore-1.13.7.zip", "commander-11.1.0.zip",
                          "a/b/c/commander 12.1.0.zip", "releases/underscore/package.json"}) {
    auto verified = service_->Verify(key);
    EXPECT_TRUE(verified.ok()) << key << ": " << verified.error().message;
  }
}

std::set<std::string> KeysOf(const Metadata& metadata) {
  std::set<std::string> keys;
  for (const auto& [name, value] : metadata) keys.insert(name);
  return keys;
}

std::set<std::string> FixtureKeysOf(const std::string& key) {
  for (const json& entry : LoadJson("manifest.json")) {
    if (entry["key"] == key) {
      std::set<std::string> keys;
      for (const auto& [name, value] : entry["metadata"].items()) keys.insert(name);
      return keys;
    }
  }
  ADD_FAILURE() << key;
  return {};
}

// Writes with --codec xdelta3 have exactly the Python tool's shape, and its
// program (xdelta3 -d) as well as our decoder read them.
TEST(UpstreamWriteTest, Xdelta3WritesHaveThePythonShape) {
  TempDir tmp;
  auto storage = NewMemoryStorage();
  ASSERT_TRUE(storage->CreateBucket("compat").ok());
  auto store = std::move(storage->OpenBucket("compat")).value();
  CodecRegistry codecs;
  codecs.Add(NewXdelta3Codec());
  auto compressor = NewZstdDeltaCodec({});
  auto cache = NewMemoryReferenceCache();
  ServicePorts ports{store.get(), cache.get(), &codecs, compressor.get(), &SystemClock()};
  ServiceOptions options;
  options.codec = "xdelta3";
  options.max_ratio = 0.99;
  DeltaService service(ports, options);

  const std::string dir = FixtureDir() + "/originals/tarballs/semver/";
  for (const char* name : {"semver-7.5.4.tar", "semver-7.6.2.tar"}) {
    const std::string bytes = ReadFile(dir + name);
    SpanSource source(AsBytes(bytes));
    auto put = service.Put(std::string("semver/") + name, source, name);
    ASSERT_TRUE(put.ok()) << put.error().message;
    ASSERT_EQ(put->file.stored_as, StoredAs::kDelta);
  }
  auto ref = store->Head("semver/reference.bin");
  auto first = store->Head("semver/semver-7.5.4.tar.delta");
  auto second = store->Head("semver/semver-7.6.2.tar.delta");
  ASSERT_TRUE(ref.ok() && first.ok() && second.ok());
  EXPECT_EQ(KeysOf(ref->metadata), FixtureKeysOf("tarballs/semver/reference.bin"));
  EXPECT_EQ(KeysOf(first->metadata), FixtureKeysOf("tarballs/semver/semver-7.5.4.tar.delta"));
  EXPECT_EQ(KeysOf(second->metadata), FixtureKeysOf("tarballs/semver/semver-7.6.2.tar.delta"));
  EXPECT_EQ(second->metadata.at("dg-delta-cmd"),
            "xdelta3 -e -9 -s reference.bin semver-7.6.2.tar semver-7.6.2.tar.delta");
  EXPECT_EQ(second->metadata.at("dg-ref-key"), "semver/reference.bin");

  // The reference is raw, and the delta decodes with the xdelta3 program itself.
  VectorSink ref_bytes, delta_bytes;
  ASSERT_TRUE(store->Get("semver/reference.bin", ref_bytes).ok());
  ASSERT_TRUE(store->Get("semver/semver-7.6.2.tar.delta", delta_bytes).ok());
  EXPECT_EQ(AsChars(ref_bytes.bytes()), ReadFile(dir + "semver-7.5.4.tar"));
  testing::WriteFile(tmp.Sub("reference.bin"), std::string(AsChars(ref_bytes.bytes())));
  testing::WriteFile(tmp.Sub("x.delta"), std::string(AsChars(delta_bytes.bytes())));
  const std::string cmd = "xdelta3 -d -f -s '" + tmp.Sub("reference.bin") + "' '" + tmp.Sub("x.delta") +
                          "' '" + tmp.Sub("out") + "'";
  ASSERT_EQ(std::system(cmd.c_str()), 0) << cmd;
  EXPECT_EQ(ReadFile(tmp.Sub("out")), ReadFile(dir + "semver-7.6.2.tar"));
  VectorSink got;
  ASSERT_TRUE(service.Get("semver/semver-7.6.2.tar", got).ok());
  EXPECT_EQ(AsChars(got.bytes()), ReadFile(dir + "semver-7.6.2.tar"));
}

TEST(UpstreamWriteTest, MissingXdelta3ProgramNamesThePackage) {
  const std::string old_path = std::getenv("PATH");
  setenv("PATH", "/nonexistent", 1);
  auto codec = NewXdelta3Codec();
  SpanSource target(AsBytes("abc"));
  VectorSink delta;
  Status status = codec->Encode(AsBytes("abd"), target, delta);
  setenv("PATH", old_path.c_str(), 1);
  EXPECT_EQ(status.code(), ErrorCode::kFailedPrecondition);
  EXPECT_NE(status.message().find("apt-get install xdelta3"), std::string::npos) << status.message();
}

TEST(UpstreamFixtureCliTest, CliReadsTheBucketFromAFileStore) {
  TempDir tmp;
  {
    auto storage = std::move(NewFilesystemStorage(tmp.Sub("store"))).value();
    ASSERT_TRUE(storage->CreateBucket("fixture").ok());
    auto store = std::move(storage->OpenBucket("fixture")).value();
    LoadFixture(*store);
  }
  const std::string endpoint = "file://" + tmp.Sub("store");
  const std::map<std::string, std::string> env{{"DG_CACHE_DIR", tmp.Sub("cache")}};
  for (const json& original : LoadJson("originals.json")) {
    const std::string key = original["logical_key"];
    const std::string out = tmp.Sub("out.bin");
    auto r = RunCli({"cp", "s3://fixture/" + key, out, "--endpoint-url", endpoint}, env);
    ASSERT_EQ(r.exit_code, 0) << key << ": " << r.err;  // the known-bug .tgz files too
    EXPECT_EQ(Sha256Hex(AsBytes(ReadFile(out))), original["sha256"]) << key;
    fs::remove(out);
  }
  auto ls = RunCli({"ls", "s3://fixture/a/b/c/", "--endpoint-url", endpoint}, env);
  EXPECT_NE(ls.out.find("      52100 commander 12.1.0.zip\n"), std::string::npos) << ls.out;
}

}  // namespace
}  // namespace deltaglider
