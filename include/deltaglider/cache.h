// Factories for ReferenceCache adapters.
#pragma once

#include <cstdint>
#include <memory>
#include <string>

#include "deltaglider/ports/reference_cache.h"

namespace deltaglider {

struct DiskCacheOptions {
  std::string dir;                            // created if missing
  uint64_t max_bytes = 4ull * 1024 * 1024 * 1024;  // least recently used entries go first
};

// Files named by SHA256 under `dir`, written to a temp name and renamed, hashed
// again on every Find, evicted by last use when over max_bytes. Several processes
// may share one directory.
Result<std::unique_ptr<ReferenceCache>> NewDiskReferenceCache(const DiskCacheOptions& options);

// $DG_CACHE_DIR, else $XDG_CACHE_HOME/deltaglider, else ~/.cache/deltaglider.
std::string DefaultCacheDir();

// A cache that keeps entries in memory for the life of the object (tests, SDK use).
std::unique_ptr<ReferenceCache> NewMemoryReferenceCache();

}  // namespace deltaglider
