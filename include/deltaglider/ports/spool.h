// Spool: scratch space for bytes that must be read more than once but arrive as
// a stream that can be read only once: a pipe, an HTTP request body, a file
// being copied from another key. What is written to a SpoolFile comes back from
// Read() as a rewindable source that can Fork. The bytes are gone once the
// SpoolFile and every source of it are; a spool never leaves a named file a
// crash could orphan. Map() gives the bytes as a span for code that wants one
// (a payload too big for memory, mapped from disk). Implementations: NewMemorySpool (memory.h) and
// NewDirectorySpool (files.h, unlinked files on disk).
#pragma once

#include <memory>

#include "deltaglider/ports/blob.h"
#include "deltaglider/result.h"
#include "deltaglider/stream.h"

namespace deltaglider {

class SpoolFile : public ByteSink {
 public:
  // Everything written, from the first byte: rewindable, with a known size,
  // forkable for readers on other threads. Writing after Read() is kFailedPrecondition.
  virtual Result<std::unique_ptr<ByteSource>> Read() = 0;
  // Everything written, as bytes that stay valid while the Blob lives (a
  // directory spool maps its file: page cache, not process memory). Writing
  // after Map() is kFailedPrecondition.
  virtual Result<std::shared_ptr<const Blob>> Map() = 0;
};

class Spool {
 public:
  virtual ~Spool() = default;
  // A new, empty spool file. Safe to call from several threads.
  virtual Result<std::unique_ptr<SpoolFile>> Create() = 0;
};

}  // namespace deltaglider
