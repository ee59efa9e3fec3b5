#include "cli/transfer_report.h"

namespace deltaglider::cli {

TransferReport::TransferReport(const Output& out, ReportOptions options)
    : out_(out), options_(options), progress_(options.progress && !options.dryrun) {}

void TransferReport::Planned(uint64_t bytes) { progress_.Planned(bytes); }

std::string TransferReport::Text(const FileEvent& event) const {
  std::string text = options_.dryrun ? "(dryrun) " : "";
  text += event.verb + ": " + event.from;
  if (!event.to.empty()) text += " to " + event.to;
  if (!event.detail.empty()) text += " (" + event.detail + ")";
  return text;
}

void TransferReport::Done(const FileEvent& event) {
  nlohmann::json json = event.fields;
  json["event"] = event.verb;
  json["source"] = event.from;
  if (!event.to.empty()) json["destination"] = event.to;
  json["size"] = event.size;
  if (event.stored_size) json["stored_size"] = *event.stored_size;
  if (options_.dryrun) json["dryrun"] = true;
  std::lock_guard lock(mutex_);
  ++files_;
  bytes_ += event.size;
  if (event.stored_size) stored_bytes_ += *event.stored_size;
  progress_.Finished(event.size, event.stored_size);
  if (options_.only_show_errors) return;
  progress_.Above([&] { out_.Result(Text(event), json); });
}

void TransferReport::Failed(const FileEvent& event, const Error& error) {
  std::string text = event.verb + " failed: " + event.from;
  if (!event.to.empty()) text += " to " + event.to;
  std::lock_guard lock(mutex_);
  ++files_;
  ++failed_;
  progress_.Finished(event.size, std::nullopt);
  if (error.code == ErrorCode::kCancelled) return;  // Ctrl-C: main() says it once
  nlohmann::json json{{"event", "error"},
                      {"operation", event.verb},
                      {"source", event.from},
                      {"code", std::string(ErrorCodeName(error.code))},
                      {"message", error.message}};
  if (!event.to.empty()) json["destination"] = event.to;
  progress_.Above([&] { out_.FileFailure(text + ": " + error.message, json); });
}

void TransferReport::Record(const FileEvent& event, const Status& status) {
  if (status.ok()) {
    Done(event);
  } else {
    Failed(event, status.error());
  }
}

Status TransferReport::Finish() {
  std::lock_guard lock(mutex_);
  if (out_.json()) {
    out_.Data("", {{"event", "summary"},
                   {"files", files_},
                   {"failed", failed_},
                   {"bytes", bytes_},
                   {"stored_bytes", stored_bytes_},
                   {"dryrun", options_.dryrun}});
  }
  if (failed_ == 0) return OkStatus();
  // Not kInvalidArgument: some files failed, which is exit code 1, never 2.
  return MakeError(ErrorCode::kFailedPrecondition, std::to_string(failed_), " of ",
                   std::to_string(files_), " files failed");
}

}  // namespace deltaglider::cli
