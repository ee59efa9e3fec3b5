// ProvenStreams: the deflate streams an archive codec's Encode has just shown its
// recorded method rebuilds, so the read-back Decode that follows in the same
// process (a put's proof) takes them instead of deflating the same payloads again.
// An entry is found only by a SHA256 over everything such a rebuild depends on:
// the payload, the method and the reference stream it may copy or be guided by.
// So a hit holds exactly the bytes the rebuild would make, and any difference in
// what the Decode reads back (another payload, a method mangled on its way through
// the delta) misses and deflates for real. Bounded in bytes (oldest out first);
// an entry is handed out once. Thread-safe. It never replaces the size and CRC32
// check of a rebuilt stream.
#pragma once

#include <cstddef>
#include <cstdint>
#include <deque>
#include <mutex>
#include <optional>
#include <span>
#include <string>
#include <unordered_map>
#include <vector>

#include "codec/deflate_rebuild.h"

namespace deltaglider {

class ProvenStreams {
 public:
  // Keeps at most `max_bytes` of streams (0: keeps none, and costs nothing).
  explicit ProvenStreams(uint64_t max_bytes) : max_bytes_(max_bytes) {}

  // Records that `method` rebuilds `stream` from `payload` with `reference`.
  // Nothing is kept for a stream the rebuild copies from the reference anyway.
  void Add(std::span<const std::byte> payload, const DeflateMethod& method,
           const ReferenceEntry* reference, std::span<const std::byte> stream);

  // The stream recorded for the same payload, method and reference (and forgets
  // it); nullopt when there is none. Hashes nothing while nothing is kept.
  std::optional<std::vector<std::byte>> Take(std::span<const std::byte> payload,
                                             const DeflateMethod& method,
                                             const ReferenceEntry* reference);

 private:
  static std::string KeyOf(std::span<const std::byte> payload, const DeflateMethod& method,
                           const ReferenceEntry* reference);
  bool Empty();

  const uint64_t max_bytes_;
  std::mutex mutex_;
  std::unordered_map<std::string, std::vector<std::byte>> streams_;
  std::deque<std::string> order_;  // keys, oldest first (some taken already)
  uint64_t bytes_ = 0;
};

}  // namespace deltaglider
