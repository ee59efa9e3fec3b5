// NewS3Storage() against a real S3 endpoint: moto_server, started once for this
// binary on a free port (tests/testutil/moto_server.h). The shared ObjectStore
// conformance suite runs against it, plus what only the S3 adapter promises:
// error mapping, metadata encoding, endpoint parsing, a clean kUnavailable for an
// endpoint nobody listens on. Without moto_server on PATH these tests FAIL.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <algorithm>
#include <chrono>
#include <climits>
#include <cstdint>

#include "adapters/s3/addressing.h"
#include "adapters/s3/header_values.h"
#include "adapters/s3/http_client.h"
#include "adapters/s3/s3_errors.h"
#include "adapters/s3/sigv4.h"
#include "deltaglider/s3.h"
#include "tests/conformance/object_store_conformance.h"
#include "tests/testutil/moto_server.h"

namespace deltaglider {
namespace {

using ::testing::HasSubstr;
using testing::ObjectStoreConformance;
using testing::SharedMotoServer;
using testing::StorageFactory;
using testing::StorageFactoryName;

// Keys and region of the shared server (moto's "testing", or those given with
// $DG_TEST_S3_ENDPOINT).
S3Config MotoConfig(const std::string& endpoint) {
  S3Config config;
  config.endpoint_url = endpoint;
  config.access_key_id = "testing";
  config.secret_access_key = "testing";
  if (auto moto = SharedMotoServer(); moto.ok()) {
    config.access_key_id = (*moto)->access_key_id();
    config.secret_access_key = (*moto)->secret_access_key();
    config.region = (*moto)->region();
  }
  config.connect_timeout = std::chrono::seconds(2);
  return config;
}

// A signed request straight to the shared server, for what the store does not
// expose (ListMultipartUploads, encryption headers).
Result<s3::HttpResponse> SignedRequest(const std::string& method, const std::string& raw_path,
                                       const s3::QueryParams& query) {
  DG_ASSIGN_OR_RETURN(testing::MotoServer * moto, SharedMotoServer());
  DG_ASSIGN_OR_RETURN(s3::Endpoint endpoint, s3::ParseEndpoint(moto->endpoint()));
  const S3Config config = MotoConfig(moto->endpoint());
  s3::HttpClient http({.ca_bundle = config.ca_bundle});
  s3::HttpRequest request;
  request.method = method;
  request.url = moto->endpoint() + s3::CanonicalUri(raw_path);
  if (!query.empty()) request.url += "?" + s3::CanonicalQueryString(query);
  request.headers = {{"host", endpoint.authority}};
  s3::SignHeaders(s3::Credentials{config.access_key_id, config.secret_access_key, ""},
                  s3::SigningInput{.method = method,
                                   .raw_path = raw_path,
                                   .query = &query,
                                   .payload_hash = s3::kEmptyPayloadSha256,
                                   .region = config.region,
                                   .service = "s3",
                                   .now = std::chrono::system_clock::now()},
                  request.headers);
  return http.Send(request, nullptr);
}

Result<std::unique_ptr<Storage>> NewMotoStorage() {
  DG_ASSIGN_OR_RETURN(testing::MotoServer * moto, SharedMotoServer());
  DG_RETURN_IF_ERROR(moto->Reset());
  return NewS3Storage(MotoConfig(moto->endpoint()));
}

// The same server addressed virtual-host style: bucket.localhost:PORT (libcurl
// resolves *.localhost itself, moto routes on the Host header).
Result<std::unique_ptr<Storage>> NewVirtualHostMotoStorage() {
  DG_ASSIGN_OR_RETURN(testing::MotoServer * moto, SharedMotoServer());
  DG_RETURN_IF_ERROR(moto->Reset());
  // Another endpoint: as given, in auto style (a bucket.host name may not resolve).
  S3Config config = MotoConfig(
      moto->external() ? moto->endpoint() : "http://localhost:" + std::to_string(moto->port()));
  config.addressing_style = moto->external() ? AddressingStyle::kAuto : AddressingStyle::kVirtual;
  return NewS3Storage(config);
}

INSTANTIATE_TEST_SUITE_P(
    S3Moto, ObjectStoreConformance,
    ::testing::Values(StorageFactory{"s3_moto",
                                     [](const std::string&) -> Result<std::unique_ptr<Storage>> {
                                       return NewMotoStorage();
                                     }},
                      StorageFactory{"s3_moto_virtual_host",
                                     [](const std::string&) -> Result<std::unique_ptr<Storage>> {
                                       return NewVirtualHostMotoStorage();
                                     }}),
    StorageFactoryName);

class S3Moto : public ::testing::Test {
 protected:
  void SetUp() override {
    auto storage = NewMotoStorage();
    ASSERT_TRUE(storage.ok()) << storage.error().message;
    storage_ = std::move(storage).value();
    ASSERT_TRUE(storage_->CreateBucket("dg-s3-test").ok());
    auto store = storage_->OpenBucket("dg-s3-test");
    ASSERT_TRUE(store.ok());
    store_ = std::move(store).value();
  }

  std::unique_ptr<Storage> storage_;
  std::unique_ptr<ObjectStore> store_;
};

TEST_F(S3Moto, NonAsciiAndAwkwardMetadataValuesRoundTrip) {
  PutOptions options;
  options.metadata = {{"dg-unicode", "Grüße, 日本 😀"}, {"dg-control", "tab\there\nnewline"},
                      {"dg-spaces", "  padded  "},     {"dg-looks-encoded", "=?UTF-8?B?aGk=?="},
                      {"dg-plain", "a/b c=d;e"},       {"dg-empty", ""}};
  SpanSource body(AsBytes("x"));
  auto put = store_->Put("meta", body, options);
  ASSERT_TRUE(put.ok()) << put.error().message;
  auto head = store_->Head("meta");
  ASSERT_TRUE(head.ok()) << head.error().message;
  EXPECT_EQ(head->metadata, options.metadata);
  VectorSink sink;
  auto got = store_->Get("meta", sink);
  ASSERT_TRUE(got.ok());
  EXPECT_EQ(got->metadata, options.metadata);
}

TEST_F(S3Moto, MissingKeyMessageNamesTheS3Path) {
  auto head = store_->Head("no/such.bin");
  ASSERT_EQ(head.code(), ErrorCode::kNotFound);
  EXPECT_EQ(head.error().message, "head s3://dg-s3-test/no/such.bin: no such key");
  VectorSink sink;
  auto got = store_->Get("no/such.bin", sink);
  ASSERT_EQ(got.code(), ErrorCode::kNotFound);
  EXPECT_EQ(got.error().message, "get s3://dg-s3-test/no/such.bin: no such key");
}

TEST_F(S3Moto, DotSegmentsAndDoubleSlashesAreKeptInKeys) {
  for (const char* key : {"./z", "x//y", "a/../b", "/abs"}) {
    SpanSource body(AsBytes(key));
    auto put = store_->Put(key, body, {});
    ASSERT_TRUE(put.ok()) << key << ": " << put.error().message;
  }
  for (const char* key : {"./z", "x//y", "a/../b", "/abs"}) {
    VectorSink sink;
    auto got = store_->Get(key, sink);
    ASSERT_TRUE(got.ok()) << key << ": " << got.error().message;
    EXPECT_EQ(AsChars(sink.bytes()), key);
  }
}

TEST_F(S3Moto, ProbeFindsConditionalPutHonouredAndLeavesNothingBehind) {
  EXPECT_TRUE(store_->capabilities().conditional_put);
  std::vector<std::string> keys;
  ASSERT_TRUE(store_
                  ->List({},
                         [&](const ListEntry& entry) -> Status {
                           keys.push_back(entry.key);
                           return OkStatus();
                         })
                  .ok());
  EXPECT_TRUE(keys.empty()) << keys.front();
}

TEST_F(S3Moto, DescribesTheEndpoint) {
  EXPECT_THAT(storage_->Describe(), HasSubstr("http://127.0.0.1:"));
  EXPECT_THAT(storage_->Describe(), HasSubstr("us-east-1"));
}

// A body for multipart tests: `data`, optionally failing once `fail_after` bytes
// were read, optionally hiding its size or refusing to rewind.
class TestSource final : public ByteSource {
 public:
  explicit TestSource(std::span<const std::byte> data) : data_(data) {}
  uint64_t fail_after = UINT64_MAX;
  bool known_size = true;
  bool rewindable = true;

  Result<size_t> Read(std::span<std::byte> buffer) override {
    if (offset_ >= fail_after) return MakeError(ErrorCode::kIoError, "disk on fire");
    const size_t n = static_cast<size_t>(
        std::min<uint64_t>({buffer.size(), data_.size() - offset_, fail_after - offset_}));
    std::copy_n(data_.begin() + static_cast<ptrdiff_t>(offset_), n, buffer.begin());
    offset_ += n;
    return n;
  }
  Status Rewind() override {
    if (!rewindable) return MakeError(ErrorCode::kUnsupported, "cannot rewind");
    offset_ = 0;
    return OkStatus();
  }
  std::optional<uint64_t> size() const override {
    return known_size ? std::optional<uint64_t>(data_.size()) : std::nullopt;
  }

 private:
  std::span<const std::byte> data_;
  uint64_t offset_ = 0;
};

std::vector<std::byte> Generated(size_t size) {
  std::vector<std::byte> data(size);
  uint64_t x = 0x9e3779b97f4a7c15ull;
  for (std::byte& b : data) {
    x ^= x << 13;
    x ^= x >> 7;
    x ^= x << 17;
    b = static_cast<std::byte>(x);
  }
  return data;
}

// Multipart uploads the server still holds for the bucket (ListMultipartUploads).
size_t OpenUploads(const std::string& bucket) {
  auto response = SignedRequest("GET", "/" + bucket, {{"uploads", ""}});
  EXPECT_TRUE(response.ok() && response->status == 200);
  if (!response.ok()) return SIZE_MAX;
  size_t count = 0;
  for (size_t at = response->body.find("<Upload>"); at != std::string::npos;
       at = response->body.find("<Upload>", at + 1)) {
    ++count;
  }
  return count;
}

constexpr size_t kLargeSize = 20'000'000;  // three parts of 8 MiB

TEST_F(S3Moto, LargeBodiesGoMultipartAndReadBackByteExact) {
  const std::vector<std::byte> data = Generated(kLargeSize);
  TestSource body(data);
  body.rewindable = false;  // parts are read in order: no rewind needed
  PutOptions options;
  options.if_none_match = true;
  options.content_type = "application/zip";
  options.metadata = {{"dg-tool", "deltaglider"}, {"dg-note", "é"}};
  auto put = store_->Put("big/file.zip", body, options);
  ASSERT_TRUE(put.ok()) << put.error().message;
  EXPECT_EQ(put->size, kLargeSize);
  EXPECT_THAT(put->etag, ::testing::EndsWith("-3"));

  auto head = store_->Head("big/file.zip");
  ASSERT_TRUE(head.ok()) << head.error().message;
  EXPECT_EQ(head->size, kLargeSize);
  EXPECT_EQ(head->etag, put->etag);
  EXPECT_EQ(head->content_type, "application/zip");
  EXPECT_EQ(head->metadata, options.metadata);
  VectorSink sink;
  ASSERT_TRUE(store_->Get("big/file.zip", sink).ok());
  EXPECT_TRUE(sink.bytes() == data);
  EXPECT_EQ(OpenUploads("dg-s3-test"), 0u);
}

TEST_F(S3Moto, LargeBodyOfUnknownSizeGoesMultipartAfterTheHashPass) {
  const std::vector<std::byte> data = Generated(9 << 20);
  TestSource body(data);
  body.known_size = false;
  auto put = store_->Put("unknown-size", body, {});
  ASSERT_TRUE(put.ok()) << put.error().message;
  EXPECT_THAT(put->etag, ::testing::EndsWith("-2"));
  VectorSink sink;
  ASSERT_TRUE(store_->Get("unknown-size", sink).ok());
  EXPECT_TRUE(sink.bytes() == data);
}

TEST_F(S3Moto, MultipartFailingMidwayIsAborted) {
  const std::vector<std::byte> data = Generated(kLargeSize);
  TestSource body(data);
  body.fail_after = 10 << 20;  // the first part goes up, the second cannot be read
  auto put = store_->Put("broken", body, {});
  ASSERT_EQ(put.code(), ErrorCode::kIoError) << put.status().message();
  EXPECT_EQ(put.error().message, "put s3://dg-s3-test/broken: part 2: disk on fire");
  EXPECT_EQ(OpenUploads("dg-s3-test"), 0u);
  EXPECT_EQ(store_->Head("broken").code(), ErrorCode::kNotFound);
}

TEST_F(S3Moto, CreateOnlyMultipartLosesAgainstAnExistingKey) {
  SpanSource small(AsBytes("first"));
  ASSERT_TRUE(store_->Put("reference.bin", small, {}).ok());
  const std::vector<std::byte> data = Generated(kLargeSize);
  TestSource body(data);
  PutOptions options;
  options.if_none_match = true;
  auto put = store_->Put("reference.bin", body, options);
  ASSERT_EQ(put.code(), ErrorCode::kAlreadyExists) << put.status().message();
  EXPECT_EQ(put.error().message, "put s3://dg-s3-test/reference.bin: already exists");
  EXPECT_EQ(OpenUploads("dg-s3-test"), 0u);
  VectorSink sink;
  ASSERT_TRUE(store_->Get("reference.bin", sink).ok());
  EXPECT_EQ(AsChars(sink.bytes()), "first");
}

TEST_F(S3Moto, ServerSideEncryptionIsAcceptedAndReported) {
  for (const auto& [sse, key_id] : std::vector<std::pair<std::string, std::string>>{
           {"AES256", ""}, {"aws:kms", ""}, {"aws:kms", "dg-test-key"}}) {
    auto moto = SharedMotoServer();
    ASSERT_TRUE(moto.ok());
    if ((*moto)->external() && sse != "AES256") continue;  // moto invents KMS keys
    S3Config config = MotoConfig((*moto)->endpoint());
    config.sse = sse;
    config.sse_kms_key_id = key_id;
    config.multipart_threshold = 5 << 20;
    config.multipart_part_size = 5 << 20;
    auto storage = NewS3Storage(config);
    ASSERT_TRUE(storage.ok()) << storage.error().message;
    auto store = std::move((*storage)->OpenBucket("dg-s3-test")).value();
    const std::vector<std::byte> data = Generated(6 << 20);
    for (const std::string key : {"small", "multipart"}) {
      TestSource body(key == "small" ? std::span(data).first(100) : std::span(data));
      auto put = store->Put(key, body, {});
      ASSERT_TRUE(put.ok()) << sse << " " << key << ": " << put.error().message;
      // What the server says it applied (the store does not expose it).
      auto response = SignedRequest("HEAD", "/dg-s3-test/" + key, {});
      ASSERT_TRUE(response.ok());
      EXPECT_EQ(response->Header("x-amz-server-side-encryption"), sse) << key;
      if (!key_id.empty()) {
        EXPECT_EQ(response->Header("x-amz-server-side-encryption-aws-kms-key-id"), key_id) << key;
      }
      VectorSink sink;
      ASSERT_TRUE(store->Get(key, sink).ok());
      EXPECT_EQ(sink.bytes().size(), key == "small" ? 100u : data.size());
    }
  }
}

TEST(S3Unreachable, ClosedPortIsUnavailableQuicklyAndNamesTheEndpoint) {
  const int port = testing::FreeLocalPort();
  ASSERT_NE(port, 0);
  const std::string endpoint = "http://127.0.0.1:" + std::to_string(port);
  S3Config config = MotoConfig(endpoint);
  config.connect_timeout = std::chrono::milliseconds(500);
  auto storage = NewS3Storage(config);
  ASSERT_TRUE(storage.ok()) << storage.error().message;
  auto store = (*storage)->OpenBucket("some-bucket");
  ASSERT_TRUE(store.ok());

  const auto start = std::chrono::steady_clock::now();
  auto head = (*store)->Head("k");
  const auto elapsed = std::chrono::steady_clock::now() - start;
  ASSERT_EQ(head.code(), ErrorCode::kUnavailable) << head.status().message();
  EXPECT_THAT(head.error().message, HasSubstr("head s3://some-bucket/k: " + endpoint));
  EXPECT_THAT(head.error().message, HasSubstr("cannot connect"));
  EXPECT_LT(elapsed, std::chrono::seconds(5));

  EXPECT_EQ((*storage)->ListBuckets().code(), ErrorCode::kUnavailable);
  EXPECT_EQ((*storage)->CreateBucket("some-bucket").code(), ErrorCode::kUnavailable);
}

TEST(S3Config, IsValidated) {
  S3Config config = MotoConfig("ftp://host");
  EXPECT_EQ(NewS3Storage(config).code(), ErrorCode::kInvalidArgument);
  config.endpoint_url = "http://127.0.0.1:9000";
  config.secret_access_key = "";
  EXPECT_EQ(NewS3Storage(config).code(), ErrorCode::kInvalidArgument);
  config.access_key_id = "";
  EXPECT_TRUE(NewS3Storage(config).ok()) << "anonymous access";
  config.multipart_part_size = 1 << 20;
  EXPECT_EQ(NewS3Storage(config).code(), ErrorCode::kInvalidArgument) << "below S3's 5 MiB";
  config.multipart_part_size = 8 << 20;
  config.addressing_style = AddressingStyle::kVirtual;
  EXPECT_EQ(NewS3Storage(config).code(), ErrorCode::kInvalidArgument) << "no bucket.127.0.0.1";
  config.endpoint_url = "http://[::1]:9000";
  EXPECT_EQ(NewS3Storage(config).code(), ErrorCode::kInvalidArgument) << "no bucket.[::1]";
  config.endpoint_url = "http://localhost:9000";
  EXPECT_TRUE(NewS3Storage(config).ok());
  config = MotoConfig("");
  config.region = "eu-west-1";
  auto aws = NewS3Storage(config);
  ASSERT_TRUE(aws.ok());
  EXPECT_THAT((*aws)->Describe(), HasSubstr("https://s3.eu-west-1.amazonaws.com"));
}

TEST(S3Endpoint, Parses) {
  auto plain = s3::ParseEndpoint("http://127.0.0.1:9000");
  ASSERT_TRUE(plain.ok());
  EXPECT_EQ(plain->scheme, "http");
  EXPECT_EQ(plain->authority, "127.0.0.1:9000");
  EXPECT_EQ(plain->base_path, "");
  auto based = s3::ParseEndpoint("HTTPS://minio.local/s3/");
  ASSERT_TRUE(based.ok());
  EXPECT_EQ(based->scheme, "https");
  EXPECT_EQ(based->authority, "minio.local");
  EXPECT_EQ(based->base_path, "/s3");
  for (const char* bad : {"", "127.0.0.1:9000", "ftp://x", "http://", "http:///path",
                          "http://u:p@host", "http://host/?q=1", "http://ho st"}) {
    EXPECT_EQ(s3::ParseEndpoint(bad).code(), ErrorCode::kInvalidArgument) << bad;
  }
}

TEST(S3Addressing, AutoIsVirtualHostOnlyForAwsEndpoints) {
  auto endpoint = [](const char* url) { return s3::ParseEndpoint(url).value(); };
  using enum AddressingStyle;
  EXPECT_TRUE(s3::UseVirtualHost(kAuto, endpoint("https://s3.eu-west-1.amazonaws.com"), "b1"));
  EXPECT_TRUE(s3::UseVirtualHost(kAuto, endpoint("https://S3.AMAZONAWS.COM:443"), "b1"));
  EXPECT_FALSE(s3::UseVirtualHost(kAuto, endpoint("https://s3.amazonaws.com"), "a.b"))
      << "the wildcard certificate does not cover dotted buckets";
  EXPECT_TRUE(s3::UseVirtualHost(kAuto, endpoint("http://s3.amazonaws.com"), "a.b"));
  EXPECT_FALSE(s3::UseVirtualHost(kAuto, endpoint("https://s3.amazonaws.com"), ""))
      << "ListBuckets goes to the endpoint itself";
  for (const char* url : {"http://127.0.0.1:9000", "http://localhost:9000", "http://[::1]:9000",
                          "https://minio.example.com", "https://acct.r2.cloudflarestorage.com",
                          "https://s3.amazonaws.com.evil.example"}) {
    EXPECT_FALSE(s3::UseVirtualHost(kAuto, endpoint(url), "b1")) << url;
    EXPECT_TRUE(s3::UseVirtualHost(kVirtual, endpoint(url), "b1")) << url;
    EXPECT_FALSE(s3::UseVirtualHost(kPath, endpoint(url), "b1")) << url;
  }
  EXPECT_TRUE(s3::IsIpHost(endpoint("http://10.0.0.1")));
  EXPECT_TRUE(s3::IsIpHost(endpoint("http://[fe80::1]:80")));
  EXPECT_FALSE(s3::IsIpHost(endpoint("http://localhost:80")));
}

TEST(S3Addressing, TargetsPutTheBucketInThePathOrTheHost) {
  const s3::Endpoint endpoint = s3::ParseEndpoint("http://localhost:9000/base").value();
  s3::RequestTarget path = s3::TargetOf(endpoint, false, "b1", "dir/a b");
  EXPECT_EQ(path.url, "http://localhost:9000/base/b1/dir/a%20b");
  EXPECT_EQ(path.host, "localhost:9000");
  EXPECT_EQ(path.raw_path, "/base/b1/dir/a b");
  s3::RequestTarget virtual_host = s3::TargetOf(endpoint, true, "b1", "dir/a b");
  EXPECT_EQ(virtual_host.url, "http://b1.localhost:9000/base/dir/a%20b");
  EXPECT_EQ(virtual_host.host, "b1.localhost:9000");
  EXPECT_EQ(virtual_host.raw_path, "/base/dir/a b");
  EXPECT_EQ(s3::TargetOf(endpoint, true, "b1", "").url, "http://b1.localhost:9000/base/");
  EXPECT_EQ(s3::TargetOf(endpoint, true, "", "").url, "http://localhost:9000/base/");
}

TEST(S3Metadata, ValuesEncodeOnlyWhenNeededAndRoundTrip) {
  EXPECT_EQ(s3::EncodeMetadataValue("plain ascii value"), "plain ascii value");
  EXPECT_EQ(
      s3::EncodeMetadataValue("64ec88ca00b268e5ba1a35678a1b5316d212f4f366b2477232534a8aeca37f3c"),
      "64ec88ca00b268e5ba1a35678a1b5316d212f4f366b2477232534a8aeca37f3c");
  EXPECT_EQ(s3::EncodeMetadataValue("é"), "=?UTF-8?B?w6k=?=");
  for (const std::string& value : std::vector<std::string>{
           "", "é", "日本語のテキスト", " lead", "trail ", "a\nb", std::string("nul\0x", 5),
           "=?UTF-8?B?aGk=?=", "=?", "\x7f", "\xff\xfe"}) {
    const std::string wire = s3::EncodeMetadataValue(value);
    for (char c : wire) EXPECT_TRUE(c >= 0x20 && c < 0x7f) << value;
    EXPECT_EQ(s3::DecodeMetadataValue(wire), value) << wire;
  }
  // What other writers (and S3 itself) send.
  EXPECT_EQ(s3::DecodeMetadataValue("=?utf-8?q?caf=C3=A9_au_lait?="), "café au lait");
  EXPECT_EQ(s3::DecodeMetadataValue("=?UTF-8?B?w6k=?= =?UTF-8?B?w6k=?="), "éé");
  // Not encoded words: unchanged.
  for (const char* raw : {"=?", "=?x?=", "=?ISO-8859-1?B?6Q==?=", "=?UTF-8?X?abc?=",
                          "=?UTF-8?B?!!!?=", "=?UTF-8?Q?=zz?=", "=?UTF-8?B?w6k=?= tail"}) {
    EXPECT_EQ(s3::DecodeMetadataValue(raw), raw);
  }
}

TEST(S3HttpDate, Parses) {
  auto t = s3::ParseHttpDate("Fri, 24 May 2013 00:00:00 GMT");
  ASSERT_TRUE(t.ok());
  EXPECT_EQ(*t, std::chrono::system_clock::from_time_t(1369353600));
  for (const char* bad : {"", "Fri, 24 May 2013 00:00:00", "Fri, 24 Foo 2013 00:00:00 GMT",
                          "2013-05-24T00:00:00Z", "Fri, 2x May 2013 00:00:00 GMT"}) {
    EXPECT_EQ(s3::ParseHttpDate(bad).code(), ErrorCode::kCorrupted) << bad;
  }
}

s3::HttpResponse Response(int status, std::string code = "", std::string message = "") {
  s3::HttpResponse response;
  response.status = status;
  if (!code.empty()) {
    response.body = "<?xml version=\"1.0\"?><Error><Code>" + code + "</Code><Message>" + message +
                    "</Message></Error>";
  }
  return response;
}

TEST(S3Errors, MapToCanonicalCodesWithContext) {
  auto error = s3::S3ResponseError("get", "b", "k", Response(404, "NoSuchKey", "gone"));
  EXPECT_EQ(error.code, ErrorCode::kNotFound);
  EXPECT_EQ(error.message, "get s3://b/k: no such key");

  error = s3::S3ResponseError("put", "b", "k", Response(404, "NoSuchBucket", "nope"));
  EXPECT_EQ(error.code, ErrorCode::kBucketNotFound) << error.message;
  EXPECT_THAT(error.message, HasSubstr("put s3://b/k: "));

  EXPECT_EQ(s3::S3ResponseError("list", "b", "", Response(404)).code, ErrorCode::kBucketNotFound);
  EXPECT_EQ(s3::S3ResponseError("head", "b", "k", Response(404)).code, ErrorCode::kNotFound);

  error = s3::S3ResponseError("get", "b", "k",
                              Response(403, "SignatureDoesNotMatch", "The signature..."));
  EXPECT_EQ(error.code, ErrorCode::kUnauthenticated);
  EXPECT_THAT(error.message, HasSubstr("HTTP 403 SignatureDoesNotMatch"));
  EXPECT_THAT(error.message, HasSubstr("clock"));
  for (const char* refused : {"InvalidAccessKeyId", "RequestTimeTooSkewed", "ExpiredToken",
                              "InvalidToken", "TokenRefreshRequired"}) {
    EXPECT_EQ(s3::S3ResponseError("get", "b", "k", Response(403, refused)).code,
              ErrorCode::kUnauthenticated)
        << refused;
  }
  EXPECT_EQ(s3::S3ResponseError("get", "b", "k", Response(403, "AccessDenied")).code,
            ErrorCode::kPermissionDenied);
  EXPECT_EQ(s3::S3ResponseError("get", "b", "k", Response(416, "InvalidRange")).code,
            ErrorCode::kOutOfRange);

  EXPECT_EQ(s3::S3ResponseError("delete bucket", "b", "", Response(409, "BucketNotEmpty")).code,
            ErrorCode::kBucketNotEmpty);
  EXPECT_EQ(
      s3::S3ResponseError("create bucket", "b", "", Response(409, "BucketAlreadyExists")).code,
      ErrorCode::kBucketAlreadyExists);
  EXPECT_EQ(
      s3::S3ResponseError("create bucket", "b", "", Response(409, "BucketAlreadyOwnedByYou")).code,
      ErrorCode::kBucketAlreadyExists);
  EXPECT_EQ(s3::S3ResponseError("put", "b", "k", Response(409, "ConditionalRequestConflict")).code,
            ErrorCode::kUnavailable);
  error = s3::S3ResponseError("put", "b", "k", Response(412, "PreconditionFailed"));
  EXPECT_EQ(error.code, ErrorCode::kAlreadyExists);
  EXPECT_EQ(error.message, "put s3://b/k: already exists");

  error = s3::S3ResponseError("put", "b", "k", Response(503, "SlowDown", "Please reduce"));
  EXPECT_EQ(error.code, ErrorCode::kUnavailable);
  EXPECT_EQ(error.message, "put s3://b/k: HTTP 503 SlowDown: Please reduce");
  EXPECT_EQ(s3::S3ResponseError("get", "b", "k", Response(500)).code, ErrorCode::kUnavailable);
  EXPECT_EQ(s3::S3ResponseError("get", "b", "k", Response(301, "PermanentRedirect")).code,
            ErrorCode::kFailedPrecondition);
  EXPECT_EQ(s3::S3ResponseError("get", "b", "k", Response(400, "InvalidArgument")).code,
            ErrorCode::kInvalidArgument);
  // A garbage error body still maps by status.
  s3::HttpResponse garbage = Response(503);
  garbage.body = "<html>proxy error";
  EXPECT_EQ(s3::S3ResponseError("get", "b", "k", garbage).code, ErrorCode::kUnavailable);

  EXPECT_TRUE(s3::IsRetryableStatus(503));
  EXPECT_TRUE(s3::IsRetryableStatus(429));
  EXPECT_FALSE(s3::IsRetryableStatus(404));
  EXPECT_FALSE(s3::IsRetryableStatus(412));
}

}  // namespace
}  // namespace deltaglider
