// analyze: how much deltaglider would save on a bucket of plain objects
// (Client::AnalyzeSavings: list, group as the write path would, measure a
// budgeted sample, extrapolate); this command parses, draws progress and prints
// the report. Reads only.
#include <mutex>

#include "cli/command.h"
#include "cli/job_runner.h"
#include "cli/progress.h"
#include "deltaglider/analysis.h"
#include "deltaglider/s3_uri.h"

namespace deltaglider::cli {
namespace {

struct AnalyzeArgs {
  std::string uri;
  std::string sample_bytes = "512MB";
  int jobs = 0;  // 0: JobRunner::DefaultJobs()
  bool no_progress = false;
};

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

void Print(const Output& out, const S3Uri& uri, const SavingsReport& savings) {
  if (!out.json()) {
    char header[384];
    std::snprintf(header, sizeof(header), "%-34s %-10s %6s %11s %11s %8s  %s", "group", "kind",
                  "files", "original", "predicted", "saving", "estimate");
    out.Data(uri.ToString() + "\n" + header, {});
  }
  Report report{out};
  size_t sampled = 0;
  for (const SavingsRow& row : savings.rows) {
    sampled += row.sampled;
    report.Row(row.label, row.kind, row.files, row.original_bytes, row.predicted_bytes, row.basis);
  }
  const std::string saving = Saving(report.original, report.predicted);
  if (out.json()) {
    if (savings.already_stored_objects > 0) {
      out.Data("", {{"event", "already_stored"},
                    {"objects", savings.already_stored_objects},
                    {"stored_bytes", savings.already_stored_bytes}});
    }
    out.Data("", {{"event", "summary"},
                  {"uri", uri.ToString()},
                  {"groups", savings.groups},
                  {"sampled_groups", sampled},
                  {"original_bytes", report.original},
                  {"predicted_bytes", report.predicted},
                  {"saved_fraction", SavedFraction(report.original, report.predicted)}});
    return;
  }
  if (savings.already_stored_objects > 0) {
    out.Data("Already stored by deltaglider: " + std::to_string(savings.already_stored_objects) +
                 " objects, " + HumanBytes(savings.already_stored_bytes) + " (not counted above)",
             {});
  }
  out.Data("Potential savings: " + saving + " (" + HumanBytes(report.original) + " -> " +
               HumanBytes(report.predicted) + ")",
           {});
}

Status RunAnalyze(Context& ctx, const AnalyzeArgs& args) {
  DG_ASSIGN_OR_RETURN(S3Uri uri, ParseS3Uri(args.uri));
  DG_ASSIGN_OR_RETURN(uint64_t budget, ParseByteSize("--sample-bytes", args.sample_bytes));
  const OutputOptions& out = ctx.options().output;
  Progress progress(!args.no_progress && !out.quiet && !out.json && Progress::StderrIsTerminal());
  AnalyzeOptions options;
  options.sample_bytes = budget;
  options.jobs = args.jobs > 0 ? args.jobs : JobRunner::DefaultJobs();
  options.on_planned = [&](uint64_t bytes) { progress.Planned(bytes); };
  options.on_measured = [&](uint64_t bytes) { progress.Finished(bytes, {}); };
  options.on_warning = [&](std::string_view message) {
    progress.Above([&] { ctx.out().Warning(std::string(message)); });
  };
  DG_ASSIGN_OR_RETURN(SavingsReport savings, ctx.AnalyzeSavings(uri.bucket, uri.key, options));
  Print(ctx.out(), uri, savings);
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
