// The gzip-patch codec's path for archives too big to hold in memory (a 2 GB
// .tar.gz backup). Same format as the in-memory path, so either reads what the
// other wrote; only where the bytes live differs: the target, both inflated
// payloads, the patch frame and the delta are written to the Spool and mapped
// (page cache, not process memory), the payload's patch is the segmented
// zstd-patch, and every stream is deflated straight to its destination on one
// thread, unguided (the reference's parse would cost tokens the size of its
// payload). Slower than the in-memory path, never bigger in memory than the
// zstd segments in flight plus deflate's window. It never keeps anything
// between calls and never writes a delta it could not read back.
#pragma once

#include <cstdint>
#include <memory>
#include <span>

#include "codec/gzip/gzip_patch_format.h"
#include "codec/proven_streams.h"
#include "deltaglider/ports/blob.h"
#include "deltaglider/ports/delta_codec.h"
#include "deltaglider/ports/spool.h"
#include "deltaglider/result.h"
#include "deltaglider/stream.h"

namespace deltaglider::gzip_internal {

// All of `source`, mapped from a spool file, or read into memory when `spool` is
// null.
Result<std::shared_ptr<const Blob>> HoldWhole(ByteSource& source, Spool* spool);

// A guess at what `gzip` (a whole gzip file, or any bytes) inflates to: its last
// member's ISIZE, or twice its size if that is more (ISIZE counts modulo 4 GiB
// and only the last member).
uint64_t PayloadEstimate(std::span<const std::byte> gzip);

class SpooledGzip {
 public:
  // `zstd` makes the payload's patch (and the raw fallback's); `proven` keeps
  // the streams an Encode proved (inside the target, not copied) for the
  // read-back Decode that follows. All must outlive this.
  SpooledGzip(const DeltaCodec& zstd, Spool& spool, ProvenStreams& proven)
      : zstd_(zstd), spool_(spool), proven_(proven) {}

  // A gzip-patch delta of `target` against `reference`: members mode when the
  // target is gzip and every member's stream is reproduced by a deflater
  // profile, else raw mode.
  Status Encode(std::span<const std::byte> reference, std::shared_ptr<const Blob> target,
                ByteSink& delta) const;

  // Rebuilds the file a members-mode delta (`parsed`, its zstd frame `frame`)
  // describes. The streams are written as they are deflated and checked after:
  // on a mismatch (kCorrupted) `target` holds a partial file, which the
  // caller's verified sink must drop.
  Status Decode(std::span<const std::byte> reference, const ParsedGzipPatch& parsed,
                std::span<const std::byte> frame, ByteSink& target) const;

 private:
  const DeltaCodec& zstd_;
  Spool& spool_;
  ProvenStreams& proven_;
};

// A raw-mode gzip-patch delta: the header, then a zstd-patch of the raw bytes.
Status EncodeRawGzipPatch(const DeltaCodec& zstd, std::span<const std::byte> reference,
                          std::span<const std::byte> target, ByteSink& delta);

// A members-mode delta: `plan`'s header, then `frame`.
Status WriteGzipPatch(const GzipPatchHeader& plan, std::span<const std::byte> frame,
                      ByteSink& delta);

}  // namespace deltaglider::gzip_internal
