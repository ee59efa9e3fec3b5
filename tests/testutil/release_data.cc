#include "tests/testutil/release_data.h"

#include <random>

namespace deltaglider::testing {

std::string RandomBytes(size_t size, uint32_t seed) {
  std::mt19937 rng(seed);
  std::string out(size, '\0');
  for (char& c : out) c = static_cast<char>(rng() & 0xff);
  return out;
}

std::string SyntheticRelease(int version, size_t size, uint32_t series_seed) {
  std::string data = RandomBytes(size, series_seed);
  std::mt19937 rng(static_cast<uint32_t>(version));
  for (int i = 0; i < version * 2; ++i) {
    const size_t at = rng() % (size - 64);
    for (size_t j = 0; j < 16; ++j) data[at + j] = static_cast<char>(rng() & 0xff);
  }
  return data;
}

}  // namespace deltaglider::testing
