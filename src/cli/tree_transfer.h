// The recursive commands' engine (cp -r, mv -r, sync, rm -r). It streams the
// source tree (a local directory or a store prefix), keeps the files the filters
// include, decides per file (sync: against the destination tree, read alongside
// in the same order through a TreeCursor, so neither tree is held in memory), and
// runs one job per file on a JobRunner: uploads, downloads, and
// store -> store copies that rebuild each file and store it again through the
// destination's DeltaService (never a blind copy of stored objects). Failures
// are reported per file and the run goes on; keys that would leave a local
// destination directory are refused. With --dryrun nothing is changed.
// Never prints directly: everything goes through TransferReport.
#pragma once

#include <string>

#include "cli/context.h"
#include "cli/tree_options.h"
#include "deltaglider/s3_uri.h"

namespace deltaglider::cli {

// One side of cp/mv/sync as typed: a local path or an s3:// URI.
struct Location {
  bool remote = false;
  std::string text;   // as typed
  std::string local;  // local side
  S3Uri uri;          // remote side
};
// kInvalidArgument for a malformed s3:// URI.
Result<Location> ParseLocation(const std::string& text);

enum class TreeMode { kCopy, kMove, kSync };

// Whether a transfer draws its live progress line: stderr is a terminal and
// neither --no-progress, --only-show-errors, --quiet nor --json was given.
bool ProgressWanted(const Context& ctx, const TreeOptions& options);

// cp -r / mv -r / sync SRC DST. kInvalidArgument (exit 2) when both sides are
// local or the local source is not a directory; a failed listing stops the run;
// per-file failures end it with "N of M files failed" (exit 1).
Status RunTreeTransfer(Context& ctx, TreeMode mode, const Location& source,
                       const Location& destination, const TreeOptions& options);

// rm -r s3://bucket/prefix: every logical file under the prefix that the filters
// include (references stay; gc removes them once unused).
Status RunTreeDelete(Context& ctx, const S3Uri& uri, const TreeOptions& options);

}  // namespace deltaglider::cli
