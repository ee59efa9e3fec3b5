#include "cli/endpoint.h"

#include <charconv>
#include <cstdlib>

#include "deltaglider/filesystem.h"
#include "deltaglider/s3.h"

namespace deltaglider::cli {
namespace {

std::string Env(const char* name) {
  const char* value = std::getenv(name);
  return value != nullptr ? value : "";
}

Status ApplyRetriesAndMultipart(const AwsOptions& aws, S3Config& config) {
  int attempts = aws.max_attempts;
  if (attempts == 0 && !Env("AWS_MAX_ATTEMPTS").empty()) {
    const std::string text = Env("AWS_MAX_ATTEMPTS");
    if (std::from_chars(text.data(), text.data() + text.size(), attempts).ec != std::errc() ||
        attempts < 1) {
      return MakeError(ErrorCode::kInvalidArgument, "$AWS_MAX_ATTEMPTS '", text,
                       "': expected a whole number of at least 1");
    }
  }
  if (attempts != 0) config.max_attempts = attempts;
  if (!aws.multipart_threshold.empty()) {
    DG_ASSIGN_OR_RETURN(config.multipart_threshold,
                        ParseByteSize("--multipart-threshold", aws.multipart_threshold));
  }
  if (!aws.multipart_chunksize.empty()) {
    DG_ASSIGN_OR_RETURN(config.multipart_part_size,
                        ParseByteSize("--multipart-chunksize", aws.multipart_chunksize));
  }
  return OkStatus();
}

CredentialOptions ChainOptions(const AwsOptions& aws) {
  CredentialOptions options;
  options.profile = aws.profile;
  options.no_sign_request = aws.no_sign_request;
  return options;
}

// An S3 endpoint's configuration with credentials and region from the AWS chain.
Result<S3Config> S3ConfigFor(const std::string& url, const AwsOptions& aws) {
  const CredentialOptions options = ChainOptions(aws);
  DG_ASSIGN_OR_RETURN(AwsSettings settings, ResolveSettings(options));
  // A provider, not a copy: temporary credentials are re-resolved before expiry.
  DG_ASSIGN_OR_RETURN(std::shared_ptr<CredentialProvider> credentials,
                      CredentialProvider::FromChain(options));
  S3Config config;
  config.endpoint_url = url;
  if (!aws.region.empty()) {
    config.region = aws.region;
  } else if (!settings.region.empty()) {
    config.region = settings.region;
  }
  config.credentials = std::move(credentials);
  DG_RETURN_IF_ERROR(ApplyAwsOptions(aws, config));
  return config;
}

bool IsS3Url(std::string_view url) {
  return url.starts_with("http://") || url.starts_with("https://");
}

Error NoEndpoint() {
  return MakeError(ErrorCode::kInvalidArgument,
                   "no endpoint: pass --endpoint-url file:///path/to/dir for a local store or "
                   "http(s)://host:port for an S3 server (or set AWS_ENDPOINT_URL, or "
                   "endpoint_url in the AWS profile)");
}

}  // namespace

Status ApplyAwsOptions(const AwsOptions& aws, S3Config& config) {
  if (aws.addressing_style == "auto") {
    config.addressing_style = AddressingStyle::kAuto;
  } else if (aws.addressing_style == "path") {
    config.addressing_style = AddressingStyle::kPath;
  } else if (aws.addressing_style == "virtual") {
    config.addressing_style = AddressingStyle::kVirtual;
  } else {
    return MakeError(ErrorCode::kInvalidArgument, "--addressing-style '", aws.addressing_style,
                     "': expected auto, path or virtual");
  }
  config.verify_tls = !aws.no_verify_ssl;
  config.sse = aws.sse;
  config.sse_kms_key_id = aws.sse_kms_key_id;
  config.ca_bundle = Env("AWS_CA_BUNDLE");
  DG_RETURN_IF_ERROR(ApplyRetriesAndMultipart(aws, config));
  return OkStatus();
}

Result<uint64_t> ParseByteSize(std::string_view flag, std::string_view text) {
  uint64_t number = 0;
  const auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), number);
  std::string_view unit = text.substr(static_cast<size_t>(end - text.data()));
  static constexpr std::pair<std::string_view, int> kUnits[] = {
      {"", 0}, {"B", 0}, {"KB", 10}, {"KiB", 10}, {"MB", 20}, {"MiB", 20}, {"GB", 30}, {"GiB", 30}};
  for (const auto& [name, shift] : kUnits) {
    if (ec != std::errc() || unit != name) continue;
    if (number > (UINT64_MAX >> shift)) break;
    return number << shift;
  }
  return MakeError(ErrorCode::kInvalidArgument, flag, " '", text,
                   "': expected a size such as 8388608, 8MB or 1GB");
}

std::string ResolveEndpointUrl(const std::string& flag, const AwsOptions& aws) {
  if (!flag.empty()) return flag;
  auto settings = ResolveSettings(ChainOptions(aws));
  return settings.ok() ? settings->endpoint_url : "";
}

Result<std::unique_ptr<Storage>> OpenStorage(const std::string& endpoint_url, const AwsOptions& aws) {
  if (endpoint_url.empty()) {
    // A profile that cannot be read explains itself better than "no endpoint".
    DG_RETURN_IF_ERROR(ResolveSettings(ChainOptions(aws)));
    return NoEndpoint();
  }
  const std::string_view url = endpoint_url;
  if (IsS3Url(url)) {
    DG_ASSIGN_OR_RETURN(S3Config config, S3ConfigFor(endpoint_url, aws));
    return NewS3Storage(config);
  }
  if (url.starts_with("file://")) {
    std::string path(url.substr(7));
    if (path.empty())
      return MakeError(ErrorCode::kInvalidArgument, "endpoint ", url, " names no directory");
    return NewFilesystemStorage(path);
  }
  if (url.find("://") != std::string_view::npos) {
    return MakeError(ErrorCode::kUnsupported, "endpoint ", url, ": unknown scheme");
  }
  return NewFilesystemStorage(endpoint_url);
}

Result<std::string> PresignUrl(const std::string& endpoint_url, const AwsOptions& aws,
                               const std::string& bucket, const std::string& key,
                               int expires_seconds) {
  if (endpoint_url.empty()) return NoEndpoint();
  if (!IsS3Url(endpoint_url)) {
    return MakeError(ErrorCode::kUnsupported, "presign: ", endpoint_url,
                     " is a local directory store; presigned URLs need an S3 endpoint");
  }
  DG_ASSIGN_OR_RETURN(S3Config config, S3ConfigFor(endpoint_url, aws));
  return PresignS3GetUrl(config, bucket, key, expires_seconds);
}

}  // namespace deltaglider::cli
