#include "cli/sync_decision.h"

#include <chrono>

namespace deltaglider::cli {
namespace {

std::chrono::sys_seconds Seconds(TimePoint time) {
  return std::chrono::floor<std::chrono::seconds>(time);
}

}  // namespace

bool NeedsTransfer(const FileStamp& source, const FileStamp& destination, SyncDirection direction,
                   const SyncRules& rules) {
  if (source.size != destination.size) return true;
  if (rules.size_only) return false;
  const auto source_time = Seconds(source.time);
  const auto destination_time = Seconds(destination.time);
  if (direction == SyncDirection::kDownload) {
    if (rules.exact_timestamps) return source_time != destination_time;
    return destination_time > source_time;
  }
  return source_time > destination_time;
}

}  // namespace deltaglider::cli
