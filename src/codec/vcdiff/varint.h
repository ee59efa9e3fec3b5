// RFC 3284 variable-length integers (base 128, most significant group first):
// decoding with a width limit and the encoded length of a value. Decoding never
// reads past `end` and never accepts a value wider than the field allows.
#pragma once

#include <cstdint>

namespace deltaglider::vcdiff {

// Decodes one integer from [*pos, end) into *value and advances *pos. Returns
// false, leaving *pos unspecified, if the bytes run out or the value needs more
// than `max_bits` bits (1..64).
inline bool DecodeVarint(const uint8_t** pos, const uint8_t* end, int max_bits, uint64_t* value) {
  uint64_t acc = 0;
  const uint8_t* p = *pos;
  while (p != end) {
    if ((acc >> (max_bits - 7)) != 0) return false;  // shifting in 7 more bits would overflow
    const uint8_t byte = *p++;
    acc = (acc << 7) | (byte & 0x7F);
    if ((byte & 0x80) == 0) {
      *pos = p;
      *value = acc;
      return true;
    }
  }
  return false;
}

// The number of bytes of the minimal encoding of `value` (1..10).
constexpr int VarintLength(uint64_t value) {
  int length = 1;
  while (value >= 0x80) {
    value >>= 7;
    ++length;
  }
  return length;
}

}  // namespace deltaglider::vcdiff
