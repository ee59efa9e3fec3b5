#include "adapters/s3/http_client.h"

#include <curl/curl.h>

#include <algorithm>
#include <array>
#include <charconv>
#include <mutex>
#include <optional>
#include <span>
#include <vector>

#include "util/text.h"

namespace deltaglider::s3 {
namespace {

constexpr size_t kMaxErrorBody = 64 * 1024;
constexpr size_t kMaxPooledHandles = 16;

void GlobalInit() {
  static std::once_flag once;
  std::call_once(once, [] { curl_global_init(CURL_GLOBAL_DEFAULT); });
}

// "http://host:port" of a URL, for messages.
std::string_view Origin(std::string_view url) {
  const size_t scheme = url.find("://");
  if (scheme == std::string_view::npos) return url;
  const size_t path = url.find_first_of("/?", scheme + 3);
  return path == std::string_view::npos ? url : url.substr(0, path);
}

// The one place where curl's error codes become deltaglider Errors.
Error CurlError(CURLcode code, const char* detail, std::string_view url) {
  const std::string origin(Origin(url));
  const std::string cause =
      detail != nullptr && detail[0] != '\0' ? detail : curl_easy_strerror(code);
  switch (code) {
    case CURLE_COULDNT_CONNECT:
      return MakeError(ErrorCode::kUnavailable, origin, ": cannot connect (is the endpoint right ",
                       "and the server up?): ", cause);
    case CURLE_COULDNT_RESOLVE_HOST:
    case CURLE_COULDNT_RESOLVE_PROXY:
      return MakeError(ErrorCode::kUnavailable, origin, ": cannot resolve host: ", cause);
    case CURLE_OPERATION_TIMEDOUT:
      return MakeError(ErrorCode::kUnavailable, origin, ": timed out: ", cause);
    case CURLE_SEND_ERROR:
    case CURLE_RECV_ERROR:
    case CURLE_GOT_NOTHING:
    case CURLE_PARTIAL_FILE:
    case CURLE_SSL_CONNECT_ERROR:
    case CURLE_HTTP2:
    case CURLE_HTTP2_STREAM:
    case CURLE_HTTP3:
      return MakeError(ErrorCode::kUnavailable, origin, ": connection failed: ", cause);
    case CURLE_PEER_FAILED_VERIFICATION:
    case CURLE_SSL_CACERT_BADFILE:
    case CURLE_SSL_CERTPROBLEM:
      return MakeError(ErrorCode::kFailedPrecondition, origin,
                       ": TLS certificate not trusted (set a CA bundle, or disable ",
                       "verification for a test endpoint): ", cause);
    case CURLE_URL_MALFORMAT:
    case CURLE_UNSUPPORTED_PROTOCOL:
      return MakeError(ErrorCode::kInvalidArgument, origin, ": bad endpoint URL: ", cause);
    case CURLE_OUT_OF_MEMORY:
      return MakeError(ErrorCode::kResourceExhausted, origin, ": ", cause);
    default:
      return MakeError(ErrorCode::kUnavailable, origin, ": HTTP transfer failed (curl ",
                       std::to_string(static_cast<int>(code)), "): ", cause);
  }
}

// State shared with curl's callbacks during one transfer.
struct Transfer {
  ByteSource* source = nullptr;
  uint64_t remaining = 0;  // bytes still owed to curl from `source`
  ByteSink* sink = nullptr;
  HttpResponse response;
  std::optional<Error> local_error;  // the source's or sink's failure
  uint64_t sink_bytes = 0;
  bool body_too_large = false;

  bool Success() const { return response.status >= 200 && response.status < 300; }
};

size_t ReadCallback(char* buffer, size_t size, size_t count, void* user) {
  auto* t = static_cast<Transfer*>(user);
  const size_t want = std::min<uint64_t>(size * count, t->remaining);
  if (want == 0) return 0;
  auto read = t->source->Read(std::span(reinterpret_cast<std::byte*>(buffer), want));
  if (!read.ok()) {
    t->local_error = read.error();
    return CURL_READFUNC_ABORT;
  }
  if (*read == 0) {
    t->local_error = MakeError(ErrorCode::kIoError, "request body ended ",
                               std::to_string(t->remaining), " bytes early");
    return CURL_READFUNC_ABORT;
  }
  t->remaining -= *read;
  return *read;
}

size_t HeaderCallback(char* buffer, size_t size, size_t count, void* user) {
  auto* t = static_cast<Transfer*>(user);
  const size_t n = size * count;
  const std::string_view line(buffer, n);
  if (line.starts_with("HTTP/")) {
    // A new status line (after "100 Continue" or a redirect): start over.
    t->response.headers.clear();
    t->response.status = 0;
    const size_t space = line.find(' ');
    if (space != std::string_view::npos && space + 4 <= line.size()) {
      int status = 0;
      const char* begin = line.data() + space + 1;
      std::from_chars(begin, begin + 3, status);
      t->response.status = status;
    }
    return n;
  }
  const size_t colon = line.find(':');
  if (colon != std::string_view::npos) {
    t->response.headers.emplace_back(AsciiLower(TrimBlanks(line.substr(0, colon))),
                                     std::string(TrimBlanks(line.substr(colon + 1))));
  }
  return n;
}

size_t WriteCallback(char* buffer, size_t size, size_t count, void* user) {
  auto* t = static_cast<Transfer*>(user);
  const size_t n = size * count;
  if (t->Success() && t->sink != nullptr) {
    Status written = t->sink->Write(std::span(reinterpret_cast<const std::byte*>(buffer), n));
    if (!written.ok()) {
      t->local_error = written.error();
      return CURL_WRITEFUNC_ERROR;
    }
    t->sink_bytes += n;
    return n;
  }
  const size_t cap = t->Success() ? kMaxBufferedBody : kMaxErrorBody;
  if (t->response.body.size() + n > cap) {
    if (t->Success()) {
      t->body_too_large = true;
      return CURL_WRITEFUNC_ERROR;
    }
    t->response.body.append(buffer, cap - t->response.body.size());
    return n;  // keep reading (and discarding) so the connection stays usable
  }
  t->response.body.append(buffer, n);
  return n;
}

}  // namespace

std::string HttpResponse::Header(std::string_view name) const {
  for (const auto& [n, v] : headers) {
    if (n == name) return v;
  }
  return {};
}

struct HttpClient::Pool {
  std::mutex mu;
  std::vector<CURL*> idle;

  ~Pool() {
    for (CURL* handle : idle) curl_easy_cleanup(handle);
  }

  CURL* Take() {
    {
      std::lock_guard lock(mu);
      if (!idle.empty()) {
        CURL* handle = idle.back();
        idle.pop_back();
        return handle;
      }
    }
    return curl_easy_init();
  }

  void Give(CURL* handle) {
    {
      std::lock_guard lock(mu);
      if (idle.size() < kMaxPooledHandles) {
        idle.push_back(handle);
        return;
      }
    }
    curl_easy_cleanup(handle);
  }
};

HttpClient::HttpClient(HttpOptions options)
    : options_(std::move(options)), pool_(std::make_unique<Pool>()) {
  GlobalInit();
}

HttpClient::~HttpClient() = default;

Result<HttpResponse> HttpClient::Send(const HttpRequest& request, ByteSink* sink,
                                      TransferInfo* info) {
  CURL* curl = pool_->Take();
  if (curl == nullptr) {
    return MakeError(ErrorCode::kResourceExhausted, "cannot create a curl handle");
  }
  // reset keeps the handle's live connections, DNS and TLS session caches.
  curl_easy_reset(curl);

  Transfer transfer;
  transfer.source = request.body;
  transfer.remaining = request.body != nullptr ? request.body_size : 0;
  transfer.sink = sink;
  std::array<char, CURL_ERROR_SIZE> error_buffer{};

  curl_slist* headers = nullptr;
  for (const auto& [name, value] : request.headers) {
    // "Name;" is curl's spelling of a header with an empty value.
    const std::string line = value.empty() ? name + ";" : name + ": " + value;
    headers = curl_slist_append(headers, line.c_str());
  }
  // No "Expect: 100-continue" round trip; no chunked encoding: S3 wants a length.
  headers = curl_slist_append(headers, "Expect:");
  headers = curl_slist_append(headers, "Transfer-Encoding:");

  curl_easy_setopt(curl, CURLOPT_URL, request.url.c_str());
  curl_easy_setopt(curl, CURLOPT_PROTOCOLS_STR, "http,https");
  curl_easy_setopt(curl, CURLOPT_HTTP_VERSION, static_cast<long>(CURL_HTTP_VERSION_1_1));
  curl_easy_setopt(curl, CURLOPT_PATH_AS_IS, 1L);  // keys may hold "." and ".." segments
  curl_easy_setopt(curl, CURLOPT_NOSIGNAL, 1L);
  curl_easy_setopt(curl, CURLOPT_TCP_KEEPALIVE, 1L);
  curl_easy_setopt(curl, CURLOPT_ERRORBUFFER, error_buffer.data());
  curl_easy_setopt(curl, CURLOPT_CONNECTTIMEOUT_MS,
                   static_cast<long>(options_.connect_timeout.count()));
  if (options_.total_timeout.count() > 0) {
    curl_easy_setopt(curl, CURLOPT_TIMEOUT_MS, static_cast<long>(options_.total_timeout.count()));
  }
  curl_easy_setopt(curl, CURLOPT_LOW_SPEED_LIMIT, 1L);
  curl_easy_setopt(curl, CURLOPT_LOW_SPEED_TIME, static_cast<long>(options_.stall_timeout.count()));
  curl_easy_setopt(curl, CURLOPT_SSL_VERIFYPEER, options_.verify_tls ? 1L : 0L);
  curl_easy_setopt(curl, CURLOPT_SSL_VERIFYHOST, options_.verify_tls ? 2L : 0L);
  if (!options_.ca_bundle.empty())
    curl_easy_setopt(curl, CURLOPT_CAINFO, options_.ca_bundle.c_str());
  curl_easy_setopt(curl, CURLOPT_HTTPHEADER, headers);
  curl_easy_setopt(curl, CURLOPT_HEADERFUNCTION, HeaderCallback);
  curl_easy_setopt(curl, CURLOPT_HEADERDATA, &transfer);
  curl_easy_setopt(curl, CURLOPT_WRITEFUNCTION, WriteCallback);
  curl_easy_setopt(curl, CURLOPT_WRITEDATA, &transfer);

  if (request.method == "HEAD") {
    curl_easy_setopt(curl, CURLOPT_NOBODY, 1L);
  } else if (request.body != nullptr || request.method == "PUT" || request.method == "POST") {
    curl_easy_setopt(curl, CURLOPT_UPLOAD, 1L);
    curl_easy_setopt(curl, CURLOPT_CUSTOMREQUEST, request.method.c_str());
    curl_easy_setopt(curl, CURLOPT_INFILESIZE_LARGE,
                     static_cast<curl_off_t>(request.body != nullptr ? request.body_size : 0));
    curl_easy_setopt(curl, CURLOPT_READFUNCTION, ReadCallback);
    curl_easy_setopt(curl, CURLOPT_READDATA, &transfer);
  } else if (request.method != "GET") {
    curl_easy_setopt(curl, CURLOPT_CUSTOMREQUEST, request.method.c_str());
  }

  const CURLcode code = curl_easy_perform(curl);
  curl_slist_free_all(headers);
  pool_->Give(curl);

  if (info != nullptr) {
    info->local_failure = transfer.local_error.has_value();
    info->sink_bytes = transfer.sink_bytes;
  }
  if (transfer.local_error.has_value()) return *transfer.local_error;
  if (transfer.body_too_large) {
    return MakeError(ErrorCode::kResourceExhausted, Origin(request.url),
                     ": response body larger than ", std::to_string(kMaxBufferedBody >> 20),
                     " MiB");
  }
  if (code != CURLE_OK) return CurlError(code, error_buffer.data(), request.url);
  if (transfer.response.status == 0) {
    return MakeError(ErrorCode::kUnavailable, Origin(request.url), ": no HTTP status line");
  }
  return std::move(transfer.response);
}

}  // namespace deltaglider::s3
