// PosixError: the one place where adapters that use the POSIX API turn an errno into an
// ErrorCode. It only classifies; it must never retry, log or touch the filesystem.
#pragma once

#include <string_view>

#include "deltaglider/result.h"

namespace deltaglider::posix {

// "context: strerror(err)" with the code that tells the caller what to do:
// ENOSPC/EDQUOT/ENOMEM/EMFILE -> kResourceExhausted, EACCES/EPERM/EROFS ->
// kPermissionDenied, ENOENT -> kNotFound, EINTR/EAGAIN -> kUnavailable, ...
Error PosixError(std::string_view context, int err);

}  // namespace deltaglider::posix
