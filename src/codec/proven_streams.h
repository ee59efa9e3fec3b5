// ProvenStreams: the deflate streams an archive codec's Encode has just shown its
// recorded method rebuilds, so the read-back Decode that follows in the same
// process (a put's proof) takes them instead of deflating the same payloads again.
// An entry is found only by a SHA256 over everything such a rebuild depends on:
// the payload, the method and the reference stream it may copy or be guided by.
// So a hit holds exactly the bytes the rebuild would make, and any difference in
// what the Decode reads back (another payload, a method mangled on its way through
// the delta) misses and deflates for real. Copies are bounded in bytes, streams
// kept inside the caller's mapped file (a spooled archive) in number (oldest out
// first, each); an entry is handed out once. Thread-safe. It never replaces the
// size and CRC32 check of a rebuilt stream.
#pragma once

#include <cstddef>
#include <cstdint>
#include <deque>
#include <memory>
#include <mutex>
#include <optional>
#include <span>
#include <string>
#include <unordered_map>
#include <vector>

#include "codec/deflate_rebuild.h"
#include "deltaglider/ports/blob.h"

namespace deltaglider {

// A stream found again: bytes inside `owner`, valid while it lives.
struct ProvenStream {
  std::shared_ptr<const Blob> owner;
  std::span<const std::byte> bytes;
};

class ProvenStreams {
 public:
  // Keeps at most `max_bytes` of streams (0: keeps none, and costs nothing).
  explicit ProvenStreams(uint64_t max_bytes) : max_bytes_(max_bytes) {}

  // Records that `method` rebuilds `stream` from `payload` with `reference`.
  // Nothing is kept for a stream the rebuild copies from the reference anyway.
  // A copy of the stream is kept.
  void Add(std::span<const std::byte> payload, const DeflateMethod& method,
           const ReferenceEntry* reference, std::span<const std::byte> stream);
  // As Add(), keeping `stream` where it is, inside `owner` (no copy; at most
  // kMaxHeld such entries).
  void AddHeld(std::span<const std::byte> payload, const DeflateMethod& method,
               const ReferenceEntry* reference, std::span<const std::byte> stream,
               std::shared_ptr<const Blob> owner);

  // The stream recorded for the same payload, method and reference (and forgets
  // it); nullopt when there is none. Hashes nothing while nothing is kept.
  std::optional<ProvenStream> Take(std::span<const std::byte> payload, const DeflateMethod& method,
                                   const ReferenceEntry* reference);

  static constexpr size_t kMaxHeld = 4;

 private:
  struct Kept {
    ProvenStream stream;
    uint64_t copied = 0;  // bytes of a copy (0: held in the caller's file)
  };
  static std::string KeyOf(std::span<const std::byte> payload, const DeflateMethod& method,
                           const ReferenceEntry* reference);
  bool Empty();
  void Keep(std::string key, ProvenStream stream, uint64_t copied);
  bool Fits(uint64_t copied) const;
  void Forget(std::unordered_map<std::string, Kept>::iterator it);

  const uint64_t max_bytes_;
  std::mutex mutex_;
  std::unordered_map<std::string, Kept> streams_;
  std::deque<std::string> order_;  // keys, oldest first (some taken already)
  uint64_t bytes_ = 0;             // of copies
  size_t held_ = 0;                // entries without a copy
};

}  // namespace deltaglider
