#include "codec/vcdiff/adler32.h"

#include <algorithm>

namespace deltaglider::vcdiff {
namespace {

constexpr uint32_t kModulus = 65521;
// The most bytes that can be summed before the 32-bit sums must be reduced.
constexpr size_t kMaxRun = 5552;

}  // namespace

uint32_t Adler32(std::span<const std::byte> data, uint32_t adler) {
  uint32_t a = adler & 0xFFFF;
  uint32_t b = adler >> 16;
  const auto* p = reinterpret_cast<const uint8_t*>(data.data());
  size_t left = data.size();
  while (left > 0) {
    const size_t run = std::min(left, kMaxRun);
    for (size_t i = 0; i < run; ++i) {
      a += p[i];
      b += a;
    }
    a %= kModulus;
    b %= kModulus;
    p += run;
    left -= run;
  }
  return (b << 16) | a;
}

}  // namespace deltaglider::vcdiff
