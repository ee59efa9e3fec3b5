// Synthetic "releases" for tests: the same random base content for every version
// of a series, with a few small edits per version, so consecutive versions delta
// well and every version is distinct. Deterministic.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>

namespace deltaglider::testing {

// `size` random bytes from `seed`.
std::string RandomBytes(size_t size, uint32_t seed);

// Version `version` of a series: RandomBytes(size, series_seed) with `version` x 2
// edits of 16 bytes.
std::string SyntheticRelease(int version, size_t size, uint32_t series_seed = 42);

}  // namespace deltaglider::testing
