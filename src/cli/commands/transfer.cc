// cp, put and get: moving single files between the local disk and a bucket.
#include <unistd.h>

#include <cstdlib>
#include <filesystem>

#include "cli/command.h"
#include "core/async_sink.h"
#include "core/key_layout.h"
#include "core/s3_uri.h"
#include "deltaglider/files.h"

namespace deltaglider::cli {
namespace {

namespace fs = std::filesystem;

Error Usage(const std::string& message) { return Error{ErrorCode::kInvalidArgument, message}; }

std::string LocalBasename(const std::string& path) { return fs::path(path).filename().string(); }

// The key a local file lands on: a directory URI keeps its directory and adds the
// file's name; anything else is the full key (a rename).
std::string UploadKey(const S3Uri& target, const std::string& local) {
  return target.IsDirectory() ? target.key + LocalBasename(local) : target.key;
}

// Where a download goes: "-" is stdout; an existing directory or a path ending in
// "/" receives the key's basename.
std::string DownloadPath(const std::string& dest, const std::string& key) {
  if (dest.ends_with('/') || fs::is_directory(dest)) {
    return (fs::path(dest) / std::string(Basename(key))).string();
  }
  return dest;
}

nlohmann::json FileJson(const FileInfo& file) {
  return {{"key", file.key},
          {"stored_key", file.stored_key},
          {"stored_as", std::string(StoredAsName(file.stored_as))},
          {"size", file.size},
          {"stored_size", file.stored_size},
          {"sha256", file.sha256},
          {"ref_key", file.ref_key},
          {"note", file.note}};
}

std::string UploadSummary(const PutResult& put) {
  const FileInfo& file = put.file;
  std::string text;
  if (file.stored_as == StoredAs::kDelta) {
    text = "delta " + HumanBytes(file.stored_size) + ", " + Percent(file.stored_size, file.size) +
           " of " + HumanBytes(file.size);
  } else {
    text = "direct " + HumanBytes(file.stored_size);
  }
  if (put.created_reference) {
    text += "; new reference " + put.reference_key + " " + HumanBytes(put.reference_stored_size);
  }
  if (!file.note.empty() && file.stored_as == StoredAs::kDirect) text += "; " + file.note;
  return text;
}

Status Upload(Context& ctx, const std::string& local, const S3Uri& target) {
  if (fs::is_directory(local)) {
    return Usage("upload " + local + ": is a directory (recursive copies are not supported yet)");
  }
  const std::string key = UploadKey(target, local);
  const std::string uri = "s3://" + target.bucket + "/" + key;
  auto source = OpenFileSource(local);
  if (!source.ok()) return source.error().Wrap("upload " + local);
  DG_ASSIGN_OR_RETURN(BucketSession session, ctx.Open(target.bucket));
  DG_ASSIGN_OR_RETURN(PutResult put, session.service->Put(key, **source, LocalBasename(local)));
  nlohmann::json event = FileJson(put.file);
  event["event"] = "upload";
  event["source"] = local;
  event["created_reference"] = put.created_reference;
  event["reference_key"] = put.reference_key;
  event["reference_stored_size"] = put.reference_stored_size;
  ctx.out().Result("upload: " + local + " to " + uri + " (" + UploadSummary(put) + ")", event);
  return OkStatus();
}

// Rebuilds `key` into a verified local file at `path`.
// Downloads are atomic but not fsynced, like cp and `aws s3 cp`: the bucket keeps the data.
// The file is written on a second thread while the next bytes are rebuilt.
Result<FileInfo> GetToFile(BucketSession& session, const std::string& key, const std::string& path) {
  auto sink = FileSink::Create(path, Durability::kAtomic);
  if (!sink.ok()) return sink.error().Wrap("write " + path);
  AsyncSink async(**sink);
  Result<FileInfo> file = session.service->Get(key, async);
  Status written = async.Finish();
  if (!file.ok()) return file;
  if (!written.ok()) return written.error().Wrap("write " + path);
  if (Status committed = (*sink)->Commit(); !committed.ok()) return committed.error().Wrap("write " + path);
  return file;
}

// Spooled to a temp file first, so nothing reaches stdout before it verifies.
Status WriteToStdout(BucketSession& session, const std::string& key) {
  DG_ASSIGN_OR_RETURN(std::unique_ptr<ScratchDirectory> scratch, ScratchDirectory::Create("deltaglider-"));
  const std::string spool = scratch->Path("stdout");
  DG_RETURN_IF_ERROR(GetToFile(session, key, spool).status());
  DG_ASSIGN_OR_RETURN(std::unique_ptr<ByteSource> source, OpenFileSource(spool));
  std::unique_ptr<ByteSink> out = NewDescriptorSink(STDOUT_FILENO);
  return Copy(*source, *out).status();
}

Status Download(Context& ctx, const S3Uri& source, const std::string& dest) {
  if (source.IsDirectory()) {
    return Usage("download " + source.ToString() + ": name a file, not a directory");
  }
  DG_ASSIGN_OR_RETURN(BucketSession session, ctx.Open(source.bucket));
  if (dest == "-") return WriteToStdout(session, source.key);
  const std::string path = DownloadPath(dest, source.key);
  DG_ASSIGN_OR_RETURN(FileInfo file, GetToFile(session, source.key, path));
  nlohmann::json event = FileJson(file);
  event["event"] = "download";
  event["destination"] = path;
  ctx.out().Result("download: " + source.ToString() + " to " + path, event);
  return OkStatus();
}

Status CopyBetweenBuckets(Context& ctx, const S3Uri& from, const S3Uri& to) {
  if (from.IsDirectory()) return Usage("cp " + from.ToString() + ": name a file, not a directory");
  DG_ASSIGN_OR_RETURN(std::unique_ptr<ScratchDirectory> scratch, ScratchDirectory::Create("deltaglider-"));
  const std::string local = scratch->Path(Basename(from.key));
  DG_ASSIGN_OR_RETURN(BucketSession session, ctx.Open(from.bucket));
  DG_RETURN_IF_ERROR(GetToFile(session, from.key, local).status());
  return Upload(ctx, local, to);
}

Status RunCp(Context& ctx, const std::string& src, const std::string& dst) {
  const bool src_remote = LooksLikeS3Uri(src);
  const bool dst_remote = LooksLikeS3Uri(dst);
  if (!src_remote && !dst_remote) {
    return Usage("cp " + src + " " + dst + ": one of the two must be an s3:// URI");
  }
  if (!src_remote) {
    DG_ASSIGN_OR_RETURN(S3Uri target, ParseS3Uri(dst));
    return Upload(ctx, src, target);
  }
  DG_ASSIGN_OR_RETURN(S3Uri source, ParseS3Uri(src));
  if (!dst_remote) return Download(ctx, source, dst);
  DG_ASSIGN_OR_RETURN(S3Uri target, ParseS3Uri(dst));
  return CopyBetweenBuckets(ctx, source, target);
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
  return MakeError(last.code, std::to_string(failed), " of ", std::to_string(items.size()),
                   " failed; last: ", last.message);
}

}  // namespace

void RegisterTransferCommands(CLI::App& app, CommandTable& table) {
  auto cp_args = std::make_shared<std::pair<std::string, std::string>>();
  CLI::App* cp = app.add_subcommand(
      "cp",
      "Copy one file: local -> s3://bucket/key (stored as a delta when it is an archive),\n"
      "s3://bucket/key -> local (rebuilt and SHA256-verified), or bucket -> bucket.\n"
      "  deltaglider cp app-1.2.zip s3://releases/app/        keeps app/, adds the file name\n"
      "  deltaglider cp app-1.2.zip s3://releases/app/a.zip   stores under the given name\n"
      "  deltaglider cp s3://releases/app/app-1.2.zip ./      writes ./app-1.2.zip\n"
      "  deltaglider cp s3://releases/app/app-1.2.zip -       writes to stdout");
  cp->add_option("SRC", cp_args->first, "Local file or s3://bucket/key")->required();
  cp->add_option("DST", cp_args->second, "s3://bucket/[prefix/][name], local path, or -")->required();
  table[cp] = [cp_args](Context& ctx) { return RunCp(ctx, cp_args->first, cp_args->second); };

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
    return ForEach(ctx, files, [&](const std::string& file) { return Upload(ctx, file, prefix); });
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
    return Download(ctx, source, get_args->second);
  };
}

}  // namespace deltaglider::cli
