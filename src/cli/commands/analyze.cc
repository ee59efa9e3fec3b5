// analyze: how much deltaglider would save on a bucket of plain objects. Lists the
// prefix, groups the objects as the write path would (AnalysisPlan), measures a
// budgeted sample of real bytes (GroupSampler, in parallel on a JobRunner) and
// extrapolates the rest (core/savings_estimate.h). Reads only.
#include <algorithm>
#include <mutex>
#include <optional>

#include "cli/analysis_plan.h"
#include "cli/command.h"
#include "cli/group_sampler.h"
#include "cli/job_runner.h"
#include "cli/progress.h"
#include "core/key_layout.h"
#include "core/savings_estimate.h"
#include "deltaglider/s3_uri.h"

namespace deltaglider::cli {
namespace {

// At most this many first bytes of any one file are downloaded and measured.
constexpr uint64_t kPerFileWindow = 64ull << 20;
constexpr size_t kMembersPerGroup = 3;

struct AnalyzeArgs {
  std::string uri;
  std::string sample_bytes = "512MB";
  int jobs = 0;  // 0: JobRunner::DefaultJobs()
  bool no_progress = false;
};

GroupingOptions GroupingFor(const GlobalOptions& options) {
  GroupingOptions grouping{.families = !options.no_family, .deltaspace = options.deltaspace};
  while (grouping.deltaspace.ends_with('/')) grouping.deltaspace.pop_back();
  return grouping;
}

Result<AnalysisPlan> ListPlan(Context& ctx, ObjectStore& store, const S3Uri& uri) {
  AnalysisPlanner planner(GroupingFor(ctx.options()));
  bool any = false;
  DG_RETURN_IF_ERROR(store.List({uri.key, ""}, [&](const ListEntry& entry) {
    any = true;
    planner.Add(entry);
    return OkStatus();
  }));
  if (!any) {
    return MakeError(ErrorCode::kNotFound, "analyze ", uri.ToString(), ": no objects to analyze");
  }
  return planner.Finish();
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

// `base` with the codecs the write path would use for `group` (DeltaService::
// CodecFor with the default zstd-patch, ReferenceStore::Compress): gzip-patch or
// zip-patch for .gz/.zip-like files, zstd-patch for the others.
Result<SamplerParts> PartsFor(Context& ctx, SamplerParts base, const PlannedGroup& group) {
  const std::string name = DeltaCodecNameFor(group.files[0].key, "zstd-patch", true);
  Result<const DeltaCodec*> codec = ctx.Codec(name);
  if (!codec.ok()) codec = ctx.Codec("zstd-patch");
  if (!codec.ok()) return codec.error();
  base.delta_codec = *codec;
  Result<const DeltaCodec*> archive = ctx.ReferenceCodec(name);
  base.reference_archive_codec = archive.ok() ? *archive : nullptr;
  return base;
}

// The bytes read of each sampled file of `group`, for the progress line.
std::vector<uint64_t> SampledBytes(const PlannedGroup& group) {
  std::vector<uint64_t> bytes{std::min(group.files[0].size, kPerFileWindow)};
  for (size_t index : group.sampled_members) bytes.push_back(std::min(group.files[index].size, kPerFileWindow));
  return bytes;
}

// Measures the sampled groups, `jobs` at a time; a group that cannot be read is
// reported and left to extrapolation, unless no group could be read at all.
Result<std::vector<GroupObservation>> Measure(Context& ctx, ObjectStore& store,
                                              const AnalysisPlan& plan, const AnalyzeArgs& args) {
  DG_ASSIGN_OR_RETURN(const DeltaCodec* compressor, ctx.ReferenceCompressor());
  const SamplerParts base{&store, nullptr, compressor, nullptr, kPerFileWindow, ctx.options().max_ratio};
  const OutputOptions& out = ctx.options().output;
  Progress progress(!args.no_progress && !out.quiet && !out.json && Progress::StderrIsTerminal());
  std::vector<std::optional<GroupSample>> samples(plan.groups.size());
  std::mutex mutex;
  size_t planned = 0;
  std::vector<Error> failures;
  {
    JobRunner runner(args.jobs > 0 ? args.jobs : JobRunner::DefaultJobs());
    for (size_t i = 0; i < plan.groups.size(); ++i) {
      const PlannedGroup& group = plan.groups[i];
      if (!group.sampled) continue;
      ++planned;
      for (uint64_t bytes : SampledBytes(group)) progress.Planned(bytes);
      DG_ASSIGN_OR_RETURN(SamplerParts parts, PartsFor(ctx, base, group));
      runner.Submit("", [&, i, parts] {
        Result<GroupSample> sample = SampleGroup(parts, plan.groups[i]);
        std::lock_guard lock(mutex);
        if (sample.ok()) {
          samples[i] = std::move(*sample);
        } else {
          failures.push_back(sample.error());
          progress.Above([&] { ctx.out().Warning(sample.error().message + "; extrapolated"); });
        }
        for (uint64_t bytes : SampledBytes(plan.groups[i])) progress.Finished(bytes, {});
      });
    }
  }
  if (planned > 0 && failures.size() == planned) return failures.front();
  std::vector<GroupObservation> observed;
  for (size_t i = 0; i < plan.groups.size(); ++i) observed.push_back(Observe(plan.groups[i], samples[i]));
  return observed;
}

std::string Saving(uint64_t original, uint64_t predicted) {
  if (predicted > original) return "-" + Percent(predicted - original, original);
  return Percent(original - predicted, original);
}

std::string Row(const std::string& group, const std::string& kind, uint64_t files,
                uint64_t original, uint64_t predicted, const std::string& basis) {
  char buffer[384];
  std::snprintf(buffer, sizeof(buffer), "%-34s %-10s %6llu %11s %11s %8s  %s", group.c_str(),
                kind.c_str(), static_cast<unsigned long long>(files), HumanBytes(original).c_str(),
                HumanBytes(predicted).c_str(), Saving(original, predicted).c_str(), basis.c_str());
  return buffer;
}

nlohmann::json RowJson(const std::string& group, const std::string& kind, uint64_t files,
                       uint64_t original, uint64_t predicted, const std::string& basis) {
  return {{"event", "group"},          {"group", group},
          {"kind", kind},              {"files", files},
          {"original_bytes", original}, {"predicted_bytes", predicted},
          {"saved_fraction", SavedFraction(original, predicted)}, {"estimate", basis}};
}

// Prints one row as text or JSON, and adds it to the totals.
struct Report {
  const Output& out;
  uint64_t original = 0, predicted = 0;
  void Row(const std::string& group, const std::string& kind, uint64_t files, uint64_t original_bytes,
           uint64_t predicted_bytes, const std::string& basis) {
    original += original_bytes;
    predicted += predicted_bytes;
    if (out.json()) {
      out.Data("", RowJson(group, kind, files, original_bytes, predicted_bytes, basis));
    } else {
      out.Data(cli::Row(group, kind, files, original_bytes, predicted_bytes, basis), {});
    }
  }
};

void Print(const Output& out, const S3Uri& uri, const AnalysisPlan& plan,
           const std::vector<GroupPrediction>& predicted) {
  if (!out.json()) {
    char header[384];
    std::snprintf(header, sizeof(header), "%-34s %-10s %6s %11s %11s %8s  %s", "group", "kind",
                  "files", "original", "predicted", "saving", "estimate");
    out.Data(uri.ToString() + "\n" + header, {});
  }
  Report report{out};
  size_t sampled = 0;
  for (size_t i = 0; i < plan.groups.size(); ++i) {
    const PlannedGroup& group = plan.groups[i];
    sampled += predicted[i].basis == EstimateBasis::kSampled || predicted[i].basis == EstimateBasis::kPartly;
    report.Row(group.name.Label(), std::string(group.name.KindName()), group.files.size(),
               predicted[i].original_bytes, predicted[i].predicted_bytes,
               EstimateBasisName(predicted[i].basis));
  }
  if (plan.ineligible.files > 0) {
    report.Row("(not delta-eligible)", "direct", plan.ineligible.files, plan.ineligible.bytes,
               plan.ineligible.bytes, "full size");
  }
  const FileCount& stored = plan.already_stored;
  const std::string saving = Saving(report.original, report.predicted);
  if (out.json()) {
    if (stored.files > 0) {
      out.Data("", {{"event", "already_stored"}, {"objects", stored.files}, {"stored_bytes", stored.bytes}});
    }
    out.Data("", {{"event", "summary"},
                  {"uri", uri.ToString()},
                  {"groups", plan.groups.size()},
                  {"sampled_groups", sampled},
                  {"original_bytes", report.original},
                  {"predicted_bytes", report.predicted},
                  {"saved_fraction", SavedFraction(report.original, report.predicted)}});
    return;
  }
  if (stored.files > 0) {
    out.Data("Already stored by deltaglider: " + std::to_string(stored.files) + " objects, " +
                 HumanBytes(stored.bytes) + " (not counted above)",
             {});
  }
  out.Data("Potential savings: " + saving + " (" + HumanBytes(report.original) + " -> " +
               HumanBytes(report.predicted) + ")",
           {});
}

Status RunAnalyze(Context& ctx, const AnalyzeArgs& args) {
  DG_ASSIGN_OR_RETURN(S3Uri uri, ParseS3Uri(args.uri));
  DG_ASSIGN_OR_RETURN(uint64_t budget, ParseByteSize("--sample-bytes", args.sample_bytes));
  DG_ASSIGN_OR_RETURN(BucketSession session, ctx.Open(uri.bucket));
  DG_ASSIGN_OR_RETURN(AnalysisPlan plan, ListPlan(ctx, *session.store, uri));
  ChooseSamples(plan, {.budget = budget, .per_file = kPerFileWindow, .members_per_group = kMembersPerGroup});
  DG_ASSIGN_OR_RETURN(std::vector<GroupObservation> observed, Measure(ctx, *session.store, plan, args));
  Print(ctx.out(), uri, plan, PredictGroups(observed));
  return OkStatus();
}

}  // namespace

void RegisterAnalyzeCommand(CLI::App& app, CommandTable& table) {
  auto args = std::make_shared<AnalyzeArgs>();
  CLI::App* analyze = app.add_subcommand(
      "analyze",
      "Predict what deltaglider would save on the plain objects under\n"
      "s3://bucket[/prefix] (e.g. a bucket filled by `aws s3 cp`); writes nothing.\n"
      "Objects are grouped as cp/sync store them (a family for versions in their own\n"
      "directories, else the directory and the file's family name); the first file of\n"
      "a group in key order would be its reference. At most --sample-bytes are read\n"
      "(the first 64 MiB of a file at most): per group, the reference (counted as\n"
      "stored: compressed) and up to 3 members (their deltas against it, with the\n"
      "codec cp would use: zstd-patch, gzip-patch for .gz, zip-patch for .zip).\n"
      "The rest is extrapolated: a group's other members by its measured ratio;\n"
      "unmeasured groups by those of the same extension, else at full size.\n"
      "Non-archives count at full size; objects deltaglider wrote are only counted.\n"
      "  deltaglider analyze s3://artifacts\n"
      "  deltaglider analyze s3://artifacts/releases/ --sample-bytes 2GB --json");
  analyze->add_option("URI", args->uri, "s3://bucket[/prefix]")->required();
  analyze->add_option("--sample-bytes", args->sample_bytes,
                      "Bytes downloaded to measure deltas, in total (8388608, 512MB, 2GB)")
      ->capture_default_str();
  analyze->add_option("--jobs", args->jobs,
                      "Groups measured at once (default: the number of cores, 2 to 16)")
      ->check(CLI::Range(1, 64));
  analyze->add_flag("--no-progress", args->no_progress,
                    "No live progress line on stderr (it is drawn only on a terminal)");
  table[analyze] = [args](Context& ctx) { return RunAnalyze(ctx, *args); };
}

}  // namespace deltaglider::cli
