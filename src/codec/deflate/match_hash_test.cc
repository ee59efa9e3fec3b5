// The hash functions themselves: CRC-32C known values and the bit-loop definition.
#include "codec/deflate/match_hash.h"

#include <gtest/gtest.h>

namespace deltaglider::deflate {
namespace {

// CRC-32C of one 32-bit word by definition: 32 rounds of the reflected polynomial,
// init 0, no inversion.
uint32_t Crc32cWordBitwise(uint32_t c) {
  for (int i = 0; i < 32; ++i) c = (c >> 1) ^ ((c & 1) != 0 ? 0x82F63B78u : 0);
  return c;
}

// Standard CRC-32C (initial ~0, final inversion) over the same table.
uint32_t Crc32c(const uint8_t* data, size_t size) {
  uint32_t c = 0xFFFFFFFFu;
  for (size_t i = 0; i < size; ++i) c = kCrc32cTable[(c ^ data[i]) & 0xFF] ^ (c >> 8);
  return ~c;
}

TEST(Crc32c, StandardCheckValue) {
  const char* text = "123456789";
  EXPECT_EQ(Crc32c(reinterpret_cast<const uint8_t*>(text), 9), 0xE3069283u);
}

TEST(Crc32c, WordStepEqualsTheBitLoop) {
  uint32_t v = 0x12345678u;
  for (int i = 0; i < 10000; ++i) {
    ASSERT_EQ(Crc32cWord(v), Crc32cWordBitwise(v)) << v;
    v = v * 1664525u + 1013904223u;
  }
  EXPECT_EQ(Crc32cWord(0), 0u);
  // The SSE4.2 instruction's value for crc = 0, data = 1 (one round of the table step).
  EXPECT_EQ(Crc32cWord(1), Crc32cWordBitwise(1));
}

TEST(MatchHash, AnzacKnownValues) {
  const uint8_t zeros[4] = {0, 0, 0, 0};
  EXPECT_EQ(AnzacHash{0x7FFF}(zeros), (66521u >> 16) & 0x7FFF);
  const uint8_t abcd[4] = {'a', 'b', 'c', 'd'};
  const uint32_t v = 0x64636261u;
  EXPECT_EQ(AnzacHash{0xFFFF}(abcd), ((v * 66521u + 66521u) >> 16) & 0xFFFF);
}

TEST(MatchHash, Crc32cHashesThreeBytesAtLevelSixAndUp) {
  const uint8_t a[4] = {'a', 'b', 'c', 'd'};
  const uint8_t b[4] = {'a', 'b', 'c', 'e'};
  const Crc32cHash three{0x7FFF, 0x00FFFFFF};
  const Crc32cHash four{0x7FFF, 0xFFFFFFFF};
  EXPECT_EQ(three(a), three(b));
  EXPECT_NE(four(a), four(b));
}

TEST(MatchHash, VanillaRollingHashOfThreeBytes) {
  const uint8_t p[3] = {'x', 'y', 'z'};
  // memLevel 8: 15 bits, shift 5; the rolling update applied three times from 0.
  uint32_t h = 0;
  for (uint8_t c : p) h = ((h << 5) ^ c) & 0x7FFF;
  EXPECT_EQ((VanillaHash{0x7FFF, 5}(p)), h);
}

}  // namespace
}  // namespace deltaglider::deflate
