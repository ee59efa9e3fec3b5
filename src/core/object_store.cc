#include "deltaglider/ports/object_store.h"

#include <algorithm>
#include <cstdint>
#include <optional>

namespace deltaglider {

namespace {

// Passes on only the bytes of [offset, offset + length) of what is written.
class RangeSink final : public ByteSink {
 public:
  RangeSink(ByteSink& out, uint64_t offset, uint64_t length)
      : out_(out), begin_(offset), end_(length > UINT64_MAX - offset ? UINT64_MAX : offset + length) {}

  Status Write(std::span<const std::byte> data) override {
    const uint64_t start = position_;
    position_ += data.size();
    if (position_ <= begin_ || start >= end_) return OkStatus();
    const uint64_t from = std::max(start, begin_) - start;
    const uint64_t to = std::min(position_, end_) - start;
    return out_.Write(data.subspan(from, to - from));
  }

 private:
  ByteSink& out_;
  const uint64_t begin_;
  const uint64_t end_;
  uint64_t position_ = 0;
};
}  // namespace

Result<ObjectHead> ObjectStore::GetRange(std::string_view key, uint64_t offset, uint64_t length,
                                         ByteSink& sink) {
  RangeSink range(sink, offset, length);
  return Get(key, range);
}

Status ObjectStore::DeleteKeys(std::span<const std::string> keys) {
  std::optional<Error> first;
  size_t failed = 0;
  for (const std::string& key : keys) {
    Status deleted = Delete(key);
    if (deleted.ok()) continue;
    ++failed;
    if (!first) first = deleted.error();
  }
  if (!first) return OkStatus();
  if (failed == 1) return *first;
  return first->Wrap("deleting " + std::to_string(failed) + " of " +
                     std::to_string(keys.size()) + " keys failed, the first");
}

Status ObjectStore::CollectLitter(TimePoint, bool, const std::function<void(const Litter&)>&) {
  return OkStatus();
}

Result<ObjectHead> ObjectStore::CopyObject(std::string_view from, std::string_view to,
                                     const PutOptions&) {
  return MakeError(ErrorCode::kUnsupported, "copy ", from, " to ", to,
                   ": this store has no server-side copy");
}

Error NoSuchBucket(std::string_view bucket) {
  return MakeError(ErrorCode::kBucketNotFound, "no such bucket '", bucket, "'");
}

std::string CommonPrefixOf(std::string_view key, const ListOptions& options) {
  if (options.delimiter.empty()) return "";
  const size_t cut = key.find(options.delimiter, options.prefix.size());
  if (cut == std::string_view::npos) return "";
  return std::string(key.substr(0, cut + options.delimiter.size()));
}

}  // namespace deltaglider
