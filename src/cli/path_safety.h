// Whether a store key may become a file under a local destination directory
// (cp -r / mv -r / sync from a store to the disk). A key is written only as a
// path *relative* to the destination, so it must not be able to climb out of it
// or mean something else on another OS. Pure: never touches the disk.
#pragma once

#include <string_view>

#include "deltaglider/result.h"

namespace deltaglider::cli {

// OkStatus for "dir/a b/é.zip". kInvalidArgument naming the reason for: an empty
// path, an absolute path ("/etc/x"), a NUL byte, a backslash (a separator on
// Windows: "..\\x"), an empty, "." or ".." segment ("a//b", "./a", "a/../../x").
Status CheckSafeRelativePath(std::string_view relative);

}  // namespace deltaglider::cli
