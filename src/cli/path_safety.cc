#include "cli/path_safety.h"

namespace deltaglider::cli {
namespace {

Error Unsafe(std::string_view relative, std::string_view why) {
  std::string shown(relative);
  for (char& c : shown) {
    if (c == '\0') c = '?';
  }
  return MakeError(ErrorCode::kInvalidArgument, "refusing to write '", shown,
                   "' outside the destination directory: ", why);
}

}  // namespace

Status CheckSafeRelativePath(std::string_view relative) {
  if (relative.empty()) return Unsafe(relative, "empty path");
  if (relative.find('\0') != std::string_view::npos)
    return Unsafe(relative, "NUL byte in the name");
  if (relative.find('\\') != std::string_view::npos)
    return Unsafe(relative, "backslash in the name");
  if (relative.front() == '/') return Unsafe(relative, "absolute path");
  size_t start = 0;
  while (start <= relative.size()) {
    size_t end = relative.find('/', start);
    if (end == std::string_view::npos) end = relative.size();
    const std::string_view segment = relative.substr(start, end - start);
    if (segment.empty()) return Unsafe(relative, "empty path segment");
    if (segment == "." || segment == "..") return Unsafe(relative, "'.' or '..' segment");
    start = end + 1;
  }
  return OkStatus();
}

}  // namespace deltaglider::cli
