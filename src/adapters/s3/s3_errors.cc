#include "adapters/s3/s3_errors.h"

#include "adapters/s3/xml.h"
#include "deltaglider/ports/object_store.h"

namespace deltaglider::s3 {

std::string S3Path(std::string_view bucket, std::string_view key) {
  std::string out = "s3://";
  out.append(bucket);
  if (!key.empty()) out.append("/").append(key);
  return out;
}

bool IsRetryableStatus(int status) {
  return status == 429 || status == 500 || status == 502 || status == 503 || status == 504;
}

namespace {

// For the 403 codes that mean the credentials themselves were refused: what to
// check; "" for any other code (a real access denial).
std::string_view CredentialHint(std::string_view code) {
  if (code == "InvalidAccessKeyId") return " (check the access key id)";
  if (code == "SignatureDoesNotMatch") return " (check the secret key, the region and the clock)";
  if (code == "RequestTimeTooSkewed") return " (the local clock is off)";
  if (code == "ExpiredToken" || code == "TokenRefreshRequired") {
    return " (the session token expired: refresh the credentials)";
  }
  if (code == "InvalidToken") return " (check the session token)";
  return "";
}

}  // namespace

Error S3ResponseError(std::string_view op, std::string_view bucket, std::string_view key,
                      const HttpResponse& response) {
  S3ErrorBody body;
  if (!response.body.empty()) {
    if (auto parsed = ParseErrorBody(response.body); parsed.ok()) body = std::move(parsed).value();
  }
  const std::string context = std::string(op) + " " + S3Path(bucket, key);
  const int status = response.status;
  std::string detail = "HTTP " + std::to_string(status);
  if (!body.code.empty()) detail += " " + body.code;
  if (!body.message.empty()) detail += ": " + body.message;
  const std::string& code = body.code;

  if (status == 404 || code == "NoSuchBucket" || code == "NoSuchKey") {
    if (code == "NoSuchBucket" || (code.empty() && key.empty() && !bucket.empty())) {
      return NoSuchBucket(bucket).Wrap(context);
    }
    if (code.empty() || code == "NoSuchKey") {
      return MakeError(ErrorCode::kNotFound, context, ": no such key");
    }
    return MakeError(ErrorCode::kNotFound, context, ": ", detail);
  }
  if (status == 403) {
    if (std::string_view hint = CredentialHint(code); !hint.empty()) {
      return MakeError(ErrorCode::kUnauthenticated, context, ": credentials refused: ", detail,
                       hint);
    }
    return MakeError(ErrorCode::kPermissionDenied, context, ": access denied: ", detail);
  }
  if (status == 416) return MakeError(ErrorCode::kOutOfRange, context, ": ", detail);
  if (status == 412) return MakeError(ErrorCode::kAlreadyExists, context, ": already exists");
  if (status == 409) {
    if (code == "BucketAlreadyOwnedByYou" || code == "BucketAlreadyExists") {
      return MakeError(ErrorCode::kBucketAlreadyExists, context, ": already exists (", detail, ")");
    }
    if (code == "OperationAborted" || code == "ConditionalRequestConflict") {
      return MakeError(ErrorCode::kUnavailable, context, ": ", detail);
    }
    if (code == "BucketNotEmpty") {
      return MakeError(ErrorCode::kBucketNotEmpty, context, ": bucket not empty (", detail, ")");
    }
    return MakeError(ErrorCode::kFailedPrecondition, context, ": ", detail);
  }
  if (status == 301 || status == 307 || code == "PermanentRedirect" ||
      code == "AuthorizationHeaderMalformed") {
    return MakeError(ErrorCode::kFailedPrecondition, context, ": ", detail,
                     " (is the region right? the bucket lives elsewhere)");
  }
  if (IsRetryableStatus(status) || status >= 500 || code == "SlowDown") {
    return MakeError(ErrorCode::kUnavailable, context, ": ", detail);
  }
  if (code == "EntityTooLarge")
    return MakeError(ErrorCode::kResourceExhausted, context, ": ", detail);
  if (status >= 400 && status < 500) {
    return MakeError(ErrorCode::kInvalidArgument, context, ": ", detail);
  }
  return MakeError(ErrorCode::kIoError, context, ": unexpected response ", detail);
}

}  // namespace deltaglider::s3
