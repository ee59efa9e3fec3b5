// SigV4 against the examples AWS publishes in the S3 API reference,
// "Signature Calculations for the Authorization Header: Transferring Payload in a
// Single Chunk" (GET object, PUT object, GET bucket lifecycle, GET bucket / list
// objects) and "Authenticating Requests: Using Query Parameters" (presigned GET),
// plus the signing-key example of the general SigV4 documentation. All use:
//   access key AKIAIOSFODNN7EXAMPLE, secret wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY,
//   region us-east-1, time 20130524T000000Z, host examplebucket.s3.amazonaws.com.
#include "adapters/s3/sigv4.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <chrono>

#include "deltaglider/s3.h"

namespace deltaglider::s3 {
namespace {

using ::testing::HasSubstr;

constexpr char kHost[] = "examplebucket.s3.amazonaws.com";
const Credentials kExample{"AKIAIOSFODNN7EXAMPLE", "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY", ""};

std::chrono::system_clock::time_point ExampleTime() {
  // 2013-05-24T00:00:00Z
  return std::chrono::system_clock::time_point(std::chrono::seconds(1369353600));
}

std::string HeaderValue(const HeaderList& headers, std::string_view name) {
  for (const auto& [n, v] : headers) {
    if (n == name) return v;
  }
  return "<missing " + std::string(name) + ">";
}

TEST(SigV4, AmzDateAndScope) {
  EXPECT_EQ(AmzDate(ExampleTime()), "20130524T000000Z");
  EXPECT_EQ(CredentialScope("20130524T000000Z", "us-east-1", "s3"),
            "20130524/us-east-1/s3/aws4_request");
}

TEST(SigV4, EmptyPayloadHash) { EXPECT_EQ(Sha256HexOf(""), kEmptyPayloadSha256); }

// General SigV4 docs, "Examples of how to derive a signing key".
TEST(SigV4, SigningKeyExample) {
  const std::string key =
      SigningKey("wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY", "20120215", "us-east-1", "iam");
  std::string hex;
  for (unsigned char c : key) {
    static constexpr char kHex[] = "0123456789abcdef";
    hex.push_back(kHex[c >> 4]);
    hex.push_back(kHex[c & 0xf]);
  }
  EXPECT_EQ(hex, "f4780e2d9f65fa895f9c67b32ce1baf0b0d8a43505a000a1a9e090d414db404d");
}

// GET Object: "GET /test.txt" with Range: bytes=0-9, empty signed payload.
TEST(SigV4, GetObjectExample) {
  const HeaderList headers = {{"Host", kHost},
                              {"Range", "bytes=0-9"},
                              {"x-amz-content-sha256", std::string(kEmptyPayloadSha256)},
                              {"x-amz-date", "20130524T000000Z"}};
  const std::string canonical =
      CanonicalRequest("GET", "/test.txt", {}, headers, kEmptyPayloadSha256);
  EXPECT_EQ(
      canonical,
      "GET\n"
      "/test.txt\n"
      "\n"
      "host:examplebucket.s3.amazonaws.com\n"
      "range:bytes=0-9\n"
      "x-amz-content-sha256:e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855\n"
      "x-amz-date:20130524T000000Z\n"
      "\n"
      "host;range;x-amz-content-sha256;x-amz-date\n"
      "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855");
  const std::string scope = "20130524/us-east-1/s3/aws4_request";
  const std::string to_sign = StringToSign("20130524T000000Z", scope, canonical);
  EXPECT_EQ(to_sign,
            "AWS4-HMAC-SHA256\n"
            "20130524T000000Z\n"
            "20130524/us-east-1/s3/aws4_request\n"
            "7344ae5b7ee6c3e7e6b0fe0640412a37625d1fbfff95c48bbb2dc43964946972");
  const std::string key = SigningKey(kExample.secret_access_key, "20130524", "us-east-1", "s3");
  EXPECT_EQ(Signature(key, to_sign),
            "f0e8bdb87c964420e857bd35b5d6ed310bd44f0170aba48dd91039c6036bdb41");

  // The same through SignHeaders, which adds x-amz-date / x-amz-content-sha256 itself.
  HeaderList signed_headers = {{"Host", kHost}, {"Range", "bytes=0-9"}};
  SignHeaders(kExample,
              SigningInput{.method = "GET",
                           .raw_path = "/test.txt",
                           .query = nullptr,
                           .payload_hash = kEmptyPayloadSha256,
                           .region = "us-east-1",
                           .service = "s3",
                           .now = ExampleTime()},
              signed_headers);
  EXPECT_EQ(HeaderValue(signed_headers, "Authorization"),
            "AWS4-HMAC-SHA256 Credential=AKIAIOSFODNN7EXAMPLE/20130524/us-east-1/s3/aws4_request, "
            "SignedHeaders=host;range;x-amz-content-sha256;x-amz-date, "
            "Signature=f0e8bdb87c964420e857bd35b5d6ed310bd44f0170aba48dd91039c6036bdb41");
  EXPECT_EQ(HeaderValue(signed_headers, "x-amz-date"), "20130524T000000Z");
}

// PUT Object: "PUT /test$file.text" with body "Welcome to Amazon S3.", a Date
// header and x-amz-storage-class.
TEST(SigV4, PutObjectExample) {
  const std::string payload_hash = Sha256HexOf("Welcome to Amazon S3.");
  EXPECT_EQ(payload_hash, "44ce7dd67c959e0d3524ffac1771dfbba87d2b6b4b4e99e42034a8b803f8b072");
  EXPECT_EQ(CanonicalUri("/test$file.text"), "/test%24file.text");
  HeaderList headers = {{"Host", kHost},
                        {"Date", "Fri, 24 May 2013 00:00:00 GMT"},
                        {"x-amz-storage-class", "REDUCED_REDUNDANCY"}};
  SignHeaders(kExample,
              SigningInput{.method = "PUT",
                           .raw_path = "/test$file.text",
                           .query = nullptr,
                           .payload_hash = payload_hash,
                           .region = "us-east-1",
                           .service = "s3",
                           .now = ExampleTime()},
              headers);
  EXPECT_EQ(HeaderValue(headers, "Authorization"),
            "AWS4-HMAC-SHA256 Credential=AKIAIOSFODNN7EXAMPLE/20130524/us-east-1/s3/aws4_request, "
            "SignedHeaders=date;host;x-amz-content-sha256;x-amz-date;x-amz-storage-class, "
            "Signature=98ad721746da40c64f1a55b78f14c238d841ea1380cd77a1b5971af0ece108bd");
}

// GET Bucket Lifecycle: "GET /?lifecycle", a parameter without a value.
TEST(SigV4, GetBucketLifecycleExample) {
  const QueryParams query = {{"lifecycle", ""}};
  EXPECT_EQ(CanonicalQueryString(query), "lifecycle=");
  HeaderList headers = {{"Host", kHost}};
  SignHeaders(kExample,
              SigningInput{.method = "GET",
                           .raw_path = "/",
                           .query = &query,
                           .payload_hash = kEmptyPayloadSha256,
                           .region = "us-east-1",
                           .service = "s3",
                           .now = ExampleTime()},
              headers);
  EXPECT_THAT(
      HeaderValue(headers, "Authorization"),
      HasSubstr("SignedHeaders=host;x-amz-content-sha256;x-amz-date, "
                "Signature=fea454ca298b7da1c68078a5d1bdbfbbe0d65c699e0f91ac7a200a0136783543"));
}

// GET Bucket (List Objects): "GET /?max-keys=2&prefix=J"; given out of order here,
// the canonical query must sort it.
TEST(SigV4, ListObjectsExample) {
  const QueryParams query = {{"prefix", "J"}, {"max-keys", "2"}};
  EXPECT_EQ(CanonicalQueryString(query), "max-keys=2&prefix=J");
  HeaderList headers = {{"Host", kHost}};
  SignHeaders(kExample,
              SigningInput{.method = "GET",
                           .raw_path = "/",
                           .query = &query,
                           .payload_hash = kEmptyPayloadSha256,
                           .region = "us-east-1",
                           .service = "s3",
                           .now = ExampleTime()},
              headers);
  EXPECT_THAT(
      HeaderValue(headers, "Authorization"),
      HasSubstr("Signature=34b48302e7b5fa45bde8084f4b7868a86f0a534bc59db6670ed5711ef69dc6f7"));
}

// Presigned GET of /test.txt valid for 86400 s.
TEST(SigV4, PresignedUrlExample) {
  const std::string query = PresignQuery(kExample,
                                         SigningInput{.method = "GET",
                                                      .raw_path = "/test.txt",
                                                      .query = nullptr,
                                                      .payload_hash = kUnsignedPayload,
                                                      .region = "us-east-1",
                                                      .service = "s3",
                                                      .now = ExampleTime()},
                                         kHost, 86400);
  EXPECT_EQ("https://examplebucket.s3.amazonaws.com/test.txt?" + query,
            "https://examplebucket.s3.amazonaws.com/test.txt"
            "?X-Amz-Algorithm=AWS4-HMAC-SHA256"
            "&X-Amz-Credential=AKIAIOSFODNN7EXAMPLE%2F20130524%2Fus-east-1%2Fs3%2Faws4_request"
            "&X-Amz-Date=20130524T000000Z&X-Amz-Expires=86400&X-Amz-SignedHeaders=host"
            "&X-Amz-Signature=aeeed9bbccd4d02ee5c0109b86d86835f995330da4c265957d157751f604d404");
}

// The same example through the public entry point: endpoint, addressing and
// credentials from an S3Config; path style puts the bucket in the path instead.
TEST(SigV4, PresignS3GetUrlBuildsTheExampleUrl) {
  S3Config config;
  config.endpoint_url = "https://s3.amazonaws.com";
  config.access_key_id = kExample.access_key_id;
  config.secret_access_key = kExample.secret_access_key;
  config.addressing_style = AddressingStyle::kVirtual;
  Result<std::string> url =
      PresignS3GetUrl(config, "examplebucket", "test.txt", 86400, ExampleTime());
  ASSERT_TRUE(url.ok()) << url.error().message;
  EXPECT_EQ(*url,
            "https://examplebucket.s3.amazonaws.com/test.txt"
            "?X-Amz-Algorithm=AWS4-HMAC-SHA256"
            "&X-Amz-Credential=AKIAIOSFODNN7EXAMPLE%2F20130524%2Fus-east-1%2Fs3%2Faws4_request"
            "&X-Amz-Date=20130524T000000Z&X-Amz-Expires=86400&X-Amz-SignedHeaders=host"
            "&X-Amz-Signature=aeeed9bbccd4d02ee5c0109b86d86835f995330da4c265957d157751f604d404");

  config.endpoint_url = "http://127.0.0.1:9000";
  config.addressing_style = AddressingStyle::kAuto;
  url = PresignS3GetUrl(config, "bucket", "dir/a b.txt", 60, ExampleTime());
  ASSERT_TRUE(url.ok());
  EXPECT_THAT(*url,
              ::testing::StartsWith("http://127.0.0.1:9000/bucket/dir/a%20b.txt?X-Amz-Algorithm="));
  EXPECT_EQ(PresignS3GetUrl(config, "bucket", "k", 0).code(), ErrorCode::kInvalidArgument);
  EXPECT_EQ(PresignS3GetUrl(config, "bucket", "k", 604801).code(), ErrorCode::kInvalidArgument);
  config.access_key_id.clear();
  config.secret_access_key.clear();
  EXPECT_EQ(*PresignS3GetUrl(config, "bucket", "k", 60), "http://127.0.0.1:9000/bucket/k");
}

TEST(SigV4, SessionTokenIsSentAndSigned) {
  Credentials temporary = kExample;
  temporary.session_token = "token/with+chars=";
  HeaderList headers = {{"Host", kHost}};
  SignHeaders(temporary,
              SigningInput{.method = "GET",
                           .raw_path = "/k",
                           .query = nullptr,
                           .payload_hash = kUnsignedPayload,
                           .region = "us-east-1",
                           .service = "s3",
                           .now = ExampleTime()},
              headers);
  EXPECT_EQ(HeaderValue(headers, "x-amz-security-token"), "token/with+chars=");
  EXPECT_EQ(HeaderValue(headers, "x-amz-content-sha256"), "UNSIGNED-PAYLOAD");
  EXPECT_THAT(
      HeaderValue(headers, "Authorization"),
      HasSubstr("SignedHeaders=host;x-amz-content-sha256;x-amz-date;x-amz-security-token,"));

  const std::string presigned = PresignQuery(temporary,
                                             SigningInput{.method = "GET",
                                                          .raw_path = "/k",
                                                          .query = nullptr,
                                                          .payload_hash = kUnsignedPayload,
                                                          .region = "us-east-1",
                                                          .service = "s3",
                                                          .now = ExampleTime()},
                                             kHost, 60);
  EXPECT_THAT(presigned, HasSubstr("X-Amz-Security-Token=token%2Fwith%2Bchars%3D"));
}

TEST(SigV4, UriEncodingFollowsS3Rules) {
  EXPECT_EQ(UriEncode("a-b_c.d~e", true), "a-b_c.d~e");
  EXPECT_EQ(UriEncode("a b/c+d=é*", true), "a%20b%2Fc%2Bd%3D%C3%A9%2A");
  EXPECT_EQ(UriEncode("a b/c", false), "a%20b/c");
  EXPECT_EQ(CanonicalUri("/bucket/with space/ü/日本.zip"),
            "/bucket/with%20space/%C3%BC/%E6%97%A5%E6%9C%AC.zip");
  // No normalisation: empty and dot segments are part of S3 keys.
  EXPECT_EQ(CanonicalUri("/b/x//y/./z/../w"), "/b/x//y/./z/../w");
  EXPECT_EQ(CanonicalUri("/b/a%20b"), "/b/a%2520b");  // encoded once, from the raw key
  EXPECT_EQ(CanonicalUri(""), "/");
}

TEST(SigV4, QueryIsEncodedThenSorted) {
  EXPECT_EQ(CanonicalQueryString({{"prefix", "a/b c"}, {"list-type", "2"}, {"delimiter", "/"}}),
            "delimiter=%2F&list-type=2&prefix=a%2Fb%20c");
  EXPECT_EQ(CanonicalQueryString({}), "");
  // Same name twice: sorted by value.
  EXPECT_EQ(CanonicalQueryString({{"a", "2"}, {"a", "1"}}), "a=1&a=2");
}

TEST(SigV4, CanonicalHeadersTrimAndJoin) {
  std::string names;
  EXPECT_EQ(CanonicalHeaders({{"X-B", "  two   words  "}, {"x-a", "1"}, {"X-A", "2"}}, &names),
            "x-a:1,2\nx-b:two words\n");
  EXPECT_EQ(names, "x-a;x-b");
}

TEST(SigV4, UriDecode) {
  EXPECT_EQ(UriDecode("a%20b%2Fc", false), "a b/c");
  EXPECT_EQ(UriDecode("a+b", true), "a b");
  EXPECT_EQ(UriDecode("a+b", false), "a+b");
  EXPECT_EQ(UriDecode("%E6%97%A5", false), "日");
  EXPECT_EQ(UriDecode("bad%zz%4", false), "bad%zz%4");
  EXPECT_EQ(UriDecode("%", false), "%");
}

}  // namespace
}  // namespace deltaglider::s3
