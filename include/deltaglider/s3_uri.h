// S3 URIs as users type them: "s3://bucket", "s3://bucket/", "s3://bucket/dir/",
// "s3://bucket/dir/file.zip". Pure parsing; no store access.
#pragma once

#include <string>
#include <string_view>

#include "deltaglider/result.h"

namespace deltaglider {

struct S3Uri {
  std::string bucket;
  std::string key;  // may be empty or end with "/" (a directory)

  bool IsDirectory() const { return key.empty() || key.back() == '/'; }
  std::string ToString() const { return "s3://" + bucket + "/" + key; }
};

bool LooksLikeS3Uri(std::string_view text);

// kInvalidArgument for anything that is not s3://BUCKET[/KEY].
Result<S3Uri> ParseS3Uri(std::string_view text);

}  // namespace deltaglider
