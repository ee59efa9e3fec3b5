// migrate: turns plain objects (written by aws s3 cp, rclone, ...) into delta
// storage, into another bucket/prefix or in place. Resumable: a file whose
// destination already holds the same bytes (SHA256) is skipped. A source object
// is never deleted before its replacement has been read back and rebuilt; across
// buckets sources are never deleted at all.
#include "cli/command.h"
#include "cli/file_transfer.h"
#include "deltaglider/s3_uri.h"

namespace deltaglider::cli {
namespace {

struct MigrateArgs {
  std::string source;
  std::string destination;
  bool dryrun = false;
};

struct Plan {
  S3Uri from;
  S3Uri to;
  bool in_place = false;
};

// The plain objects under the source prefix, in key order.
Result<std::vector<ListEntry>> PlainObjects(ObjectStore& store, const std::string& prefix) {
  std::vector<ListEntry> plain;
  DG_RETURN_IF_ERROR(store.List({prefix, ""}, [&](const ListEntry& entry) {
    plain.push_back(entry);
    return OkStatus();
  }));
  return plain;
}

class Migration {
 public:
  Migration(Context& ctx, const Plan& plan, BucketSession& source, BucketSession& destination,
            bool dryrun)
      : ctx_(ctx), plan_(plan), source_(source), destination_(destination), dryrun_(dryrun) {}

  // One object; failures are reported and counted, not fatal.
  void Migrate(const ListEntry& entry) {
    const std::string to_key = plan_.to.key + entry.key.substr(plan_.from.key.size());
    const std::string from = "s3://" + plan_.from.bucket + "/" + entry.key;
    const std::string to = "s3://" + plan_.to.bucket + "/" + to_key;
    Result<std::string> done = MigrateOne(entry, to_key, from, to);
    if (done.ok()) {
      if (!done->empty()) ctx_.out().Result(*done, {{"event", "migrate"}, {"from", from}, {"to", to}, {"result", *done}});
      return;
    }
    ++failed_;
    ctx_.out().FileFailure("migrate failed: " + from + ": " + done.error().message,
                           {{"event", "error"}, {"from", from}, {"message", done.error().message}});
  }

  int failed() const { return failed_; }
  int migrated() const { return migrated_; }
  int skipped() const { return skipped_; }

 private:
  // The line to print ("" for nothing), or the error.
  Result<std::string> MigrateOne(const ListEntry& entry, const std::string& to_key,
                                 const std::string& from, const std::string& to) {
    MigrateOptions options;
    options.in_place = plan_.in_place;
    options.dry_run = dryrun_;
    DG_ASSIGN_OR_RETURN(MigrateResult result, destination_.service->MigrateFrom(
                                                  *source_.service, entry.key, to_key, options));
    using Outcome = MigrateResult::Outcome;
    const bool migrated =
        result.outcome == Outcome::kMigrated || result.outcome == Outcome::kWouldMigrate;
    ++(migrated ? migrated_ : skipped_);
    switch (result.outcome) {
      case Outcome::kInvalidKey:
        return "skip: " + from + " (" + result.reason + "; it stays as it is)";
      case Outcome::kNotPlain:
        return std::string();  // already deltaglider's
      case Outcome::kNotArchive:
        return "skip: " + from + " (not an archive: it stays as it is)";
      case Outcome::kWouldMigrate:
        return "(dryrun) migrate: " + from + " to " + to;
      case Outcome::kAlreadyThere:
        return "skip: " + from + " (already migrated to " + to + ")";
      case Outcome::kMigrated:
        break;
    }
    const FileInfo& file = result.put.file;
    return "migrate: " + from + " to " + to + " (" + std::string(StoredAsName(file.stored_as)) +
           " " + HumanBytes(file.stored_size) + " of " + HumanBytes(file.size) + ")";
  }

  Context& ctx_;
  const Plan& plan_;
  BucketSession& source_;
  BucketSession& destination_;
  const bool dryrun_;
  int failed_ = 0, migrated_ = 0, skipped_ = 0;
};

Status RunMigrate(Context& ctx, const MigrateArgs& args) {
  DG_ASSIGN_OR_RETURN(S3Uri from, ParseS3Uri(args.source));
  DG_ASSIGN_OR_RETURN(S3Uri to, ParseS3Uri(args.destination.empty() ? args.source : args.destination));
  for (S3Uri* uri : {&from, &to}) {
    if (!uri->key.empty() && uri->key.back() != '/') uri->key += '/';
  }
  Plan plan{from, to, from.bucket == to.bucket && from.key == to.key};
  if (!plan.in_place && from.bucket == to.bucket &&
      (to.key.starts_with(from.key) || from.key.starts_with(to.key))) {
    return MakeError(ErrorCode::kInvalidArgument, "migrate ", from.ToString(), " to ", to.ToString(),
                     ": the prefixes overlap; migrate in place (one argument) or to a separate prefix");
  }
  ctx.VerifyBeforeReplacing();
  DG_ASSIGN_OR_RETURN(BucketSession source, ctx.Open(from.bucket));
  DG_ASSIGN_OR_RETURN(BucketSession destination, ctx.Open(to.bucket));
  DG_ASSIGN_OR_RETURN(std::vector<ListEntry> objects, PlainObjects(*source.store, from.key));
  Migration migration(ctx, plan, source, destination, args.dryrun);
  for (const ListEntry& entry : objects) migration.Migrate(entry);
  const std::string summary = std::string(args.dryrun ? "(dryrun) " : "") + "migrate " +
                              from.ToString() + ": " + std::to_string(migration.migrated()) +
                              " migrated, " + std::to_string(migration.skipped()) + " skipped, " +
                              std::to_string(migration.failed()) + " failed";
  ctx.out().Result(summary, {{"event", "summary"},
                             {"migrated", migration.migrated()},
                             {"skipped", migration.skipped()},
                             {"failed", migration.failed()}});
  if (migration.failed() > 0) {
    return MakeError(ErrorCode::kUnavailable, std::to_string(migration.failed()), " of ",
                     std::to_string(objects.size()), " objects failed to migrate");
  }
  return OkStatus();
}

}  // namespace

void RegisterMigrateCommand(CLI::App& app, CommandTable& table) {
  auto args = std::make_shared<MigrateArgs>();
  CLI::App* migrate = app.add_subcommand(
      "migrate",
      "Convert plain objects (written by aws s3 cp, rclone, ...) to delta storage, into\n"
      "another bucket or prefix, or in place when DST is omitted or equals SRC. Resumable:\n"
      "files already migrated (same SHA256) are skipped. In place, an object is replaced\n"
      "only after its delta was read back and rebuilt; other copies never delete sources.\n"
      "  deltaglider migrate s3://artifacts/releases/ --dryrun\n"
      "  deltaglider migrate s3://artifacts/releases/                 # in place\n"
      "  deltaglider migrate s3://old-bucket/ s3://new-bucket/");
  migrate->add_option("SRC", args->source, "s3://bucket[/prefix] holding plain objects")->required();
  migrate->add_option("DST", args->destination, "s3://bucket[/prefix] (default: SRC, in place)");
  migrate->add_flag("--dryrun", args->dryrun, "Print what would be migrated and change nothing");
  table[migrate] = [args](Context& ctx) { return RunMigrate(ctx, *args); };
}

}  // namespace deltaglider::cli
