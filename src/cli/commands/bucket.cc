// mb, rb, rm and verify: bucket administration and single-object checks; rm -r
// and rb --force remove whole trees.
#include "cli/command.h"
#include "cli/job_runner.h"
#include "cli/transfer_report.h"
#include "cli/tree_transfer.h"
#include "deltaglider/bucket_format.h"
#include "deltaglider/s3_uri.h"

namespace deltaglider::cli {
namespace {

Result<S3Uri> ParseBucketUri(const std::string& text) {
  DG_ASSIGN_OR_RETURN(S3Uri uri, ParseS3Uri(text));
  if (!uri.key.empty() && uri.key != "/") {
    return MakeError(ErrorCode::kInvalidArgument, "'", text, "' names a key; give s3://bucket");
  }
  return uri;
}

Result<S3Uri> ParseFileUri(const std::string& text) {
  DG_ASSIGN_OR_RETURN(S3Uri uri, ParseS3Uri(text));
  if (uri.IsDirectory()) {
    return MakeError(ErrorCode::kInvalidArgument, "'", text, "' names no file; give s3://bucket/key");
  }
  return uri;
}

Status RunMb(Context& ctx, const std::string& text) {
  DG_ASSIGN_OR_RETURN(S3Uri uri, ParseBucketUri(text));
  DG_ASSIGN_OR_RETURN(Storage * storage, ctx.storage());
  if (Status s = storage->CreateBucket(uri.bucket); !s.ok()) return s.error().Wrap("make_bucket " + uri.bucket);
  ctx.out().Result("make_bucket: " + uri.bucket, {{"event", "make_bucket"}, {"bucket", uri.bucket}});
  return OkStatus();
}

// Every stored object of the bucket, references last (deltas need them until then).
Status EmptyBucket(Context& ctx, const std::string& bucket) {
  DG_ASSIGN_OR_RETURN(BucketSession session, ctx.Open(bucket));
  TransferReport report(ctx.out(), {});
  std::vector<std::string> references;
  Status listed;
  {
    JobRunner runner(JobRunner::DefaultJobs());
    auto remove = [&](const std::string& key) {
      report.Planned(0);
      runner.Submit("", [&, key] {
        FileEvent event = MakeEvent("delete", "s3://" + bucket + "/" + key);
        report.Record(event, session.store->Delete(key));
      });
    };
    listed = session.store->List({"", ""}, [&](const ListEntry& entry) -> Status {
      if (IsReferenceKey(entry.key)) {
        references.push_back(entry.key);
      } else {
        remove(entry.key);
      }
      return OkStatus();
    });
    runner.Wait();
    if (listed.ok()) {
      for (const std::string& key : references) remove(key);
    }
  }
  DG_RETURN_IF_ERROR(listed);
  return report.Finish();
}

struct RbArgs {
  std::string uri;
  bool force = false;
};

Status RunRb(Context& ctx, const RbArgs& args) {
  DG_ASSIGN_OR_RETURN(S3Uri uri, ParseBucketUri(args.uri));
  DG_ASSIGN_OR_RETURN(Storage * storage, ctx.storage());
  if (args.force) DG_RETURN_IF_ERROR(EmptyBucket(ctx, uri.bucket));
  if (Status s = storage->DeleteBucket(uri.bucket); !s.ok()) return s.error().Wrap("remove_bucket " + uri.bucket);
  ctx.out().Result("remove_bucket: " + uri.bucket, {{"event", "remove_bucket"}, {"bucket", uri.bucket}});
  return OkStatus();
}

struct RmArgs {
  std::string uri;
  TreeOptions tree;
};

Status RunRm(Context& ctx, const RmArgs& args) {
  if (args.tree.recursive) {
    DG_ASSIGN_OR_RETURN(S3Uri uri, ParseS3Uri(args.uri));
    return RunTreeDelete(ctx, uri, args.tree);
  }
  DG_ASSIGN_OR_RETURN(S3Uri uri, ParseFileUri(args.uri));
  DG_ASSIGN_OR_RETURN(BucketSession session, ctx.Open(uri.bucket));
  if (args.tree.dryrun) {
    DG_RETURN_IF_ERROR(session.service->Head(uri.key).status());
    ctx.out().Result("(dryrun) delete: " + uri.ToString(),
                     {{"event", "delete"}, {"source", uri.ToString()}, {"dryrun", true}});
    return OkStatus();
  }
  DG_ASSIGN_OR_RETURN(FileInfo file, session.service->Delete(uri.key));
  if (args.tree.only_show_errors) return OkStatus();
  ctx.out().Result("delete: " + uri.ToString(),
                   {{"event", "delete"}, {"key", file.key}, {"stored_key", file.stored_key}});
  return OkStatus();
}

Status RunVerify(Context& ctx, const std::string& text) {
  DG_ASSIGN_OR_RETURN(S3Uri uri, ParseFileUri(text));
  DG_ASSIGN_OR_RETURN(BucketSession session, ctx.Open(uri.bucket));
  DG_ASSIGN_OR_RETURN(FileInfo file, session.service->Verify(uri.key));
  const std::string how = file.stored_as == StoredAs::kPlain
                              ? "plain object, no checksum recorded"
                              : "sha256 " + file.sha256;
  ctx.out().Result("verified: " + uri.ToString() + " (" + std::string(StoredAsName(file.stored_as)) +
                       ", " + std::to_string(file.size) + " bytes, " + how + ")",
                   {{"event", "verified"},
                    {"key", file.key},
                    {"stored_as", std::string(StoredAsName(file.stored_as))},
                    {"size", file.size},
                    {"sha256", file.sha256}});
  return OkStatus();
}

void AddSimple(CLI::App& app, CommandTable& table, const char* name, const char* help,
               const char* arg_help, Status (*run)(Context&, const std::string&)) {
  auto arg = std::make_shared<std::string>();
  CLI::App* command = app.add_subcommand(name, help);
  command->add_option("URI", *arg, arg_help)->required();
  table[command] = [arg, run](Context& ctx) { return run(ctx, *arg); };
}

}  // namespace

void RegisterBucketCommands(CLI::App& app, CommandTable& table) {
  AddSimple(app, table, "mb", "Make a bucket.", "s3://bucket", RunMb);
  auto rb_args = std::make_shared<RbArgs>();
  CLI::App* rb = app.add_subcommand(
      "rb",
      "Remove a bucket. Without --force it must be empty; with --force every object in it\n"
      "(deltas, direct objects, then references) is deleted first.");
  rb->add_option("URI", rb_args->uri, "s3://bucket")->required();
  rb->add_flag("--force", rb_args->force, "Delete every object first, references included");
  table[rb] = [rb_args](Context& ctx) { return RunRb(ctx, *rb_args); };

  auto rm_args = std::make_shared<RmArgs>();
  CLI::App* rm = app.add_subcommand(
      "rm",
      "Remove files (their deltas or direct objects). References stay: other deltas may\n"
      "need them (`rb --force` removes everything).\n"
      "  deltaglider rm s3://releases/app/app-1.0.zip\n"
      "  deltaglider rm -r s3://releases/nightly/ --exclude '*' --include '*-rc*'");
  rm->add_option("URI", rm_args->uri, "s3://bucket/key, or s3://bucket[/prefix] with -r")
      ->required();
  AddTreeOptions(*rm, rm_args->tree, kRecursiveFlag);
  table[rm] = [rm_args](Context& ctx) { return RunRm(ctx, *rm_args); };
  AddSimple(app, table, "verify",
            "Rebuild a file and check its SHA256 without writing it anywhere; for a delta,\n"
            "also check that its reference is still in the bucket.",
            "s3://bucket/key", RunVerify);
}

}  // namespace deltaglider::cli
