// DeflateRecipe: how to rebuild, bit for bit, a raw deflate stream that none of
// our deflater profiles reproduces (a deflater we do not know), in the spirit of
// preflate: one of our profiles predicts the stream's literals and matches, and
// the recipe keeps only what differs from that prediction: a zstd patch of the
// real token list against the predicted one, where each block ends, and the
// header of every block our block encoder would not write the same way.
// MakeDeflateRecipe proves the rebuild before it returns a recipe. A recipe is
// read as hostile input: it can never make the rebuild allocate more than a small
// multiple of the payload, nor return a stream other than one it can describe.
#pragma once

#include <cstddef>
#include <span>
#include <vector>

#include "deltaglider/result.h"

namespace deltaglider {

// A recipe for `stream`, which inflates to `payload`. kNotFound when the stream
// cannot be parsed back into blocks that rebuild exactly (then store it whole).
Result<std::vector<std::byte>> MakeDeflateRecipe(std::span<const std::byte> payload,
                                                 std::span<const std::byte> stream);

// The stream `recipe` describes for `payload`. kCorrupted when the recipe is
// malformed or does not fit the payload.
Result<std::vector<std::byte>> RebuildFromRecipe(std::span<const std::byte> payload,
                                                 std::span<const std::byte> recipe);

}  // namespace deltaglider
