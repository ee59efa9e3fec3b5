// Client::Open on a local directory (by file:// URL and by path) and on
// moto_server through the AWS credential chain: what it refuses, and that the
// sessions it opens store deltas and give every byte back.
#include <gtest/gtest.h>

#include <vector>

#include "deltaglider/open.h"
#include "tests/testutil/moto_server.h"
#include "tests/testutil/release_data.h"
#include "tests/testutil/scoped_env.h"
#include "tests/testutil/temp_dir.h"

namespace deltaglider {
namespace {

using testing::ScopedEnv;
using testing::SyntheticRelease;
using testing::TempDir;

std::span<const std::byte> AsBytes(const std::string& text) {
  return std::as_bytes(std::span(text.data(), text.size()));
}

class ClientTest : public ::testing::Test {
 protected:
  ClientOptions Options(const std::string& url) {
    ClientOptions options;
    options.endpoint_url = url;
    options.cache_dir = dir_.Sub("cache");
    options.on_warning = [this](std::string_view message) { warnings_.emplace_back(message); };
    return options;
  }

  // Two versions of a release into `bucket`: the second must be a delta, and
  // both must come back exactly, through a second Client on the same endpoint.
  void ExpectDeltaRoundTrip(const ClientOptions& options, const std::string& bucket) {
    auto client = Client::Open(options);
    ASSERT_TRUE(client.ok()) << client.error().message;
    ASSERT_TRUE((*client)->storage().CreateBucket(bucket).ok());
    auto session = (*client)->OpenBucket(bucket);
    ASSERT_TRUE(session.ok()) << session.error().message;
    for (int version = 1; version <= 2; ++version) {
      const std::string bytes = SyntheticRelease(version, 300000);
      SpanSource body(AsBytes(bytes));
      auto put =
          session->service->Put("rel/app-" + std::to_string(version) + ".zip", body, "app.zip");
      ASSERT_TRUE(put.ok()) << put.error().message;
      EXPECT_EQ(put->file.stored_as, StoredAs::kDelta);  // the first against itself
      EXPECT_LT(put->file.stored_size, 10000u);
    }
    ClientOptions reader_options = options;
    reader_options.cache = CacheKind::kMemory;
    auto reader = Client::Open(reader_options);
    ASSERT_TRUE(reader.ok()) << reader.error().message;
    auto read = (*reader)->OpenBucket(bucket);
    ASSERT_TRUE(read.ok());
    for (int version = 1; version <= 2; ++version) {
      VectorSink out;
      auto got = read->service->Get("rel/app-" + std::to_string(version) + ".zip", out);
      ASSERT_TRUE(got.ok()) << got.error().message;
      EXPECT_EQ(std::string(reinterpret_cast<const char*>(out.bytes().data()), out.bytes().size()),
                SyntheticRelease(version, 300000));
    }
  }

  TempDir dir_;
  std::vector<std::string> warnings_;
};

TEST_F(ClientTest, OpensADirectoryByFileUrlOrByPath) {
  ExpectDeltaRoundTrip(Options("file://" + dir_.Sub("store")), "releases");
  auto by_path = Client::Open(Options(dir_.Sub("store")));
  ASSERT_TRUE(by_path.ok()) << by_path.error().message;
  EXPECT_EQ((*by_path)->endpoint_url(), dir_.Sub("store"));
  auto buckets = (*by_path)->storage().ListBuckets();
  ASSERT_TRUE(buckets.ok());
  ASSERT_EQ(buckets->size(), 1u);
  EXPECT_EQ((*buckets)[0].name, "releases");
  EXPECT_TRUE(warnings_.empty());
}

TEST_F(ClientTest, RefusesWhatItCannotReachWithOneLine) {
  auto scheme = Client::Open(Options("ftp://example.com/dir"));
  EXPECT_EQ(scheme.code(), ErrorCode::kUnsupported);
  EXPECT_NE(scheme.error().message.find("unknown scheme"), std::string::npos);
  EXPECT_EQ(Client::Open(Options("file://")).code(), ErrorCode::kInvalidArgument);

  // Nothing anywhere: no URL, no environment, no AWS profile.
  ScopedEnv home("HOME", dir_.path().c_str());
  ScopedEnv s3_url("AWS_ENDPOINT_URL_S3", nullptr);
  ScopedEnv url("AWS_ENDPOINT_URL", nullptr);
  ScopedEnv config("AWS_CONFIG_FILE", nullptr);
  ScopedEnv profile("AWS_PROFILE", nullptr);
  auto none = Client::Open(Options(""));
  ASSERT_EQ(none.code(), ErrorCode::kInvalidArgument);
  EXPECT_NE(none.error().message.find("no endpoint"), std::string::npos);
  EXPECT_EQ(none.error().message.find('\n'), std::string::npos);

  // The environment's endpoint is used when the options give none.
  const std::string store = "file://" + dir_.Sub("from-env");
  ScopedEnv from_env("AWS_ENDPOINT_URL", store.c_str());
  auto client = Client::Open(Options(""));
  ASSERT_TRUE(client.ok()) << client.error().message;
  EXPECT_EQ((*client)->endpoint_url(), store);
}

TEST_F(ClientTest, CodecsAndPresigningFollowTheEndpoint) {
  auto client = Client::Open(Options("file://" + dir_.Sub("store")));
  ASSERT_TRUE(client.ok());
  for (const char* name : {"zstd-patch", "gzip-patch", "zip-patch", "xdelta3"}) {
    auto codec = (*client)->Codec(name);
    ASSERT_TRUE(codec.ok()) << name;
    EXPECT_EQ((*codec)->name(), name);
  }
  EXPECT_EQ((*client)->Codec("bsdiff").code(), ErrorCode::kUnsupported);
  EXPECT_TRUE((*client)->ReferenceCodec("zip-patch").ok());
  EXPECT_TRUE((*client)->ReferenceCompressor().ok());
  EXPECT_EQ((*client)->PresignGet("b", "k", 60).code(), ErrorCode::kUnsupported);
}

// A cache directory that cannot be made: one warning, and puts and gets still work.
TEST_F(ClientTest, AnUnusableCacheWarnsAndFallsBackToMemory) {
  testing::WriteFile(dir_.Sub("not-a-dir"), "x");
  ClientOptions options = Options("file://" + dir_.Sub("store"));
  options.cache_dir = dir_.Sub("not-a-dir/cache");
  ExpectDeltaRoundTrip(options, "fallback");
  ASSERT_EQ(warnings_.size(), 1u);
  EXPECT_NE(warnings_[0].find("keeping references in memory"), std::string::npos) << warnings_[0];
}

class ClientS3Test : public ClientTest {
 protected:
  void SetUp() override {
    auto moto = testing::EmptiedMotoServer();
    ASSERT_TRUE(moto.ok()) << moto.error().message;
    moto_ = *moto;
    for (const auto& [name, value] : moto_->ClientEnvironment()) {
      env_.push_back(std::make_unique<ScopedEnv>(name.c_str(), value.c_str()));
    }
  }
  testing::MotoServer* moto_ = nullptr;
  std::vector<std::unique_ptr<ScopedEnv>> env_;
};

TEST_F(ClientS3Test, OpensAnS3EndpointWithTheCredentialChain) {
  ClientOptions options = Options(moto_->endpoint());
  options.s3.addressing_style = AddressingStyle::kPath;
  ExpectDeltaRoundTrip(options, "client-s3");
  auto client = Client::Open(options);
  ASSERT_TRUE(client.ok());
  auto url = (*client)->PresignGet("client-s3", "rel/app-1.zip.delta", 300);
  ASSERT_TRUE(url.ok()) << url.error().message;
  EXPECT_TRUE(url->starts_with(moto_->endpoint() + "/client-s3/rel/app-1.zip.delta?")) << *url;
  EXPECT_NE(url->find("X-Amz-Signature="), std::string::npos);
}

TEST_F(ClientS3Test, ABadAttemptCountInTheEnvironmentIsRefused) {
  ScopedEnv attempts("AWS_MAX_ATTEMPTS", "many");
  auto client = Client::Open(Options(moto_->endpoint()));
  ASSERT_EQ(client.code(), ErrorCode::kInvalidArgument);
  EXPECT_NE(client.error().message.find("$AWS_MAX_ATTEMPTS 'many'"), std::string::npos);
}

}  // namespace
}  // namespace deltaglider
