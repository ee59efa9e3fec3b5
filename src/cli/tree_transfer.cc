#include "cli/tree_transfer.h"

#include <filesystem>
#include <optional>

#include "cli/file_transfer.h"
#include "cli/interrupt.h"
#include "cli/job_runner.h"
#include "cli/path_safety.h"
#include "cli/transfer_report.h"
#include "cli/tree_cursor.h"
#include "cli/tree_walk.h"

namespace deltaglider::cli {
namespace {

namespace fs = std::filesystem;

Error Usage(const std::string& message) { return Error{ErrorCode::kInvalidArgument, message}; }

// Destination entries read ahead of the source in a sync.
constexpr size_t kCursorCapacity = 1024;

ReportOptions ReportOptionsFor(const Context& ctx, const TreeOptions& options) {
  return {.dryrun = options.dryrun,
          .only_show_errors = options.only_show_errors || ctx.options().output.quiet,
          .progress = ProgressWanted(ctx, options)};
}

int JobsFor(const TreeOptions& options) {
  if (options.dryrun) return 1;  // in listing order, nothing to overlap
  return options.jobs > 0 ? options.jobs : JobRunner::DefaultJobs();
}

// "dir" + "a/b.zip" -> "dir/a/b.zip"; "dir/" -> "dir/a/b.zip".
std::string JoinLocal(const std::string& root, const std::string& relative) {
  if (root.empty()) return relative;
  return root.ends_with('/') ? root + relative : root + "/" + relative;
}

// One side of a tree command, opened: where its files are and how they are shown.
struct Side {
  Location where;
  std::string prefix;  // remote: the directory prefix ("" or ending in '/')
  BucketSession session;

  bool remote() const { return where.remote; }
  DeltaService& service() const { return *session.service; }
  std::string Key(const std::string& relative) const { return prefix + relative; }
  std::string Path(const std::string& relative) const { return JoinLocal(where.local, relative); }
  std::string Shown(const std::string& relative) const {
    return remote() ? "s3://" + where.uri.bucket + "/" + Key(relative) : Path(relative);
  }
};

Result<Side> OpenSide(Context& ctx, const Location& where, bool source) {
  Side side;
  side.where = where;
  if (!where.remote) return side;
  side.prefix = DirectoryPrefix(where.uri.key);
  Result<BucketSession> session =
      source ? ctx.OpenSource(where.uri.bucket) : ctx.Open(where.uri.bucket);
  if (!session.ok()) return session.error();
  side.session = std::move(*session);
  return side;
}

Status WalkSide(Side& side, int jobs, const PathFilter& filter, const TreeVisitor& visit) {
  auto filtered = [&](const TreeFile& file) {
    return filter.Included(file.relative) ? visit(file) : OkStatus();
  };
  if (side.remote()) return WalkStoreTree(side.service(), side.prefix, jobs, filtered);
  return WalkLocalTree(side.where.local, filtered);
}

class TreeTransfer {
 public:
  TreeTransfer(Context& ctx, TreeMode mode, const TreeOptions& options)
      : ctx_(ctx),
        mode_(mode),
        options_(options),
        jobs_(JobsFor(options)),
        report_(ctx.out(), ReportOptionsFor(ctx, options)) {}

  Status Run(const Location& source, const Location& destination) {
    DG_ASSIGN_OR_RETURN(source_, OpenSide(ctx_, source, /*source=*/true));
    DG_ASSIGN_OR_RETURN(destination_, OpenSide(ctx_, destination, /*source=*/false));
    Status walked;
    Status indexed;
    {
      const InterruptibleWork work;  // Ctrl-C: files in flight stop, no new one starts
      JobRunner runner(jobs_);
      // sync: the destination's files, read alongside the source in the same order.
      std::optional<TreeCursor> existing;
      if (mode_ == TreeMode::kSync) {
        existing.emplace([this](const TreeVisitor& visit) { return WalkDestination(visit); },
                         kCursorCapacity);
      }
      walked = WalkSide(source_, jobs_, options_.filter, [&](const TreeFile& file) -> Status {
        DG_RETURN_IF_ERROR(CheckInterrupted());  // Ctrl-C: no new file starts
        if (existing && !Stale(*existing, file, runner)) return OkStatus();
        report_.Planned(file.stamp.size);
        runner.Submit(GroupOf(file.relative), [this, file] { Transfer(file); });
        return OkStatus();
      });
      if (existing && walked.ok()) {
        while (const TreeFile* there = existing->Peek()) {
          Extra(there->relative, runner);
          existing->Pop();
        }
        indexed = existing->status();
      }
    }
    // A failed listing is the error to report (and past it, --delete deleted nothing).
    Status finished = report_.Finish();
    if (!walked.ok()) return walked;
    return indexed.ok() ? finished : indexed;
  }

 private:
  SyncDirection Direction() const {
    if (!source_.remote()) return SyncDirection::kUpload;
    return destination_.remote() ? SyncDirection::kCopy : SyncDirection::kDownload;
  }

  std::string Verb() const {
    if (mode_ == TreeMode::kMove) return "move";
    switch (Direction()) {
      case SyncDirection::kUpload:
        return "upload";
      case SyncDirection::kDownload:
        return "download";
      case SyncDirection::kCopy:
        return "copy";
    }
    return "copy";
  }

  // Jobs that touch a reference group for the first time go alone, the rest of
  // that group after them: the first upload (or copy) into a destination group
  // (a deltaspace, or a family across version directories) creates its reference;
  // the first download (or copy) out of a source group puts its reference into
  // the cache, so the others do not fetch it too.
  std::string GroupOf(const std::string& relative) const {
    std::string group;
    if (source_.remote()) {
      if (std::string from = source_.service().ReferenceGroupOf(source_.Key(relative));
          !from.empty()) {
        group += "from " + from + "\n";
      }
    }
    if (destination_.remote()) {
      if (std::string to = destination_.service().ReferenceGroupOf(destination_.Key(relative));
          !to.empty()) {
        group += "to " + to;
      }
    }
    return group;
  }

  // The destination's side of a sync; a local directory that does not exist yet is empty.
  Status WalkDestination(const TreeVisitor& visit) {
    if (!destination_.remote() && !LocalPathExists(destination_.where.local)) return OkStatus();
    return WalkSide(destination_, jobs_, options_.filter, visit);
  }

  // Moves `existing` past `file`: destination files before it are not in the
  // source (Extra); returns whether `file` must be transferred.
  bool Stale(TreeCursor& existing, const TreeFile& file, JobRunner& runner) {
    const TreeFile* there = nullptr;
    while ((there = existing.Peek()) != nullptr && there->relative < file.relative) {
      Extra(there->relative, runner);
      existing.Pop();
    }
    if (there == nullptr || there->relative != file.relative) return true;
    const bool stale = NeedsTransfer(file.stamp, there->stamp, Direction(), options_.rules);
    existing.Pop();
    return stale;
  }

  // A destination file the source lacks: deleted with --delete. Both walks are in
  // the same strict order, so the source has already passed where it would be.
  void Extra(const std::string& relative, JobRunner& runner) {
    if (!options_.delete_extra) return;
    report_.Planned(0);
    runner.Submit("", [this, relative] { Remove(relative); });
  }

  void Transfer(const TreeFile& file) {
    FileEvent event = MakeEvent(Verb(), source_.Shown(file.relative),
                                destination_.Shown(file.relative), file.stamp.size);
    Status status = OkStatus();
    if (!destination_.remote()) status = CheckSafeRelativePath(file.relative);
    if (status.ok() && !options_.dryrun) status = Execute(file, event);
    if (status.ok() && mode_ == TreeMode::kMove && !options_.dryrun) {
      status = DeleteAt(source_, file.relative);
    }
    report_.Record(event, status);
  }

  // The transfer itself, by direction; fills in what the event reports.
  Status Execute(const TreeFile& file, FileEvent& event) {
    const std::string& relative = file.relative;
    if (!source_.remote()) {
      DG_ASSIGN_OR_RETURN(PutResult put, UploadFile(destination_.service(), source_.Path(relative),
                                                    destination_.Key(relative), options_.upload));
      Describe(put, event);
    } else if (!destination_.remote()) {
      // The local time is the listed one, so the next sync's listing matches it
      // (a direct file lists its store time; Get reports when its put began).
      DG_ASSIGN_OR_RETURN(FileInfo got, DownloadFile(source_.service(), source_.Key(relative),
                                                     destination_.Path(relative),
                                                     /*create_parents=*/true, file.stamp.time));
      event.fields = FileJson(got);
    } else {
      // Rebuilt and checked from the source, spooled, stored through the destination.
      DG_ASSIGN_OR_RETURN(PutResult put,
                          destination_.service().CopyFrom(source_.service(), source_.Key(relative),
                                                          destination_.Key(relative)));
      Describe(put, event);
    }
    return OkStatus();
  }

  static void Describe(const PutResult& put, FileEvent& event) {
    event.detail = UploadSummary(put);
    event.stored_size = StoredBytes(put);
    event.fields = PutJson(put);
  }

  Status DeleteAt(Side& side, const std::string& relative) {
    if (side.remote()) return side.service().Delete(side.Key(relative)).status();
    std::error_code ec;
    if (!fs::remove(side.Path(relative), ec) && ec) {
      return MakeError(ErrorCode::kIoError, "delete ", side.Path(relative), ": ", ec.message());
    }
    return OkStatus();
  }

  void Remove(const std::string& relative) {
    FileEvent event = MakeEvent("delete", destination_.Shown(relative));
    report_.Record(event, options_.dryrun ? OkStatus() : DeleteAt(destination_, relative));
  }

  Context& ctx_;
  const TreeMode mode_;
  const TreeOptions& options_;
  const int jobs_;
  TransferReport report_;
  Side source_;
  Side destination_;
};

// Writing into the prefix being listed (or listing the prefix being written) would
// copy copies, or delete what was just moved.
bool Overlap(const Context& ctx, const Location& source, const Location& destination) {
  const GlobalOptions& options = ctx.options();
  const bool same_endpoint =
      options.source_endpoint_url.empty() || options.source_endpoint_url == options.endpoint_url;
  if (!source.remote || !destination.remote || !same_endpoint) return false;
  if (source.uri.bucket != destination.uri.bucket) return false;
  const std::string from = DirectoryPrefix(source.uri.key);
  const std::string to = DirectoryPrefix(destination.uri.key);
  return from.starts_with(to) || to.starts_with(from);
}

}  // namespace

Result<Location> ParseLocation(const std::string& text) {
  Location location;
  location.text = text;
  location.remote = LooksLikeS3Uri(text);
  if (!location.remote) {
    location.local = text;
    return location;
  }
  DG_ASSIGN_OR_RETURN(location.uri, ParseS3Uri(text));
  return location;
}

bool ProgressWanted(const Context& ctx, const TreeOptions& options) {
  const OutputOptions& out = ctx.options().output;
  return !options.no_progress && !out.quiet && !out.json && !options.only_show_errors &&
         Progress::StderrIsTerminal();
}

Status RunTreeTransfer(Context& ctx, TreeMode mode, const Location& source,
                       const Location& destination, const TreeOptions& options) {
  if (!source.remote && !destination.remote) {
    return Usage(source.text + " -> " + destination.text + ": one of the two must be an s3:// URI");
  }
  if (Overlap(ctx, source, destination)) {
    return Usage(source.text + " -> " + destination.text +
                 ": the source and destination prefixes overlap in one bucket");
  }
  if (!source.remote && !IsLocalDirectory(source.local)) {
    return Usage(LocalPathExists(source.local)
                     ? source.local + " is not a directory"
                     : "The user-provided path " + source.local + " does not exist.");
  }
  TreeTransfer transfer(ctx, mode, options);
  return transfer.Run(source, destination);
}

Status RunTreeDelete(Context& ctx, const S3Uri& uri, const TreeOptions& options) {
  DG_ASSIGN_OR_RETURN(BucketSession session, ctx.Open(uri.bucket));
  const std::string prefix = DirectoryPrefix(uri.key);
  const int jobs = JobsFor(options);
  TransferReport report(ctx.out(), ReportOptionsFor(ctx, options));
  Status walked;
  {
    JobRunner runner(jobs);
    walked = WalkStoreTree(*session.service, prefix, jobs, [&](const TreeFile& file) {
      if (!options.filter.Included(file.relative)) return OkStatus();
      report.Planned(0);
      const std::string key = prefix + file.relative;
      runner.Submit("", [&, key] {
        FileEvent event = MakeEvent("delete", "s3://" + uri.bucket + "/" + key);
        report.Record(event, options.dryrun ? OkStatus() : session.service->Delete(key).status());
      });
      return OkStatus();
    });
  }
  Status finished = report.Finish();
  return walked.ok() ? finished : walked;
}

}  // namespace deltaglider::cli
