// ReferenceCache: the port that keeps decoded references close, keyed by the
// SHA256 of their bytes, so a second delta against the same reference does not
// fetch it again. Safe for concurrent use by threads and processes; entries are
// verified before they are returned and a damaged entry is dropped, never served.
#pragma once

#include <functional>
#include <memory>
#include <span>
#include <string_view>

#include "deltaglider/ports/blob.h"
#include "deltaglider/result.h"
#include "deltaglider/stream.h"

namespace deltaglider {

class ReferenceCache {
 public:
  virtual ~ReferenceCache() = default;

  // The bytes whose SHA256 is `sha256_hex` (lower-case), or kNotFound.
  virtual Result<std::shared_ptr<const Blob>> Find(std::string_view sha256_hex) = 0;

  // Stores what `fill` writes, checks it hashes to `sha256_hex` and returns it.
  // kCorrupted (nothing cached) on a mismatch; fill's error is returned as is.
  virtual Result<std::shared_ptr<const Blob>> Insert(
      std::string_view sha256_hex, const std::function<Status(ByteSink&)>& fill) = 0;
};

}  // namespace deltaglider
