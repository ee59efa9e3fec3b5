#include "client/endpoint.h"

#include <charconv>
#include <cstdlib>

#include "deltaglider/filesystem.h"
#include "deltaglider/s3.h"

namespace deltaglider {
namespace {

std::string Env(const char* name) {
  const char* value = std::getenv(name);
  return value != nullptr ? value : "";
}

// `attempts`, else $AWS_MAX_ATTEMPTS, else 0 (the S3 adapter's default).
Result<int> MaxAttempts(int attempts) {
  const std::string text = Env("AWS_MAX_ATTEMPTS");
  if (attempts != 0 || text.empty()) return attempts;
  if (std::from_chars(text.data(), text.data() + text.size(), attempts).ec != std::errc() ||
      attempts < 1) {
    return MakeError(ErrorCode::kInvalidArgument, "$AWS_MAX_ATTEMPTS '", text,
                     "': expected a whole number of at least 1");
  }
  return attempts;
}

CredentialOptions ChainOptions(const S3Access& s3) {
  CredentialOptions options;
  options.profile = s3.profile;
  options.no_sign_request = s3.no_sign_request;
  return options;
}

// An S3 endpoint's configuration with credentials and region from the AWS chain.
Result<S3Config> S3ConfigFor(const std::string& url, const S3Access& s3) {
  const CredentialOptions options = ChainOptions(s3);
  DG_ASSIGN_OR_RETURN(AwsSettings settings, ResolveSettings(options));
  // A provider, not a copy: temporary credentials are re-resolved before expiry.
  DG_ASSIGN_OR_RETURN(std::shared_ptr<CredentialProvider> credentials,
                      CredentialProvider::FromChain(options));
  S3Config config;
  config.endpoint_url = url;
  if (!s3.region.empty()) {
    config.region = s3.region;
  } else if (!settings.region.empty()) {
    config.region = settings.region;
  }
  config.credentials = std::move(credentials);
  config.addressing_style = s3.addressing_style;
  config.verify_tls = s3.verify_tls;
  config.sse = s3.sse;
  config.sse_kms_key_id = s3.sse_kms_key_id;
  config.ca_bundle = Env("AWS_CA_BUNDLE");
  DG_ASSIGN_OR_RETURN(const int attempts, MaxAttempts(s3.max_attempts));
  if (attempts != 0) config.max_attempts = attempts;
  if (s3.multipart_threshold != 0) config.multipart_threshold = s3.multipart_threshold;
  if (s3.multipart_part_size != 0) config.multipart_part_size = s3.multipart_part_size;
  return config;
}

bool IsS3Url(std::string_view url) {
  return url.starts_with("http://") || url.starts_with("https://");
}

Error NoEndpoint() {
  return MakeError(ErrorCode::kInvalidArgument,
                   "no endpoint: give the endpoint URL (the CLI's --endpoint-url) as "
                   "file:///path/to/dir for a local store or http(s)://host:port for an S3 "
                   "server, or set AWS_ENDPOINT_URL, or endpoint_url in the AWS profile");
}

}  // namespace

std::string ResolveEndpointUrl(const std::string& url, const S3Access& s3) {
  if (!url.empty()) return url;
  auto settings = ResolveSettings(ChainOptions(s3));
  return settings.ok() ? settings->endpoint_url : "";
}

Result<std::unique_ptr<Storage>> OpenStorage(const std::string& url, const S3Access& s3) {
  if (url.empty()) {
    // A profile that cannot be read explains itself better than "no endpoint".
    DG_RETURN_IF_ERROR(ResolveSettings(ChainOptions(s3)));
    return NoEndpoint();
  }
  if (IsS3Url(url)) {
    DG_ASSIGN_OR_RETURN(S3Config config, S3ConfigFor(url, s3));
    return NewS3Storage(config);
  }
  if (url.starts_with("file://")) {
    const std::string path = url.substr(7);
    if (path.empty())
      return MakeError(ErrorCode::kInvalidArgument, "endpoint ", url, " names no directory");
    return NewFilesystemStorage(path);
  }
  if (url.find("://") != std::string::npos) {
    return MakeError(ErrorCode::kUnsupported, "endpoint ", url, ": unknown scheme");
  }
  return NewFilesystemStorage(url);
}

Result<std::string> PresignUrl(const std::string& url, const S3Access& s3, std::string_view bucket,
                               std::string_view key, int expires_seconds) {
  if (url.empty()) return NoEndpoint();
  if (!IsS3Url(url)) {
    return MakeError(ErrorCode::kUnsupported, "presign: ", url,
                     " is a local directory store; presigned URLs need an S3 endpoint");
  }
  DG_ASSIGN_OR_RETURN(S3Config config, S3ConfigFor(url, s3));
  return PresignS3GetUrl(config, bucket, key, expires_seconds);
}

}  // namespace deltaglider
