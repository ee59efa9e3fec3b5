// Sync's decision for one logical file present on both sides: is the copy at the
// destination stale? The aws CLI's rules, on *logical* files (original size and
// the file's time), never on stored (delta) sizes. Times compare to the second:
// S3 keeps whole seconds. Pure.
#pragma once

#include <cstdint>

#include "deltaglider/types.h"

namespace deltaglider::cli {

// The logical size and time (local mtime, or the object's dg-created-at /
// LastModified) of one file.
struct FileStamp {
  uint64_t size = 0;
  TimePoint time{};
};

enum class SyncDirection {
  kUpload,    // local -> store
  kDownload,  // store -> local
  kCopy,      // store -> store
};

struct SyncRules {
  bool size_only = false;         // --size-only: sizes alone decide
  bool exact_timestamps = false;  // --exact-timestamps (downloads): any time difference
};

// Transfer when the sizes differ; otherwise, unless size_only:
//   upload / copy: when the source is newer than the destination;
//   download: when the local file is newer than the object (the aws CLI's rule;
//   downloads set the local mtime to the object's time), or, with
//   exact_timestamps, when the times differ at all.
bool NeedsTransfer(const FileStamp& source, const FileStamp& destination, SyncDirection direction,
                   const SyncRules& rules);

}  // namespace deltaglider::cli
