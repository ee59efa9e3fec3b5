// The CLI's S3 options as typed (`--addressing-style path`, `--multipart-threshold
// 16MB`), turned into the library's S3Access. Where the endpoint and credentials
// come from is the library's business (deltaglider/open.h).
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

#include "deltaglider/open.h"

namespace deltaglider::cli {

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

// kInvalidArgument naming the flag for a bad addressing style or size.
Result<S3Access> ToS3Access(const AwsOptions& aws);

}  // namespace deltaglider::cli
