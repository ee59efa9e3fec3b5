// The S3 adapter against a scripted local HTTP server that answers each request
// with the next canned response (or drops or truncates it): retries with a
// rewound body, giving up after max_attempts, pagination, malformed XML, and
// bodies cut short. moto cannot produce these faults.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <map>

#include "adapters/s3/scripted_http_server.h"
#include "adapters/s3/sigv4.h"
#include "deltaglider/s3.h"

namespace deltaglider {
namespace {

using ::testing::ElementsAre;
using ::testing::HasSubstr;
using ::testing::StartsWith;

using s3test::Reply;
using s3test::ScriptedServer;
using s3test::Seen;

std::unique_ptr<ObjectStore> OpenStore(const ScriptedServer& server) {
  S3Config config;
  config.endpoint_url = server.endpoint();
  config.access_key_id = "AKID";
  config.secret_access_key = "secret";
  config.connect_timeout = std::chrono::seconds(2);
  auto storage = NewS3Storage(config);
  EXPECT_TRUE(storage.ok());
  return std::move((*storage)->OpenBucket("bucket")).value();
}

Reply Ok(std::string body = "", std::vector<std::string> headers = {}) {
  return Reply{200, std::move(body), std::move(headers), Reply::Kind::kNormal};
}

Reply S3Error(int status, const std::string& code) {
  return Reply{status,
               "<Error><Code>" + code + "</Code><Message>m</Message></Error>",
               {"Content-Type: application/xml"},
               Reply::Kind::kNormal};
}

TEST(S3Faults, PutIsSignedAndRetriedAfter503WithTheWholeBodyAgain) {
  ScriptedServer server({S3Error(503, "SlowDown"), Ok("", {"ETag: \"abc\""})});
  auto store = OpenStore(server);
  SpanSource body(AsBytes("hello"));
  auto put = store->Put("dir/a b.txt", body, {});
  ASSERT_TRUE(put.ok()) << put.error().message;
  EXPECT_EQ(put->etag, "abc");
  EXPECT_EQ(put->size, 5u);
  const std::vector<Seen> seen = server.seen();
  ASSERT_EQ(seen.size(), 2u);
  for (const Seen& request : seen) {
    EXPECT_EQ(request.method, "PUT");
    EXPECT_EQ(request.target, "/bucket/dir/a%20b.txt");
    EXPECT_EQ(request.body, "hello");
    EXPECT_EQ(request.Header("x-amz-content-sha256"), s3::Sha256HexOf("hello"));
    EXPECT_EQ(request.Header("host"), "127.0.0.1:" + std::to_string(server.port()));
    EXPECT_THAT(request.Header("authorization"), StartsWith("AWS4-HMAC-SHA256 Credential=AKID/"));
  }
}

TEST(S3Faults, GivesUpAfterThreeAttempts) {
  ScriptedServer server({S3Error(500, "InternalError"), S3Error(500, "InternalError"),
                         S3Error(500, "InternalError"), Ok()});
  auto store = OpenStore(server);
  auto head = store->Get("k", *std::make_unique<VectorSink>());
  ASSERT_EQ(head.code(), ErrorCode::kUnavailable);
  EXPECT_EQ(head.error().message, "get s3://bucket/k: HTTP 500 InternalError: m");
  EXPECT_EQ(server.seen().size(), 3u);
}

TEST(S3Faults, DroppedConnectionIsRetried) {
  ScriptedServer server(
      {Reply{0, "", {}, Reply::Kind::kDrop}, Ok("payload", {"ETag: \"e\"", "x-amz-meta-dg-x: 1"})});
  auto store = OpenStore(server);
  VectorSink sink;
  auto got = store->Get("k", sink);
  ASSERT_TRUE(got.ok()) << got.error().message;
  EXPECT_EQ(AsChars(sink.bytes()), "payload");
  EXPECT_EQ(got->metadata, (Metadata{{"dg-x", "1"}}));
  EXPECT_EQ(server.seen().size(), 2u);
}

TEST(S3Faults, TruncatedBodyFailsAndIsNotRetriedIntoADirtySink) {
  ScriptedServer server({Reply{200, "partial", {}, Reply::Kind::kTruncate}, Ok("whole body")});
  auto store = OpenStore(server);
  VectorSink sink;
  auto got = store->Get("k", sink);
  ASSERT_EQ(got.code(), ErrorCode::kUnavailable) << got.status().message();
  EXPECT_THAT(got.error().message, HasSubstr("get s3://bucket/k: "));
  EXPECT_EQ(server.seen().size(), 1u);
}

TEST(S3Faults, ClientErrorsAreNotRetried) {
  ScriptedServer server({S3Error(403, "AccessDenied"), Ok()});
  auto store = OpenStore(server);
  auto head = store->Get("k", *std::make_unique<VectorSink>());
  EXPECT_EQ(head.code(), ErrorCode::kPermissionDenied);
  EXPECT_EQ(server.seen().size(), 1u);
}

TEST(S3Faults, ListFollowsContinuationTokens) {
  ScriptedServer server(
      {Ok("<ListBucketResult><EncodingType>url</EncodingType><IsTruncated>true</IsTruncated>"
          "<NextContinuationToken>tok/1+=</NextContinuationToken>"
          "<Contents><Key>a</Key><Size>1</Size></Contents>"
          "<Contents><Key>b%20c</Key><Size>2</Size></Contents></ListBucketResult>"),
       Ok("<ListBucketResult><EncodingType>url</EncodingType><IsTruncated>false</IsTruncated>"
          "<Contents><Key>d</Key><Size>3</Size></Contents></ListBucketResult>")});
  auto store = OpenStore(server);
  std::vector<std::string> keys;
  Status listed = store->List({"", ""}, [&keys](const ListEntry& entry) {
    keys.push_back(entry.key);
    return OkStatus();
  });
  ASSERT_TRUE(listed.ok()) << listed.message();
  EXPECT_THAT(keys, ElementsAre("a", "b c", "d"));
  const std::vector<Seen> seen = server.seen();
  ASSERT_EQ(seen.size(), 2u);
  EXPECT_EQ(seen[0].target, "/bucket?encoding-type=url&list-type=2");
  EXPECT_EQ(seen[1].target,
            "/bucket?continuation-token=tok%2F1%2B%3D&encoding-type=url&list-type=2");
}

TEST(S3Faults, MalformedListingIsCorruptedAndNotRetried) {
  ScriptedServer server({Ok("<ListBucketResult><Contents><Key>a</Key>"), Ok()});
  auto store = OpenStore(server);
  Status listed = store->List({"p/", "/"}, [](const ListEntry&) { return OkStatus(); });
  EXPECT_EQ(listed.code(), ErrorCode::kCorrupted);
  EXPECT_THAT(listed.message(), HasSubstr("list s3://bucket/p/: malformed XML"));
  EXPECT_EQ(server.seen().size(), 1u);
}

TEST(S3Faults, RepeatedContinuationTokenStopsTheListing) {
  const std::string page =
      "<ListBucketResult><IsTruncated>true</IsTruncated><NextContinuationToken>same"
      "</NextContinuationToken></ListBucketResult>";
  ScriptedServer server({Ok(page), Ok(page), Ok(page)});
  auto store = OpenStore(server);
  Status listed = store->List({}, [](const ListEntry&) { return OkStatus(); });
  EXPECT_EQ(listed.code(), ErrorCode::kCorrupted);
  EXPECT_EQ(server.seen().size(), 2u);
}

TEST(S3Faults, IfNoneMatchIsSentAndA412IsAlreadyExists) {
  ScriptedServer server({S3Error(412, "PreconditionFailed")});
  auto store = OpenStore(server);
  SpanSource body(AsBytes("x"));
  PutOptions options;
  options.if_none_match = true;
  options.metadata = {{"dg-note", "é"}};
  auto put = store->Put("reference.bin", body, options);
  EXPECT_EQ(put.code(), ErrorCode::kAlreadyExists);
  ASSERT_EQ(server.seen().size(), 1u);
  EXPECT_EQ(server.seen()[0].Header("if-none-match"), "*");
  EXPECT_EQ(server.seen()[0].Header("x-amz-meta-dg-note"), "=?UTF-8?B?w6k=?=");
}

TEST(S3Faults, MultipartRetriesAPartWithItsBodyAndAbortsWhenCompleteFails) {
  // Create, two parts (one of them answered 503 first, then resent), a Complete
  // that answers 200 with an <Error> document, and the abort.
  ScriptedServer server({Ok("<InitiateMultipartUploadResult><UploadId>up/1</UploadId>"
                            "</InitiateMultipartUploadResult>"),
                         S3Error(503, "SlowDown"), Ok("", {"ETag: \"p\""}), Ok("", {"ETag: \"p\""}),
                         Ok("<Error><Code>InternalError</Code><Message>m</Message></Error>"),
                         Reply{204, "", {}, Reply::Kind::kNormal}});
  S3Config config;
  config.endpoint_url = server.endpoint();
  config.access_key_id = "AKID";
  config.secret_access_key = "secret";
  config.multipart_threshold = 5 << 20;
  config.multipart_part_size = 5 << 20;
  auto storage = NewS3Storage(config);
  ASSERT_TRUE(storage.ok());
  auto store = std::move((*storage)->OpenBucket("bucket")).value();

  std::string data(6 << 20, 'x');
  for (size_t i = 0; i < data.size(); i += 4096) data[i] = static_cast<char>(i / 4096);
  SpanSource body(AsBytes(data));
  PutOptions options;
  options.if_none_match = true;
  options.metadata = {{"dg-a", "1"}};
  auto put = store->Put("big", body, options);
  ASSERT_EQ(put.code(), ErrorCode::kUnavailable) << put.status().message();
  EXPECT_EQ(put.error().message, "put s3://bucket/big: HTTP 500 InternalError: m");

  const std::vector<Seen> seen = server.seen();
  ASSERT_EQ(seen.size(), 6u);
  EXPECT_EQ(seen[0].method, "POST");
  EXPECT_EQ(seen[0].target, "/bucket/big?uploads=");
  EXPECT_EQ(seen[0].Header("x-amz-meta-dg-a"), "1");
  EXPECT_EQ(seen[0].Header("if-none-match"), "");
  std::map<std::string, std::vector<std::string>> parts;  // target -> bodies sent
  for (size_t i = 1; i <= 3; ++i) {
    EXPECT_EQ(seen[i].method, "PUT");
    EXPECT_EQ(seen[i].Header("x-amz-content-sha256"), s3::Sha256HexOf(seen[i].body));
    parts[seen[i].target].push_back(seen[i].body);
  }
  ASSERT_EQ(parts.size(), 2u);
  const auto& first = parts["/bucket/big?partNumber=1&uploadId=up%2F1"];
  const auto& second = parts["/bucket/big?partNumber=2&uploadId=up%2F1"];
  ASSERT_FALSE(first.empty());
  ASSERT_FALSE(second.empty());
  for (const std::string& sent : first) EXPECT_TRUE(sent == data.substr(0, 5 << 20));
  for (const std::string& sent : second) EXPECT_TRUE(sent == data.substr(5 << 20));
  EXPECT_EQ(seen[4].method, "POST");
  EXPECT_EQ(seen[4].target, "/bucket/big?uploadId=up%2F1");
  EXPECT_EQ(seen[4].Header("if-none-match"), "*");
  EXPECT_EQ(seen[4].body,
            "<CompleteMultipartUpload xmlns=\"http://s3.amazonaws.com/doc/2006-03-01/\">"
            "<Part><PartNumber>1</PartNumber><ETag>&quot;p&quot;</ETag></Part>"
            "<Part><PartNumber>2</PartNumber><ETag>&quot;p&quot;</ETag></Part>"
            "</CompleteMultipartUpload>");
  EXPECT_EQ(seen[5].method, "DELETE");
  EXPECT_EQ(seen[5].target, "/bucket/big?uploadId=up%2F1");
}

}  // namespace
}  // namespace deltaglider
