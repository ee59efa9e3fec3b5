#include "deltaglider/s3_uri.h"

namespace deltaglider {

bool LooksLikeS3Uri(std::string_view text) { return text.starts_with("s3://"); }

Result<S3Uri> ParseS3Uri(std::string_view text) {
  if (!LooksLikeS3Uri(text)) {
    return MakeError(ErrorCode::kInvalidArgument, "'", text, "' is not an s3://bucket/key URI");
  }
  std::string_view rest = text.substr(5);
  const size_t slash = rest.find('/');
  S3Uri uri;
  uri.bucket = std::string(rest.substr(0, slash));
  if (slash != std::string_view::npos) uri.key = std::string(rest.substr(slash + 1));
  if (uri.bucket.empty()) {
    return MakeError(ErrorCode::kInvalidArgument, "'", text, "' names no bucket");
  }
  return uri;
}

}  // namespace deltaglider
