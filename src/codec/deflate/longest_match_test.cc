// LongestMatchFinder against a brute-force search over the whole window.
#include "codec/deflate/longest_match.h"

#include <gtest/gtest.h>

#include "tests/testutil/deflate_inputs.h"

namespace deltaglider::deflate {
namespace {

Token BruteForce(std::span<const uint8_t> data, uint64_t position) {
  Token best;
  const uint64_t limit = std::min<uint64_t>(258, data.size() - position);
  for (uint64_t distance = 1; distance <= std::min<uint64_t>(position, 32768); ++distance) {
    uint64_t length = 0;
    while (length < limit && data[position + length] == data[position + length - distance])
      ++length;
    if (length >= 3 && length > best.length)
      best = Token{static_cast<uint16_t>(length), static_cast<uint16_t>(distance)};
  }
  return best;
}

TEST(LongestMatchFinder, FindsTheLongestMatchNearestFirst) {
  for (const auto& bytes : {testing::TextInput(60000, 5), testing::RepetitiveInput(3000, 300),
                            testing::RandomInput(2000, 1)}) {
    const std::span<const uint8_t> data(reinterpret_cast<const uint8_t*>(bytes.data()),
                                        bytes.size());
    LongestMatchFinder finder(data);
    for (uint64_t position = 0; position < data.size(); position += 7) {
      ASSERT_EQ(finder.At(position), BruteForce(data, position)) << position;
    }
  }
}

}  // namespace
}  // namespace deltaglider::deflate
