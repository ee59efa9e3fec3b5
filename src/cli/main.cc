// deltaglider: the command-line tool. Parses arguments, runs one command through
// the Context (the composition root) and maps the outcome to an exit code:
// 0 success, 1 failure (of some files, for the recursive commands), 2 usage error
// (bad arguments, or nothing where something must be, e.g. a missing local file),
// 130 interrupted (Ctrl-C or SIGTERM: cli/interrupt.h).
#include <CLI/CLI.hpp>
#include <iostream>

#include "cli/command.h"
#include "cli/context.h"
#include "cli/interrupt.h"

namespace deltaglider::cli {
namespace {

constexpr int kExitOk = 0;
constexpr int kExitFailure = 1;
constexpr int kExitUsage = 2;
constexpr int kExitInterrupted = 130;  // 128 + SIGINT, as a shell reports a Ctrl-C

int ExitCode(const Status& status) {
  if (status.ok()) return kExitOk;
  return status.code() == ErrorCode::kInvalidArgument ? kExitUsage : kExitFailure;
}

void AddGlobalOptions(CLI::App& app, GlobalOptions& options) {
  app.add_option("--endpoint-url", options.endpoint_url,
                 "Where buckets live: file:///abs/dir or a directory path for a local store,\n"
                 "http(s)://host:port for an S3 server (also $AWS_ENDPOINT_URL_S3,\n"
                 "$AWS_ENDPOINT_URL, endpoint_url in the AWS profile)")
      ->group("Global options");
  AwsOptions& aws = options.aws;
  app.add_option("--source-endpoint-url", options.source_endpoint_url,
                 "Where the s3:// SOURCE of cp/mv/sync lives when it is another endpoint\n"
                 "(file:///dir -> S3, one S3 server to another); default: --endpoint-url")
      ->group("Global options");
  app.add_option("--profile", aws.profile,
                 "AWS profile in ~/.aws/credentials and ~/.aws/config (default $AWS_PROFILE\n"
                 "or 'default'). Without it credentials come from $AWS_ACCESS_KEY_ID/\n"
                 "$AWS_SECRET_ACCESS_KEY, the profile, the container endpoint or EC2 metadata")
      ->group("Global options");
  app.add_option("--region", aws.region,
                 "S3 region (default $AWS_REGION, $AWS_DEFAULT_REGION, the profile's, us-east-1)")
      ->group("Global options");
  app.add_flag("--no-sign-request", aws.no_sign_request,
               "Send S3 requests unsigned (anonymous access to public buckets)")
      ->group("Global options");
  app.add_option("--addressing-style", aws.addressing_style,
                 "S3 URLs: path (endpoint/bucket/key), virtual (bucket.endpoint/key), or auto:\n"
                 "virtual for AWS endpoints, path for IP addresses, localhost and others")
      ->check(CLI::IsMember({"auto", "path", "virtual"}))
      ->capture_default_str()
      ->group("Global options");
  app.add_flag("--no-verify-ssl", aws.no_verify_ssl,
               "Do not verify the S3 endpoint's TLS certificate (self-signed test servers;\n"
               "$AWS_CA_BUNDLE names a PEM file of trusted CAs instead)")
      ->group("Global options");
  app.add_option("--sse", aws.sse,
                 "Server-side encryption of the objects written to S3: AES256 or aws:kms")
      ->check(CLI::IsMember({"AES256", "aws:kms", "aws:kms:dsse"}))
      ->group("Global options");
  app.add_option("--sse-kms-key-id", aws.sse_kms_key_id,
                 "KMS key for --sse aws:kms (default: the account's aws/s3 key)")
      ->group("Global options");
  app.add_option("--max-attempts", aws.max_attempts,
                 "Tries per S3 request, the first included; retries back off exponentially\n"
                 "with jitter on 5xx, throttling, timeouts and resets (default\n"
                 "$AWS_MAX_ATTEMPTS, else 3)")
      ->check(CLI::Range(1, 100))
      ->group("Global options");
  app.add_option("--multipart-threshold", aws.multipart_threshold,
                 "Objects at least this big go to S3 as multipart uploads (default 8MB)")
      ->group("Global options");
  app.add_option("--multipart-chunksize", aws.multipart_chunksize,
                 "Part size of multipart uploads, at least 5MB (default 8MB)")
      ->group("Global options");
  app.add_flag("-q,--quiet", options.output.quiet, "Print nothing but errors and requested data")
      ->group("Global options");
  app.add_flag("--json", options.output.json, "Machine output: one JSON object per line")
      ->group("Global options");
  app.add_flag("--debug", options.output.debug, "Print diagnostics to stderr")
      ->group("Global options");
  app.add_option("--max-ratio", options.max_ratio,
                 "A delta must be smaller than this fraction of its file; otherwise the file\n"
                 "becomes a new reference of its group (or is stored direct with --no-rotate)")
      ->envname("DG_MAX_RATIO")
      ->check(CLI::Range(0.0, 1.0))
      ->capture_default_str()
      ->group("Global options");
  app.add_flag("--no-family", options.no_family,
               "Give each directory its own reference even when it is a version directory\n"
               "(by default releases/v1.2.3/app-1.2.3.zip shares references with\n"
               "releases/v1.2.4/app-1.2.4.zip: their family app.zip under releases/)")
      ->group("Global options");
  app.add_flag("--no-rotate", options.no_rotate,
               "Store a file direct when no reference gives a delta within --max-ratio,\n"
               "instead of making it a new reference")
      ->group("Global options");
  app.add_option("--max-depth", options.max_depth,
                 "Delta chains: a new .tar (or other zstd-patch file) becomes the next\n"
                 "version of its group, stored as a patch against an earlier one, so a long\n"
                 "history costs its changes; a read decodes at most this many deltas.\n"
                 "1: every file is one delta against a reference stored whole")
      ->envname("DG_MAX_DEPTH")
      ->check(CLI::Range(1, 32))
      ->capture_default_str()
      ->group("Global options");
  app.add_option("--deltaspace", options.deltaspace,
                 "Delta every uploaded file against the references of this prefix\n"
                 "(e.g. releases/app) instead of its own directory or family")
      ->group("Global options");
  app.add_option("--codec", options.codec,
                 "Delta codec for new files: zstd-patch (smallest, fastest), or xdelta3 (VCDIFF\n"
                 "and raw references the Python DeltaGlider can read; needs the xdelta3 program)")
      ->envname("DG_CODEC")
      ->check(CLI::IsMember({"zstd-patch", "xdelta3"}))
      ->capture_default_str()
      ->group("Global options");
  app.add_option("--level", options.level, "zstd level for deltas (1-19)")
      ->envname("DG_LEVEL")
      ->check(CLI::Range(1, 19))
      ->capture_default_str()
      ->group("Global options");
  app.add_option("--reference-level", options.reference_level,
                 "zstd level for compressing references (1-19); files of 64 MiB or more whose "
                 "first 4 MiB do not compress get level 3")
      ->envname("DG_REFERENCE_LEVEL")
      ->check(CLI::Range(1, 19))
      ->capture_default_str()
      ->group("Global options");
  app.add_option("--memory-limit", options.memory_limit,
                 "Memory for encoding and decoding large files (default 512MiB: files over\n"
                 "128 MiB in 64 MiB segments, two at a time). Less runs one segment at a time\n"
                 "(slower), then smaller segments (deltas a little larger); at least 64MiB.\n"
                 "A file is read back with the segment size it was stored with. A .gz/.tgz\n"
                 "inflating past a quarter of the limit is worked on from $TMPDIR (slower)")
      ->envname("DG_MEMORY_LIMIT")
      ->group("Global options");
  app.add_option("--cache-dir", options.cache_dir,
                 "Reference cache directory (default $DG_CACHE_DIR, $XDG_CACHE_HOME/deltaglider\n"
                 "or ~/.cache/deltaglider)")
      ->group("Global options");
}

int Main(int argc, char** argv) {
  CLI::App app(
      "deltaglider stores versions of similar files (release archives, tarballs, jars,\n"
      "images, backups) in an object store as one reference plus small binary deltas,\n"
      "and gives every byte back, SHA256-verified.\n\n"
      "  deltaglider mb s3://releases --endpoint-url file:///srv/dg\n"
      "  deltaglider cp app-1.0.zip s3://releases/app/ --endpoint-url file:///srv/dg\n"
      "  deltaglider cp app-1.1.zip s3://releases/app/ --endpoint-url file:///srv/dg\n"
      "  deltaglider stats s3://releases --endpoint-url file:///srv/dg\n"
      "  deltaglider analyze s3://plain-bucket   (what deltaglider would save there)\n"
      "  deltaglider cp s3://releases/app/app-1.1.zip ./ --endpoint-url file:///srv/dg\n"
      "  deltaglider sync dist/ s3://releases/app/ --endpoint-url file:///srv/dg\n",
      "deltaglider");
  app.set_version_flag("--version", "deltaglider " + std::string(Version()));
  app.fallthrough();
  app.require_subcommand(1);
  app.get_formatter()->column_width(34);

  GlobalOptions options;
  AddGlobalOptions(app, options);
  CommandTable table;
  RegisterTransferCommands(app, table);
  RegisterSyncCommand(app, table);
  RegisterListingCommands(app, table);
  RegisterBucketCommands(app, table);
  RegisterPresignCommand(app, table);
  RegisterGcCommand(app, table);
  RegisterMigrateCommand(app, table);
  RegisterAnalyzeCommand(app, table);

  try {
    app.parse(argc, argv);
  } catch (const CLI::ParseError& e) {
    const int code = app.exit(e);
    return code == 0 ? kExitOk : kExitUsage;
  }

  InstallInterruptHandlers();
  Context ctx(options);
  for (const auto& [command, run] : table) {
    if (!command->parsed()) continue;
    Status status = run(ctx);
    if (!status.ok() && Interrupted()) {  // (a signal after the work is done changes nothing)
      std::cerr << "deltaglider: interrupted; files in flight were not written\n";
      return kExitInterrupted;
    }
    if (!status.ok()) ctx.out().Failure(status.error());
    return ExitCode(status);
  }
  return kExitUsage;
}

}  // namespace
}  // namespace deltaglider::cli

int main(int argc, char** argv) { return deltaglider::cli::Main(argc, argv); }
