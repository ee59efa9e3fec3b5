// S3Storage / S3ObjectStore: Storage and ObjectStore over the S3 REST API, the
// ports' S3 implementation composed of s3_client.h (signed, retried requests),
// multipart_upload.h (large bodies), header_values.h, xml.h and s3_errors.h.
// One S3Client (endpoint, credentials, HTTP connection pool) is shared by the
// Storage and every store opened from it; it is immutable apart from the pool, so
// all of them are safe for concurrent use.
#include <algorithm>
#include <charconv>
#include <cstdio>
#include <mutex>
#include <optional>
#include <random>

#include "adapters/s3/addressing.h"
#include "adapters/s3/header_values.h"
#include "adapters/s3/multipart_upload.h"
#include "adapters/s3/s3_client.h"
#include "adapters/s3/s3_errors.h"
#include "adapters/s3/sigv4.h"
#include "adapters/s3/stored_etag.h"
#include "adapters/s3/xml.h"
#include "core/hash.h"
#include "deltaglider/s3.h"
#include "util/text.h"

namespace deltaglider::s3 {
namespace {

constexpr size_t kMaxKeyBytes = 1024;
// A source that cannot rewind is buffered in memory for the hash pass; S3 takes
// at most 5 GiB in one PutObject.
constexpr uint64_t kMaxSinglePut = 5ull << 30;
constexpr std::string_view kMetaPrefix = "x-amz-meta-";
constexpr size_t kDeleteBatch = 1000;  // DeleteObjects' limit
// Where the conditional-write probe puts (and deletes) its key.
constexpr std::string_view kProbePrefix = ".deltaglider/probe/conditional-put-";

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
      if (!IsHttpToken(name)) {
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

  // A multipart upload (multipart_upload.h), its result checked like a PutObject's.
  Result<ObjectHead> PutMultipart(std::string_view key, ByteSource& body, uint64_t size_hint,
                                  const PutOptions& options, const HeaderList& object_headers) {
    MultipartUploader upload(*client_, bucket_, key, object_headers, options.if_none_match);
    auto verify = [&](const StoredUpload& stored) {
      return VerifyStored(key, stored.etag, stored.sent_etag, stored.sha256);
    };
    DG_ASSIGN_OR_RETURN(StoredUpload stored, upload.Put(body, size_hint, verify));
    return PutHead(key, stored.size, std::move(stored.etag), options);
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
