#include "deltaglider/result.h"

namespace deltaglider {

std::string_view ErrorCodeName(ErrorCode code) {
  switch (code) {
    case ErrorCode::kOk: return "ok";
    case ErrorCode::kInvalidArgument: return "invalid argument";
    case ErrorCode::kNotFound: return "not found";
    case ErrorCode::kAlreadyExists: return "already exists";
    case ErrorCode::kFailedPrecondition: return "failed precondition";
    case ErrorCode::kCorrupted: return "corrupted";
    case ErrorCode::kUnavailable: return "unavailable";
    case ErrorCode::kPermissionDenied: return "permission denied";
    case ErrorCode::kUnsupported: return "unsupported";
    case ErrorCode::kResourceExhausted: return "resource exhausted";
    case ErrorCode::kIoError: return "i/o error";
    case ErrorCode::kInternal: return "internal error";
    case ErrorCode::kUnauthenticated:
      return "unauthenticated";
    case ErrorCode::kBucketNotFound:
      return "bucket not found";
    case ErrorCode::kBucketAlreadyExists:
      return "bucket already exists";
    case ErrorCode::kBucketNotEmpty:
      return "bucket not empty";
    case ErrorCode::kOutOfRange:
      return "out of range";
    case ErrorCode::kCancelled:
      return "cancelled";
  }
  return "unknown";
}

S3ErrorInfo S3ErrorOf(ErrorCode code) {
  switch (code) {
    case ErrorCode::kOk:
      return {"", 200};
    case ErrorCode::kInvalidArgument:
      return {"InvalidArgument", 400};
    case ErrorCode::kNotFound:
      return {"NoSuchKey", 404};
    case ErrorCode::kAlreadyExists:
      return {"PreconditionFailed", 412};
    case ErrorCode::kFailedPrecondition:
      return {"InvalidRequest", 409};
    case ErrorCode::kCorrupted:
      return {"InvalidObjectState", 403};
    case ErrorCode::kUnavailable:
      return {"ServiceUnavailable", 503};
    case ErrorCode::kPermissionDenied:
      return {"AccessDenied", 403};
    case ErrorCode::kUnsupported:
      return {"NotImplemented", 501};
    case ErrorCode::kResourceExhausted:
      return {"SlowDown", 503};
    case ErrorCode::kIoError:
      return {"InternalError", 500};
    case ErrorCode::kInternal:
      return {"InternalError", 500};
    case ErrorCode::kUnauthenticated:
      return {"InvalidAccessKeyId", 403};
    case ErrorCode::kBucketNotFound:
      return {"NoSuchBucket", 404};
    case ErrorCode::kBucketAlreadyExists:
      return {"BucketAlreadyOwnedByYou", 409};
    case ErrorCode::kBucketNotEmpty:
      return {"BucketNotEmpty", 409};
    case ErrorCode::kOutOfRange:
      return {"InvalidRange", 416};
    case ErrorCode::kCancelled:
      return {"RequestCanceled", 499};
  }
  return {"InternalError", 500};
}

Error Error::Wrap(std::string_view context) const {
  std::string wrapped(context);
  wrapped.append(": ").append(message);
  return Error{code, std::move(wrapped)};
}

}  // namespace deltaglider
