#include "cli/aws_options.h"

#include <charconv>

namespace deltaglider::cli {
namespace {

Result<AddressingStyle> ParseAddressingStyle(std::string_view text) {
  if (text == "auto") return AddressingStyle::kAuto;
  if (text == "path") return AddressingStyle::kPath;
  if (text == "virtual") return AddressingStyle::kVirtual;
  return MakeError(ErrorCode::kInvalidArgument, "--addressing-style '", text,
                   "': expected auto, path or virtual");
}

// "" -> 0 (the default); else ParseByteSize.
Result<uint64_t> OptionalByteSize(std::string_view flag, std::string_view text) {
  if (text.empty()) return uint64_t{0};
  return ParseByteSize(flag, text);
}

}  // namespace

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

Result<S3Access> ToS3Access(const AwsOptions& aws) {
  S3Access s3;
  s3.profile = aws.profile;
  s3.region = aws.region;
  s3.no_sign_request = aws.no_sign_request;
  DG_ASSIGN_OR_RETURN(s3.addressing_style, ParseAddressingStyle(aws.addressing_style));
  s3.verify_tls = !aws.no_verify_ssl;
  s3.sse = aws.sse;
  s3.sse_kms_key_id = aws.sse_kms_key_id;
  s3.max_attempts = aws.max_attempts;
  DG_ASSIGN_OR_RETURN(s3.multipart_threshold,
                      OptionalByteSize("--multipart-threshold", aws.multipart_threshold));
  DG_ASSIGN_OR_RETURN(s3.multipart_part_size,
                      OptionalByteSize("--multipart-chunksize", aws.multipart_chunksize));
  return s3;
}

}  // namespace deltaglider::cli
