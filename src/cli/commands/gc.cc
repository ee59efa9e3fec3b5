// gc: removes references no delta needs any more and the litter of killed
// writes, after a grace period. A dry run (the default) prints the plan; --yes
// carries it out. Never removes a logical file.
#include <charconv>

#include "cli/command.h"
#include "deltaglider/s3_uri.h"

namespace deltaglider::cli {
namespace {

struct GcArgs {
  std::string uri;
  std::string grace = "24h";
  bool yes = false;
  bool dryrun = false;
};

// "24h", "90m", "3600s", "2d", "0" -> seconds; kInvalidArgument otherwise.
Result<std::chrono::seconds> ParseGrace(std::string_view text) {
  int64_t number = 0;
  const auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), number);
  const std::string_view unit = text.substr(static_cast<size_t>(end - text.data()));
  static constexpr std::pair<std::string_view, int64_t> kUnits[] = {
      {"", 1}, {"s", 1}, {"m", 60}, {"h", 3600}, {"d", 86400}};
  for (const auto& [name, seconds] : kUnits) {
    if (ec == std::errc() && number >= 0 && unit == name) return std::chrono::seconds(number * seconds);
  }
  return MakeError(ErrorCode::kInvalidArgument, "--grace '", text,
                   "': expected a duration such as 24h, 90m, 3600s or 2d");
}

std::string Line(const GcEvent& event, const std::string& bucket, bool dry_run,
                 const std::string& grace) {
  const std::string prefix = dry_run ? "(dryrun) " : "";
  const std::string uri = "s3://" + bucket + "/" + event.what;
  switch (event.kind) {
    case GcEvent::Kind::kUnusedReference:
      return prefix + "delete reference: " + uri + " (" + HumanBytes(event.bytes) +
             ", no delta needs it)";
    case GcEvent::Kind::kYoungReference:
      return "keep reference: " + uri + " (no delta needs it yet, younger than --grace " + grace + ")";
    case GcEvent::Kind::kRestored:
      return prefix + "restore reference: " + uri + " (a delta needs it)";
    case GcEvent::Kind::kKeptParked:
      return "keep parked reference: " + uri +
             " (deltas need it, and a newer reference has taken its key; it is read from here)";
    case GcEvent::Kind::kLitter:
      return prefix + "remove " + event.what +
             (event.bytes > 0 ? " (" + HumanBytes(event.bytes) + ")" : "");
  }
  return event.what;
}

const char* KindName(GcEvent::Kind kind) {
  switch (kind) {
    case GcEvent::Kind::kUnusedReference: return "unused-reference";
    case GcEvent::Kind::kYoungReference: return "young-reference";
    case GcEvent::Kind::kRestored: return "restored-reference";
    case GcEvent::Kind::kKeptParked:
      return "kept-parked-reference";
    case GcEvent::Kind::kLitter: return "litter";
  }
  return "unknown";
}

Status RunGc(Context& ctx, const GcArgs& args) {
  DG_ASSIGN_OR_RETURN(S3Uri uri, ParseS3Uri(args.uri));
  DG_ASSIGN_OR_RETURN(std::chrono::seconds grace, ParseGrace(args.grace));
  GcOptions options;
  options.grace = grace;
  options.dry_run = args.dryrun || !args.yes;
  DG_ASSIGN_OR_RETURN(BucketSession session, ctx.Open(uri.bucket));
  DG_ASSIGN_OR_RETURN(
      GcReport report,
      session.service->CollectGarbage(uri.key, options, [&](const GcEvent& event) {
        ctx.out().Result(Line(event, uri.bucket, options.dry_run, args.grace),
                         {{"event", KindName(event.kind)},
                          {"what", event.what},
                          {"bytes", event.bytes},
                          {"dryrun", options.dry_run}});
      }));
  std::string summary = "gc " + uri.ToString() + ": " + std::to_string(report.references) +
                        " references, " + std::to_string(report.unused) + " unused (" +
                        HumanBytes(report.unused_bytes) + "), " + std::to_string(report.young) +
                        " kept (younger than " + args.grace + "), " +
                        std::to_string(report.litter) + " litter";
  if (report.kept_parked > 0) {
    summary +=
        ", " + std::to_string(report.kept_parked) + " parked references kept (deltas need them)";
  }
  if (options.dry_run && (report.unused > 0 || report.litter > 0)) {
    summary += "; nothing removed: run again with --yes to remove them";
  }
  ctx.out().Result(summary, {{"summary", true},
                             {"references", report.references},
                             {"unused", report.unused},
                             {"unused_bytes", report.unused_bytes},
                             {"young", report.young},
                             {"restored", report.restored},
                             {"kept_parked", report.kept_parked},
                             {"litter", report.litter},
                             {"litter_bytes", report.litter_bytes},
                             {"dryrun", options.dry_run}});
  return OkStatus();
}

}  // namespace

void RegisterGcCommand(CLI::App& app, CommandTable& table) {
  auto args = std::make_shared<GcArgs>();
  CLI::App* gc = app.add_subcommand(
      "gc",
      "Find references no delta needs any more (left by rm), temp files of killed writes\n"
      "(file://) and incomplete multipart uploads (S3), older than --grace. Prints the\n"
      "plan; --yes removes them. Files are never touched, and a reference a delta still\n"
      "needs is never removed (a put racing with gc is detected and the reference kept).\n"
      "  deltaglider gc s3://releases            # what would go\n"
      "  deltaglider gc s3://releases --yes      # remove it");
  gc->add_option("URI", args->uri, "s3://bucket[/prefix]: references under it are checked")
      ->required();
  gc->add_option("--grace", args->grace,
                 "Keep anything younger than this (24h, 90m, 3600s, 2d): a put may be between\n"
                 "creating a reference and writing its first delta")
      ->capture_default_str();
  gc->add_flag("--yes", args->yes, "Remove what the plan lists (default: only print it)");
  gc->add_flag("--dryrun", args->dryrun, "Only print the plan (the default; wins over --yes)");
  table[gc] = [args](Context& ctx) { return RunGc(ctx, *args); };
}

}  // namespace deltaglider::cli
