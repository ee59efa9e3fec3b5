// GroupSampler: measures what one reference group of plain objects would take if
// deltaglider stored it, on real bytes: it downloads the first `per_file` bytes of
// the would-be reference and of the chosen members (ObjectStore::GetRange),
// compresses the reference as the write path stores it (the smallest of the
// archive-aware reference codec, zstd and raw) plus its zero-diff delta, and
// encodes each member against it with the delta codec the write path picks for
// the group (zstd-patch, or gzip-patch/zip-patch for .gz/.zip-like files). A member whose delta
// exceeds max_ratio of its size is counted as the write path would store it: as a new compressed
// reference. Reads only; never writes to any store or file.
#pragma once

#include <cstdint>

#include "core/analysis_plan.h"
#include "core/savings_estimate.h"
#include "deltaglider/ports/delta_codec.h"
#include "deltaglider/ports/object_store.h"

namespace deltaglider {

struct SamplerParts {
  ObjectStore* store = nullptr;
  const DeltaCodec* delta_codec = nullptr;              // the group's codec at --level
  const DeltaCodec* reference_compressor = nullptr;     // zstd at --reference-level
  const DeltaCodec* reference_archive_codec = nullptr;  // optional: gzip-/zip-patch
  uint64_t per_file = 0;                                // first bytes read of each file
  double max_ratio = 0.5;
};

struct GroupSample {
  MeasuredBytes reference;
  std::vector<MeasuredBytes> members;  // in the order of group.sampled_members
  uint64_t downloaded = 0;
};

// REQUIRES: group.sampled. Errors name the object that could not be read.
Result<GroupSample> SampleGroup(const SamplerParts& parts, const PlannedGroup& group);

}  // namespace deltaglider
