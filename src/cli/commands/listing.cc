// ls and stats: what a bucket holds, logically and as stored.
#include <cmath>
#include <cstdio>
#include <ctime>

#include "cli/command.h"
#include "cli/job_runner.h"
#include "deltaglider/bucket_format.h"
#include "deltaglider/s3_uri.h"

namespace deltaglider::cli {
namespace {

// "2026-11-25 07:51:55" in local time, as `aws s3 ls` prints it.
std::string LocalTime(TimePoint time) {
  const std::time_t t = std::chrono::system_clock::to_time_t(time);
  std::tm tm{};
  localtime_r(&t, &tm);
  char buffer[32];
  std::strftime(buffer, sizeof(buffer), "%Y-%m-%d %H:%M:%S", &tm);
  return buffer;
}

// The aws CLI's --human-readable sizes: "1 Byte", "812 Bytes", "1.0 KiB", "2.9 MiB".
std::string AwsHumanSize(uint64_t bytes) {
  static constexpr const char* kSuffixes[] = {"KiB", "MiB", "GiB", "TiB", "PiB", "EiB"};
  if (bytes == 1) return "1 Byte";
  if (bytes < 1024) return std::to_string(bytes) + " Bytes";
  const double value = static_cast<double>(bytes);
  double unit = 1024.0 * 1024.0;
  for (const char* suffix : kSuffixes) {
    if (std::round(value / unit * 1024.0) < 1024.0 || suffix == kSuffixes[5]) {
      char buffer[32];
      std::snprintf(buffer, sizeof(buffer), "%.1f %s", 1024.0 * value / unit, suffix);
      return buffer;
    }
    unit *= 1024.0;
  }
  return std::to_string(bytes);
}

struct LsArgs {
  std::string uri;
  bool recursive = false;
  bool stored = false;
  bool human_readable = false;
  bool summarize = false;
};

std::string SizeText(uint64_t size, const LsArgs& args) {
  return args.human_readable ? AwsHumanSize(size) : std::to_string(size);
}

std::string Row(const std::string& when, uint64_t size, const std::string& name,
                const LsArgs& args) {
  char buffer[96];
  std::snprintf(buffer, sizeof(buffer), "%19s %10s ", when.c_str(), SizeText(size, args).c_str());
  return buffer + name;
}

// Objects and bytes listed, for --summarize.
struct Totals {
  uint64_t objects = 0;
  uint64_t bytes = 0;
  void Add(uint64_t size) {
    ++objects;
    bytes += size;
  }
};

void PrintSummary(Context& ctx, const Totals& totals, const LsArgs& args) {
  ctx.out().Data("\nTotal Objects: " + std::to_string(totals.objects) +
                     "\n   Total Size: " + SizeText(totals.bytes, args),
                 {{"total_objects", totals.objects}, {"total_size", totals.bytes}});
}

std::string PrefixRow(const std::string& name) { return std::string(27, ' ') + "PRE " + name; }

// Names are shown relative to the listed directory unless the listing is recursive.
std::string DisplayName(const std::string& key, const std::string& prefix, bool recursive) {
  if (recursive) return key;
  const size_t slash = prefix.rfind('/');
  return slash == std::string::npos ? key : key.substr(slash + 1);
}

Status ListBuckets(Context& ctx) {
  DG_ASSIGN_OR_RETURN(Storage * storage, ctx.storage());
  DG_ASSIGN_OR_RETURN(std::vector<BucketInfo> buckets, storage->ListBuckets());
  for (const BucketInfo& bucket : buckets) {
    ctx.out().Data(LocalTime(bucket.created) + " " + bucket.name,
                   {{"bucket", bucket.name}, {"created", FormatTimestamp(bucket.created)}});
  }
  return OkStatus();
}

Status ListStored(Context& ctx, const S3Uri& uri, const LsArgs& args, Totals& totals) {
  const bool recursive = args.recursive;
  DG_ASSIGN_OR_RETURN(BucketSession session, ctx.Open(uri.bucket));
  ListOptions options{uri.key, recursive ? "" : "/"};
  return session.store->List(options, [&](const ListEntry& entry) -> Status {
    const std::string name = DisplayName(entry.key, uri.key, recursive);
    if (entry.is_prefix) {
      ctx.out().Data(PrefixRow(name), {{"prefix", entry.key}});
    } else {
      totals.Add(entry.size);
      ctx.out().Data(Row(LocalTime(entry.last_modified), entry.size, name, args),
                     {{"key", entry.key},
                      {"size", entry.size},
                      {"etag", entry.etag},
                      {"last_modified", FormatTimestamp(entry.last_modified)}});
    }
    return OkStatus();
  });
}

Status ListFiles(Context& ctx, const S3Uri& uri, const LsArgs& args, Totals& totals) {
  const bool recursive = args.recursive;
  DG_ASSIGN_OR_RETURN(BucketSession session, ctx.Open(uri.bucket));
  auto visit = [&](const ListedEntry& entry) -> Status {
    const std::string name = DisplayName(entry.file.key, uri.key, recursive);
    if (entry.is_prefix) {
      ctx.out().Data(PrefixRow(name), {{"prefix", entry.file.key}});
      return OkStatus();
    }
    const FileInfo& file = entry.file;
    totals.Add(file.size);
    nlohmann::json row = {{"key", file.key},
                          {"size", file.size},
                          {"stored_key", file.stored_key},
                          {"stored_size", file.stored_size},
                          {"stored_as", std::string(StoredAsName(file.stored_as))},
                          {"created_at", FormatTimestamp(file.created_at)}};
    if (file.stored_as == StoredAs::kDelta) {  // which reference group it belongs to
      row["ref_key"] = file.ref_key;
      row["group"] = ReferenceGroupLabel(file.ref_key);
      row["depth"] = file.depth;
    }
    ctx.out().Data(Row(LocalTime(file.created_at), file.size, name, args), row);
    return OkStatus();
  };
  // Deltas need a HEAD each for their original size: several at once.
  return session.service->List(uri.key, recursive, visit, JobRunner::DefaultJobs());
}

Status RunLs(Context& ctx, const LsArgs& args) {
  if (args.uri.empty() || args.uri == "s3://") return ListBuckets(ctx);
  DG_ASSIGN_OR_RETURN(S3Uri uri, ParseS3Uri(args.uri));
  Totals totals;
  DG_RETURN_IF_ERROR(args.stored ? ListStored(ctx, uri, args, totals)
                                 : ListFiles(ctx, uri, args, totals));
  if (args.summarize) PrintSummary(ctx, totals, args);
  return OkStatus();
}

nlohmann::json StatsJson(const DeltaspaceStats& s) {
  return {
      {"group", s.label},
      {"kind", s.kind},
      {"deltaspace", s.deltaspace},
      {"family", s.family},
      {"files", s.files},
      {"deltas", s.deltas},
      {"direct", s.directs},
      {"references", s.references},
      {"max_depth", s.max_depth},
      {"original_bytes", s.original_bytes},
      {"stored_bytes", s.stored_bytes},
      {"saved_bytes", s.original_bytes > s.stored_bytes ? s.original_bytes - s.stored_bytes : 0}};
}

std::string StatsRow(const DeltaspaceStats& s) {
  const int64_t saved = static_cast<int64_t>(s.original_bytes) - static_cast<int64_t>(s.stored_bytes);
  char buffer[320];
  std::snprintf(buffer, sizeof(buffer), "%-32s %-10s %6llu %6llu %6llu %6llu %11s %11s %7s",
                s.label.c_str(), s.label == "total" ? "" : s.kind.c_str(),
                static_cast<unsigned long long>(s.files), static_cast<unsigned long long>(s.deltas),
                static_cast<unsigned long long>(s.directs),
                static_cast<unsigned long long>(s.references), HumanBytes(s.original_bytes).c_str(),
                HumanBytes(s.stored_bytes).c_str(),
                saved >= 0 ? Percent(static_cast<uint64_t>(saved), s.original_bytes).c_str() : "-");
  return buffer;
}

// HEADs wait on the network, not on the CPU: stats keeps this many in flight by
// default whatever the number of cores (the aws CLI's max_concurrent_requests is 10).
constexpr int kStatsDefaultJobs = 16;

struct StatsArgs {
  std::string uri;
  int jobs = kStatsDefaultJobs;
};

Status RunStats(Context& ctx, const StatsArgs& args) {
  DG_ASSIGN_OR_RETURN(S3Uri uri, ParseS3Uri(args.uri));
  DG_ASSIGN_OR_RETURN(BucketSession session, ctx.Open(uri.bucket));
  DG_ASSIGN_OR_RETURN(BucketStats stats, session.service->Stats(uri.key, args.jobs));
  if (ctx.out().json()) {
    nlohmann::json groups = nlohmann::json::array();
    for (const DeltaspaceStats& s : stats.deltaspaces) groups.push_back(StatsJson(s));
    ctx.out().Data("", {{"uri", uri.ToString()}, {"total", StatsJson(stats.total)},
                        {"deltaspaces", groups}});
    return OkStatus();
  }
  std::string text = uri.ToString() + "\n";
  char header[320];
  std::snprintf(header, sizeof(header), "%-32s %-10s %6s %6s %6s %6s %11s %11s %7s", "group",
                "kind", "files", "deltas", "direct", "refs", "original", "stored", "saved");
  text += header;
  for (const DeltaspaceStats& s : stats.deltaspaces) text += "\n" + StatsRow(s);
  text += "\n" + StatsRow(stats.total);
  ctx.out().Data(text, {});
  return OkStatus();
}

}  // namespace

void RegisterListingCommands(CLI::App& app, CommandTable& table) {
  auto ls_args = std::make_shared<LsArgs>();
  CLI::App* ls = app.add_subcommand(
      "ls",
      "List buckets, or the files under s3://bucket[/prefix] with their original sizes\n"
      "(deltas shown under their own names, references hidden).\n"
      "  deltaglider ls                          all buckets\n"
      "  deltaglider ls s3://releases/app/       files and PRE subdirectories\n"
      "  deltaglider ls -r --stored s3://releases what the bucket really holds\n"
      "  deltaglider ls -r --human-readable --summarize s3://releases");
  ls->add_option("URI", ls_args->uri, "s3://bucket[/prefix]");
  ls->add_flag("-r,--recursive", ls_args->recursive, "List every key below the prefix");
  ls->add_flag("--stored", ls_args->stored,
               "Show the stored objects (reference.bin, .delta) and their real sizes");
  ls->add_flag("--human-readable", ls_args->human_readable,
               "Sizes as 1 Byte, 812 Bytes, 1.0 KiB, 2.9 MiB (as `aws s3 ls`)");
  ls->add_flag(
      "--summarize", ls_args->summarize,
      "End with \"Total Objects: N\" and \"Total Size: X\" (logical, or stored with --stored)");
  table[ls] = [ls_args](Context& ctx) { return RunLs(ctx, *ls_args); };

  auto stats_args = std::make_shared<StatsArgs>();
  CLI::App* stats = app.add_subcommand(
      "stats",
      "Original vs stored bytes under s3://bucket[/prefix], per reference group, with the\n"
      "savings. A deltaspace row (\"app/\") holds a directory's files; a family row\n"
      "(\"releases/*/{app.zip}\") the versions in their own directories that share\n"
      "references, with those references. Sizes come from the listing; each delta is\n"
      "HEADed for its original size, --jobs at a time.\n"
      "  deltaglider stats s3://releases\n"
      "  deltaglider stats s3://releases/app/ --json --jobs 16");
  stats->add_option("URI", stats_args->uri, "s3://bucket[/prefix]")->required();
  stats->add_option("--jobs", stats_args->jobs,
                    "HEAD requests in flight at once")
      ->capture_default_str()
      ->check(CLI::Range(1, 64));
  table[stats] = [stats_args](Context& ctx) { return RunStats(ctx, *stats_args); };
}

}  // namespace deltaglider::cli
