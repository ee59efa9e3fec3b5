// LongestMatchFinder: for each position of a payload, in increasing order, the
// longest match deflate could use there (length 3..258, distance 1..32768) and,
// among the matches of that length, the nearest. The correction coder names a
// real match this way in one code when it is that match. Part of the recipe
// format: the result must never change for the same payload and position
// (nearest first, at most kMaxCandidates positions whose first 3 bytes match are
// looked at; the hash table's size, which scales with the payload, cannot matter).
#pragma once

#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <span>
#include <vector>

#include "codec/deflate/token.h"

namespace deltaglider::deflate {

class LongestMatchFinder {
 public:
  static constexpr unsigned kWindow = 32768;
  static constexpr unsigned kMaxLength = 258;
  static constexpr unsigned kMaxCandidates = 4096;

  explicit LongestMatchFinder(std::span<const uint8_t> payload)
      : payload_(payload),
        hash_bits_(HashBits(payload.size())),
        head_(size_t{1} << hash_bits_, kNone),
        prev_(std::clamp<size_t>(payload.size(), 1, kWindow), kNone) {}

  // The longest-nearest match at `position` (never smaller than the previous
  // call's), or a literal token (length 0) when there is no match of length 3.
  Token At(uint64_t position) {
    InsertUpTo(position);
    const uint64_t size = payload_.size();
    if (size - position < 3) return Token{};
    const unsigned limit = static_cast<unsigned>(std::min<uint64_t>(kMaxLength, size - position));
    const uint8_t* here = payload_.data() + position;
    unsigned best = 2;
    unsigned best_distance = 0;
    uint64_t candidate = head_[Hash(here)];
    for (unsigned looked = 0; candidate != kNone && looked < kMaxCandidates;
         candidate = prev_[candidate % prev_.size()]) {
      const uint64_t distance = position - candidate;
      if (distance > kWindow) break;
      const uint8_t* there = payload_.data() + candidate;
      if (there[0] != here[0] || there[1] != here[1] || there[2] != here[2]) continue;
      ++looked;
      unsigned length = 3;
      while (length < limit && here[length] == there[length]) ++length;
      if (length > best) {
        best = length;
        best_distance = static_cast<unsigned>(distance);
        if (length == limit) break;
      }
    }
    if (best_distance == 0) return Token{};
    return Token{static_cast<uint16_t>(best), static_cast<uint16_t>(best_distance)};
  }

 private:
  static constexpr uint64_t kNone = UINT64_MAX;

  // About one bucket per two payload bytes, 2^4 .. 2^16.
  static int HashBits(size_t size) {
    int bits = 4;
    while (bits < 16 && (size_t{1} << (bits + 1)) < size) ++bits;
    return bits;
  }

  size_t Hash(const uint8_t* p) const {
    const uint32_t v = uint32_t{p[0]} | uint32_t{p[1]} << 8 | uint32_t{p[2]} << 16;
    return (v * 2654435761u) >> (32 - hash_bits_);
  }

  // Inserts every position before `position` that starts 3 bytes.
  void InsertUpTo(uint64_t position) {
    const uint64_t end =
        std::min<uint64_t>(position, payload_.size() >= 3 ? payload_.size() - 2 : 0);
    for (; inserted_ < end; ++inserted_) {
      const size_t h = Hash(payload_.data() + inserted_);
      prev_[inserted_ % prev_.size()] = head_[h];
      head_[h] = inserted_;
    }
  }

  std::span<const uint8_t> payload_;
  int hash_bits_;
  std::vector<uint64_t> head_;
  std::vector<uint64_t> prev_;
  uint64_t inserted_ = 0;
};

}  // namespace deltaglider::deflate
