// Result<T> and Status: how every deltaglider library call reports failure.
//
// An Error carries a canonical ErrorCode that tells the caller what to do
// (kUnavailable: retry; kCorrupted: never retry, the data is bad) and a one-line
// message, context first, then the native cause:
//   "get s3://b/k.delta: reference b/reference.bin: sha256 mismatch".
// Exceptions never cross the public API; these types are the error channel.
#pragma once

#include <cassert>
#include <optional>
#include <string>
#include <string_view>
#include <type_traits>
#include <utility>
#include <variant>

namespace deltaglider {

// Stable numbering: codes are only ever added.
enum class ErrorCode {
  kOk = 0,
  kInvalidArgument = 1,       // the caller asked for something malformed; fix the call
  kNotFound = 2,              // object, bucket, reference or file does not exist
  kAlreadyExists = 3,         // a create-only write lost against an existing object
  kFailedPrecondition = 4,    // the state must be fixed first (bucket not empty, ...)
  kCorrupted = 5,             // integrity check failed; retrying will not help
  kUnavailable = 6,           // transient; retrying may succeed
  kPermissionDenied = 7,      // not allowed to read or write
  kUnsupported = 8,           // unknown codec, format or feature
  kResourceExhausted = 9,     // disk full, quota, too large
  kIoError = 10,              // local I/O failed for another reason
  kInternal = 11,             // a bug: an invariant did not hold
  kUnauthenticated = 12,      // the credentials were refused (unknown key, bad signature, expired)
  kBucketNotFound = 13,       // the bucket does not exist (kNotFound is for keys and files)
  kBucketAlreadyExists = 14,  // creating a bucket that exists
  kBucketNotEmpty = 15,       // removing a bucket that still holds objects
  kOutOfRange = 16,           // a byte range that starts past the end of the object
  kCancelled = 17,            // the caller stopped it (an observer said so: Ctrl-C)
};

std::string_view ErrorCodeName(ErrorCode code);

// What an S3 front end (the gateway, a boto3-shaped client) answers for an
// error code: S3's error code and HTTP status, one pair per ErrorCode except
// that kIoError and kInternal both answer InternalError (docs/errors.md).
struct S3ErrorInfo {
  std::string_view code;  // "NoSuchKey"
  int http_status = 500;
};
S3ErrorInfo S3ErrorOf(ErrorCode code);

struct Error {
  ErrorCode code = ErrorCode::kInternal;
  std::string message;

  // Returns this error with `context` put in front: "context: message".
  [[nodiscard]] Error Wrap(std::string_view context) const;
};

// Status: success or an Error.
class [[nodiscard]] Status {
 public:
  Status() = default;
  Status(Error error) : error_(std::move(error)) {}  // NOLINT: implicit by design

  bool ok() const { return !error_.has_value(); }
  explicit operator bool() const { return ok(); }
  const Error& error() const {
    assert(!ok());
    return *error_;
  }
  ErrorCode code() const { return ok() ? ErrorCode::kOk : error_->code; }
  // The error's message, or "ok".
  std::string message() const { return ok() ? "ok" : error_->message; }

 private:
  std::optional<Error> error_;
};

inline Status OkStatus() { return Status(); }

// Result<T>: a T or an Error, shaped like std::expected<T, Error>.
template <typename T>
class [[nodiscard]] Result {
  static_assert(!std::is_same_v<T, Error>, "Result<Error> is ambiguous");

 public:
  Result(T value) : v_(std::in_place_index<0>, std::move(value)) {}  // NOLINT
  Result(Error error) : v_(std::in_place_index<1>, std::move(error)) {}  // NOLINT
  // Converts a failed Status; must not be called with an ok Status.
  Result(const Status& status) : v_(std::in_place_index<1>, status.error()) {}  // NOLINT

  bool ok() const { return v_.index() == 0; }
  explicit operator bool() const { return ok(); }

  T& value() & {
    assert(ok());
    return std::get<0>(v_);
  }
  const T& value() const& {
    assert(ok());
    return std::get<0>(v_);
  }
  T&& value() && {
    assert(ok());
    return std::get<0>(std::move(v_));
  }
  T& operator*() & { return value(); }
  const T& operator*() const& { return value(); }
  T* operator->() { return &value(); }
  const T* operator->() const { return &value(); }

  const Error& error() const {
    assert(!ok());
    return std::get<1>(v_);
  }
  ErrorCode code() const { return ok() ? ErrorCode::kOk : error().code; }
  Status status() const { return ok() ? Status() : Status(error()); }

 private:
  std::variant<T, Error> v_;
};

// Shorthand constructors: MakeError(ErrorCode::kNotFound, "get ", key, ": no such key").
template <typename... Parts>
Error MakeError(ErrorCode code, const Parts&... parts) {
  std::string message;
  (message.append(std::string_view(parts)), ...);
  return Error{code, std::move(message)};
}

namespace internal {
inline Status ToStatus(const Status& s) { return s; }
template <typename T>
Status ToStatus(const Result<T>& r) {
  return r.status();
}
}  // namespace internal

}  // namespace deltaglider

#define DG_CONCAT_INNER_(a, b) a##b
#define DG_CONCAT_(a, b) DG_CONCAT_INNER_(a, b)

// Returns from the enclosing function if `expr` (a Status or Result) failed.
#define DG_RETURN_IF_ERROR(expr)                                        \
  do {                                                                  \
    auto dg_status_ = ::deltaglider::internal::ToStatus((expr));        \
    if (!dg_status_.ok()) return dg_status_.error();                    \
  } while (false)

// DG_ASSIGN_OR_RETURN(auto x, MakeX()); declares x from a Result or returns its error.
#define DG_ASSIGN_OR_RETURN(lhs, expr) \
  DG_ASSIGN_OR_RETURN_IMPL_(DG_CONCAT_(dg_result_, __LINE__), lhs, expr)
#define DG_ASSIGN_OR_RETURN_IMPL_(tmp, lhs, expr) \
  auto tmp = (expr);                              \
  if (!tmp.ok()) return tmp.error();              \
  lhs = std::move(tmp).value()
