// presign: a time-limited plain GET URL for a file stored direct (or a plain
// object). A delta cannot be presigned: the URL would serve the stored delta.
#include "cli/command.h"
#include "deltaglider/s3_uri.h"

namespace deltaglider::cli {
namespace {

struct PresignArgs {
  std::string uri;
  int expires_in = 3600;
};

Status RunPresign(Context& ctx, const PresignArgs& args) {
  DG_ASSIGN_OR_RETURN(S3Uri uri, ParseS3Uri(args.uri));
  if (uri.IsDirectory()) {
    return MakeError(ErrorCode::kInvalidArgument, "presign ", args.uri,
                     ": name a file, not a directory");
  }
  DG_ASSIGN_OR_RETURN(BucketSession session, ctx.Open(uri.bucket));
  DG_ASSIGN_OR_RETURN(FileInfo file, session.service->Head(uri.key));
  if (file.stored_as == StoredAs::kDelta) {
    return MakeError(ErrorCode::kFailedPrecondition, "presign ", uri.ToString(),
                     ": stored as a delta (", file.stored_key,
                     "); a presigned URL would return the delta bytes, not the file, so it "
                     "cannot be presigned. Download it with `deltaglider cp`, or store files "
                     "meant for presigned links direct.");
  }
  DG_ASSIGN_OR_RETURN(std::string url, ctx.Presign(uri.bucket, file.stored_key, args.expires_in));
  ctx.out().Data(url, {{"url", url}, {"key", file.key}, {"expires_in", args.expires_in}});
  return OkStatus();
}

}  // namespace

void RegisterPresignCommand(CLI::App& app, CommandTable& table) {
  auto args = std::make_shared<PresignArgs>();
  CLI::App* presign = app.add_subcommand(
      "presign",
      "Print a presigned HTTPS GET URL for a file stored direct (or a plain object), as\n"
      "`aws s3 presign`. Files stored as deltas are refused: the URL would serve the\n"
      "delta, not the file. Needs an S3 endpoint (not file://).\n"
      "  deltaglider presign s3://releases/notes.txt --expires-in 600");
  presign->add_option("URI", args->uri, "s3://bucket/key")->required();
  presign->add_option("--expires-in", args->expires_in, "Seconds the URL stays valid (1 to 604800)")
      ->check(CLI::Range(1, 604800))
      ->capture_default_str();
  table[presign] = [args](Context& ctx) { return RunPresign(ctx, *args); };
}

}  // namespace deltaglider::cli
