// GroupSampler: measures what one reference group of plain objects would take if
// deltaglider stored it, on real bytes: it downloads the first `per_file` bytes of
// the would-be reference and of the chosen members (ObjectStore::GetRange),
// compresses the reference with the reference compressor (as the write path
// stores it: compressed only when smaller) plus its zero-diff delta, and encodes
// each member against it with the delta codec. A member whose delta exceeds
// max_ratio of its size is counted as the write path would store it: as a new
// compressed reference. Reads only; never writes to any store or file.
#pragma once

#include <cstdint>

#include "cli/analysis_plan.h"
#include "core/savings_estimate.h"
#include "deltaglider/ports/delta_codec.h"
#include "deltaglider/ports/object_store.h"

namespace deltaglider::cli {

struct SamplerParts {
  ObjectStore* store = nullptr;
  const DeltaCodec* delta_codec = nullptr;           // zstd-patch at --level
  const DeltaCodec* reference_compressor = nullptr;  // zstd at --reference-level
  uint64_t per_file = 0;                             // first bytes read of each file
  double max_ratio = 0.5;
};

struct GroupSample {
  MeasuredBytes reference;
  std::vector<MeasuredBytes> members;  // in the order of group.sampled_members
  uint64_t downloaded = 0;
};

// REQUIRES: group.sampled. Errors name the object that could not be read.
Result<GroupSample> SampleGroup(const SamplerParts& parts, const PlannedGroup& group);

}  // namespace deltaglider::cli
