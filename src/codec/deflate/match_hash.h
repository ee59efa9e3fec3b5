// The three insert hashes of the deflate match finder (vanilla zlib's rolling
// 3-byte hash, Chromium's CRC-32C hash, Chromium's ANZAC++ multiplicative hash),
// each as a pure function of the window bytes at a position. Internal to the
// deflater; a hash here must never change its values (stored deltas depend on them).
#pragma once

#include <array>
#include <cstddef>
#include <cstdint>

namespace deltaglider::deflate {

inline uint32_t LoadLe32(const uint8_t* p) {
  return static_cast<uint32_t>(p[0]) | static_cast<uint32_t>(p[1]) << 8 |
         static_cast<uint32_t>(p[2]) << 16 | static_cast<uint32_t>(p[3]) << 24;
}

// CRC-32C (reflected polynomial 0x82F63B78) of each byte value, for Crc32cWord.
extern const std::array<uint32_t, 256> kCrc32cTable;

// The CRC-32C step on a 32-bit operand with initial value 0 and no inversion
// (what the SSE4.2 `crc32` instruction computes for crc = 0): 32 rounds of
// c = (c >> 1) ^ (0x82F63B78 if c & 1), done a byte at a time through the table.
inline uint32_t Crc32cWord(uint32_t value) {
  for (int i = 0; i < 4; ++i) value = kCrc32cTable[value & 0xFF] ^ (value >> 8);
  return value;
}

// Vanilla zlib: h = ((h << shift) ^ c) & mask over 3 bytes, hash_bits = memLevel + 7.
struct VanillaHash {
  uint32_t mask;
  unsigned shift;
  uint32_t operator()(const uint8_t* p) const {
    return ((static_cast<uint32_t>(p[0]) << (2 * shift)) ^ (static_cast<uint32_t>(p[1]) << shift) ^
            p[2]) &
           mask;
  }
};

// Chromium since Oct 2023: 4 bytes little-endian, times 66521 plus 66521, top 16 bits.
struct AnzacHash {
  uint32_t mask;
  uint32_t operator()(const uint8_t* p) const {
    return ((LoadLe32(p) * 66521u + 66521u) >> 16) & mask;
  }
};

// Chromium 2015 - Oct 2023: CRC-32C of 4 bytes (3 at level >= 6).
struct Crc32cHash {
  uint32_t mask;
  uint32_t byte_mask;  // 0xFFFFFFFF, or 0x00FFFFFF at level >= 6
  uint32_t operator()(const uint8_t* p) const { return Crc32cWord(LoadLe32(p) & byte_mask) & mask; }
};

}  // namespace deltaglider::deflate
