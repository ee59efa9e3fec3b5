// S3Client: the one connection to an S3 endpoint that S3Storage and every store
// opened from it share: the endpoint and its addressing, the credentials (fixed,
// or asked of a CredentialProvider per request), the HTTP connection pool, and
// sending one request (a Call) SigV4-signed, retrying transient failures with
// backoff. It knows no S3 operation but HeadBucket and never maps a response to
// an error (callers do, through s3_errors.h). Immutable apart from the pool, so
// safe for concurrent use.
#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <string_view>

#include "adapters/s3/addressing.h"
#include "adapters/s3/http_client.h"
#include "adapters/s3/sigv4.h"
#include "deltaglider/result.h"
#include "deltaglider/s3.h"
#include "deltaglider/stream.h"

namespace deltaglider::s3 {

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

// A Call of `method` on `bucket`/`key`, without query, headers or body.
Call MakeCall(std::string_view op, std::string method, std::string_view bucket,
              std::string_view key);

class S3Client {
 public:
  S3Client(Endpoint endpoint, const S3Config& config);

  const std::string& description() const { return description_; }
  const std::string& region() const { return region_; }
  uint64_t multipart_threshold() const { return multipart_threshold_; }
  uint64_t part_size() const { return part_size_; }
  // x-amz-server-side-encryption[-aws-kms-key-id] for every object written.
  const HeaderList& encryption_headers() const { return encryption_headers_; }

  // Sends `call`, retrying transient failures; returns the final HTTP response,
  // whatever its status, or the transport/local error (with `op` context).
  Result<HttpResponse> Execute(const Call& call);

  // 200 if the bucket exists and is ours, else the status (404, 403, ...).
  Result<int> HeadBucket(std::string_view op, std::string_view bucket);

 private:
  // `call` as an HTTP request to `url`, with the Host header and, unless the
  // requests go unsigned, the SigV4 headers of the current credentials.
  Result<HttpRequest> SignedRequest(const Call& call, const RequestTarget& target,
                                    const std::string& url) const;

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

}  // namespace deltaglider::s3
