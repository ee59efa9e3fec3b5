// HttpClient: a small synchronous HTTP/1.1 client over libcurl, the only code of
// the project that sees curl. Request bodies stream from a ByteSource, response
// bodies into a ByteSink; nothing is buffered whole except bounded error and
// listing bodies. Transport failures become deltaglider Errors in one function
// (CurlError in http_client.cc): no connection, DNS, timeouts, resets ->
// kUnavailable naming the endpoint; certificate problems -> kFailedPrecondition.
//
// Thread-safe: concurrent Sends each take an easy handle from a small pool, so
// connections are kept alive and reused across requests of the same client.
#pragma once

#include <chrono>
#include <cstdint>
#include <memory>
#include <string>
#include <string_view>

#include "adapters/s3/sigv4.h"
#include "deltaglider/result.h"
#include "deltaglider/stream.h"

namespace deltaglider::s3 {

struct HttpOptions {
  bool verify_tls = true;
  std::string ca_bundle;  // PEM file of trusted CAs; empty: the system store
  std::chrono::milliseconds connect_timeout{10000};
  // A transfer slower than 1 byte/s for this long is aborted (kUnavailable).
  std::chrono::seconds stall_timeout{60};
  // The whole transfer must finish within this; zero: no limit. For the
  // credential endpoints (container, EC2 metadata), which must fail fast.
  std::chrono::milliseconds total_timeout{0};
};

struct HttpRequest {
  std::string method;  // "GET", "HEAD", "PUT", "DELETE", "POST"
  std::string url;     // complete and already encoded
  HeaderList headers;  // sent as given, Host included
  // The body, read from its current position; nullptr for none. A PUT/POST
  // without a body sends Content-Length: 0.
  ByteSource* body = nullptr;
  uint64_t body_size = 0;  // exact number of bytes `body` yields
};

struct HttpResponse {
  int status = 0;
  HeaderList headers;  // of the final response; names lower-cased, values trimmed
  // The body when it did not go to a sink: every non-2xx body (first 64 KiB) and
  // 2xx bodies of requests sent without a sink (up to kMaxBufferedBody).
  std::string body;

  // The value of header `name` (lower-case), or "".
  std::string Header(std::string_view name) const;
};

// What happened besides the response, for the caller's retry decision.
struct TransferInfo {
  bool local_failure = false;  // the body source or the sink failed (not the network)
  uint64_t sink_bytes = 0;     // bytes handed to the sink
};

inline constexpr uint64_t kMaxBufferedBody = 64ull << 20;

class HttpClient {
 public:
  explicit HttpClient(HttpOptions options);
  ~HttpClient();
  HttpClient(const HttpClient&) = delete;
  HttpClient& operator=(const HttpClient&) = delete;

  // Sends one request and waits for the whole response. A 2xx body streams into
  // `sink` when one is given. An Error means no complete response arrived: the
  // transport failed (see CurlError), or the body source or the sink failed (their
  // own error is returned and info->local_failure is set). A 2xx body larger than
  // kMaxBufferedBody without a sink is kResourceExhausted.
  Result<HttpResponse> Send(const HttpRequest& request, ByteSink* sink,
                            TransferInfo* info = nullptr);

 private:
  struct Pool;
  HttpOptions options_;
  std::unique_ptr<Pool> pool_;
};

}  // namespace deltaglider::s3
