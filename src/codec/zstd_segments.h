// Segmented zstd-patch deltas: how the "zstd-patch" codec encodes and decodes a
// large target in bounded memory. The target is cut into segments (64 MiB by
// default); each is one zstd frame whose raw prefix is a region of the reference
// (128 MiB), the region where ReferenceAnchors finds the segment's content, so
// inserts and deletes anywhere do not lose the matches. Before each frame a
// skippable frame (magic 0x184D2A5D, tag "DGSG") gives the region's offset and
// size, the segment's size and the frame's size; see docs/format.md. Segments
// are encoded and decoded a few at a time on as many threads and written in
// order, so memory holds a few segments, never the file (the reference is the
// caller's span, normally a mapped file). Decoding treats every header as
// hostile: a region outside the reference, a size past the limits or a frame
// that does not give its segment is kCorrupted before anything is allocated
// for it. Nothing here may write a delta DecodeSegments cannot read back.
#pragma once

#include <cstdint>
#include <memory>
#include <optional>
#include <span>

#include "codec/zstd_delta_codec.h"
#include "deltaglider/codecs.h"
#include "deltaglider/ports/delta_codec.h"
#include "deltaglider/result.h"
#include "deltaglider/stream.h"

namespace deltaglider::zstd_internal {

struct SegmentLayout {
  uint64_t segment_bytes = uint64_t{64} << 20;  // target bytes per frame
  uint64_t region_bytes = uint64_t{128} << 20;  // reference bytes a frame may match
  int anchor_spacing_log = 14;                  // an anchor about every 16 KiB
  unsigned threads = 2;                         // segments encoded or decoded at once
  uint64_t frame_bytes = uint64_t{128} << 20;   // files up to this are one frame
};

// The largest segment a decoder accepts (a hostile header cannot ask for more).
inline constexpr uint64_t kMaxSegmentBytes = uint64_t{1} << 30;

// What a layout costs, by measurement (1 GB files, docs/format.md): each segment
// in flight holds its input and its output (up to the input's size) and zstd's
// tables; the rest of a put or get (spool and write buffers) a fixed amount.
inline constexpr uint64_t kCodecTableBytes = uint64_t{24} << 20;
inline constexpr uint64_t kFixedBytes = uint64_t{48} << 20;
inline constexpr uint64_t kMinSegmentBytes = uint64_t{8} << 20;

// The default layout on up to `threads` threads, cut down until it fits
// `memory_limit`: fewer segments at a time first (speed), then smaller segments
// and regions (a little compression), never below kMinSegmentBytes. Files up to
// two segments are one frame (the best compression) while such a frame, which
// holds the whole file twice as a segment does, fits the limit too.
SegmentLayout LayoutFor(uint64_t memory_limit, unsigned threads);

// True when a target of `target_size` bytes against `reference_size` bytes (0:
// plain compression) is encoded in segments: either is larger than
// layout.frame_bytes (one frame would need a window, and buffers, the size of
// the file). Plain
// segments have no region (size 0): `zstd -d` reads them, skipping the headers,
// and each takes the level its own head suggests (ChoosePlainParams).
bool WantsSegments(const SegmentLayout& layout, uint64_t reference_size,
                   std::optional<uint64_t> target_size);

// Encodes `target` in segments at `options`' level. Errors as EncodeFrame's.
Status EncodeSegments(const ZstdCodecOptions& options, const SegmentLayout& layout,
                      std::span<const std::byte> reference, ByteSource& target, ByteSink& delta);

// True when `head`, the first bytes of a delta, starts a segmented delta.
bool IsSegmented(std::span<const std::byte> head);

// Decodes a segmented delta on up to `threads` threads.
Status DecodeSegments(std::span<const std::byte> reference, ByteSource& delta, ByteSink& target,
                      unsigned threads);

// The "zstd-patch" codec with an explicit layout (tests use small segments).
std::unique_ptr<DeltaCodec> NewZstdDeltaCodec(const ZstdCodecOptions& options,
                                              const SegmentLayout& layout);

}  // namespace deltaglider::zstd_internal
