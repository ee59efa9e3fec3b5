// One-shot zstd frames for small, self-contained parts of our delta framings (a
// correction recipe's body, zip-patch's stream table): tables sized to the data,
// no dictionary, nothing kept between calls. Decompression is exact-size, so a
// hostile frame can never make it allocate more than the size the caller allows.
#pragma once

#include <cstddef>
#include <cstdint>
#include <span>
#include <string_view>
#include <vector>

#include "deltaglider/result.h"

namespace deltaglider {

// One zstd frame of `data` at `level` (the frame records the content size).
std::vector<std::byte> CompressFrame(std::span<const std::byte> data, int level);

// The content of `frame`, which must declare and hold exactly `size` bytes;
// kCorrupted (prefixed with `what`) otherwise.
Result<std::vector<std::byte>> DecompressFrame(std::string_view what,
                                               std::span<const std::byte> frame, uint64_t size);

}  // namespace deltaglider
