// S3ObjectStore / S3Storage internals that deserve their own unit tests: the
// mapping of S3 error responses to deltaglider Errors (one function), metadata
// value encoding, endpoint parsing and HTTP dates. The adapters themselves are
// reached through NewS3Storage (include/deltaglider/s3.h).
#pragma once

#include <string>
#include <string_view>

#include "adapters/s3/http_client.h"
#include "deltaglider/result.h"
#include "deltaglider/s3.h"
#include "deltaglider/types.h"

namespace deltaglider::s3 {

// The one place where S3 error responses become deltaglider Errors. `op` names
// the operation ("get", "put", "delete bucket"), `key` may be empty for bucket
// operations. Message: "get s3://b/k: no such key", "put s3://b/k: HTTP 503
// SlowDown: Please reduce your request rate".
//   404 NoSuchBucket (or a bucket operation's bare 404) -> NoSuchBucket(bucket)
//   404 otherwise                  -> kNotFound "...: no such key"
//   403 InvalidAccessKeyId, SignatureDoesNotMatch, RequestTimeTooSkewed,
//       ExpiredToken, TokenRefreshRequired, InvalidToken -> kUnauthenticated (with a hint)
//   403 otherwise                  -> kPermissionDenied
//   409 BucketNotEmpty             -> kBucketNotEmpty
//   409 BucketAlreadyOwnedByYou / BucketAlreadyExists -> kBucketAlreadyExists
//   409 OperationAborted / ConditionalRequestConflict -> kUnavailable
//   412 (If-None-Match lost)       -> kAlreadyExists "...: already exists"
//   416 InvalidRange               -> kOutOfRange
//   301/307 redirects              -> kFailedPrecondition (hint: region)
//   429, 5xx, SlowDown             -> kUnavailable
//   other 4xx                      -> kInvalidArgument
Error S3ResponseError(std::string_view op, std::string_view bucket, std::string_view key,
                      const HttpResponse& response);

// True for responses worth retrying: 429, 500, 502, 503, 504.
bool IsRetryableStatus(int status);

// Metadata values as sent on the wire (see include/deltaglider/s3.h): printable
// ASCII passes unchanged; anything else becomes "=?UTF-8?B?<base64>?=".
std::string EncodeMetadataValue(std::string_view value);
// Decodes one or more RFC 2047 encoded words (B or Q, charset UTF-8 or US-ASCII);
// anything else is returned unchanged.
std::string DecodeMetadataValue(std::string_view value);

// "http://127.0.0.1:9000/base" -> scheme "http", authority "127.0.0.1:9000",
// base_path "/base" (no trailing '/'). kInvalidArgument for anything but an
// http(s) URL with a host and no query, fragment or user info.
struct Endpoint {
  std::string scheme;
  std::string authority;
  std::string base_path;
};
Result<Endpoint> ParseEndpoint(std::string_view url);

// True when the endpoint's host is an IPv4 or IPv6 literal.
bool IsIpHost(const Endpoint& endpoint);

// Whether requests for `bucket` go virtual-host style under `style` (see
// AddressingStyle in deltaglider/s3.h). Requests without a bucket (ListBuckets)
// always go to the endpoint itself.
bool UseVirtualHost(AddressingStyle style, const Endpoint& endpoint, std::string_view bucket);

// Where one request goes: `url` complete and encoded, `host` for the Host header
// (and the signature), `raw_path` unencoded for SigV4's canonical URI.
struct RequestTarget {
  std::string url;
  std::string host;
  std::string raw_path;
};
// Path style: scheme://authority/base/bucket/key; virtual host:
// scheme://bucket.authority/base/key. The query is not included.
RequestTarget TargetOf(const Endpoint& endpoint, bool virtual_host, std::string_view bucket,
                       std::string_view key);

// RFC 7231 IMF-fixdate ("Wed, 12 Oct 2009 17:50:00 GMT"); kCorrupted if malformed.
Result<TimePoint> ParseHttpDate(std::string_view text);

}  // namespace deltaglider::s3
