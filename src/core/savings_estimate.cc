#include "core/savings_estimate.h"

#include <algorithm>
#include <cmath>
#include <map>

namespace deltaglider {
namespace {

// Byte-weighted ratio of stored to original bytes, or nullopt with no bytes.
struct RatioSum {
  uint64_t size = 0;
  uint64_t stored = 0;
  void Add(const MeasuredBytes& m) {
    size += m.size;
    stored += m.stored;
  }
  std::optional<double> Ratio() const {
    if (size == 0) return std::nullopt;
    return static_cast<double>(stored) / static_cast<double>(size);
  }
};

struct ExtensionRatios {
  RatioSum reference;
  RatioSum members;
};

uint64_t Scaled(uint64_t bytes, double ratio) {
  return static_cast<uint64_t>(std::llround(static_cast<double>(bytes) * ratio));
}

std::map<std::string, ExtensionRatios> RatiosByExtension(const std::vector<GroupObservation>& groups) {
  std::map<std::string, ExtensionRatios> ratios;
  for (const GroupObservation& group : groups) {
    if (group.reference) ratios[group.extension].reference.Add(*group.reference);
    for (const MeasuredBytes& member : group.members) ratios[group.extension].members.Add(member);
  }
  return ratios;
}

GroupPrediction Predict(const GroupObservation& group, const ExtensionRatios* by_extension) {
  GroupPrediction out;
  out.original_bytes = group.reference_size + group.member_bytes;
  RatioSum measured;
  for (const MeasuredBytes& member : group.members) measured.Add(member);
  const std::optional<double> ext_ref = by_extension ? by_extension->reference.Ratio() : std::nullopt;
  const std::optional<double> ext_members = by_extension ? by_extension->members.Ratio() : std::nullopt;
  const double member_ratio = measured.Ratio().value_or(ext_members.value_or(1.0));
  const uint64_t reference = group.reference
                                 ? Scaled(group.reference_size, static_cast<double>(group.reference->stored) /
                                                                    static_cast<double>(std::max<uint64_t>(group.reference->size, 1)))
                                 : Scaled(group.reference_size, ext_ref.value_or(1.0));
  const uint64_t unmeasured = group.member_bytes > measured.size ? group.member_bytes - measured.size : 0;
  out.predicted_bytes = reference + measured.stored + Scaled(unmeasured, member_ratio);
  const bool whole_reference = group.reference && group.reference->size >= group.reference_size;
  if (whole_reference && unmeasured == 0) {
    out.basis = EstimateBasis::kSampled;
  } else if (group.reference || measured.size > 0) {
    out.basis = EstimateBasis::kPartly;
  } else if (ext_ref || ext_members) {
    out.basis = EstimateBasis::kByExtension;
  } else {
    out.basis = EstimateBasis::kFullSize;
  }
  return out;
}

}  // namespace

const char* EstimateBasisName(EstimateBasis basis) {
  switch (basis) {
    case EstimateBasis::kSampled: return "sampled";
    case EstimateBasis::kPartly: return "partly sampled";
    case EstimateBasis::kByExtension: return "extrapolated";
    case EstimateBasis::kFullSize: return "full size";
  }
  return "unknown";
}

std::vector<GroupPrediction> PredictGroups(const std::vector<GroupObservation>& groups) {
  const std::map<std::string, ExtensionRatios> ratios = RatiosByExtension(groups);
  std::vector<GroupPrediction> out;
  out.reserve(groups.size());
  for (const GroupObservation& group : groups) {
    const auto it = ratios.find(group.extension);
    out.push_back(Predict(group, it == ratios.end() ? nullptr : &it->second));
  }
  return out;
}

double SavedFraction(uint64_t original_bytes, uint64_t predicted_bytes) {
  if (original_bytes == 0) return 0.0;
  return 1.0 - static_cast<double>(predicted_bytes) / static_cast<double>(original_bytes);
}

}  // namespace deltaglider
