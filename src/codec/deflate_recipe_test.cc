// MakeDeflateRecipe / RebuildFromRecipe on streams our profiles do not reproduce
// (the system zlib with other strategies, a small window, flushes; odd padding),
// on one they do, and on hostile recipes.
#include "codec/deflate_recipe.h"

#include <gtest/gtest.h>
#include <zlib.h>

#include "codec/deflate/deflate.h"
#include "codec/inflate_raw.h"
#include "tests/testutil/deflate_inputs.h"

namespace deltaglider {
namespace {

using Bytes = std::vector<std::byte>;
using deflate::testing::RandomInput;
using deflate::testing::TextInput;

struct ZlibOptions {
  int level = 6;
  int window_bits = 15;
  int strategy = Z_DEFAULT_STRATEGY;
  size_t flush_every = 0;  // Z_SYNC_FLUSH after every this many bytes (0: none)
};

// The system zlib's raw deflate of `input`.
Bytes ZlibRaw(const Bytes& input, const ZlibOptions& o) {
  z_stream z{};
  EXPECT_EQ(deflateInit2(&z, o.level, Z_DEFLATED, -o.window_bits, 8, o.strategy), Z_OK);
  Bytes out(deflateBound(&z, input.size()) + input.size() / 8 + 1024);
  z.next_out = reinterpret_cast<Bytef*>(out.data());
  z.avail_out = static_cast<uInt>(out.size());
  size_t offset = 0;
  do {
    const size_t step =
        o.flush_every == 0 ? input.size() - offset : std::min(o.flush_every, input.size() - offset);
    z.next_in = reinterpret_cast<Bytef*>(const_cast<std::byte*>(input.data() + offset));
    z.avail_in = static_cast<uInt>(step);
    offset += step;
    EXPECT_NE(::deflate(&z, offset == input.size() ? Z_FINISH : Z_SYNC_FLUSH), Z_STREAM_ERROR);
  } while (offset < input.size());
  out.resize(z.total_out);
  deflateEnd(&z);
  return out;
}

Bytes Inflated(const Bytes& stream, size_t size) {
  Bytes payload;
  EXPECT_TRUE(InflateRaw(stream, size, payload).ok());
  return payload;
}

// Makes a recipe, rebuilds from it, and returns the recipe's size.
size_t RoundTrip(const Bytes& payload, const Bytes& stream) {
  auto recipe = MakeDeflateRecipe(payload, stream);
  EXPECT_TRUE(recipe.ok()) << recipe.error().message;
  if (!recipe.ok()) return SIZE_MAX;
  auto rebuilt = RebuildFromRecipe(payload, *recipe);
  EXPECT_TRUE(rebuilt.ok()) << rebuilt.error().message;
  if (rebuilt.ok()) {
    EXPECT_TRUE(*rebuilt == stream);
  }
  return recipe->size();
}

Bytes Mixed(size_t size) {
  Bytes data = TextInput(size, 7);
  const Bytes noise = RandomInput(size / 8, 9);
  std::copy(noise.begin(), noise.end(), data.begin() + static_cast<long>(size / 3));
  return data;
}

TEST(DeflateRecipeTest, StreamsNoProfileReproducesRebuildExactly) {
  const Bytes input = Mixed(150000);
  const struct Case {
    const char* name;
    ZlibOptions options;
    double max_share;  // recipe size / stream size
  } cases[] = {
      {"filtered", {6, 15, Z_FILTERED, 0}, 0.05},
      {"rle", {6, 15, Z_RLE, 0}, 0.30},
      {"huffman only", {6, 15, Z_HUFFMAN_ONLY, 0}, 0.30},
      {"fixed codes", {6, 15, Z_FIXED, 0}, 0.10},
      {"window 2^10", {9, 10, Z_DEFAULT_STRATEGY, 0}, 0.50},
      {"sync flush every 10000", {6, 15, Z_DEFAULT_STRATEGY, 10000}, 0.05},
  };
  for (const Case& c : cases) {
    SCOPED_TRACE(c.name);
    const Bytes stream = ZlibRaw(input, c.options);
    const Bytes payload = Inflated(stream, input.size());
    ASSERT_EQ(payload, input);
    EXPECT_FALSE(FindDeflateProfileAmong(payload, stream, AllDeflateProfiles().first(12)).ok());
    const size_t size = RoundTrip(payload, stream);
    std::printf("%-24s stream %7zu  recipe %6zu (%.2f%%)\n", c.name, stream.size(), size,
                100.0 * static_cast<double>(size) / static_cast<double>(stream.size()));
    EXPECT_LT(static_cast<double>(size), c.max_share * static_cast<double>(stream.size()));
  }
}

TEST(DeflateRecipeTest, AStreamAProfileReproducesCostsAFewBytes) {
  const Bytes input = Mixed(200000);
  const Bytes stream = ZlibRaw(input, ZlibOptions{});
  EXPECT_LT(RoundTrip(input, stream), 64u);
}

TEST(DeflateRecipeTest, NonZeroPaddingAfterTheFinalBlockIsKept) {
  const Bytes input = TextInput(5000, 3);
  Bytes stream = ZlibRaw(input, ZlibOptions{});
  // Set the unused high bits of the last byte, if any (inflate ignores them).
  const Bytes clean = stream;
  for (int bit = 7; bit >= 0; --bit) {
    stream.back() |= std::byte(1 << bit);
    Bytes payload;
    if (!InflateRaw(stream, input.size(), payload).ok() || payload != input) {
      stream.back() &= ~std::byte(1 << bit);
      break;
    }
  }
  ASSERT_NE(stream, clean) << "the test input must leave padding bits";
  RoundTrip(input, stream);
}

TEST(DeflateRecipeTest, EmptyPayload) {
  RoundTrip({}, ZlibRaw({}, ZlibOptions{6, 15, Z_FILTERED, 0}));
}

TEST(DeflateRecipeTest, ARecipeForOtherBytesIsRefused) {
  const Bytes input = Mixed(50000);
  const Bytes stream = ZlibRaw(input, ZlibOptions{6, 15, Z_FILTERED, 0});
  Bytes other = input;
  other[100] ^= std::byte{1};
  EXPECT_FALSE(MakeDeflateRecipe(other, stream).ok());
  auto recipe = MakeDeflateRecipe(input, stream);
  ASSERT_TRUE(recipe.ok());
  auto rebuilt = RebuildFromRecipe(other, *recipe);
  EXPECT_TRUE(!rebuilt.ok() || *rebuilt != stream);
}

TEST(DeflateRecipeTest, HostileRecipesFailOrGiveOtherBytesNeverCrash) {
  const Bytes input = Mixed(20000);
  const Bytes stream = ZlibRaw(input, ZlibOptions{4, 12, Z_FILTERED, 3000});
  auto recipe = MakeDeflateRecipe(input, stream);
  ASSERT_TRUE(recipe.ok());
  // Every byte of the head (version, predictor, size, zstd frame header), then a
  // spread over the rest: each flip is a full rebuild attempt.
  for (size_t i = 0; i < recipe->size(); i += i < 48 ? 1 : 13) {
    for (uint8_t flip : {0x01, 0xFF}) {
      Bytes damaged = *recipe;
      damaged[i] ^= std::byte{flip};
      auto rebuilt = RebuildFromRecipe(input, damaged);
      if (rebuilt.ok()) {
        EXPECT_LE(rebuilt->size(), 8 * input.size());
      }
    }
  }
  for (size_t size = 0; size < recipe->size(); size += size < 48 ? 1 : 29) {
    EXPECT_FALSE(
        RebuildFromRecipe(input, Bytes(recipe->begin(), recipe->begin() + static_cast<long>(size)))
            .ok());
  }
}

}  // namespace
}  // namespace deltaglider
