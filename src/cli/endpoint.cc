#include "cli/endpoint.h"

#include <cstdlib>

#include "deltaglider/filesystem.h"

namespace deltaglider::cli {
namespace {

std::string Env(const char* name) {
  const char* value = std::getenv(name);
  return value != nullptr ? value : "";
}

}  // namespace

std::string ResolveEndpointUrl(const std::string& flag) {
  if (!flag.empty()) return flag;
  for (const char* name : {"AWS_ENDPOINT_URL_S3", "AWS_ENDPOINT_URL"}) {
    if (std::string value = Env(name); !value.empty()) return value;
  }
  return "";
}

Result<std::unique_ptr<Storage>> OpenStorage(const std::string& endpoint_url) {
  if (endpoint_url.empty()) {
    return MakeError(ErrorCode::kInvalidArgument,
                     "no endpoint: pass --endpoint-url file:///path/to/dir to use a local "
                     "directory as the store (or set AWS_ENDPOINT_URL)");
  }
  const std::string_view url = endpoint_url;
  if (url.starts_with("http://") || url.starts_with("https://")) {
    return MakeError(ErrorCode::kUnsupported, "endpoint ", url,
                     ": S3 endpoints are not supported by this build yet; use file://DIR");
  }
  if (url.starts_with("file://")) {
    std::string path(url.substr(7));
    if (path.empty()) return MakeError(ErrorCode::kInvalidArgument, "endpoint ", url, " names no directory");
    return NewFilesystemStorage(path);
  }
  if (url.find("://") != std::string_view::npos) {
    return MakeError(ErrorCode::kUnsupported, "endpoint ", url, ": unknown scheme");
  }
  return NewFilesystemStorage(endpoint_url);
}

}  // namespace deltaglider::cli
