#include "codec/vcdiff/target_history.h"

#include <algorithm>
#include <cstring>
#include <string>

namespace deltaglider::vcdiff {

void TargetHistory::Append(std::span<const std::byte> data) {
  total_ += data.size();
  if (data.size() >= capacity_) {  // only the tail survives
    data = data.subspan(data.size() - capacity_);
    ring_.assign(data.begin(), data.end());
    head_ = 0;
    return;
  }
  const size_t room = capacity_ - ring_.size();
  if (room > 0) {  // still growing: append what fits
    const size_t take = std::min(room, data.size());
    ring_.insert(ring_.end(), data.begin(), data.begin() + take);
    data = data.subspan(take);
  }
  while (!data.empty()) {  // full: overwrite the oldest bytes
    const size_t take = std::min(capacity_ - head_, data.size());
    std::memcpy(ring_.data() + head_, data.data(), take);
    head_ = (head_ + take) % capacity_;
    data = data.subspan(take);
  }
}

Status TargetHistory::CopyOut(uint64_t offset, uint64_t length, std::vector<std::byte>& out) const {
  const uint64_t held = ring_.size();
  const uint64_t oldest = total_ - held;
  if (offset + length > total_) {
    return MakeError(ErrorCode::kCorrupted, "VCD_TARGET segment [", std::to_string(offset), ", +",
                     std::to_string(length), ") is beyond the ", std::to_string(total_),
                     " bytes decoded so far");
  }
  if (offset < oldest) {
    return MakeError(ErrorCode::kUnsupported, "VCD_TARGET segment reaches back more than ",
                     std::to_string(capacity_), " bytes of output");
  }
  out.resize(length);
  // Ring index of `oldest` is head_ once full (and 0 while growing, when head_ is 0).
  size_t index = (head_ + (offset - oldest)) % std::max<size_t>(ring_.size(), 1);
  size_t done = 0;
  while (done < length) {
    const size_t take = std::min<size_t>(length - done, ring_.size() - index);
    std::memcpy(out.data() + done, ring_.data() + index, take);
    done += take;
    index = 0;
  }
  return OkStatus();
}

}  // namespace deltaglider::vcdiff
