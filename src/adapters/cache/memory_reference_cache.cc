// MemoryReferenceCache: a ReferenceCache held in process memory for the life of
// the object (tests, SDK embedding). Safe for concurrent use; it must never keep
// bytes that do not hash to their key.
#include <map>
#include <mutex>
#include <string>
#include <vector>

#include "core/hash.h"
#include "deltaglider/cache.h"

namespace deltaglider {
namespace {

class MemoryReferenceCache final : public ReferenceCache {
 public:
  Result<std::shared_ptr<const Blob>> Find(std::string_view sha256_hex) override {
    std::lock_guard lock(mu_);
    auto it = entries_.find(sha256_hex);
    if (it == entries_.end()) {
      return MakeError(ErrorCode::kNotFound, "reference ", sha256_hex, " is not cached");
    }
    return it->second;
  }

  Result<std::shared_ptr<const Blob>> Insert(
      std::string_view sha256_hex, const std::function<Status(ByteSink&)>& fill) override {
    VectorSink bytes;
    HashingSink hashing(Hasher::Algorithm::kSha256, &bytes);
    DG_RETURN_IF_ERROR(fill(hashing));
    const std::string actual = hashing.HexDigest();
    if (actual != sha256_hex) {
      return MakeError(ErrorCode::kCorrupted, "reference bytes hash to ", actual, ", expected ",
                       sha256_hex);
    }
    auto blob = std::make_shared<const VectorBlob>(std::move(bytes.bytes()));
    std::lock_guard lock(mu_);
    auto [it, inserted] = entries_.try_emplace(std::string(sha256_hex), std::move(blob));
    return it->second;
  }

 private:
  std::mutex mu_;
  std::map<std::string, std::shared_ptr<const Blob>, std::less<>> entries_;
};

}  // namespace

std::unique_ptr<ReferenceCache> NewMemoryReferenceCache() {
  return std::make_unique<MemoryReferenceCache>();
}

}  // namespace deltaglider
