// Endpoint: turns an endpoint URL and S3Access into a Storage. `file:///abs/dir`,
// `file://rel/dir` and plain paths open a local directory store; http(s):// an S3
// server, with credentials from the AWS chain (CredentialProvider::FromChain in
// deltaglider/s3.h: environment, profile files with credential_process, container
// endpoint, EC2 metadata; none with no_sign_request; temporary ones refreshed
// before expiry) and the region from S3Access, else $AWS_REGION /
// $AWS_DEFAULT_REGION / the profile's, else us-east-1. Never parses a command line.
#pragma once

#include <memory>
#include <string>

#include "deltaglider/open.h"

namespace deltaglider {

// The endpoint URL in effect: `url`, else $AWS_ENDPOINT_URL_S3, $AWS_ENDPOINT_URL
// or the AWS profile's endpoint_url ("" if none, or if the profile cannot be
// read: OpenStorage then reports why).
std::string ResolveEndpointUrl(const std::string& url, const S3Access& s3);

// kInvalidArgument when `url` is empty or names no directory; kUnsupported for
// schemes this build cannot reach; the credential chain's errors for S3.
Result<std::unique_ptr<Storage>> OpenStorage(const std::string& url, const S3Access& s3);

// A presigned GET URL of `key` on the S3 endpoint `url` (PresignS3GetUrl);
// kUnsupported for a local directory store.
Result<std::string> PresignUrl(const std::string& url, const S3Access& s3, std::string_view bucket,
                               std::string_view key, int expires_seconds);

}  // namespace deltaglider
