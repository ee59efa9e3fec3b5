// The files under a local directory or a store prefix, for the recursive commands
// (cp -r, mv -r, rm -r, sync): each as its path relative to the root, its logical
// size and its time, streamed to a visitor in ascending byte order of the relative
// paths (S3's UTF-8 key order) on both sides, so sync can merge two trees. Never
// collected into one list; never reads file contents.
#pragma once

#include <cstdint>
#include <functional>
#include <string>

#include "cli/sync_decision.h"
#include "deltaglider/client.h"

namespace deltaglider::cli {

struct TreeFile {
  std::string relative;  // "dir/a b.zip", '/'-separated
  FileStamp stamp;       // logical size; local mtime or the object's time
};
using TreeVisitor = std::function<Status(const TreeFile&)>;

// Regular files under `root` (symbolic links followed, as the aws CLI does, except
// a link back into a directory being walked; other special files skipped). Each directory is read
// and sorted on its own, so memory is one directory's names per level. kNotFound if `root` does not
// exist; unreadable subdirectories are errors (kPermissionDenied / kIoError).
Status WalkLocalTree(const std::string& root, const TreeVisitor& visit);

// Logical files under `prefix` ("" or ending in '/'), references hidden, with the
// deltas' original sizes from up to `head_concurrency` parallel HEADs, in strictly
// ascending logical order (DeltaService::List). Keys that end in '/' (folder markers)
// are skipped.
Status WalkStoreTree(DeltaService& service, const std::string& prefix, int head_concurrency,
                     const TreeVisitor& visit);

// Whether a local path is a directory / exists; false also when it cannot be
// checked (never throws, unlike the std::filesystem calls without error_code).
bool IsLocalDirectory(const std::string& path);
bool LocalPathExists(const std::string& path);

// A store prefix as the recursive commands read it: "dir" means "dir/".
std::string DirectoryPrefix(const std::string& key);

}  // namespace deltaglider::cli
