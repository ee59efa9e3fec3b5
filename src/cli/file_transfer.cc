#include "cli/file_transfer.h"

#include <filesystem>

#include "cli/interrupt.h"
#include "cli/output.h"
#include "deltaglider/async_sink.h"
#include "deltaglider/files.h"

namespace deltaglider::cli {
namespace {

namespace fs = std::filesystem;

// `progress`, stopping the transfer once Ctrl-C was pressed (interrupt.h).
PhaseObserver StoppedOnInterrupt(const PhaseObserver& progress) {
  return [&progress](TransferPhase phase, uint64_t done, std::optional<uint64_t> total) -> Status {
    DG_RETURN_IF_ERROR(CheckInterrupted());
    return progress ? progress(phase, done, total) : OkStatus();
  };
}

// Best effort: a file whose time cannot be set is still a good copy.
void SetModificationTime(const std::string& path, TimePoint time) {
  std::error_code ec;
  fs::last_write_time(path, std::chrono::file_clock::from_sys(time), ec);
}

}  // namespace

Result<PutResult> UploadFile(DeltaService& to, const std::string& path, const std::string& key,
                             const ObjectAttributes& attributes, const PhaseObserver& progress) {
  auto source = OpenFileSource(path);
  if (!source.ok()) return source.error().Wrap("upload " + path);
  const InterruptibleWork work;
  DG_RETURN_IF_ERROR(CheckInterrupted());
  return to.Put(key, **source, fs::path(path).filename().string(), attributes,
                StoppedOnInterrupt(progress));
}

Result<FileInfo> DownloadFile(DeltaService& from, const std::string& key, const std::string& path,
                              bool create_parents, std::optional<TimePoint> listed_time,
                              const PhaseObserver& progress) {
  const InterruptibleWork work;
  DG_RETURN_IF_ERROR(CheckInterrupted());
  if (create_parents) {
    std::error_code ec;
    const fs::path parent = fs::path(path).parent_path();
    if (!parent.empty()) fs::create_directories(parent, ec);
    if (ec) return MakeError(ErrorCode::kIoError, "mkdir ", parent.string(), ": ", ec.message());
  }
  // Atomic but not fsynced, like cp and `aws s3 cp`: the bucket keeps the data.
  auto sink = FileSink::Create(path, Durability::kAtomic);
  if (!sink.ok()) return sink.error().Wrap("write " + path);
  // The file is written on a second thread while the next bytes are rebuilt.
  AsyncSink async(**sink);
  Result<FileInfo> file = from.Get(key, async, StoppedOnInterrupt(progress));
  Status written = async.Finish();
  if (!file.ok()) return file;
  if (!written.ok()) return written.error().Wrap("write " + path);
  if (Status committed = (*sink)->Commit(); !committed.ok())
    return committed.error().Wrap("write " + path);
  SetModificationTime(path, listed_time.value_or(file->created_at));
  return file;
}

std::string UploadSummary(const PutResult& put) {
  const FileInfo& file = put.file;
  std::string text;
  if (file.stored_as == StoredAs::kDelta) {
    text = "delta " + HumanBytes(file.stored_size) + ", " + Percent(file.stored_size, file.size) +
           " of " + HumanBytes(file.size);
    if (file.depth > 1) text += ", read in " + std::to_string(file.depth) + " steps";
  } else {
    text = "direct " + HumanBytes(file.stored_size);
  }
  if (put.created_reference) {
    text += "; new reference " + put.reference_key + " " + HumanBytes(put.reference_stored_size);
  }
  if (!file.note.empty() && file.stored_as == StoredAs::kDirect) text += "; " + file.note;
  return text;
}

uint64_t StoredBytes(const PutResult& put) {
  return put.file.stored_size + (put.created_reference ? put.reference_stored_size : 0);
}

nlohmann::json FileJson(const FileInfo& file) {
  return {{"key", file.key},
          {"stored_key", file.stored_key},
          {"stored_as", std::string(StoredAsName(file.stored_as))},
          {"size", file.size},
          {"stored_size", file.stored_size},
          {"sha256", file.sha256},
          {"ref_key", file.ref_key},
          {"depth", file.depth},
          {"note", file.note}};
}

nlohmann::json PutJson(const PutResult& put) {
  nlohmann::json json = FileJson(put.file);
  json["created_reference"] = put.created_reference;
  json["reference_key"] = put.reference_key;
  json["reference_stored_size"] = put.reference_stored_size;
  return json;
}

}  // namespace deltaglider::cli
