// ProvenStreams; see proven_streams.h.
#include "codec/proven_streams.h"

#include <algorithm>

#include "codec/byte_io.h"
#include "codec/inflate_raw.h"
#include "core/hash.h"

namespace deltaglider {

std::string ProvenStreams::KeyOf(std::span<const std::byte> payload, const DeflateMethod& method,
                                 const ReferenceEntry* reference) {
  std::vector<std::byte> fields;
  AppendLe(fields, payload.size(), 8);
  AppendLe(fields, method.profile.hash, 1);
  AppendLe(fields, static_cast<uint64_t>(method.profile.level), 1);
  AppendLe(fields, static_cast<uint64_t>(method.profile.mem_level), 1);
  AppendLe(fields, method.recipe.size(), 8);
  AppendLe(fields, reference != nullptr ? reference->stream.size() + 1 : 0, 8);
  AppendLe(fields, reference != nullptr ? Crc32(reference->stream) : 0, 4);
  Hasher hasher(Hasher::Algorithm::kSha256);
  hasher.Update(fields);
  hasher.Update(method.recipe);
  hasher.Update(payload);
  return hasher.HexDigest();
}

void ProvenStreams::Add(std::span<const std::byte> payload, const DeflateMethod& method,
                        const ReferenceEntry* reference, std::span<const std::byte> stream) {
  if (stream.size() > max_bytes_) return;
  if (reference != nullptr && std::ranges::equal(reference->stream, stream)) return;
  std::string key = KeyOf(payload, method, reference);
  const std::lock_guard lock(mutex_);
  while (bytes_ + stream.size() > max_bytes_ && !order_.empty()) {
    if (const auto it = streams_.find(order_.front()); it != streams_.end()) {
      bytes_ -= it->second.size();
      streams_.erase(it);
    }
    order_.pop_front();
  }
  const auto [it, added] = streams_.try_emplace(key, stream.begin(), stream.end());
  if (!added) return;
  bytes_ += stream.size();
  order_.push_back(std::move(key));
  if (order_.size() > 2 * streams_.size() + 64) {  // drop the keys of streams taken
    std::erase_if(order_, [this](const std::string& k) { return !streams_.contains(k); });
  }
}

bool ProvenStreams::Empty() {
  const std::lock_guard lock(mutex_);
  return streams_.empty();
}

std::optional<std::vector<std::byte>> ProvenStreams::Take(std::span<const std::byte> payload,
                                                          const DeflateMethod& method,
                                                          const ReferenceEntry* reference) {
  if (Empty()) return std::nullopt;
  const std::string key = KeyOf(payload, method, reference);
  const std::lock_guard lock(mutex_);
  const auto it = streams_.find(key);
  if (it == streams_.end()) return std::nullopt;
  std::vector<std::byte> stream = std::move(it->second);
  bytes_ -= stream.size();
  streams_.erase(it);
  return stream;
}

}  // namespace deltaglider
