// Turns the user's endpoint choice into a Storage: `--endpoint-url`, else
// $AWS_ENDPOINT_URL_S3, else $AWS_ENDPOINT_URL, else the AWS profile's
// `endpoint_url`. `file:///abs/dir`, `file://rel/dir` and plain paths open a local
// directory store; http(s):// an S3 server (--addressing-style, --no-verify-ssl,
// --sse), with credentials from the AWS chain (CredentialProvider::FromChain in
// deltaglider/s3.h: environment, --profile / $AWS_PROFILE files with
// credential_process, container endpoint, EC2 metadata; none with
// --no-sign-request; temporary ones refreshed before expiry) in --region, else $AWS_REGION / $AWS_DEFAULT_REGION / the
// profile's region, else us-east-1.
#pragma once

#include <memory>
#include <string>

#include "deltaglider/ports/object_store.h"
#include "deltaglider/s3.h"

namespace deltaglider::cli {

// The global options only the S3 endpoint reads.
struct AwsOptions {
  std::string profile;  // --profile
  std::string region;   // --region
  bool no_sign_request = false;
  std::string addressing_style = "auto";  // --addressing-style auto|path|virtual
  bool no_verify_ssl = false;             // --no-verify-ssl
  std::string sse;                        // --sse AES256|aws:kms
  std::string sse_kms_key_id;             // --sse-kms-key-id
  int max_attempts = 0;                   // --max-attempts; 0: $AWS_MAX_ATTEMPTS, else 3
  std::string multipart_threshold;        // --multipart-threshold "8MB"; "": 8 MiB
  std::string multipart_chunksize;        // --multipart-chunksize "8MB"; "": 8 MiB
};

// "8388608", "8MB", "16MiB", "1GB", "512KB" -> bytes (KB/MB/GB count in 1024s, as
// the aws CLI does); kInvalidArgument naming `flag` otherwise.
Result<uint64_t> ParseByteSize(std::string_view flag, std::string_view text);

// Copies the S3 transport options (addressing style, TLS, server-side encryption,
// attempts, multipart sizes) from `aws` and the environment ($AWS_CA_BUNDLE,
// $AWS_MAX_ATTEMPTS) into `config`; kInvalidArgument for a bad addressing style,
// attempt count or size (S3Config's own checks run in NewS3Storage).
Status ApplyAwsOptions(const AwsOptions& aws, S3Config& config);

// The endpoint URL in effect ("" if none was given anywhere, or if the AWS
// profile cannot be read: OpenStorage then reports why).
std::string ResolveEndpointUrl(const std::string& flag, const AwsOptions& aws);

// kInvalidArgument when no endpoint is configured; kUnsupported for schemes this
// build cannot reach; the credential chain's errors for S3 endpoints.
Result<std::unique_ptr<Storage>> OpenStorage(const std::string& endpoint_url, const AwsOptions& aws);

// A presigned GET URL of the stored object `key` on the S3 endpoint `endpoint_url`
// (PresignS3GetUrl in deltaglider/s3.h); kUnsupported for a file:// store.
Result<std::string> PresignUrl(const std::string& endpoint_url, const AwsOptions& aws,
                               const std::string& bucket, const std::string& key,
                               int expires_seconds);

}  // namespace deltaglider::cli
