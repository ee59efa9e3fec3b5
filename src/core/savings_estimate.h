// SavingsEstimate: the arithmetic of `deltaglider analyze`. From what was measured
// on a sample of each reference group (how well its would-be reference compresses,
// how big the deltas of a few members are) it predicts the bytes every group would
// take once stored by deltaglider, and extrapolates to what was not measured:
//   - a group's unsampled members take the byte-weighted delta ratio of its
//     sampled members;
//   - a group with nothing measured takes the byte-weighted ratios (reference
//     compression, member deltas) of the sampled groups with the same extension;
//   - with no such group, ratio 1.0 (stored at full size: the safe promise).
// Pure arithmetic on sizes: never reads a store or a file.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "deltaglider/analysis.h"

namespace deltaglider {

// Bytes measured: `stored` bytes for `size` original bytes. A measurement may
// cover only the first `size` bytes of a file; its ratio then stands for the rest.
struct MeasuredBytes {
  uint64_t size = 0;
  uint64_t stored = 0;
};

// What is known about one group before the prediction.
struct GroupObservation {
  std::string extension;            // ".zip", ".tar.gz": groups are extrapolated by it
  uint64_t reference_size = 0;      // the would-be reference (first file of the group)
  uint64_t member_count = 0;        // the other files
  uint64_t member_bytes = 0;        // and their original bytes
  std::optional<MeasuredBytes> reference;  // measured: the reference compressed
  std::vector<MeasuredBytes> members;      // measured members (a subset; maybe
                                           // first bytes only: the rest is unmeasured)
};

// How a group's prediction was reached.
enum class EstimateBasis {
  kSampled,      // every byte measured
  kPartly,       // reference and some members measured, the rest from their ratio
  kByExtension,  // from the sampled groups of the same extension
  kFullSize,     // nothing to go by: ratio 1.0
};
const char* EstimateBasisName(EstimateBasis basis);  // "sampled", "partly sampled", ...

struct GroupPrediction {
  uint64_t original_bytes = 0;
  uint64_t predicted_bytes = 0;
  EstimateBasis basis = EstimateBasis::kFullSize;
};

// One prediction per observation, in the same order.
std::vector<GroupPrediction> PredictGroups(const std::vector<GroupObservation>& groups);

}  // namespace deltaglider
