// Adler-32 (RFC 1950, as in zlib): the per-window checksum xdelta3 stores with
// VCD_ADLER32. A checksum helper only; it never decides what a mismatch means.
#pragma once

#include <cstdint>
#include <span>

namespace deltaglider::vcdiff {

// The Adler-32 of `data`, continuing from `adler` (start with 1).
uint32_t Adler32(std::span<const std::byte> data, uint32_t adler = 1);

}  // namespace deltaglider::vcdiff
