#include "adapters/s3/s3_client.h"

#include <algorithm>
#include <chrono>
#include <optional>
#include <random>
#include <thread>

#include "adapters/s3/s3_errors.h"

namespace deltaglider::s3 {
namespace {

// Sleeps before retry `attempt` (1-based count of failures so far): 100 ms,
// 200 ms, 400 ms ... capped at 5 s, each scaled by a random factor in [0.5, 1].
void Backoff(int attempt) {
  thread_local std::mt19937 rng(std::random_device{}());
  const int64_t base_ms = std::min<int64_t>(5000, int64_t{100} << std::min(attempt - 1, 10));
  std::uniform_int_distribution<int64_t> jitter(base_ms / 2, base_ms);
  std::this_thread::sleep_for(std::chrono::milliseconds(jitter(rng)));
}

// Counts what passes through, so a failed GET knows whether the caller's sink
// already holds bytes (then it must not be retried into the same sink).
class CountingSink final : public ByteSink {
 public:
  explicit CountingSink(ByteSink& next) : next_(next) {}
  Status Write(std::span<const std::byte> data) override {
    DG_RETURN_IF_ERROR(next_.Write(data));
    count_ += data.size();
    return OkStatus();
  }
  uint64_t count() const { return count_; }

 private:
  ByteSink& next_;
  uint64_t count_ = 0;
};

HeaderList EncryptionHeaders(const S3Config& config) {
  HeaderList headers;
  if (!config.sse.empty()) headers.emplace_back("x-amz-server-side-encryption", config.sse);
  if (!config.sse_kms_key_id.empty()) {
    headers.emplace_back("x-amz-server-side-encryption-aws-kms-key-id", config.sse_kms_key_id);
  }
  return headers;
}

}  // namespace

S3Client::S3Client(Endpoint endpoint, const S3Config& config)
    : endpoint_(std::move(endpoint)),
      addressing_style_(config.addressing_style),
      region_(config.region),
      credentials_{config.access_key_id, config.secret_access_key, config.session_token},
      provider_(config.credentials),
      max_attempts_(std::max(1, config.max_attempts)),
      multipart_threshold_(config.multipart_threshold),
      part_size_(config.multipart_part_size),
      encryption_headers_(EncryptionHeaders(config)),
      http_(HttpOptions{.verify_tls = config.verify_tls,
                        .ca_bundle = config.ca_bundle,
                        .connect_timeout = config.connect_timeout,
                        .stall_timeout = std::chrono::seconds(60)}),
      description_(endpoint_.scheme + "://" + endpoint_.authority + endpoint_.base_path) {}

Result<HttpResponse> S3Client::Execute(const Call& call) {
  const RequestTarget target = TargetOf(
      endpoint_, UseVirtualHost(addressing_style_, endpoint_, call.bucket), call.bucket, call.key);
  std::string url = target.url;
  if (!call.query.empty()) url += "?" + CanonicalQueryString(call.query);
  const std::string context = std::string(call.op) + " " + S3Path(call.bucket, call.key);

  std::optional<CountingSink> counting;
  if (call.sink != nullptr) counting.emplace(*call.sink);
  for (int attempt = 1;; ++attempt) {
    if (attempt > 1) {
      Backoff(attempt - 1);
      if (call.body != nullptr) {
        Status rewound = call.body->Rewind();
        if (!rewound.ok()) return rewound.error().Wrap(context + ": retry");
      }
    }
    Result<HttpRequest> request = SignedRequest(call, target, url);
    if (!request.ok()) return request.error().Wrap(context);
    TransferInfo info;
    Result<HttpResponse> response = http_.Send(*request, counting ? &*counting : nullptr, &info);
    const bool last = attempt >= max_attempts_;
    const bool sink_dirty = counting && counting->count() > 0;
    if (!response.ok()) {
      if (info.local_failure) return response.error().Wrap(context);
      if (last || sink_dirty || response.code() != ErrorCode::kUnavailable) {
        return response.error().Wrap(context);
      }
      continue;
    }
    if (IsRetryableStatus(response->status) && !last && !sink_dirty) continue;
    return response;
  }
}

Result<HttpRequest> S3Client::SignedRequest(const Call& call, const RequestTarget& target,
                                            const std::string& url) const {
  HttpRequest request;
  request.method = call.method;
  request.url = url;
  request.headers = call.headers;
  request.headers.emplace_back("host", target.host);
  Credentials signing = credentials_;
  if (provider_) {
    DG_ASSIGN_OR_RETURN(AwsCredentials current, provider_->Current());
    signing = Credentials{current.access_key_id, current.secret_access_key, current.session_token};
  }
  if (!signing.access_key_id.empty()) {
    SignHeaders(signing,
                SigningInput{.method = call.method,
                             .raw_path = target.raw_path,
                             .query = &call.query,
                             .payload_hash = call.payload_hash,
                             .region = region_,
                             .service = "s3",
                             .now = std::chrono::system_clock::now()},
                request.headers);
  }
  request.body = call.body;
  request.body_size = call.body_size;
  return request;
}

Result<int> S3Client::HeadBucket(std::string_view op, std::string_view bucket) {
  DG_ASSIGN_OR_RETURN(HttpResponse response,
                      Execute(Call{.op = op,
                                   .method = "HEAD",
                                   .bucket = std::string(bucket),
                                   .key = {},
                                   .query = {},
                                   .headers = {},
                                   .body = nullptr,
                                   .body_size = 0,
                                   .payload_hash = std::string(kEmptyPayloadSha256),
                                   .sink = nullptr}));
  return response.status;
}

Call MakeCall(std::string_view op, std::string method, std::string_view bucket,
              std::string_view key) {
  Call call;
  call.op = op;
  call.method = std::move(method);
  call.bucket = std::string(bucket);
  call.key = std::string(key);
  return call;
}

}  // namespace deltaglider::s3
