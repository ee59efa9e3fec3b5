// Factories for the DeltaCodec adapters and the registry the core picks them from.
#pragma once

#include <memory>
#include <string_view>
#include <vector>

#include "deltaglider/ports/delta_codec.h"
#include "deltaglider/ports/spool.h"

namespace deltaglider {

struct ZstdCodecOptions {
  int level = 3;        // 1..19 (22 with ultra)
  int workers = 0;      // zstd worker threads for encoding; 0 = single-threaded
  bool long_distance = true;  // long-distance matching for big inputs
  // The working set of files over two segments (zstd_segments.h): 64 MiB segments,
  // two at a time on two cores; less memory runs one at a time, then halves the
  // segments (and the reference regions they match, twice their size), to 8 MiB.
  uint64_t memory_limit = uint64_t{512} << 20;
};

// "zstd-patch": zstd with the reference as a raw prefix (`zstd --patch-from`),
// the window sized to cover the reference. With an empty reference it writes
// ordinary zstd frames that `zstd -d` reads.
std::unique_ptr<DeltaCodec> NewZstdDeltaCodec(const ZstdCodecOptions& options);

struct GzipCodecOptions {
  ZstdCodecOptions zstd;  // the patch of the inflated payloads (or of the raw bytes)
  // Copy unchanged streams from the reference and guide the re-deflate of changed
  // ones by the reference's parse (same bytes, many times faster). Off: every
  // stream is re-deflated in full (kept as the baseline of bench/).
  bool reuse_reference = true;
  // Streams an Encode keeps, up to this many bytes, for the Decode of the read-back
  // proof that follows it in this process, which then takes them instead of
  // deflating the same payloads again (found by a SHA256 of everything the
  // rebuild depends on). 0: none kept, and nothing hashed for it.
  uint64_t proven_stream_bytes = uint64_t{64} << 20;
  // Where the codec holds what it reads whole (the target, the delta), mapped
  // from disk; and, for archives whose inflated payloads pass a quarter of
  // zstd.memory_limit, the payloads and the patch too, rebuilt on one thread
  // without the reference's parse (slower, bounded memory). nullptr: all in
  // memory, whatever the size. Must outlive the codec.
  Spool* spool = nullptr;
};

// "gzip-patch": .gz/.tgz files stored as the inflated content's zstd-patch against
// the (inflated) reference plus, per gzip member, its header and the parameters of
// the deflater that reproduces its stream bit for bit (our own deflater: zlib and
// Chromium-zlib profiles); decoding rebuilds the exact original bytes and checks
// CRC32/ISIZE. Targets that are not gzip or that no profile reproduces are stored
// as a zstd-patch of the raw bytes (correct, just bigger). Format: docs/format.md.
std::unique_ptr<DeltaCodec> NewGzipDeltaCodec(const GzipCodecOptions& options);

struct ZipCodecOptions {
  ZstdCodecOptions zstd;  // the patch of the expanded zip (or of the raw bytes)
  unsigned workers = 0;   // threads that deflate entries at once; 0: one per core
  bool reuse_reference = true;  // as GzipCodecOptions::reuse_reference
  uint64_t proven_stream_bytes = uint64_t{64} << 20;  // as GzipCodecOptions'
};

// "zip-patch": .zip/.jar files stored as a zstd-patch of the "expanded" zip (each
// deflated entry that our deflater reproduces bit for bit replaced by its content)
// against the reference followed by its entries' content; every other byte is kept verbatim and decoding
// rebuilds the exact original. A file with no reproducible entry (or no zip at
// all) is stored as a zstd-patch of the raw bytes. Format: docs/format.md.
std::unique_ptr<DeltaCodec> NewZipDeltaCodec(const ZipCodecOptions& options);

// The codec name a `dg-delta-cmd` value names: its first word ("zstd-patch -3" ->
// "zstd-patch"; leading whitespace skipped).
std::string_view CodecNameOf(std::string_view delta_cmd);

// The codecs a DeltaService can decode and encode, looked up by name.
class CodecRegistry {
 public:
  void Add(std::unique_ptr<DeltaCodec> codec);
  // The codec whose name is the first word of `delta_cmd`, or kUnsupported.
  Result<const DeltaCodec*> ForCommand(std::string_view delta_cmd) const;

 private:
  std::vector<std::unique_ptr<DeltaCodec>> codecs_;
};

}  // namespace deltaglider
