#include "client/savings_analysis.h"

#include <algorithm>
#include <mutex>
#include <optional>

#include "core/analysis_plan.h"
#include "core/group_sampler.h"
#include "core/key_layout.h"
#include "core/savings_estimate.h"
#include "util/parallel_for.h"

namespace deltaglider {
namespace {

// At most this many first bytes of any one file are downloaded and measured.
constexpr uint64_t kPerFileWindow = 64ull << 20;
constexpr size_t kMembersPerGroup = 3;

Result<AnalysisPlan> ListPlan(ObjectStore& store, std::string_view prefix,
                              const ServiceOptions& service) {
  GroupingOptions grouping;
  grouping.families = service.families;
  grouping.deltaspace = service.deltaspace;
  while (grouping.deltaspace.ends_with('/')) grouping.deltaspace.pop_back();
  AnalysisPlanner planner(grouping);
  bool any = false;
  DG_RETURN_IF_ERROR(store.List({std::string(prefix), ""}, [&](const ListEntry& entry) {
    any = true;
    planner.Add(entry);
    return OkStatus();
  }));
  if (!any) {
    return MakeError(ErrorCode::kNotFound, "analyze s3://", store.bucket(), "/", prefix,
                     ": no objects to analyze");
  }
  return planner.Finish();
}

// The codecs the write path would use for `group` (DeltaService with the default
// zstd-patch, ReferenceStore's compression): gzip-patch or zip-patch for
// .gz/.zip-like files, zstd-patch for the others.
Result<SamplerParts> PartsFor(const AnalysisCodecs& codecs, SamplerParts parts,
                              const PlannedGroup& group) {
  const std::string name = DeltaCodecNameFor(group.files[0].key, "zstd-patch", true);
  Result<const DeltaCodec*> codec = codecs.codec(name);
  if (!codec.ok()) codec = codecs.codec("zstd-patch");
  if (!codec.ok()) return codec.error();
  parts.delta_codec = *codec;
  Result<const DeltaCodec*> archive = codecs.reference_codec(name);
  parts.reference_archive_codec = archive.ok() ? *archive : nullptr;
  return parts;
}

// The bytes read of each sampled file of `group`.
uint64_t SampledBytes(const PlannedGroup& group) {
  uint64_t bytes = std::min(group.files[0].size, kPerFileWindow);
  for (size_t index : group.sampled_members)
    bytes += std::min(group.files[index].size, kPerFileWindow);
  return bytes;
}

GroupObservation Observe(const PlannedGroup& group, const std::optional<GroupSample>& sample) {
  GroupObservation observed;
  observed.extension = group.extension;
  observed.reference_size = group.files[0].size;
  observed.member_count = group.files.size() - 1;
  observed.member_bytes = group.bytes() - group.files[0].size;
  if (sample) {
    observed.reference = sample->reference;
    observed.members = sample->members;
  }
  return observed;
}

// Measures the sampled groups, `jobs` at a time; a group that cannot be read is
// reported and left to extrapolation, unless no group could be read at all.
Result<std::vector<GroupObservation>> Measure(ObjectStore& store, const AnalysisCodecs& codecs,
                                              const ServiceOptions& service,
                                              const AnalyzeOptions& options,
                                              const AnalysisPlan& plan) {
  const SamplerParts base{&store,  nullptr,        codecs.reference_compressor,
                          nullptr, kPerFileWindow, service.max_ratio};
  std::vector<size_t> todo;
  std::vector<SamplerParts> parts;
  for (size_t i = 0; i < plan.groups.size(); ++i) {
    if (!plan.groups[i].sampled) continue;
    DG_ASSIGN_OR_RETURN(SamplerParts group_parts, PartsFor(codecs, base, plan.groups[i]));
    todo.push_back(i);
    parts.push_back(group_parts);
    if (options.on_planned) options.on_planned(SampledBytes(plan.groups[i]));
  }
  std::vector<std::optional<GroupSample>> samples(plan.groups.size());
  std::vector<Error> failures;
  std::mutex mutex;
  ParallelFor(todo.size(), static_cast<unsigned>(std::max(options.jobs, 1)), [&](size_t n) {
    Result<GroupSample> sample = SampleGroup(parts[n], plan.groups[todo[n]]);
    std::lock_guard lock(mutex);
    if (sample.ok()) {
      samples[todo[n]] = std::move(*sample);
    } else {
      failures.push_back(sample.error());
      if (options.on_warning) options.on_warning(sample.error().message + "; extrapolated");
    }
    if (options.on_measured) options.on_measured(SampledBytes(plan.groups[todo[n]]));
  });
  if (!todo.empty() && failures.size() == todo.size()) return failures.front();
  std::vector<GroupObservation> observed;
  for (size_t i = 0; i < plan.groups.size(); ++i)
    observed.push_back(Observe(plan.groups[i], samples[i]));
  return observed;
}

SavingsReport ReportOf(const AnalysisPlan& plan, const std::vector<GroupPrediction>& predicted) {
  SavingsReport report;
  for (size_t i = 0; i < plan.groups.size(); ++i) {
    const PlannedGroup& group = plan.groups[i];
    SavingsRow row;
    row.label = group.name.Label();
    row.kind = std::string(group.name.KindName());
    row.files = group.files.size();
    row.original_bytes = predicted[i].original_bytes;
    row.predicted_bytes = predicted[i].predicted_bytes;
    row.basis = EstimateBasisName(predicted[i].basis);
    row.sampled = predicted[i].basis == EstimateBasis::kSampled ||
                  predicted[i].basis == EstimateBasis::kPartly;
    report.rows.push_back(std::move(row));
  }
  report.groups = plan.groups.size();
  if (plan.ineligible.files > 0) {
    SavingsRow direct;
    direct.label = "(not delta-eligible)";
    direct.kind = "direct";
    direct.files = plan.ineligible.files;
    direct.original_bytes = direct.predicted_bytes = plan.ineligible.bytes;
    direct.basis = "full size";
    report.rows.push_back(std::move(direct));
  }
  report.already_stored_objects = plan.already_stored.files;
  report.already_stored_bytes = plan.already_stored.bytes;
  return report;
}

}  // namespace

Result<SavingsReport> AnalyzeSavings(ObjectStore& store, std::string_view prefix,
                                     const AnalysisCodecs& codecs, const ServiceOptions& service,
                                     const AnalyzeOptions& options) {
  DG_ASSIGN_OR_RETURN(AnalysisPlan plan, ListPlan(store, prefix, service));
  SampleLimits limits;
  limits.budget = options.sample_bytes;
  limits.per_file = kPerFileWindow;
  limits.members_per_group = kMembersPerGroup;
  ChooseSamples(plan, limits);
  DG_ASSIGN_OR_RETURN(std::vector<GroupObservation> observed,
                      Measure(store, codecs, service, options, plan));
  return ReportOf(plan, PredictGroups(observed));
}

}  // namespace deltaglider
