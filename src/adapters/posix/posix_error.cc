#include "adapters/posix/posix_error.h"

#include <cerrno>
#include <cstring>
#include <string>

namespace deltaglider::posix {
namespace {

ErrorCode CodeFor(int err) {
  switch (err) {
    case ENOENT:
      return ErrorCode::kNotFound;
    case EEXIST:
    case ENOTEMPTY:
      return ErrorCode::kAlreadyExists;
    case EACCES:
    case EPERM:
    case EROFS:
      return ErrorCode::kPermissionDenied;
    case ENOSPC:
    case EDQUOT:
    case ENOMEM:
    case EMFILE:
    case ENFILE:
    case EFBIG:
      return ErrorCode::kResourceExhausted;
    case EINTR:
    case EAGAIN:
    case EBUSY:
      return ErrorCode::kUnavailable;
    case ENOTDIR:
    case EISDIR:
    case ENAMETOOLONG:
    case ELOOP:
    case EINVAL:
      return ErrorCode::kInvalidArgument;
    default:
      return ErrorCode::kIoError;
  }
}

}  // namespace

Error PosixError(std::string_view context, int err) {
  return MakeError(CodeFor(err), context, ": ", std::strerror(err));
}

}  // namespace deltaglider::posix
