// BitWriter: packs deflate's bit fields (least significant bit first) into bytes.
// Internal to the deflater. It only appends to its buffer; it never decides what
// to write and never reorders or drops bits.
#pragma once

#include <cstddef>
#include <cstdint>
#include <cstring>
#include <vector>

namespace deltaglider::deflate {

class BitWriter {
 public:
  // Appends the low `count` bits of `value` (count <= 32).
  [[gnu::always_inline]] void Put(uint32_t value, int count) {
    bits_ |= static_cast<uint64_t>(value) << count_;
    count_ += count;
    if (count_ >= 32) {
      const uint8_t word[4] = {static_cast<uint8_t>(bits_), static_cast<uint8_t>(bits_ >> 8),
                               static_cast<uint8_t>(bits_ >> 16),
                               static_cast<uint8_t>(bits_ >> 24)};
      const size_t size = out_.size();
      out_.resize(size + 4);
      std::memcpy(out_.data() + size, word, 4);
      bits_ >>= 32;
      count_ -= 32;
    }
  }

  // Pads with zero bits to the next byte boundary.
  void AlignToByte() {
    while (count_ > 0) {
      out_.push_back(static_cast<uint8_t>(bits_));
      bits_ >>= 8;
      count_ = count_ > 8 ? count_ - 8 : 0;
    }
    bits_ = 0;
  }

  // Appends whole bytes; only valid on a byte boundary.
  void PutBytes(const uint8_t* data, size_t size) { out_.insert(out_.end(), data, data + size); }

  // Bits written so far, including those not yet in bytes().
  uint64_t bit_count() const { return uint64_t{out_.size()} * 8 + static_cast<uint64_t>(count_); }

  // The completed bytes so far; the caller may clear() them after consuming.
  std::vector<uint8_t>& bytes() { return out_; }

 private:
  std::vector<uint8_t> out_;
  uint64_t bits_ = 0;
  int count_ = 0;
};

}  // namespace deltaglider::deflate
