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
  auto copy =
      std::make_shared<const VectorBlob>(std::vector<std::byte>(stream.begin(), stream.end()));
  const std::span<const std::byte> bytes = copy->bytes();
  Keep(KeyOf(payload, method, reference), ProvenStream{std::move(copy), bytes}, bytes.size());
}

void ProvenStreams::AddHeld(std::span<const std::byte> payload, const DeflateMethod& method,
                            const ReferenceEntry* reference, std::span<const std::byte> stream,
                            std::shared_ptr<const Blob> owner) {
  if (max_bytes_ == 0) return;
  if (reference != nullptr && std::ranges::equal(reference->stream, stream)) return;
  Keep(KeyOf(payload, method, reference), ProvenStream{std::move(owner), stream}, 0);
}

bool ProvenStreams::Fits(uint64_t copied) const {
  return copied > 0 ? bytes_ + copied <= max_bytes_ : held_ < kMaxHeld;
}

void ProvenStreams::Forget(std::unordered_map<std::string, Kept>::iterator it) {
  bytes_ -= it->second.copied;
  if (it->second.copied == 0) --held_;
  streams_.erase(it);
}

void ProvenStreams::Keep(std::string key, ProvenStream stream, uint64_t copied) {
  const std::lock_guard lock(mutex_);
  while (!Fits(copied) && !order_.empty()) {
    if (const auto it = streams_.find(order_.front()); it != streams_.end()) Forget(it);
    order_.pop_front();
  }
  const auto [it, added] = streams_.try_emplace(key, Kept{std::move(stream), copied});
  if (!added) return;
  bytes_ += copied;
  if (copied == 0) ++held_;
  order_.push_back(std::move(key));
  if (order_.size() > 2 * streams_.size() + 64) {  // drop the keys of streams taken
    std::erase_if(order_, [this](const std::string& k) { return !streams_.contains(k); });
  }
}

bool ProvenStreams::Empty() {
  const std::lock_guard lock(mutex_);
  return streams_.empty();
}

std::optional<ProvenStream> ProvenStreams::Take(std::span<const std::byte> payload,
                                                const DeflateMethod& method,
                                                const ReferenceEntry* reference) {
  if (Empty()) return std::nullopt;
  const std::string key = KeyOf(payload, method, reference);
  const std::lock_guard lock(mutex_);
  const auto it = streams_.find(key);
  if (it == streams_.end()) return std::nullopt;
  ProvenStream stream = std::move(it->second.stream);
  Forget(it);
  return stream;
}

}  // namespace deltaglider
