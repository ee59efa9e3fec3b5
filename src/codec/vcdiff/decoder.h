// DecodeVcdiff: turns one VCDIFF delta (RFC 3284 plus the xdelta3 extensions:
// application header, Adler-32 per window, LZMA secondary compression) back into
// its target. The delta is read window by window and every window's output goes
// to the sink as soon as it is complete and verified.
//
// Memory: the reference (the caller's), one window of delta and output (windows
// are capped at 16 MiB of output), and the last 16 MiB of output, which is what
// VCD_TARGET windows may copy from (older output: kUnsupported). It must never
// allocate in proportion to a size the delta merely claims.
#pragma once

#include <cstdint>
#include <span>
#include <string>

#include "deltaglider/result.h"
#include "deltaglider/stream.h"

namespace deltaglider::vcdiff {

// The largest target window accepted (xdelta3's own decoder limit).
inline constexpr uint32_t kMaxWindowTarget = uint32_t{1} << 24;
// How much earlier output is kept for VCD_TARGET windows.
inline constexpr size_t kTargetHistory = size_t{1} << 24;

struct DecodeOptions {
  // xdelta3 marks deltas of externally decompressed files (gzip input without
  // -D) in the application header; such deltas are refused (kUnsupported)
  // because their output is the decompressed data, never the original file.
  // When true, the windows are decoded anyway: `reference` must then be the
  // decompressed reference, and the output is the decompressed target.
  bool ignore_external_compression = false;
  // When set, receives the compressor the application header names ("gzip"),
  // before any output is written.
  std::string* external_compression = nullptr;
};

// Decodes `delta` against `reference` into `target`. Errors are kCorrupted for
// malformed or damaged input, kUnsupported for VCDIFF features not implemented,
// kResourceExhausted for oversize windows, or the source's/sink's own errors.
// Output already written when an error is found stays written. The format cannot
// detect a delta cut exactly at a window boundary (the prefix is a valid delta
// of a shorter target), so callers must check the target's size or hash.
Status DecodeVcdiff(std::span<const std::byte> reference, ByteSource& delta, ByteSink& target,
                    const DecodeOptions& options = {});

}  // namespace deltaglider::vcdiff
