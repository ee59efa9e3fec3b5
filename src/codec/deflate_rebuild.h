// DeflateMethod and RebuildDeflateStream: how the codecs that store deflate
// streams as their inflated content (gzip-patch, zip-patch) rebuild each stream
// (a deflater profile that reproduces it, or a correction recipe when none does),
// and the rebuild, checked against the stream's recorded size and CRC32. Never
// returns a stream that differs from what was recorded.
#pragma once

#include <cstddef>
#include <cstdint>
#include <span>
#include <vector>

#include "codec/deflate/deflate.h"
#include "deltaglider/result.h"

namespace deltaglider {

struct DeflateMethod {
  DeflateProfile profile;         // used when `recipe` is empty
  std::vector<std::byte> recipe;  // MakeDeflateRecipe's output, else empty
};

// A method for `stream`: the first of `candidates` that reproduces it, else a
// correction recipe. kNotFound when the stream cannot be rebuilt at all.
Result<DeflateMethod> FindDeflateMethod(std::span<const std::byte> payload,
                                        std::span<const std::byte> stream,
                                        std::span<const DeflateProfile> candidates);

// The stream, or kCorrupted (message prefixed with `codec`) when its size or CRC32
// differ from the recorded ones (a damaged delta or the wrong reference).
Result<std::vector<std::byte>> RebuildDeflateStream(std::string_view codec,
                                                    std::span<const std::byte> payload,
                                                    const DeflateMethod& method,
                                                    uint64_t stream_size, uint32_t stream_crc32);

}  // namespace deltaglider
