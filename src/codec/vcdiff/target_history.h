// TargetHistory: the most recent output of a decode, kept so that VCD_TARGET
// windows (whose source segment is earlier *output*) can be served while every
// window is still streamed to the sink as soon as it is complete. It holds at most
// `capacity` bytes (a ring); it grows only as output is appended, and it must
// never hand out bytes it no longer holds: such requests fail with kUnsupported.
#pragma once

#include <cstddef>
#include <cstdint>
#include <span>
#include <vector>

#include "deltaglider/result.h"

namespace deltaglider::vcdiff {

class TargetHistory {
 public:
  explicit TargetHistory(size_t capacity) : capacity_(capacity) {}

  void Append(std::span<const std::byte> data);
  // Total bytes ever appended.
  uint64_t total() const { return total_; }
  // Replaces `out` with output bytes [offset, offset + length).
  Status CopyOut(uint64_t offset, uint64_t length, std::vector<std::byte>& out) const;

 private:
  size_t capacity_;
  std::vector<std::byte> ring_;  // grows to capacity_, then wraps
  size_t head_ = 0;              // where the next byte goes once ring_ is full
  uint64_t total_ = 0;
};

}  // namespace deltaglider::vcdiff
