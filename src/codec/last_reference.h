// LastReference<T>: what an archive codec derives from a reference (its members
// or entries inflated, indexed, their streams' parses), kept for the next call
// with the same reference: the read-back proof of a delta just encoded, the next
// file of a series in one process. Without it every call inflates and parses the
// reference again. One entry, matched by comparing the bytes in full (never by a
// hash), and built on the cache's own copy of them so it never points into a
// caller's buffer. A reference larger than the limit is not kept (its entry
// lives for the call only). Thread-safe: lookups share the entry, building
// happens outside the lock.
#pragma once

#include <algorithm>
#include <cstddef>
#include <memory>
#include <mutex>
#include <span>
#include <vector>

namespace deltaglider {

template <typename T>
class LastReference {
 public:
  // The reference's bytes and what was made of them.
  struct Entry {
    std::vector<std::byte> owned;      // the bytes, when kept
    std::span<const std::byte> bytes;  // `owned`, or the caller's for one call
    std::unique_ptr<T> value;
  };

  explicit LastReference(size_t max_bytes) : max_bytes_(max_bytes) {}

  // The entry for `reference`: the last one if its bytes are the same, else a
  // new one whose value is `make(bytes)` (a std::unique_ptr<T>).
  template <typename Make>
  std::shared_ptr<const Entry> Get(std::span<const std::byte> reference, const Make& make) {
    {
      const std::lock_guard lock(mutex_);
      if (last_ != nullptr && std::ranges::equal(last_->bytes, reference)) return last_;
    }
    auto entry = std::make_shared<Entry>();
    const bool keep = reference.size() <= max_bytes_;
    if (keep) entry->owned.assign(reference.begin(), reference.end());
    entry->bytes = keep ? std::span<const std::byte>(entry->owned) : reference;
    entry->value = make(entry->bytes);
    if (keep) {
      const std::lock_guard lock(mutex_);
      last_ = entry;
    }
    return entry;
  }

  // Makes `bytes` the kept reference, with `make(bytes)` made of them, when they
  // are within the limit: for a caller that already knows what a later Get would
  // make (a codec that has just rebuilt them).
  template <typename Make>
  void Keep(std::vector<std::byte> bytes, const Make& make) {
    if (bytes.size() > max_bytes_) return;
    auto entry = std::make_shared<Entry>();
    entry->owned = std::move(bytes);
    entry->bytes = entry->owned;
    entry->value = make(entry->bytes);
    if (entry->value == nullptr) return;
    const std::lock_guard lock(mutex_);
    last_ = std::move(entry);
  }

 private:
  const size_t max_bytes_;
  std::mutex mutex_;
  std::shared_ptr<const Entry> last_;
};

}  // namespace deltaglider
