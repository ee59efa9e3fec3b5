// The S3 adapter against a scripted local HTTP server that answers each request
// with the next canned response (or drops or truncates it): retries with a
// rewound body, giving up after max_attempts, pagination, malformed XML, and
// bodies cut short. moto cannot produce these faults.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <map>

#include "adapters/s3/scripted_http_server.h"
#include "adapters/s3/sigv4.h"
#include "core/hash.h"
#include "deltaglider/s3.h"

namespace deltaglider {
namespace {

using ::testing::ElementsAre;
using ::testing::HasSubstr;
using ::testing::StartsWith;

using s3test::Reply;
using s3test::ScriptedServer;
using s3test::Seen;

// Signed requests to `server`; multipart from 5 MiB (S3's smallest part).
S3Config ScriptedConfig(const ScriptedServer& server) {
  S3Config config;
  config.endpoint_url = server.endpoint();
  config.access_key_id = "AKID";
  config.secret_access_key = "secret";
  config.connect_timeout = std::chrono::seconds(2);
  config.multipart_threshold = 5 << 20;
  config.multipart_part_size = 5 << 20;
  return config;
}

std::unique_ptr<ObjectStore> OpenStore(const ScriptedServer& server) {
  auto storage = NewS3Storage(ScriptedConfig(server));
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

TEST(S3Faults, VirtualHostStyleSignsTheBucketHost) {
  ScriptedServer server({Ok("", {"ETag: \"abc\""})});
  S3Config config = ScriptedConfig(server);
  config.endpoint_url = "http://localhost:" + std::to_string(server.port());
  config.addressing_style = AddressingStyle::kVirtual;
  auto store = std::move((*NewS3Storage(config))->OpenBucket("bucket")).value();
  SpanSource body(AsBytes("hello"));
  ASSERT_TRUE(store->Put("dir/a b.txt", body, {}).ok());
  const std::vector<Seen> seen = server.seen();
  ASSERT_EQ(seen.size(), 1u);
  EXPECT_EQ(seen[0].target, "/dir/a%20b.txt");
  EXPECT_EQ(seen[0].Header("host"), "bucket.localhost:" + std::to_string(server.port()));
  EXPECT_THAT(seen[0].Header("authorization"), HasSubstr("host;x-amz-content-sha256;x-amz-date"));
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

// What an endpoint that honours If-None-Match answers to the store's one probe:
// the first create-only put of a fresh key succeeds, the second is refused,
// and the probe key is deleted.
std::vector<Reply> HonouringProbe() {
  return {Ok("", {"ETag: \"d41d8cd98f00b204e9800998ecf8427e\""}),
          S3Error(412, "PreconditionFailed"), Reply{204, "", {}, Reply::Kind::kNormal}};
}

std::vector<Reply> Then(std::vector<Reply> first, const std::vector<Reply>& rest) {
  first.insert(first.end(), rest.begin(), rest.end());
  return first;
}

TEST(S3Faults, IfNoneMatchIsSentAndA412IsAlreadyExists) {
  ScriptedServer server(Then(HonouringProbe(), {S3Error(412, "PreconditionFailed")}));
  auto store = OpenStore(server);
  SpanSource body(AsBytes("x"));
  PutOptions options;
  options.if_none_match = true;
  options.metadata = {{"dg-note", "é"}};
  auto put = store->Put("reference.bin", body, options);
  EXPECT_EQ(put.code(), ErrorCode::kAlreadyExists);
  EXPECT_TRUE(store->capabilities().conditional_put);
  const std::vector<Seen> seen = server.seen();
  ASSERT_EQ(seen.size(), 4u);
  for (size_t i = 0; i < 2; ++i) {
    EXPECT_EQ(seen[i].method, "PUT");
    EXPECT_THAT(seen[i].target, StartsWith("/bucket/.deltaglider/probe/conditional-put-"));
    EXPECT_EQ(seen[i].target, seen[0].target) << "the same fresh key twice";
    EXPECT_EQ(seen[i].Header("if-none-match"), "*");
  }
  EXPECT_EQ(seen[2].method, "DELETE");
  EXPECT_EQ(seen[2].target, seen[0].target);
  EXPECT_EQ(seen[3].target, "/bucket/reference.bin");
  EXPECT_EQ(seen[3].Header("if-none-match"), "*");
  EXPECT_EQ(seen[3].Header("x-amz-meta-dg-note"), "=?UTF-8?B?w6k=?=");
}

// An endpoint that ignores If-None-Match (the second probe put succeeds): the
// store says so in capabilities() and checks create-only puts with HEAD before
// and after. Plain puts are not affected.
TEST(S3Faults, IgnoredIfNoneMatchIsDetectedAndCreatesAreChecked) {
  const Reply missing{404, "", {}, Reply::Kind::kNormal};  // HEAD of a missing key
  const Reply bucket_exists = Ok();                        // the HeadBucket that follows
  ScriptedServer server({
      Ok("", {"ETag: \"d41d8cd98f00b204e9800998ecf8427e\""}),  // probe put
      Ok("", {"ETag: \"d41d8cd98f00b204e9800998ecf8427e\""}),  // probe put again: ignored
      Reply{204, "", {}, Reply::Kind::kNormal},                // probe delete
      // 1. A fresh key: HEAD (missing), PUT, HEAD (ours): created.
      missing,
      bucket_exists,
      Ok("", {"ETag: \"e1\""}),
      Ok("", {"ETag: \"e1\""}),
      // 2. The key exists already: kAlreadyExists without a PUT.
      Ok("", {"ETag: \"e1\""}),
      // 3. Another writer's object replaced ours between PUT and HEAD: lost.
      missing,
      bucket_exists,
      Ok("", {"ETag: \"e2\""}),
      Ok("", {"ETag: \"e3\""}),
      // 4. A plain put goes straight through.
      Ok("", {"ETag: \"e4\""}),
  });
  auto store = OpenStore(server);
  EXPECT_FALSE(store->capabilities().conditional_put);
  PutOptions create_only;
  create_only.if_none_match = true;
  SpanSource one(AsBytes("one"));
  auto created = store->Put("a/reference.bin", one, create_only);
  ASSERT_TRUE(created.ok()) << created.error().message;
  EXPECT_EQ(created->etag, "e1");
  SpanSource two(AsBytes("two"));
  auto exists = store->Put("a/reference.bin", two, create_only);
  EXPECT_EQ(exists.code(), ErrorCode::kAlreadyExists) << exists.status().message();
  SpanSource three(AsBytes("three"));
  auto replaced = store->Put("b/reference.bin", three, create_only);
  EXPECT_EQ(replaced.code(), ErrorCode::kAlreadyExists) << replaced.status().message();
  EXPECT_THAT(replaced.error().message, HasSubstr("another writer replaced it"));
  SpanSource four(AsBytes("four"));
  ASSERT_TRUE(store->Put("c", four, {}).ok());

  const std::vector<Seen> seen = server.seen();
  ASSERT_EQ(seen.size(), 13u);
  std::vector<std::string> methods;
  for (const Seen& request : seen) methods.push_back(request.method);
  EXPECT_THAT(methods, ElementsAre("PUT", "PUT", "DELETE", "HEAD", "HEAD", "PUT", "HEAD", "HEAD",
                                   "HEAD", "HEAD", "PUT", "HEAD", "PUT"));
  EXPECT_EQ(seen[5].Header("if-none-match"), "*") << "still sent, in case it is honoured";
  EXPECT_EQ(seen[5].body, "one");
  EXPECT_EQ(seen[12].Header("if-none-match"), "");
}

std::string Md5HexOf(const std::string& text) {
  Hasher md5(Hasher::Algorithm::kMd5);
  md5.Update(AsBytes(text));
  return md5.HexDigest();
}

// A server that stored other bytes than were sent (a bit flipped in transit,
// not caught because it does not check x-amz-content-sha256) answers their MD5 as
// the ETag: the put reads the object back, finds it wrong, deletes it (If-Match
// its ETag) and fails. An ETag that is not the MD5 but whose object reads back
// right (encryption) is accepted; ETags of another shape are not checked.
TEST(S3Faults, APutWhoseStoredBytesDifferIsDeletedAndFails) {
  const std::string stored_etag = Md5HexOf("hellO");
  ScriptedServer server({Ok("", {"ETag: \"" + stored_etag + "\""}), Ok("hellO"),
                         Reply{204, "", {}, Reply::Kind::kNormal},
                         Ok("", {"ETag: \"" + Md5HexOf("other") + "\""}), Ok("hello"),
                         Ok("", {"ETag: \"not-an-md5\""})});
  auto store = OpenStore(server);
  SpanSource flipped(AsBytes("hello"));
  auto put = store->Put("k", flipped, {});
  ASSERT_EQ(put.code(), ErrorCode::kUnavailable) << put.status().message();
  EXPECT_EQ(put.error().message,
            "put s3://bucket/k: the body changed in transit (the server stored ETag " +
                stored_etag + ", the bytes sent have " + Md5HexOf("hello") +
                "); the object was deleted");
  SpanSource encrypted(AsBytes("hello"));
  EXPECT_TRUE(store->Put("k", encrypted, {}).ok());
  SpanSource opaque(AsBytes("hello"));
  EXPECT_TRUE(store->Put("k", opaque, {}).ok());

  const std::vector<Seen> seen = server.seen();
  std::vector<std::string> methods;
  for (const Seen& request : seen) methods.push_back(request.method);
  EXPECT_THAT(methods, ElementsAre("PUT", "GET", "DELETE", "PUT", "GET", "PUT"));
  EXPECT_EQ(seen[2].target, "/bucket/k");
  EXPECT_EQ(seen[2].Header("if-match"), "\"" + stored_etag + "\"");
}

TEST(S3Faults, MultipartRetriesAPartWithItsBodyAndAbortsWhenCompleteFails) {
  // Create, two parts (one of them answered 503 first, then resent), a Complete
  // that answers 200 with an <Error> document, and the abort.
  ScriptedServer server(Then(
      HonouringProbe(), {Ok("<InitiateMultipartUploadResult><UploadId>up/1</UploadId>"
                            "</InitiateMultipartUploadResult>"),
                         S3Error(503, "SlowDown"), Ok("", {"ETag: \"p\""}), Ok("", {"ETag: \"p\""}),
                         Ok("<Error><Code>InternalError</Code><Message>m</Message></Error>"),
                         Reply{204, "", {}, Reply::Kind::kNormal}}));
  auto storage = NewS3Storage(ScriptedConfig(server));
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

  std::vector<Seen> seen = server.seen();
  ASSERT_EQ(seen.size(), 9u);
  seen.erase(seen.begin(), seen.begin() + 3);  // the probe
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

// --sse / --sse-kms-key-id: signed headers on PutObject and CreateMultipartUpload,
// not on UploadPart or CompleteMultipartUpload (S3 refuses them there).
TEST(S3Faults, ServerSideEncryptionHeadersAreSentAndSigned) {
  ScriptedServer server({Ok("", {"ETag: \"a\""}),
                         Ok("<InitiateMultipartUploadResult><UploadId>u</UploadId>"
                            "</InitiateMultipartUploadResult>"),
                         Ok("", {"ETag: \"p\""}), Ok("", {"ETag: \"p\""}),
                         Ok("<CompleteMultipartUploadResult><ETag>\"m-2\"</ETag>"
                            "</CompleteMultipartUploadResult>")});
  S3Config config = ScriptedConfig(server);
  config.sse = "aws:kms";
  config.sse_kms_key_id = "arn:aws:kms:us-east-1:123456789012:key/k1";
  auto store = std::move((*NewS3Storage(config))->OpenBucket("bucket")).value();
  SpanSource small(AsBytes("hello"));
  ASSERT_TRUE(store->Put("small", small, {}).ok());
  const std::string data(6 << 20, 'x');
  SpanSource big(AsBytes(data));
  auto put = store->Put("big", big, {});
  ASSERT_TRUE(put.ok()) << put.error().message;

  const std::vector<Seen> seen = server.seen();
  ASSERT_EQ(seen.size(), 5u);
  for (size_t i : {0u, 1u}) {
    EXPECT_EQ(seen[i].Header("x-amz-server-side-encryption"), "aws:kms") << i;
    EXPECT_EQ(seen[i].Header("x-amz-server-side-encryption-aws-kms-key-id"),
              "arn:aws:kms:us-east-1:123456789012:key/k1")
        << i;
    EXPECT_THAT(
        seen[i].Header("authorization"),
        HasSubstr(";x-amz-server-side-encryption;x-amz-server-side-encryption-aws-kms-key-id,"))
        << i;
  }
  EXPECT_EQ(seen[1].target, "/bucket/big?uploads=");
  for (size_t i : {2u, 3u, 4u}) {
    EXPECT_EQ(seen[i].Header("x-amz-server-side-encryption"), "") << i;
  }
}

TEST(S3Faults, ServerSideEncryptionIsValidated) {
  S3Config config;
  config.endpoint_url = "http://127.0.0.1:9";
  config.sse = "AES256";
  EXPECT_TRUE(NewS3Storage(config).ok());
  config.sse = "aes256";
  EXPECT_EQ(NewS3Storage(config).code(), ErrorCode::kInvalidArgument);
  config.sse = "AES256";
  config.sse_kms_key_id = "k1";
  EXPECT_EQ(NewS3Storage(config).code(), ErrorCode::kInvalidArgument) << "key id without KMS";
  config.sse = "aws:kms";
  EXPECT_TRUE(NewS3Storage(config).ok());
  config.sse_kms_key_id = "k\n1";
  EXPECT_EQ(NewS3Storage(config).code(), ErrorCode::kInvalidArgument);
}

TEST(S3Faults, DeleteKeysBatchesAThousandWithContentMd5AndReportsFailures) {
  const std::string two_failures =
      "<DeleteResult><Error><Key>k7</Key><Code>AccessDenied</Code><Message>no</Message></Error>"
      "<Error><Key>k9</Key><Code>NoSuchKey</Code><Message>gone</Message></Error>"
      "<Error><Key>k1001</Key><Code>InternalError</Code><Message>x</Message></Error>"
      "</DeleteResult>";
  ScriptedServer server({Ok(two_failures), Ok("<DeleteResult/>")});
  auto store = OpenStore(server);
  std::vector<std::string> keys;
  for (int i = 0; i < 1002; ++i) keys.push_back("k" + std::to_string(i));
  Status deleted = store->DeleteKeys(keys);
  ASSERT_FALSE(deleted.ok());
  EXPECT_EQ(deleted.code(), ErrorCode::kPermissionDenied);
  EXPECT_THAT(deleted.message(), StartsWith("deleting 2 of 1002 keys failed, the first: delete "
                                            "s3://bucket/k7: "));
  const std::vector<Seen> seen = server.seen();
  ASSERT_EQ(seen.size(), 2u);
  EXPECT_EQ(seen[0].method, "POST");
  EXPECT_EQ(seen[0].target, "/bucket?delete=");
  EXPECT_FALSE(seen[0].Header("content-md5").empty());
  EXPECT_THAT(seen[0].body, HasSubstr("<Key>k999</Key></Object></Delete>"));
  EXPECT_THAT(seen[1].body, HasSubstr("<Quiet>true</Quiet><Object><Key>k1000</Key>"));
}

TEST(S3Faults, GetRangeSendsTheRangeAndReadsTheSizeFromContentRange) {
  ScriptedServer server({Reply{206, "cdef", {"Content-Range: bytes 2-5/100"}, Reply::Kind::kNormal},
                         Reply{200, "whole", {}, Reply::Kind::kNormal}});
  auto store = OpenStore(server);
  VectorSink sink;
  auto got = store->GetRange("k", 2, 4, sink);
  ASSERT_TRUE(got.ok()) << got.error().message;
  EXPECT_EQ(got->size, 100u);
  EXPECT_EQ(AsChars(sink.bytes()), "cdef");
  EXPECT_EQ(server.seen()[0].Header("range"), "bytes=2-5");
  // An endpoint that ignores Range from an offset must not hand out wrong bytes.
  VectorSink second;
  EXPECT_EQ(store->GetRange("k", 2, 4, second).code(), ErrorCode::kUnsupported);
}

TEST(S3Faults, CopyWithAnErrorDocumentIn200Fails) {
  ScriptedServer server({Ok("<Error><Code>InternalError</Code><Message>copy broke</Message></Error>")});
  auto store = OpenStore(server);
  auto copied = store->CopyObject("a b", "c", {});
  ASSERT_EQ(copied.code(), ErrorCode::kUnavailable);
  EXPECT_THAT(copied.error().message, HasSubstr("copy broke"));
  EXPECT_EQ(server.seen()[0].Header("x-amz-copy-source"), "/bucket/a%20b");
  EXPECT_EQ(server.seen()[0].Header("x-amz-metadata-directive"), "REPLACE");
}

}  // namespace
}  // namespace deltaglider
