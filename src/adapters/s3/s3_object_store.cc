// S3Storage / S3ObjectStore: Storage and ObjectStore over the S3 REST API,
// path-style or virtual-host addressing, SigV4-signed through sigv4.h, sent by http_client.h.
// One S3Client (endpoint, credentials, HTTP connection pool) is shared by the
// Storage and every store opened from it; it is immutable apart from the pool, so
// all of them are safe for concurrent use.
#include "adapters/s3/s3_object_store.h"

#include <openssl/evp.h>

#include <algorithm>
#include <array>
#include <charconv>
#include <cstdio>
#include <ctime>
#include <deque>
#include <future>
#include <mutex>
#include <optional>
#include <random>
#include <thread>

#include "adapters/s3/sigv4.h"
#include "adapters/s3/stored_etag.h"
#include "adapters/s3/xml.h"
#include "core/hash.h"
#include "core/utc_time.h"
#include "deltaglider/s3.h"
#include "util/text.h"

namespace deltaglider::s3 {
namespace {

constexpr size_t kMaxKeyBytes = 1024;
// A source that cannot rewind is buffered in memory for the hash pass; S3 takes
// at most 5 GiB in one PutObject.
constexpr uint64_t kMaxSinglePut = 5ull << 30;
constexpr std::string_view kMetaPrefix = "x-amz-meta-";
constexpr uint64_t kMinPartSize = 5ull << 20;
constexpr uint64_t kMaxPartSize = 5ull << 30;
constexpr uint64_t kMaxParts = 10000;
constexpr size_t kPartsInFlight = 2;
constexpr size_t kDeleteBatch = 1000;  // DeleteObjects' limit
// Where the conditional-write probe puts (and deletes) its key.
constexpr std::string_view kProbePrefix = ".deltaglider/probe/conditional-put-";

std::string StripQuotes(std::string etag) {
  if (etag.size() >= 2 && etag.front() == '"' && etag.back() == '"') {
    etag = etag.substr(1, etag.size() - 2);
  }
  return etag;
}

std::string XmlEscape(std::string_view text) {
  std::string out;
  for (char c : text) {
    switch (c) {
      case '&':
        out += "&amp;";
        break;
      case '<':
        out += "&lt;";
        break;
      case '>':
        out += "&gt;";
        break;
      case '"':
        out += "&quot;";
        break;
      default:
        out.push_back(c);
    }
  }
  return out;
}

std::string_view CharsOf(const std::vector<std::byte>& bytes) {
  return {reinterpret_cast<const char*>(bytes.data()), bytes.size()};
}

bool IsTokenChar(char c) {
  return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
         std::string_view("!#$%&'*+-.^_`|~").find(c) != std::string_view::npos;
}

std::string Base64Encode(std::string_view data) {
  std::string out(4 * ((data.size() + 2) / 3) + 1, '\0');
  const int n = EVP_EncodeBlock(reinterpret_cast<unsigned char*>(out.data()),
                                reinterpret_cast<const unsigned char*>(data.data()),
                                static_cast<int>(data.size()));
  out.resize(n);
  return out;
}

// The 16 raw bytes of MD5(text): Content-MD5, multipart ETags.
std::string Md5Binary(std::string_view text) {
  Hasher md5(Hasher::Algorithm::kMd5);
  md5.Update(AsBytes(text));
  const std::string hex = md5.HexDigest();
  std::string raw;
  for (size_t i = 0; i + 1 < hex.size(); i += 2) {
    raw.push_back(static_cast<char>(std::stoi(hex.substr(i, 2), nullptr, 16)));
  }
  return raw;
}

std::optional<std::string> Base64Decode(std::string_view text) {
  if (text.size() % 4 != 0) return std::nullopt;
  std::string out(3 * text.size() / 4 + 1, '\0');
  const int n = EVP_DecodeBlock(reinterpret_cast<unsigned char*>(out.data()),
                                reinterpret_cast<const unsigned char*>(text.data()),
                                static_cast<int>(text.size()));
  if (n < 0) return std::nullopt;
  size_t padding = 0;
  if (!text.empty() && text.back() == '=') ++padding;
  if (text.size() > 1 && text[text.size() - 2] == '=') ++padding;
  out.resize(static_cast<size_t>(n) - padding);
  return out;
}

int HexValue(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

// Decodes "=?charset?enc?text?=" into `out`; false if `word` is not one.
bool DecodeEncodedWord(std::string_view word, std::string& out) {
  if (!word.starts_with("=?") || !word.ends_with("?=") || word.size() < 8) return false;
  const std::string_view inner = word.substr(2, word.size() - 4);
  const size_t q1 = inner.find('?');
  if (q1 == std::string_view::npos) return false;
  const size_t q2 = inner.find('?', q1 + 1);
  if (q2 == std::string_view::npos || q2 != q1 + 2) return false;
  const std::string charset = AsciiLower(inner.substr(0, q1));
  if (charset != "utf-8" && charset != "us-ascii") return false;
  const char encoding = inner[q1 + 1];
  const std::string_view text = inner.substr(q2 + 1);
  if (text.find('?') != std::string_view::npos) return false;
  if (encoding == 'B' || encoding == 'b') {
    std::optional<std::string> decoded = Base64Decode(text);
    if (!decoded) return false;
    out += *decoded;
    return true;
  }
  if (encoding == 'Q' || encoding == 'q') {
    std::string decoded;
    for (size_t i = 0; i < text.size(); ++i) {
      if (text[i] == '_') {
        decoded.push_back(' ');
      } else if (text[i] == '=') {
        if (i + 2 >= text.size()) return false;
        const int hi = HexValue(text[i + 1]);
        const int lo = HexValue(text[i + 2]);
        if (hi < 0 || lo < 0) return false;
        decoded.push_back(static_cast<char>(hi * 16 + lo));
        i += 2;
      } else {
        decoded.push_back(text[i]);
      }
    }
    out += decoded;
    return true;
  }
  return false;
}

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

Status ValidateKey(std::string_view op, std::string_view bucket, std::string_view key) {
  if (key.empty()) {
    return MakeError(ErrorCode::kInvalidArgument, op, " ", S3Path(bucket, ""), ": empty key");
  }
  if (key.size() > kMaxKeyBytes) {
    return MakeError(ErrorCode::kInvalidArgument, op, " ", S3Path(bucket, key.substr(0, 64)),
                     "...: key longer than 1024 bytes");
  }
  return OkStatus();
}

HeaderList EncryptionHeaders(const S3Config& config) {
  HeaderList headers;
  if (!config.sse.empty()) headers.emplace_back("x-amz-server-side-encryption", config.sse);
  if (!config.sse_kms_key_id.empty()) {
    headers.emplace_back("x-amz-server-side-encryption-aws-kms-key-id", config.sse_kms_key_id);
  }
  return headers;
}

// One S3 request before signing.
struct Call {
  std::string_view op;  // for messages: "get", "list", "create bucket"
  std::string method;
  std::string bucket;  // empty: the service (ListBuckets)
  std::string key;     // empty: the bucket itself
  QueryParams query;
  HeaderList headers;          // beyond host and the signing headers
  ByteSource* body = nullptr;  // rewindable; rewound before a retry
  uint64_t body_size = 0;
  std::string payload_hash = std::string(kEmptyPayloadSha256);
  ByteSink* sink = nullptr;  // 2xx body goes here when set
};

class S3Client {
 public:
  S3Client(Endpoint endpoint, const S3Config& config)
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

  const std::string& description() const { return description_; }
  const std::string& region() const { return region_; }
  uint64_t multipart_threshold() const { return multipart_threshold_; }
  uint64_t part_size() const { return part_size_; }
  // x-amz-server-side-encryption[-aws-kms-key-id] for every object written.
  const HeaderList& encryption_headers() const { return encryption_headers_; }

  // Sends `call`, retrying transient failures; returns the final HTTP response,
  // whatever its status, or the transport/local error (with `op` context).
  Result<HttpResponse> Execute(const Call& call) {
    const RequestTarget target =
        TargetOf(endpoint_, UseVirtualHost(addressing_style_, endpoint_, call.bucket), call.bucket,
                 call.key);
    const std::string& raw_path = target.raw_path;
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
      HttpRequest request;
      request.method = call.method;
      request.url = url;
      request.headers = call.headers;
      request.headers.emplace_back("host", target.host);
      Credentials signing = credentials_;
      if (provider_) {
        Result<AwsCredentials> current = provider_->Current();
        if (!current.ok()) return current.error().Wrap(context);
        signing = Credentials{current->access_key_id, current->secret_access_key,
                              current->session_token};
      }
      if (!signing.access_key_id.empty()) {
        SignHeaders(signing,
                    SigningInput{.method = call.method,
                                 .raw_path = raw_path,
                                 .query = &call.query,
                                 .payload_hash = call.payload_hash,
                                 .region = region_,
                                 .service = "s3",
                                 .now = std::chrono::system_clock::now()},
                    request.headers);
      }
      request.body = call.body;
      request.body_size = call.body_size;
      TransferInfo info;
      Result<HttpResponse> response = http_.Send(request, counting ? &*counting : nullptr, &info);
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

  // 200 if the bucket exists and is ours, else the status (404, 403, ...).
  Result<int> HeadBucket(std::string_view op, std::string_view bucket) {
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

 private:
  const Endpoint endpoint_;
  const AddressingStyle addressing_style_;
  const std::string region_;
  const Credentials credentials_;
  const std::shared_ptr<CredentialProvider> provider_;  // when set, wins over credentials_
  const int max_attempts_;
  const uint64_t multipart_threshold_;
  const uint64_t part_size_;
  const HeaderList encryption_headers_;
  HttpClient http_;
  const std::string description_;
};

Call MakeCall(std::string_view op, std::string method, std::string_view bucket,
              std::string_view key) {
  Call call;
  call.op = op;
  call.method = std::move(method);
  call.bucket = std::string(bucket);
  call.key = std::string(key);
  return call;
}

ObjectHead HeadFromResponse(std::string_view key, const HttpResponse& response) {
  ObjectHead head;
  head.key = std::string(key);
  const std::string length = response.Header("content-length");
  std::from_chars(length.data(), length.data() + length.size(), head.size);
  head.etag = StripQuotes(response.Header("etag"));
  head.content_type = response.Header("content-type");
  if (auto modified = ParseHttpDate(response.Header("last-modified")); modified.ok()) {
    head.last_modified = *modified;
  }
  for (const auto& [name, value] : response.headers) {
    if (name.starts_with(kMetaPrefix) && name.size() > kMetaPrefix.size()) {
      head.metadata[name.substr(kMetaPrefix.size())] = DecodeMetadataValue(value);
    }
  }
  return head;
}

class S3ObjectStore final : public ObjectStore {
 public:
  S3ObjectStore(std::shared_ptr<S3Client> client, std::string bucket)
      : client_(std::move(client)), bucket_(std::move(bucket)) {}

  const std::string& bucket() const override { return bucket_; }

  Result<ObjectHead> Head(std::string_view key) override {
    DG_RETURN_IF_ERROR(ValidateKey("head", bucket_, key));
    DG_ASSIGN_OR_RETURN(HttpResponse response,
                        client_->Execute(MakeCall("head", "HEAD", bucket_, key)));
    if (response.status == 200) return HeadFromResponse(key, response);
    if (response.status == 404 && response.body.empty()) {
      // A HEAD response has no body to say which is missing: ask the bucket.
      DG_ASSIGN_OR_RETURN(int bucket_status, client_->HeadBucket("head", bucket_));
      if (bucket_status == 404) return NoSuchBucket(bucket_).Wrap("head " + S3Path(bucket_, key));
    }
    return S3ResponseError("head", bucket_, key, response);
  }

  Result<ObjectHead> Get(std::string_view key, ByteSink& sink) override {
    DG_RETURN_IF_ERROR(ValidateKey("get", bucket_, key));
    Call call = MakeCall("get", "GET", bucket_, key);
    call.sink = &sink;
    DG_ASSIGN_OR_RETURN(HttpResponse response, client_->Execute(call));
    if (response.status == 200) return HeadFromResponse(key, response);
    return S3ResponseError("get", bucket_, key, response);
  }

  // A create-only Put on an endpoint that ignores If-None-Match (see
  // ConditionalPutHonoured) goes through CheckedCreate instead.
  Result<ObjectHead> Put(std::string_view key, ByteSource& body,
                         const PutOptions& options) override {
    if (options.if_none_match && !ConditionalPutHonoured()) {
      return CheckedCreate(key, body, options);
    }
    return PutOnce(key, body, options);
  }

  // PutObject, or a multipart upload for large bodies; If-None-Match as asked.
  Result<ObjectHead> PutOnce(std::string_view key, ByteSource& body, const PutOptions& options) {
    const std::string context = "put " + S3Path(bucket_, key);
    DG_RETURN_IF_ERROR(ValidateKey("put", bucket_, key));
    DG_ASSIGN_OR_RETURN(HeaderList object_headers, ObjectHeaders(context, options));
    if (const std::optional<uint64_t> size = body.size();
        size && *size >= client_->multipart_threshold()) {
      return PutMultipart(key, body, *size, options, object_headers);
    }
    Call call = MakeCall("put", "PUT", bucket_, key);
    call.headers = object_headers;
    if (options.if_none_match) call.headers.emplace_back("if-none-match", "*");

    // The signed payload needs the body's SHA256 before the request, and its MD5
    // checks the ETag after it: one hashing pass, then a rewind. A source that
    // cannot rewind is buffered in memory.
    Status rewound = body.Rewind();
    if (!rewound.ok() && rewound.code() != ErrorCode::kUnsupported) {
      return rewound.error().Wrap(context);
    }
    VectorSink buffer(kMaxSinglePut);
    HashingSink md5(Hasher::Algorithm::kMd5, rewound.ok() ? nullptr : &buffer);
    HashingSink sha256(Hasher::Algorithm::kSha256, &md5);
    if (Status copied = Copy(body, sha256).status(); !copied.ok()) {
      return copied.error().Wrap(context);
    }
    std::optional<SpanSource> buffered;
    if (rewound.ok()) {
      if (Status again = body.Rewind(); !again.ok()) return again.error().Wrap(context);
      if (sha256.count() >= client_->multipart_threshold()) {
        return PutMultipart(key, body, sha256.count(), options, object_headers);
      }
      call.body = &body;
    } else {
      call.body = &buffered.emplace(buffer.bytes());
    }
    call.payload_hash = sha256.HexDigest();
    call.body_size = sha256.count();

    DG_ASSIGN_OR_RETURN(HttpResponse response, client_->Execute(call));
    if (response.status != 200) return S3ResponseError("put", bucket_, key, response);
    const std::string etag = StripQuotes(response.Header("etag"));
    DG_RETURN_IF_ERROR(VerifyStored(key, etag, md5.HexDigest(), call.payload_hash));
    return PutHead(key, call.body_size, etag, options);
  }

  Status List(const ListOptions& options, const ListVisitor& visit) override {
    std::string token;
    while (true) {
      Call call = MakeCall("list", "GET", bucket_, "");
      call.query = {{"list-type", "2"}, {"encoding-type", "url"}};
      if (!options.prefix.empty()) call.query.emplace_back("prefix", options.prefix);
      if (!options.delimiter.empty()) call.query.emplace_back("delimiter", options.delimiter);
      if (!options.start_after.empty() && token.empty()) {
        call.query.emplace_back("start-after", options.start_after);
      }
      if (!token.empty()) call.query.emplace_back("continuation-token", token);
      DG_ASSIGN_OR_RETURN(HttpResponse response, client_->Execute(call));
      if (response.status != 200) return S3ResponseError("list", bucket_, "", response);
      auto page = ParseListObjectsV2(response.body);
      if (!page.ok()) return page.error().Wrap("list " + S3Path(bucket_, options.prefix));
      for (const ListEntry& entry : page->entries) DG_RETURN_IF_ERROR(visit(entry));
      if (!page->is_truncated) return OkStatus();
      if (page->next_continuation_token == token) {
        return MakeError(ErrorCode::kCorrupted, "list ", S3Path(bucket_, options.prefix),
                         ": the server repeated its continuation token");
      }
      token = page->next_continuation_token;
    }
  }

  Status Delete(std::string_view key) override {
    DG_RETURN_IF_ERROR(ValidateKey("delete", bucket_, key));
    DG_ASSIGN_OR_RETURN(HttpResponse response,
                        client_->Execute(MakeCall("delete", "DELETE", bucket_, key)));
    if (response.status == 204 || response.status == 200) return OkStatus();
    Error error = S3ResponseError("delete", bucket_, key, response);
    // Some S3-compatible servers answer NoSuchKey; S3 itself says 204.
    if (error.code == ErrorCode::kNotFound) return OkStatus();
    return error;
  }

  Result<ObjectHead> GetRange(std::string_view key, uint64_t offset, uint64_t length,
                              ByteSink& sink) override {
    DG_RETURN_IF_ERROR(ValidateKey("get", bucket_, key));
    if (length == 0) return Head(key);
    const uint64_t last = length > UINT64_MAX - offset ? UINT64_MAX - 1 : offset + length - 1;
    Call call = MakeCall("get", "GET", bucket_, key);
    call.headers.emplace_back("range",
                              "bytes=" + std::to_string(offset) + "-" + std::to_string(last));
    call.sink = &sink;
    DG_ASSIGN_OR_RETURN(HttpResponse response, client_->Execute(call));
    if (response.status == 416) return Head(key);  // the range starts past the end
    if (response.status == 200 && offset == 0) return HeadFromResponse(key, response);
    if (response.status != 206) {
      if (response.status == 200) {
        return MakeError(ErrorCode::kUnsupported, "get ", S3Path(bucket_, key),
                         ": the endpoint ignored the Range header");
      }
      return S3ResponseError("get", bucket_, key, response);
    }
    ObjectHead head = HeadFromResponse(key, response);
    // "bytes 0-99/1234": the object's size is after the slash.
    const std::string range = response.Header("content-range");
    const size_t slash = range.rfind('/');
    if (slash == std::string::npos ||
        std::from_chars(range.data() + slash + 1, range.data() + range.size(), head.size).ec !=
            std::errc()) {
      return MakeError(ErrorCode::kCorrupted, "get ", S3Path(bucket_, key),
                       ": 206 without a usable Content-Range");
    }
    return head;
  }

  // DeleteObjects, 1000 keys per request (Content-MD5 is required by S3).
  Status DeleteKeys(std::span<const std::string> keys) override {
    std::vector<DeleteFailure> failures;
    for (size_t begin = 0; begin < keys.size(); begin += kDeleteBatch) {
      const auto batch = keys.subspan(begin, std::min(kDeleteBatch, keys.size() - begin));
      DG_RETURN_IF_ERROR(DeleteBatch(batch, failures));
    }
    if (failures.empty()) return OkStatus();
    const DeleteFailure& first = failures.front();
    HttpResponse as_response;
    as_response.status = first.code == "AccessDenied" ? 403 : 500;
    as_response.body = "<Error><Code>" + XmlEscape(first.code) + "</Code><Message>" +
                       XmlEscape(first.message) + "</Message></Error>";
    Error error = S3ResponseError("delete", bucket_, first.key, as_response);
    if (failures.size() == 1) return error;
    return error.Wrap("deleting " + std::to_string(failures.size()) + " of " +
                      std::to_string(keys.size()) + " keys failed, the first");
  }

  // CopyObject with the metadata replaced. S3 copies at most 5 GiB this way.
  Result<ObjectHead> CopyObject(std::string_view from, std::string_view to,
                          const PutOptions& options) override {
    const std::string context = "copy " + S3Path(bucket_, from) + " to " + S3Path(bucket_, to);
    DG_RETURN_IF_ERROR(ValidateKey("copy", bucket_, from));
    DG_RETURN_IF_ERROR(ValidateKey("copy", bucket_, to));
    if (options.if_none_match) {
      // CopyObject has no create-only form everywhere: check first (not atomic).
      if (Result<ObjectHead> existing = Head(to); existing.ok()) {
        return MakeError(ErrorCode::kAlreadyExists, context, ": already exists");
      }
    }
    DG_ASSIGN_OR_RETURN(HeaderList headers, ObjectHeaders(context, options));
    headers.emplace_back("x-amz-copy-source", "/" + UriEncode(bucket_, true) + "/" +
                                                  UriEncode(from, false));
    headers.emplace_back("x-amz-metadata-directive", "REPLACE");
    Call call = MakeCall("copy", "PUT", bucket_, to);
    call.headers = std::move(headers);
    DG_ASSIGN_OR_RETURN(HttpResponse response, client_->Execute(call));
    if (response.status == 404) return S3ResponseError("copy", bucket_, from, response);
    if (response.status != 200) return S3ResponseError("copy", bucket_, to, response);
    // Like CompleteMultipartUpload, a 200 may carry an <Error> document.
    auto result = ParseXml(response.body);
    if (!result.ok()) return result.error().Wrap(context);
    if (result->name == "Error") {
      response.status = 500;
      return S3ResponseError("copy", bucket_, to, response);
    }
    return Head(to);
  }

  // Incomplete multipart uploads initiated before `older_than` (ListMultipartUploads,
  // then AbortMultipartUpload). Younger ones may belong to a write in progress.
  Status CollectLitter(TimePoint older_than, bool dry_run,
                       const std::function<void(const Litter&)>& report) override {
    std::string key_marker, upload_marker;
    while (true) {
      Call call = MakeCall("list uploads", "GET", bucket_, "");
      call.query = {{"uploads", ""}};
      if (!key_marker.empty()) call.query.emplace_back("key-marker", key_marker);
      if (!upload_marker.empty()) call.query.emplace_back("upload-id-marker", upload_marker);
      DG_ASSIGN_OR_RETURN(HttpResponse response, client_->Execute(call));
      if (response.status != 200) return S3ResponseError("list uploads", bucket_, "", response);
      auto page = ParseListMultipartUploads(response.body);
      if (!page.ok()) return page.error().Wrap("list uploads " + S3Path(bucket_, ""));
      for (const MultipartUpload& upload : page->uploads) {
        if (upload.initiated >= older_than) continue;
        report(Litter{.description = "multipart upload " + upload.upload_id + " of " +
                                     S3Path(bucket_, upload.key),
                      .bytes = 0,
                      .since = upload.initiated});
        if (dry_run) continue;
        Call abort = MakeCall("abort upload", "DELETE", bucket_, upload.key);
        abort.query = {{"uploadId", upload.upload_id}};
        DG_ASSIGN_OR_RETURN(HttpResponse aborted, client_->Execute(abort));
        if (aborted.status != 204 && aborted.status != 200 && aborted.status != 404) {
          return S3ResponseError("abort upload", bucket_, upload.key, aborted);
        }
      }
      if (!page->is_truncated) return OkStatus();
      if (page->next_key_marker == key_marker && page->next_upload_id_marker == upload_marker) {
        return MakeError(ErrorCode::kCorrupted, "list uploads ", S3Path(bucket_, ""),
                         ": the server repeated its markers");
      }
      key_marker = page->next_key_marker;
      upload_marker = page->next_upload_id_marker;
    }
  }

  // conditional_put is what the probe found (false if it could not tell).
  Capabilities capabilities() const override {
    return Capabilities{.conditional_put = ConditionalPutHonoured(), .server_side_copy = true};
  }

 private:
  // Content type, user metadata and encryption headers of an object written with
  // `options`; kInvalidArgument for what HTTP cannot carry.
  Result<HeaderList> ObjectHeaders(const std::string& context, const PutOptions& options) const {
    HeaderList headers = client_->encryption_headers();
    if (!IsPrintableAscii(options.content_type)) {
      return MakeError(ErrorCode::kInvalidArgument, context, ": content type is not ASCII");
    }
    if (!options.content_type.empty()) headers.emplace_back("content-type", options.content_type);
    for (const auto& [name, value] : options.metadata) {
      if (name.empty() || !std::all_of(name.begin(), name.end(), IsTokenChar)) {
        return MakeError(ErrorCode::kInvalidArgument, context, ": metadata name '", name,
                         "' is not an HTTP token");
      }
      headers.emplace_back(std::string(kMetaPrefix) + name, EncodeMetadataValue(value));
    }
    return headers;
  }

  // One DeleteObjects request in quiet mode: only failures are reported back.
  Status DeleteBatch(std::span<const std::string> keys, std::vector<DeleteFailure>& failures) {
    std::string xml = "<Delete xmlns=\"http://s3.amazonaws.com/doc/2006-03-01/\"><Quiet>true</Quiet>";
    for (const std::string& key : keys) {
      DG_RETURN_IF_ERROR(ValidateKey("delete", bucket_, key));
      xml += "<Object><Key>" + XmlEscape(key) + "</Key></Object>";
    }
    xml += "</Delete>";
    SpanSource body(AsBytes(xml));
    Call call = MakeCall("delete", "POST", bucket_, "");
    call.query = {{"delete", ""}};
    call.headers.emplace_back("content-type", "application/xml");
    call.headers.emplace_back("content-md5", Base64Encode(Md5Binary(xml)));
    call.body = &body;
    call.body_size = xml.size();
    call.payload_hash = Sha256HexOf(xml);
    DG_ASSIGN_OR_RETURN(HttpResponse response, client_->Execute(call));
    if (response.status != 200) return S3ResponseError("delete", bucket_, keys.front(), response);
    auto result = ParseDeleteResult(response.body);
    if (!result.ok()) return result.error().Wrap("delete " + S3Path(bucket_, keys.front()));
    for (DeleteFailure& failure : *result) {
      // A missing key is success, as for DeleteObject.
      if (failure.code != "NoSuchKey") failures.push_back(std::move(failure));
    }
    return OkStatus();
  }

  // Whether the endpoint honours `If-None-Match: *` on PutObject, asked once per
  // store (on the first create-only Put or capabilities() call): a fresh key
  // under kProbePrefix is put twice with the header; 412 on the second put means
  // honoured, 200 means ignored. The key is deleted again. A probe that fails
  // (no permission, no bucket, network) counts as "ignored", which is the safe
  // side: CheckedCreate still sends the header and only adds its own checks.
  bool ConditionalPutHonoured() const {
    std::call_once(probe_once_, [this] { conditional_put_ = ProbeConditionalPut(); });
    return conditional_put_;
  }

  bool ProbeConditionalPut() const {
    thread_local std::mt19937_64 rng(std::random_device{}());
    char suffix[17];
    std::snprintf(suffix, sizeof suffix, "%016llx", static_cast<unsigned long long>(rng()));
    const std::string key = std::string(kProbePrefix) + suffix;
    auto conditional_put = [&]() -> int {
      Call call = MakeCall("probe conditional put", "PUT", bucket_, key);
      call.headers = client_->encryption_headers();
      call.headers.emplace_back("if-none-match", "*");
      Result<HttpResponse> response = client_->Execute(call);
      return response.ok() ? response->status : 0;
    };
    const int first = conditional_put();
    if (first != 200) return false;
    const int second = conditional_put();
    (void)client_->Execute(MakeCall("probe conditional put", "DELETE", bucket_, key));
    return second == 412;
  }

  // A create-only Put without the server's help: HEAD (exists ->
  // kAlreadyExists), PUT (still with If-None-Match), HEAD again: if the object
  // is no longer the one written, another writer replaced it and this one lost
  // (kAlreadyExists, so the caller re-reads and uses the winner's object, as
  // after a 412). Two writers can still both win if one's whole HEAD-PUT-HEAD
  // falls between the other's first HEAD and its PUT; docs/s3.md says so.
  Result<ObjectHead> CheckedCreate(std::string_view key, ByteSource& body,
                                   const PutOptions& options) {
    const std::string context = "put " + S3Path(bucket_, key);
    Result<ObjectHead> before = Head(key);
    if (before.ok()) return MakeError(ErrorCode::kAlreadyExists, context, ": already exists");
    if (before.code() != ErrorCode::kNotFound) {
      return before.error();
    }
    DG_ASSIGN_OR_RETURN(ObjectHead put, PutOnce(key, body, options));
    Result<ObjectHead> after = Head(key);
    if (!after.ok()) return after.error().Wrap(context + ": checking the write");
    if (!put.etag.empty() && after->etag != put.etag) {
      return MakeError(ErrorCode::kAlreadyExists, context,
                       ": already exists (another writer replaced it)");
    }
    return put;
  }

  // Whether the object just written under `key` holds the bytes sent. moto and
  // some S3-compatible servers store a body that does not match its signed
  // x-amz-content-sha256; S3 answers the MD5 of what it stored as the ETag. An
  // ETag of that shape other than `sent_etag` is checked by reading the object
  // back (with encryption the ETag is no MD5): if its SHA256 is not `sha256` (or
  // it cannot be read), the object is deleted (If-Match its ETag: a later
  // writer's object stays) and the put fails with kUnavailable (sending it again
  // may work).
  Status VerifyStored(std::string_view key, const std::string& etag, const std::string& sent_etag,
                      const std::string& sha256) {
    if (etag == sent_etag || !IsMd5Etag(etag)) return OkStatus();
    HashingSink stored(Hasher::Algorithm::kSha256, nullptr);
    if (Get(key, stored).ok() && stored.HexDigest() == sha256) return OkStatus();
    Call remove = MakeCall("delete", "DELETE", bucket_, key);
    remove.headers.emplace_back("if-match", "\"" + etag + "\"");
    (void)client_->Execute(remove);
    return MakeError(ErrorCode::kUnavailable, "put ", S3Path(bucket_, key),
                     ": the body changed in transit (the server stored ETag ", etag,
                     ", the bytes sent have ", sent_etag, "); the object was deleted");
  }

  static ObjectHead PutHead(std::string_view key, uint64_t size, std::string etag,
                            const PutOptions& options) {
    ObjectHead head;
    head.key = std::string(key);
    head.size = size;
    head.etag = std::move(etag);
    head.last_modified = std::chrono::system_clock::now();
    head.content_type = options.content_type;
    head.metadata = options.metadata;
    return head;
  }

  // CreateMultipartUpload, UploadPart (parts read in order from `body`, at most
  // kPartsInFlight uploading at once), CompleteMultipartUpload (with
  // If-None-Match: * when create-only). Any failure after the upload was created
  // aborts it, so no parts are left behind. `size_hint` only sizes the parts.
  Result<ObjectHead> PutMultipart(std::string_view key, ByteSource& body, uint64_t size_hint,
                                  const PutOptions& options, const HeaderList& object_headers) {
    uint64_t part_size = client_->part_size();
    if (size_hint / part_size >= kMaxParts) {
      const uint64_t mib = 1ull << 20;
      part_size = ((size_hint / kMaxParts) / mib + 1) * mib;
    }
    Call create = MakeCall("put", "POST", bucket_, key);
    create.query = {{"uploads", ""}};
    create.headers = object_headers;
    DG_ASSIGN_OR_RETURN(HttpResponse created, client_->Execute(create));
    if (created.status != 200) return S3ResponseError("put", bucket_, key, created);
    const std::string context = "put " + S3Path(bucket_, key);
    auto document = ParseXml(created.body);
    const std::string upload_id = document.ok() ? document->ChildText("UploadId") : "";
    if (upload_id.empty()) {
      return MakeError(ErrorCode::kCorrupted, context,
                       ": CreateMultipartUpload answered without an UploadId");
    }

    Result<ObjectHead> result = UploadAndComplete(key, body, part_size, upload_id, options);
    if (result.ok()) return result;
    Call abort = MakeCall("put", "DELETE", bucket_, key);
    abort.query = {{"uploadId", upload_id}};
    Result<HttpResponse> aborted = client_->Execute(abort);
    if (!aborted.ok() ||
        (aborted->status != 204 && aborted->status != 200 && aborted->status != 404)) {
      const std::string why = aborted.ok()
                                  ? S3ResponseError("abort", bucket_, key, *aborted).message
                                  : aborted.error().message;
      return MakeError(result.code(), result.error().message, " (and aborting upload ", upload_id,
                       " failed: ", why, "; its parts stay until a lifecycle rule removes them)");
    }
    return result;
  }

  Result<ObjectHead> UploadAndComplete(std::string_view key, ByteSource& body, uint64_t part_size,
                                       const std::string& upload_id, const PutOptions& options) {
    const std::string context = "put " + S3Path(bucket_, key);
    std::deque<std::future<Result<std::string>>> in_flight;
    std::vector<std::string> etags;
    std::vector<std::string> part_md5s;
    Hasher sha256(Hasher::Algorithm::kSha256);
    std::optional<Error> failure;
    auto collect_oldest = [&] {
      Result<std::string> etag = in_flight.front().get();
      in_flight.pop_front();
      if (!etag.ok()) {
        if (!failure) failure = etag.error();
      } else {
        etags.push_back(std::move(etag).value());
      }
    };
    uint64_t total = 0;
    for (uint64_t number = 1; !failure; ++number) {
      auto part = std::make_shared<std::vector<std::byte>>(part_size);
      size_t filled = 0;
      while (filled < part_size) {
        Result<size_t> n = body.Read(std::span(part->data() + filled, part_size - filled));
        if (!n.ok()) {
          failure = n.error().Wrap(context + ": part " + std::to_string(number));
          break;
        }
        if (*n == 0) break;
        filled += *n;
      }
      if (failure || (filled == 0 && number > 1)) break;
      if (number > kMaxParts) {
        failure =
            MakeError(ErrorCode::kResourceExhausted, context, ": the body outgrew 10,000 parts");
        break;
      }
      part->resize(filled);
      total += filled;
      sha256.Update(*part);
      part_md5s.push_back(Md5Binary(CharsOf(*part)));
      if (in_flight.size() >= kPartsInFlight) collect_oldest();
      if (failure) break;
      in_flight.push_back(
          std::async(std::launch::async, [this, key = std::string(key), upload_id, number, part] {
            return UploadPart(key, upload_id, number, *part);
          }));
      if (filled < part_size) break;
    }
    while (!in_flight.empty()) collect_oldest();
    if (failure) return *failure;

    std::string xml = "<CompleteMultipartUpload xmlns=\"http://s3.amazonaws.com/doc/2006-03-01/\">";
    for (size_t i = 0; i < etags.size(); ++i) {
      xml += "<Part><PartNumber>" + std::to_string(i + 1) + "</PartNumber><ETag>" +
             XmlEscape(etags[i]) + "</ETag></Part>";
    }
    xml += "</CompleteMultipartUpload>";
    SpanSource xml_body(AsBytes(xml));
    Call complete = MakeCall("put", "POST", bucket_, key);
    complete.query = {{"uploadId", upload_id}};
    complete.headers.emplace_back("content-type", "application/xml");
    if (options.if_none_match) complete.headers.emplace_back("if-none-match", "*");
    complete.body = &xml_body;
    complete.body_size = xml.size();
    complete.payload_hash = Sha256HexOf(xml);
    DG_ASSIGN_OR_RETURN(HttpResponse response, client_->Execute(complete));
    if (response.status != 200) return S3ResponseError("put", bucket_, key, response);
    // S3 may answer 200 and still fail, with an <Error> document as the body.
    auto result = ParseXml(response.body);
    if (!result.ok()) return result.error().Wrap(context + ": CompleteMultipartUpload");
    if (result->name == "Error") {
      response.status = 500;
      return S3ResponseError("put", bucket_, key, response);
    }
    const std::string etag = StripQuotes(result->ChildText("ETag"));
    DG_RETURN_IF_ERROR(VerifyStored(key, etag, MultipartEtag(part_md5s), sha256.HexDigest()));
    return PutHead(key, total, etag, options);
  }

  // One part; returns its ETag as the server sent it (quoted).
  Result<std::string> UploadPart(const std::string& key, const std::string& upload_id,
                                 uint64_t number, const std::vector<std::byte>& part) {
    Call call = MakeCall("upload part", "PUT", bucket_, key);
    call.query = {{"partNumber", std::to_string(number)}, {"uploadId", upload_id}};
    SpanSource source(part);
    call.body = &source;
    call.body_size = part.size();
    call.payload_hash = Sha256HexOf(CharsOf(part));
    DG_ASSIGN_OR_RETURN(HttpResponse response, client_->Execute(call));
    if (response.status != 200) return S3ResponseError("upload part", bucket_, key, response);
    std::string etag = response.Header("etag");
    if (etag.empty()) {
      return MakeError(ErrorCode::kCorrupted, "upload part ", S3Path(bucket_, key), ": part ",
                       std::to_string(number), " answered without an ETag");
    }
    return etag;
  }

  std::shared_ptr<S3Client> client_;
  std::string bucket_;
  mutable std::once_flag probe_once_;
  mutable bool conditional_put_ = false;
};

class S3Storage final : public Storage {
 public:
  explicit S3Storage(std::shared_ptr<S3Client> client) : client_(std::move(client)) {}

  std::string Describe() const override {
    return "s3 endpoint " + client_->description() + " (region " + client_->region() + ")";
  }

  Result<std::unique_ptr<ObjectStore>> OpenBucket(std::string_view name) override {
    DG_RETURN_IF_ERROR(ValidateBucketName(name));
    return std::unique_ptr<ObjectStore>(
        std::make_unique<S3ObjectStore>(client_, std::string(name)));
  }

  Status CreateBucket(std::string_view name) override {
    DG_RETURN_IF_ERROR(ValidateBucketName(name));
    // us-east-1 answers 200 to re-creating one's own bucket, so ask first. (A
    // racing creator can still slip in between; then both succeed.)
    DG_ASSIGN_OR_RETURN(int status, client_->HeadBucket("create bucket", name));
    if (status == 200) {
      return MakeError(ErrorCode::kBucketAlreadyExists, "create bucket ", S3Path(name, ""),
                       ": already exists");
    }
    Call call = MakeCall("create bucket", "PUT", name, "");
    std::string configuration;
    std::optional<SpanSource> body;
    if (client_->region() != "us-east-1") {
      configuration =
          "<CreateBucketConfiguration xmlns=\"http://s3.amazonaws.com/doc/2006-03-01/\">"
          "<LocationConstraint>" +
          client_->region() + "</LocationConstraint></CreateBucketConfiguration>";
      body.emplace(AsBytes(configuration));
      call.body = &*body;
      call.body_size = configuration.size();
      call.payload_hash = Sha256HexOf(configuration);
      call.headers.emplace_back("content-type", "application/xml");
    }
    DG_ASSIGN_OR_RETURN(HttpResponse response, client_->Execute(call));
    if (response.status == 200) return OkStatus();
    return S3ResponseError("create bucket", name, "", response);
  }

  Status DeleteBucket(std::string_view name) override {
    DG_RETURN_IF_ERROR(ValidateBucketName(name));
    DG_ASSIGN_OR_RETURN(HttpResponse response,
                        client_->Execute(MakeCall("delete bucket", "DELETE", name, "")));
    if (response.status == 204 || response.status == 200) return OkStatus();
    return S3ResponseError("delete bucket", name, "", response);
  }

  Result<std::vector<BucketInfo>> ListBuckets() override {
    DG_ASSIGN_OR_RETURN(HttpResponse response,
                        client_->Execute(MakeCall("list buckets", "GET", "", "")));
    if (response.status != 200) return S3ResponseError("list buckets", "", "", response);
    auto buckets = ParseListBuckets(response.body);
    if (!buckets.ok()) return buckets.error().Wrap("list buckets " + client_->description());
    return buckets;
  }

 private:
  std::shared_ptr<S3Client> client_;
};

}  // namespace

std::string EncodeMetadataValue(std::string_view value) {
  const bool edge_space = !value.empty() && (value.front() == ' ' || value.back() == ' ');
  if (IsPrintableAscii(value) && !edge_space && !value.starts_with("=?")) {
    return std::string(value);
  }
  return "=?UTF-8?B?" + Base64Encode(value) + "?=";
}

std::string DecodeMetadataValue(std::string_view value) {
  if (!value.starts_with("=?")) return std::string(value);
  // One or more encoded words; the whitespace between two of them is dropped.
  std::string out;
  std::string_view rest = value;
  while (!rest.empty()) {
    const size_t end = rest.find("?=", 2);
    if (!rest.starts_with("=?") || end == std::string_view::npos) return std::string(value);
    // The encoded word ends at the "?=" after the third '?'.
    size_t q = 2;
    int marks = 0;
    size_t close = std::string_view::npos;
    for (; q + 1 < rest.size(); ++q) {
      if (rest[q] == '?') {
        if (marks == 2 && rest[q + 1] == '=') {
          close = q;
          break;
        }
        ++marks;
      }
    }
    if (close == std::string_view::npos) return std::string(value);
    if (!DecodeEncodedWord(rest.substr(0, close + 2), out)) return std::string(value);
    rest.remove_prefix(close + 2);
    while (!rest.empty() && (rest.front() == ' ' || rest.front() == '\t')) rest.remove_prefix(1);
  }
  return out;
}

Result<TimePoint> ParseHttpDate(std::string_view text) {
  // "Wed, 12 Oct 2009 17:50:00 GMT"
  static constexpr std::array<std::string_view, 12> kMonths = {
      "Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"};
  auto bad = [text] {
    return MakeError(ErrorCode::kCorrupted, "malformed HTTP date '", text.substr(0, 40), "'");
  };
  const size_t comma = text.find(", ");
  if (comma == std::string_view::npos) return bad();
  const std::string_view rest = text.substr(comma + 2);
  if (rest.size() != 24 || !rest.ends_with(" GMT")) return bad();
  auto number = [&rest](size_t at, size_t n, int& out) {
    const auto [end, ec] = std::from_chars(rest.data() + at, rest.data() + at + n, out);
    return ec == std::errc() && end == rest.data() + at + n;
  };
  int day = 0, year = 0, hour = 0, minute = 0, second = 0;
  const auto month = std::find(kMonths.begin(), kMonths.end(), rest.substr(3, 3));
  if (!number(0, 2, day) || rest[2] != ' ' || month == kMonths.end() || rest[6] != ' ' ||
      !number(7, 4, year) || rest[11] != ' ' || !number(12, 2, hour) || rest[14] != ':' ||
      !number(15, 2, minute) || rest[17] != ':' || !number(18, 2, second)) {
    return bad();
  }
  auto time = UtcTime(UtcFields{year, static_cast<int>(month - kMonths.begin()) + 1, day, hour,
                                minute, second});
  if (!time.ok()) return bad();
  return *time;
}

}  // namespace deltaglider::s3

namespace deltaglider {

Result<std::unique_ptr<Storage>> NewS3Storage(const S3Config& config) {
  const std::string url = config.endpoint_url.empty()
                              ? "https://s3." + config.region + ".amazonaws.com"
                              : config.endpoint_url;
  DG_ASSIGN_OR_RETURN(s3::Endpoint endpoint, s3::ParseEndpoint(url));
  if (config.region.empty()) {
    return MakeError(ErrorCode::kInvalidArgument, "S3 configuration: empty region");
  }
  if (!config.credentials &&
      config.access_key_id.empty() != config.secret_access_key.empty()) {
    return MakeError(ErrorCode::kInvalidArgument, "S3 configuration: ",
                     config.access_key_id.empty() ? "a secret access key without an access key id"
                                                  : "an access key id without a secret access key");
  }
  if (config.multipart_part_size < s3::kMinPartSize ||
      config.multipart_part_size > s3::kMaxPartSize) {
    return MakeError(ErrorCode::kInvalidArgument,
                     "S3 configuration: multipart part size must be 5 MiB to 5 GiB");
  }
  if (!config.sse.empty() && config.sse != "AES256" && config.sse != "aws:kms" &&
      config.sse != "aws:kms:dsse") {
    return MakeError(ErrorCode::kInvalidArgument, "S3 configuration: server-side encryption '",
                     config.sse, "': expected AES256, aws:kms or aws:kms:dsse");
  }
  if (!config.sse_kms_key_id.empty() && !config.sse.starts_with("aws:kms")) {
    return MakeError(ErrorCode::kInvalidArgument,
                     "S3 configuration: a KMS key id needs server-side encryption aws:kms");
  }
  if (!IsPrintableAscii(config.sse_kms_key_id)) {
    return MakeError(ErrorCode::kInvalidArgument, "S3 configuration: the KMS key id is not ASCII");
  }
  if (config.addressing_style == AddressingStyle::kVirtual && s3::IsIpHost(endpoint)) {
    return MakeError(
        ErrorCode::kInvalidArgument, "S3 configuration: virtual-host addressing needs ",
        "a host name, not the IP address in ", url, " (use path style, or http://localhost:PORT)");
  }
  auto client = std::make_shared<s3::S3Client>(std::move(endpoint), config);
  return std::unique_ptr<Storage>(std::make_unique<s3::S3Storage>(std::move(client)));
}

}  // namespace deltaglider
