// The S3 adapter against a scripted local HTTP server that answers each request
// with the next canned response (or drops or truncates it): retries with a
// rewound body, giving up after max_attempts, pagination, malformed XML, and
// bodies cut short. moto cannot produce these faults.
#include <arpa/inet.h>
#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <atomic>
#include <mutex>
#include <thread>

#include "adapters/s3/sigv4.h"
#include "deltaglider/s3.h"

namespace deltaglider {
namespace {

using ::testing::ElementsAre;
using ::testing::HasSubstr;
using ::testing::StartsWith;

struct Reply {
  enum class Kind { kNormal, kDrop, kTruncate };
  int status = 200;
  std::string body;
  std::vector<std::string> headers;  // "Name: value"
  Kind kind = Kind::kNormal;
};

struct Seen {
  std::string method;
  std::string target;   // path?query as sent
  std::string headers;  // raw header block, lower-cased names not guaranteed
  std::string body;

  std::string Header(const std::string& name) const {
    // Case-insensitive search for "\nname:".
    std::string lower = headers;
    for (char& c : lower) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    const size_t at = lower.find("\n" + name + ":");
    if (at == std::string::npos) return "";
    size_t start = at + name.size() + 2;
    while (start < headers.size() && headers[start] == ' ') ++start;
    return headers.substr(start, headers.find("\r\n", start) - start);
  }
};

// Serves one request per connection, in order, from `script`; once the script
// runs out it answers 500.
class ScriptedServer {
 public:
  explicit ScriptedServer(std::vector<Reply> script) : script_(std::move(script)) {
    listener_ = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
    sockaddr_in addr{};
    addr.sin_family = AF_INET;
    addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    socklen_t length = sizeof addr;
    if (bind(listener_, reinterpret_cast<sockaddr*>(&addr), sizeof addr) != 0 ||
        listen(listener_, 16) != 0 ||
        getsockname(listener_, reinterpret_cast<sockaddr*>(&addr), &length) != 0) {
      ADD_FAILURE() << "cannot listen";
    }
    port_ = ntohs(addr.sin_port);
    thread_ = std::thread([this] { Serve(); });
  }

  ~ScriptedServer() {
    stop_ = true;
    shutdown(listener_, SHUT_RDWR);
    close(listener_);
    thread_.join();
  }

  std::string endpoint() const { return "http://127.0.0.1:" + std::to_string(port_); }
  int port() const { return port_; }

  std::vector<Seen> seen() {
    std::lock_guard lock(mu_);
    return seen_;
  }

 private:
  void Serve() {
    size_t next = 0;
    while (!stop_) {
      const int fd = accept(listener_, nullptr, nullptr);
      if (fd < 0) return;
      Seen request = ReadRequest(fd);
      {
        std::lock_guard lock(mu_);
        seen_.push_back(request);
      }
      Reply reply =
          next < script_.size() ? script_[next] : Reply{500, "", {}, Reply::Kind::kNormal};
      ++next;
      if (reply.kind != Reply::Kind::kDrop) {
        std::string head = "HTTP/1.1 " + std::to_string(reply.status) + " X\r\n";
        const size_t length =
            reply.kind == Reply::Kind::kTruncate ? reply.body.size() * 10 : reply.body.size();
        head += "Content-Length: " + std::to_string(length) + "\r\nConnection: close\r\n";
        for (const std::string& header : reply.headers) head += header + "\r\n";
        head += "\r\n";
        const std::string all = head + (request.method == "HEAD" ? "" : reply.body);
        (void)send(fd, all.data(), all.size(), MSG_NOSIGNAL);
      }
      close(fd);
    }
  }

  static Seen ReadRequest(int fd) {
    std::string data;
    char buffer[8192];
    size_t header_end = std::string::npos;
    while (header_end == std::string::npos) {
      const ssize_t n = recv(fd, buffer, sizeof buffer, 0);
      if (n <= 0) return {};
      data.append(buffer, static_cast<size_t>(n));
      header_end = data.find("\r\n\r\n");
    }
    Seen seen;
    const size_t line_end = data.find("\r\n");
    const std::string line = data.substr(0, line_end);
    seen.method = line.substr(0, line.find(' '));
    seen.target = line.substr(line.find(' ') + 1, line.rfind(' ') - line.find(' ') - 1);
    seen.headers = data.substr(line_end, header_end - line_end + 2);
    const std::string length_text = seen.Header("content-length");
    const size_t length = length_text.empty() ? 0 : std::stoul(length_text);
    seen.body = data.substr(header_end + 4);
    while (seen.body.size() < length) {
      const ssize_t n = recv(fd, buffer, sizeof buffer, 0);
      if (n <= 0) break;
      seen.body.append(buffer, static_cast<size_t>(n));
    }
    return seen;
  }

  std::vector<Reply> script_;
  int listener_ = -1;
  int port_ = 0;
  std::atomic<bool> stop_{false};
  std::thread thread_;
  std::mutex mu_;
  std::vector<Seen> seen_;
};

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

}  // namespace
}  // namespace deltaglider
