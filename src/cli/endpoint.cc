#include "cli/endpoint.h"

#include <cstdlib>

#include "deltaglider/filesystem.h"
#include "deltaglider/s3.h"

namespace deltaglider::cli {
namespace {

std::string Env(const char* name) {
  const char* value = std::getenv(name);
  return value != nullptr ? value : "";
}

// An S3 endpoint with credentials and region from the standard AWS variables.
Result<std::unique_ptr<Storage>> OpenS3(const std::string& url) {
  S3Config config;
  config.endpoint_url = url;
  for (const char* name : {"AWS_REGION", "AWS_DEFAULT_REGION"}) {
    if (std::string region = Env(name); !region.empty()) {
      config.region = region;
      break;
    }
  }
  config.access_key_id = Env("AWS_ACCESS_KEY_ID");
  config.secret_access_key = Env("AWS_SECRET_ACCESS_KEY");
  config.session_token = Env("AWS_SESSION_TOKEN");
  config.ca_bundle = Env("AWS_CA_BUNDLE");
  return NewS3Storage(config);
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
                     "no endpoint: pass --endpoint-url file:///path/to/dir for a local store or "
                     "http(s)://host:port for an S3 server (or set AWS_ENDPOINT_URL)");
  }
  const std::string_view url = endpoint_url;
  if (url.starts_with("http://") || url.starts_with("https://")) return OpenS3(endpoint_url);
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
