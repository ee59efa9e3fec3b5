// Local-directory Storage (`file://DIR`): each bucket is a subdirectory of DIR and
// each object one file at `DIR/<bucket>/<key>` holding a small header (metadata,
// etag) followed by the bytes. Writes go to DIR/.dg-tmp/ and are renamed into
// place, so a crash leaves the old object or the new one, never a part. Keys that
// could escape DIR (`..`, absolute, empty segments, NUL) are rejected. Files put
// into a bucket by other means are served as plain objects without metadata.
// docs/format-filesystem.md describes the on-disk layout.
#pragma once

#include <memory>
#include <string>

#include "deltaglider/ports/object_store.h"

namespace deltaglider {

// `root` need not exist yet: CreateBucket creates it.
Result<std::unique_ptr<Storage>> NewFilesystemStorage(const std::string& root);

}  // namespace deltaglider
