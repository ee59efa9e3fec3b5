// How S3 answers become deltaglider Errors: the one mapping of error responses
// (status, <Code>) to ErrorCodes, which answers are worth retrying, and how
// messages name an object. Pure functions of a response; never retries or logs.
#pragma once

#include <string>
#include <string_view>

#include "adapters/s3/http_client.h"
#include "deltaglider/result.h"

namespace deltaglider::s3 {

// "s3://bucket/key" ("s3://bucket" for an empty key), as messages name objects.
std::string S3Path(std::string_view bucket, std::string_view key);

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

}  // namespace deltaglider::s3
