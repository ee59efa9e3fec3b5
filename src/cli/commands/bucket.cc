// mb, rb, rm and verify: bucket administration and single-object checks.
#include "cli/command.h"
#include "core/s3_uri.h"

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

Status RunRb(Context& ctx, const std::string& text) {
  DG_ASSIGN_OR_RETURN(S3Uri uri, ParseBucketUri(text));
  DG_ASSIGN_OR_RETURN(Storage * storage, ctx.storage());
  if (Status s = storage->DeleteBucket(uri.bucket); !s.ok()) return s.error().Wrap("remove_bucket " + uri.bucket);
  ctx.out().Result("remove_bucket: " + uri.bucket, {{"event", "remove_bucket"}, {"bucket", uri.bucket}});
  return OkStatus();
}

Status RunRm(Context& ctx, const std::string& text) {
  DG_ASSIGN_OR_RETURN(S3Uri uri, ParseFileUri(text));
  DG_ASSIGN_OR_RETURN(BucketSession session, ctx.Open(uri.bucket));
  DG_ASSIGN_OR_RETURN(FileInfo file, session.service->Delete(uri.key));
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
  AddSimple(app, table, "rb", "Remove an empty bucket.", "s3://bucket", RunRb);
  AddSimple(app, table, "rm",
            "Remove one file (its delta or direct object). References stay: other deltas\n"
            "may need them.",
            "s3://bucket/key", RunRm);
  AddSimple(app, table, "verify",
            "Rebuild a file and check its SHA256 without writing it anywhere; for a delta,\n"
            "also check that its reference is still in the bucket.",
            "s3://bucket/key", RunVerify);
}

}  // namespace deltaglider::cli
