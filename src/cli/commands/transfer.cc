// cp, mv, put and get: files between the local disk and buckets, one at a time or
// (-r) whole trees through the tree engine (tree_transfer.h).
#include <unistd.h>

#include <filesystem>
#include <type_traits>

#include "cli/command.h"
#include "cli/file_transfer.h"
#include "cli/interrupt.h"
#include "cli/progress.h"
#include "cli/tree_transfer.h"
#include "cli/tree_walk.h"
#include "deltaglider/bucket_format.h"
#include "deltaglider/files.h"
#include "deltaglider/s3_uri.h"

namespace deltaglider::cli {
namespace {

namespace fs = std::filesystem;

Error Usage(const std::string& message) { return Error{ErrorCode::kInvalidArgument, message}; }

std::string LocalBasename(const std::string& path) { return fs::path(path).filename().string(); }

// The key a local file lands on: a directory URI keeps its directory and adds the
// file's name; anything else is the full key (a rename).
std::string UploadKey(const S3Uri& target, const std::string& name) {
  return target.IsDirectory() ? target.key + name : target.key;
}

// Where a download goes: an existing directory or a path ending in "/" receives
// the key's basename.
std::string DownloadPath(const std::string& dest, const std::string& key) {
  if (dest.ends_with('/') || IsLocalDirectory(dest)) {
    return (fs::path(dest) / std::string(Basename(key))).string();
  }
  return dest;
}

// Spooled to a temp file first, so nothing reaches stdout before it verifies.
Status WriteToStdout(DeltaService& service, const std::string& key, const PhaseObserver& progress) {
  DG_ASSIGN_OR_RETURN(std::unique_ptr<ScratchDirectory> scratch, ScratchDirectory::Create("deltaglider-"));
  const std::string spool = scratch->Path("stdout");
  DG_RETURN_IF_ERROR(DownloadFile(service, key, spool, false, std::nullopt, progress).status());
  DG_ASSIGN_OR_RETURN(std::unique_ptr<ByteSource> source, OpenFileSource(spool));
  std::unique_ptr<ByteSink> out = NewDescriptorSink(STDOUT_FILENO);
  return Copy(*source, *out).status();
}

// One single-file cp or mv, printed as the recursive commands print theirs. The
// shared flags apply too: --dryrun, --only-show-errors, and the filters (matched
// against the file's name).
class SingleTransfer {
 public:
  SingleTransfer(Context& ctx, bool move, const TreeOptions& flags)
      : ctx_(ctx), move_(move), flags_(flags) {}

  // `cp - s3://b/key`: standard input, read once (the library spools a pipe).
  Status UploadStdin(const S3Uri& target) {
    if (target.IsDirectory()) {
      return Usage("upload - to " + target.ToString() +
                   ": name the key to store standard input as");
    }
    const std::string uri = target.ToString();
    if (flags_.dryrun) return Dryrun("upload", "-", uri);
    DG_ASSIGN_OR_RETURN(BucketSession session, ctx_.Open(target.bucket));
    DG_ASSIGN_OR_RETURN(std::unique_ptr<ByteSource> input, OpenFileSource("/dev/stdin"));
    Result<PutResult> put = WithProgress([&](const PhaseObserver& progress) {
      return session.service->Put(target.key, *input, std::string(Basename(target.key)),
                                  flags_.upload, progress);
    });
    if (!put.ok()) return put.error();
    Report(Verb("upload"), "-", uri, UploadSummary(*put), PutJson(*put));
    return OkStatus();
  }

  Status Upload(const std::string& local, const S3Uri& target) {
    if (local == "-") return UploadStdin(target);
    if (IsLocalDirectory(local)) {
      return Usage("upload " + local + ": is a directory (use --recursive)");
    }
    if (!LocalPathExists(local))
      return Usage("The user-provided path " + local + " does not exist.");
    const std::string key = UploadKey(target, LocalBasename(local));
    const std::string uri = "s3://" + target.bucket + "/" + key;
    if (Skipped(local)) return OkStatus();
    if (flags_.dryrun) return Dryrun("upload", local, uri);
    DG_ASSIGN_OR_RETURN(BucketSession session, ctx_.Open(target.bucket));
    DG_ASSIGN_OR_RETURN(PutResult put, WithProgress([&](const PhaseObserver& progress) {
                          return UploadFile(*session.service, local, key, flags_.upload, progress);
                        }));
    if (move_) DG_RETURN_IF_ERROR(RemoveLocal(local));
    nlohmann::json event = PutJson(put);
    Report(Verb("upload"), local, uri, UploadSummary(put), event);
    return OkStatus();
  }

  Status Download(const S3Uri& source, const std::string& dest) {
    if (source.IsDirectory()) {
      return Usage("download " + source.ToString() +
                   ": name a file, not a directory (or use --recursive)");
    }
    if (Skipped(source.key)) return OkStatus();
    if (flags_.dryrun) {
      return Dryrun("download", source.ToString(),
                    dest == "-" ? "-" : DownloadPath(dest, source.key));
    }
    DG_ASSIGN_OR_RETURN(BucketSession session, ctx_.OpenSource(source.bucket));
    if (dest == "-") {
      DG_RETURN_IF_ERROR(WithProgress([&](const PhaseObserver& progress) {
        return WriteToStdout(*session.service, source.key, progress);
      }));
    } else {
      const std::string path = DownloadPath(dest, source.key);
      DG_ASSIGN_OR_RETURN(FileInfo file, WithProgress([&](const PhaseObserver& progress) {
                            return DownloadFile(*session.service, source.key, path, false,
                                                std::nullopt, progress);
                          }));
      nlohmann::json event = FileJson(file);
      if (move_) DG_RETURN_IF_ERROR(session.service->Delete(source.key).status());
      Report(Verb("download"), source.ToString(), path, "", event);
      return OkStatus();
    }
    if (move_) DG_RETURN_IF_ERROR(session.service->Delete(source.key).status());
    return OkStatus();
  }

  Status Copy(const S3Uri& from, const S3Uri& to) {
    if (from.IsDirectory()) {
      return Usage("cp " + from.ToString() + ": name a file, not a directory (or use --recursive)");
    }
    const std::string key = UploadKey(to, std::string(Basename(from.key)));
    if (move_ && from.bucket == to.bucket && from.key == key &&
        ctx_.options().source_endpoint_url.empty()) {
      return Usage("mv " + from.ToString() + ": cannot move a file onto itself");
    }
    const std::string uri = "s3://" + to.bucket + "/" + key;
    if (Skipped(from.key)) return OkStatus();
    if (flags_.dryrun) return Dryrun("copy", from.ToString(), uri);
    DG_ASSIGN_OR_RETURN(BucketSession source, ctx_.OpenSource(from.bucket));
    DG_ASSIGN_OR_RETURN(BucketSession target, ctx_.Open(to.bucket));
    DG_ASSIGN_OR_RETURN(PutResult put, target.service->CopyFrom(*source.service, from.key, key));
    if (move_) DG_RETURN_IF_ERROR(source.service->Delete(from.key).status());
    Report(Verb("copy"), from.ToString(), uri, UploadSummary(put), PutJson(put));
    return OkStatus();
  }

 private:
  std::string Verb(const std::string& verb) const { return move_ ? "move" : verb; }

  // Runs `transfer` with a live line naming its phase, bytes, rate and ETA when
  // ProgressWanted; the line is erased before `transfer`'s result is reported.
  template <typename Transfer>
  std::invoke_result_t<const Transfer&, const PhaseObserver&> WithProgress(
      const Transfer& transfer) {
    const InterruptibleWork work;
    Progress progress(ProgressWanted(ctx_, flags_), Progress::Kind::kOneFile);
    const PhaseObserver observer = [&progress](TransferPhase phase, uint64_t done,
                                               std::optional<uint64_t> total) -> Status {
      DG_RETURN_IF_ERROR(CheckInterrupted());  // stdin and stdout transfers too
      progress.Step(TransferPhaseName(phase), done, total);
      return OkStatus();
    };
    return transfer(observer);
  }

  bool Skipped(const std::string& path) const {
    return !flags_.filter.Included(LocalBasename(path));
  }

  void Report(const std::string& verb, const std::string& from, const std::string& to,
              const std::string& detail, nlohmann::json event) const {
    if (flags_.only_show_errors) return;
    event["event"] = verb;
    event["source"] = from;
    event["destination"] = to;
    ctx_.out().Result(
        verb + ": " + from + " to " + to + (detail.empty() ? "" : " (" + detail + ")"), event);
  }

  Status Dryrun(const std::string& verb, const std::string& from, const std::string& to) const {
    if (flags_.only_show_errors) return OkStatus();
    ctx_.out().Result(
        "(dryrun) " + Verb(verb) + ": " + from + " to " + to,
        {{"event", Verb(verb)}, {"source", from}, {"destination", to}, {"dryrun", true}});
    return OkStatus();
  }

  static Status RemoveLocal(const std::string& path) {
    std::error_code ec;
    if (!fs::remove(path, ec) && ec) {
      return MakeError(ErrorCode::kIoError, "delete ", path, ": ", ec.message());
    }
    return OkStatus();
  }

  Context& ctx_;
  const bool move_;
  const TreeOptions& flags_;
};

struct CpArgs {
  std::string source;
  std::string destination;
  TreeOptions tree;
};

Status RunCp(Context& ctx, const CpArgs& args, bool move) {
  DG_ASSIGN_OR_RETURN(Location source, ParseLocation(args.source));
  DG_ASSIGN_OR_RETURN(Location destination, ParseLocation(args.destination));
  if (!source.remote && !destination.remote) {
    return Usage(std::string(move ? "mv " : "cp ") + args.source + " " + args.destination +
                 ": one of the two must be an s3:// URI");
  }
  if (args.tree.recursive) {
    return RunTreeTransfer(ctx, move ? TreeMode::kMove : TreeMode::kCopy, source, destination,
                           args.tree);
  }
  SingleTransfer transfer(ctx, move, args.tree);
  if (!source.remote) return transfer.Upload(source.local, destination.uri);
  if (!destination.remote) return transfer.Download(source.uri, destination.local);
  return transfer.Copy(source.uri, destination.uri);
}

// Runs `each` for every item; keeps going after failures and reports them all.
template <typename Item, typename Fn>
Status ForEach(Context& ctx, const std::vector<Item>& items, Fn each) {
  size_t failed = 0;
  Error last;
  for (const Item& item : items) {
    if (Status status = each(item); !status.ok()) {
      ++failed;
      last = status.error();
      if (failed < items.size()) ctx.out().Failure(last);
    }
  }
  if (failed == 0) return OkStatus();
  if (failed == 1) return last;
  return MakeError(
      last.code == ErrorCode::kInvalidArgument ? ErrorCode::kFailedPrecondition : last.code,
      std::to_string(failed), " of ", std::to_string(items.size()),
      " files failed; last: ", last.message);
}

void AddCopyCommand(CLI::App& app, CommandTable& table, bool move) {
  auto args = std::make_shared<CpArgs>();
  CLI::App* command = app.add_subcommand(
      move ? "mv" : "cp",
      move ? "Move files: like cp, then the source is deleted, but only once the copy at the\n"
             "destination verified (its SHA256 checked). With -r, a whole tree.\n"
             "  deltaglider mv app-1.2.zip s3://releases/app/\n"
             "  deltaglider mv -r s3://incoming/ s3://releases/ --exclude '*.tmp'"
           : "Copy files: local -> s3://bucket/key (stored as a delta when it is an archive),\n"
             "s3://bucket/key -> local (rebuilt and SHA256-verified), or bucket -> bucket\n"
             "(rebuilt and stored again as a delta at the destination). With -r, a whole tree,\n"
             "in parallel (--jobs), filtered by --exclude/--include as in `aws s3 cp`.\n"
             "  deltaglider cp app-1.2.zip s3://releases/app/        keeps app/, adds the file "
             "name\n"
             "  deltaglider cp app-1.2.zip s3://releases/app/a.zip   stores under the given name\n"
             "  deltaglider cp s3://releases/app/app-1.2.zip ./      writes ./app-1.2.zip\n"
             "  deltaglider cp s3://releases/app/app-1.2.zip -       writes to stdout\n"
             "  tar c dist | deltaglider cp - s3://releases/dist.tar  stores stdin (spooled)\n"
             "  deltaglider cp -r dist/ s3://releases/v1/ --exclude '*' --include '*.zip'\n"
             "  deltaglider cp -r s3://releases/ s3://archive/ --source-endpoint-url "
             "file:///srv/dg");
  command
      ->add_option("SRC", args->source, "Local file or directory, - (stdin), or s3://bucket/key[/]")
      ->required();
  command->add_option("DST", args->destination, "s3://bucket/[prefix/][name], local path, or -")
      ->required();
  AddTreeOptions(*command, args->tree, kRecursiveFlag | kTransferFlags);
  table[command] = [args, move](Context& ctx) { return RunCp(ctx, *args, move); };
}

}  // namespace

void RegisterTransferCommands(CLI::App& app, CommandTable& table) {
  AddCopyCommand(app, table, /*move=*/false);
  AddCopyCommand(app, table, /*move=*/true);

  auto put_files = std::make_shared<std::vector<std::string>>();
  CLI::App* put = app.add_subcommand(
      "put",
      "Store local files under an s3:// prefix: each FILE becomes PREFIX/<file name>.\n"
      "  deltaglider put dist/*.zip s3://releases/v1/");
  put->add_option("FILE... PREFIX", *put_files, "Files, then the s3://bucket/prefix/ to store under")
      ->required()
      ->expected(2, -1);
  table[put] = [put_files](Context& ctx) -> Status {
    std::vector<std::string> files(put_files->begin(), put_files->end() - 1);
    DG_ASSIGN_OR_RETURN(S3Uri prefix, ParseS3Uri(put_files->back()));
    if (!prefix.key.empty() && !prefix.key.ends_with('/')) prefix.key += '/';
    const TreeOptions defaults;
    SingleTransfer transfer(ctx, /*move=*/false, defaults);
    return ForEach(ctx, files,
                   [&](const std::string& file) { return transfer.Upload(file, prefix); });
  };

  auto get_args = std::make_shared<std::pair<std::string, std::string>>("", ".");
  CLI::App* get = app.add_subcommand(
      "get",
      "Rebuild s3://bucket/key into DEST (default: the current directory), SHA256-verified.\n"
      "Nothing is written under DEST unless the whole file verifies.");
  get->add_option("URI", get_args->first, "s3://bucket/key")->required();
  get->add_option("DEST", get_args->second, "Local file or directory, or - for stdout");
  table[get] = [get_args](Context& ctx) -> Status {
    DG_ASSIGN_OR_RETURN(S3Uri source, ParseS3Uri(get_args->first));
    const TreeOptions defaults;
    SingleTransfer transfer(ctx, /*move=*/false, defaults);
    return transfer.Download(source, get_args->second);
  };
}

}  // namespace deltaglider::cli
