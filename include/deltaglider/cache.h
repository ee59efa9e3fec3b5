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
  // Names this boot of the machine; empty: /proc/sys/kernel/random/boot_id.
  std::string boot_id;
};

// Files named by SHA256 under `dir`, written to a temp name and renamed, evicted
// by last use when over max_bytes. Several processes may share one directory.
// An entry is hashed again by the first Find after a reboot (a crash may have
// torn it: nothing is fsynced) or after anyone rewrote it; one this boot wrote
// or verified, unchanged since (same size and modification time, kept in an
// extended attribute), is served without hashing. Without extended attributes
// every Find hashes.
Result<std::unique_ptr<ReferenceCache>> NewDiskReferenceCache(const DiskCacheOptions& options);

// $DG_CACHE_DIR, else $XDG_CACHE_HOME/deltaglider, else ~/.cache/deltaglider.
std::string DefaultCacheDir();

// A cache that keeps entries in memory for the life of the object (tests, SDK use).
std::unique_ptr<ReferenceCache> NewMemoryReferenceCache();

}  // namespace deltaglider
