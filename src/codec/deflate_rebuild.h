// RebuildDeflateStream: re-deflates a payload with the profile a delta recorded
// and checks the result against the stream's recorded size and CRC32, for the
// codecs that store deflate streams as their inflated content (gzip-patch,
// zip-patch). Never returns a stream that differs from what was recorded.
#pragma once

#include <cstddef>
#include <cstdint>
#include <span>
#include <vector>

#include "codec/deflate/deflate.h"
#include "deltaglider/result.h"

namespace deltaglider {

// The stream, or kCorrupted (message prefixed with `codec`) when its size or CRC32
// differ from the recorded ones (a damaged delta or the wrong reference).
Result<std::vector<std::byte>> RebuildDeflateStream(std::string_view codec,
                                                    std::span<const std::byte> payload,
                                                    const DeflateProfile& profile,
                                                    uint64_t stream_size, uint32_t stream_crc32);

}  // namespace deltaglider
