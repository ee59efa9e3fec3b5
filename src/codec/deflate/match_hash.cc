// The CRC-32C table behind Crc32cHash; see match_hash.h.
#include "codec/deflate/match_hash.h"

#include <array>

namespace deltaglider::deflate {
namespace {

constexpr uint32_t kCrc32cPolynomial = 0x82F63B78u;  // reflected Castagnoli

constexpr std::array<uint32_t, 256> MakeTable() {
  std::array<uint32_t, 256> table{};
  for (uint32_t n = 0; n < 256; ++n) {
    uint32_t c = n;
    for (int k = 0; k < 8; ++k) c = (c >> 1) ^ ((c & 1) != 0 ? kCrc32cPolynomial : 0);
    table[n] = c;
  }
  return table;
}

}  // namespace

const std::array<uint32_t, 256> kCrc32cTable = MakeTable();

}  // namespace deltaglider::deflate
