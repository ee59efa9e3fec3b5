// TreeOptions: the flags the recursive commands share with `aws s3` and how they
// are added to a CLI11 command: -r/--recursive, --exclude/--include (kept in the
// order given), --dryrun, --only-show-errors, --no-progress, --jobs, and sync's
// --delete, --size-only, --exact-timestamps, and for uploads --content-type and
// --metadata. Parsing only; no behaviour.
#pragma once

#include <CLI/CLI.hpp>

#include "cli/filters.h"
#include "cli/sync_decision.h"
#include "deltaglider/client.h"

namespace deltaglider::cli {

struct TreeOptions {
  bool recursive = false;
  PathFilter filter;
  bool dryrun = false;
  bool only_show_errors = false;
  bool no_progress = false;
  int jobs = 0;  // 0: JobRunner::DefaultJobs()
  ObjectAttributes upload;  // --content-type, --metadata: recorded with uploaded files
  // sync only
  bool delete_extra = false;
  SyncRules rules;
};

enum TreeFlags : unsigned {
  kRecursiveFlag = 1u << 0,  // -r, --recursive
  kSyncFlags = 1u << 1,      // --delete, --size-only, --exact-timestamps
  kTransferFlags = 1u << 2,  // --no-progress, --content-type, --metadata
};

// Adds the filters, --dryrun, --only-show-errors and --jobs, plus `flags`.
void AddTreeOptions(CLI::App& command, TreeOptions& options, unsigned flags);

}  // namespace deltaglider::cli
