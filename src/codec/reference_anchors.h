// ReferenceAnchors: content-defined anchors of a reference, so one segment of a
// large target can find the region of the reference its bytes came from even
// when inserts and deletes moved them gigabytes away. An anchor is a position
// where a rolling hash of the last 64 bytes has its top bits clear; the same
// content gives the same anchors wherever it sits. The index holds only
// positions (a few bytes per anchor spacing), never the reference's bytes, and
// must never read past the spans it is given.
#pragma once

#include <cstdint>
#include <optional>
#include <span>
#include <unordered_map>

namespace deltaglider::zstd_internal {

class ReferenceAnchors {
 public:
  // Anchors about every 2^`spacing_log` bytes of `reference`, found on up to
  // `threads` threads (the index is the same for any number).
  ReferenceAnchors(std::span<const std::byte> reference, int spacing_log, unsigned threads = 1);

  // The start of the `width`-byte region of the reference that holds the most
  // of `segment`'s anchors, centred on them; nullopt when none is in the index
  // (anchors of content the reference repeats do not count).
  std::optional<uint64_t> BestRegion(std::span<const std::byte> segment, uint64_t width) const;

  size_t size() const { return positions_.size(); }

 private:
  // Content the reference holds more than once (zero pages, copies of a file)
  // says nothing about where a segment came from: such anchors do not vote.
  static constexpr uint64_t kRepeated = ~uint64_t{0};

  uint64_t reference_size_;
  int spacing_log_;
  std::unordered_map<uint64_t, uint64_t> positions_;  // hash -> position, or kRepeated
};

}  // namespace deltaglider::zstd_internal
