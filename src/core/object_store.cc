#include "deltaglider/ports/object_store.h"

namespace deltaglider {

namespace {
constexpr std::string_view kNoSuchBucket = "no such bucket '";
}  // namespace

Error NoSuchBucket(std::string_view bucket) {
  return MakeError(ErrorCode::kNotFound, kNoSuchBucket, bucket, "'");
}

bool IsNoSuchBucket(const Error& error) {
  return error.code == ErrorCode::kNotFound &&
         error.message.find(kNoSuchBucket) != std::string::npos;
}

}  // namespace deltaglider
