#include "deltaglider/ports/object_store.h"

namespace deltaglider {

namespace {
constexpr std::string_view kNoSuchBucket = "no such bucket '";
}  // namespace

Error NoSuchBucket(std::string_view bucket) {
  return MakeError(ErrorCode::kNotFound, kNoSuchBucket, bucket, "'");
}

std::string CommonPrefixOf(std::string_view key, const ListOptions& options) {
  if (options.delimiter.empty()) return "";
  const size_t cut = key.find(options.delimiter, options.prefix.size());
  if (cut == std::string_view::npos) return "";
  return std::string(key.substr(0, cut + options.delimiter.size()));
}

bool IsNoSuchBucket(const Error& error) {
  return error.code == ErrorCode::kNotFound &&
         error.message.find(kNoSuchBucket) != std::string::npos;
}

}  // namespace deltaglider
