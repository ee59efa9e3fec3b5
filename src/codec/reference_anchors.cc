// A gear hash (one shift and one table lookup per byte) picks the anchors; the
// densest cluster of a segment's anchors in the reference gives its region.
#include "codec/reference_anchors.h"

#include <algorithm>
#include <array>
#include <vector>

#include "util/parallel_for.h"

namespace deltaglider::zstd_internal {
namespace {

// 256 fixed pseudo-random words (splitmix64): the gear hash's byte values.
constexpr std::array<uint64_t, 256> MakeGear() {
  std::array<uint64_t, 256> table{};
  uint64_t state = 0;
  for (uint64_t& word : table) {
    state += 0x9E3779B97F4A7C15ULL;
    uint64_t z = state;
    z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ULL;
    z = (z ^ (z >> 27)) * 0x94D049BB133111EBULL;
    word = z ^ (z >> 31);
  }
  return table;
}
constexpr std::array<uint64_t, 256> kGear = MakeGear();

// The hash's top bits depend on the last 64 bytes only (older bytes are
// shifted out), so hashing may start 63 bytes before the first position it
// reports; before the 64th byte of a span it depends on where the span starts,
// so no anchor is taken there.
constexpr size_t kHashWindow = 64;

struct Anchor {
  size_t position;
  uint64_t hash;
};

// The anchors of bytes[from, to) of `bytes`, in order: hashing starts up to 63
// bytes before `from`, so a scan cut into parts finds what one scan would.
std::vector<Anchor> AnchorsBetween(std::span<const std::byte> bytes, size_t from, size_t to,
                                   int spacing_log) {
  const uint64_t mask = ~uint64_t{0} << (64 - spacing_log);
  const size_t first = std::max(from, kHashWindow - 1);
  std::vector<Anchor> found;
  uint64_t hash = 0;
  for (size_t i = from - std::min(from, kHashWindow - 1); i < to; ++i) {
    hash = (hash << 1) + kGear[static_cast<uint8_t>(bytes[i])];
    if ((hash & mask) == 0 && i >= first) found.push_back({i, hash});
  }
  return found;
}

}  // namespace

ReferenceAnchors::ReferenceAnchors(std::span<const std::byte> reference, int spacing_log,
                                   unsigned threads)
    : reference_size_(reference.size()), spacing_log_(spacing_log) {
  const size_t parts = std::max(1U, threads);
  std::vector<std::vector<Anchor>> found(parts);
  ParallelFor(parts, static_cast<unsigned>(parts), [&](size_t part) {
    found[part] = AnchorsBetween(
        reference, reference.size() / parts * part,
        part + 1 == parts ? reference.size() : reference.size() / parts * (part + 1), spacing_log);
  });
  positions_.reserve(reference.size() >> spacing_log);
  for (const std::vector<Anchor>& anchors : found) {
    for (const Anchor& anchor : anchors) {
      auto [it, added] = positions_.try_emplace(anchor.hash, anchor.position);
      if (!added) it->second = kRepeated;
    }
  }
}

std::optional<uint64_t> ReferenceAnchors::BestRegion(std::span<const std::byte> segment,
                                                     uint64_t width) const {
  std::vector<uint64_t> found;
  for (const Anchor& anchor : AnchorsBetween(segment, 0, segment.size(), spacing_log_)) {
    auto it = positions_.find(anchor.hash);
    if (it != positions_.end() && it->second != kRepeated) found.push_back(it->second);
  }
  if (found.empty()) return std::nullopt;
  if (reference_size_ <= width) return 0;
  std::sort(found.begin(), found.end());
  size_t best_first = 0;
  size_t best_last = 0;
  for (size_t first = 0, last = 0; last < found.size(); ++last) {
    while (found[last] - found[first] >= width) ++first;
    if (last - first > best_last - best_first) {
      best_first = first;
      best_last = last;
    }
  }
  const uint64_t middle = found[best_first] + (found[best_last] - found[best_first]) / 2;
  const uint64_t start = middle > width / 2 ? middle - width / 2 : 0;
  return std::min(start, reference_size_ - width);
}

}  // namespace deltaglider::zstd_internal
