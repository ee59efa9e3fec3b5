// TransferReport: what cp/mv/rm/sync print about each file, in the aws CLI's
// words ("upload: ./a.zip to s3://b/a.zip", "(dryrun) delete: s3://b/x",
// "download failed: s3://b/k to ./k: <cause>"), one JSON object per file event
// with --json and a summary object at the end; it also feeds the progress line.
// Counts failures so the command can keep going and end with "N of M files
// failed". Thread-safe: jobs on several threads report through one instance.
#pragma once

#include <cstdint>
#include <mutex>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>

#include "cli/output.h"
#include "cli/progress.h"

namespace deltaglider::cli {

// One thing done (or that would be done) to one file.
struct FileEvent {
  std::string verb;    // "upload", "download", "copy", "move", "delete"
  std::string from;    // as shown: "./dir/a.zip", "s3://b/dir/a.zip"
  std::string to;      // as shown; empty for a delete
  std::string detail;  // deltaglider's note on how it was stored ("delta 1.2 KB, ..."), or ""
  uint64_t size = 0;   // logical bytes
  std::optional<uint64_t> stored_size;  // what a store wrote for it, references included
  nlohmann::json fields = nlohmann::json::object();  // extra --json fields
};

inline FileEvent MakeEvent(std::string verb, std::string from, std::string to = "",
                           uint64_t size = 0) {
  FileEvent event;
  event.verb = std::move(verb);
  event.from = std::move(from);
  event.to = std::move(to);
  event.size = size;
  return event;
}

struct ReportOptions {
  bool dryrun = false;
  bool only_show_errors = false;  // --only-show-errors (and --quiet): failures only
  bool progress = false;          // draw the live line (see Progress)
};

class TransferReport {
 public:
  TransferReport(const Output& out, ReportOptions options);

  // A file enters the plan (for the progress line's totals).
  void Planned(uint64_t bytes);
  void Done(const FileEvent& event);
  // Prints "<verb> failed: <from> to <to>: <message>" on stderr and counts it.
  void Failed(const FileEvent& event, const Error& error);
  // Done() or Failed(), as `status` says.
  void Record(const FileEvent& event, const Status& status);

  // The --json summary; OkStatus if nothing failed, else an error (exit code 1)
  // saying "N of M files failed".
  Status Finish();

 private:
  std::string Text(const FileEvent& event) const;

  const Output& out_;
  const ReportOptions options_;
  Progress progress_;
  std::mutex mutex_;
  uint64_t files_ = 0, failed_ = 0, bytes_ = 0, stored_bytes_ = 0;
};

}  // namespace deltaglider::cli
