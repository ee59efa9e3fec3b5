// Internals of the "zstd-patch" DeltaCodec, shared by the codec, its tests and the
// dg_zstd_measure tool: how frame parameters are chosen from the sizes, and an
// encoder that takes explicit parameters. Not part of the SDK; the public entry
// point is NewZstdDeltaCodec() in deltaglider/codecs.h. Nothing here may ever
// write a frame that the codec's Decode cannot read back.
#pragma once

#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <string_view>

#include "deltaglider/codecs.h"
#include "deltaglider/result.h"
#include "deltaglider/stream.h"

namespace deltaglider::zstd_internal {

// What the encoder sets on its ZSTD_CCtx for one frame.
struct FrameParams {
  int level = 3;
  int window_log = 0;
  bool long_distance = false;
  int workers = 0;
};

// The parameters Encode uses for a reference of `reference_size` bytes and a
// target of `target_size` bytes (nullopt when unknown: the reference size is
// assumed). The window keeps the whole reference reachable to the target's end.
FrameParams ChooseFrameParams(const ZstdCodecOptions& options, uint64_t reference_size,
                              std::optional<uint64_t> target_size);

// Plain compression (no reference) of a large target tries zstd level 1 on its
// first kProbeBytes first: data that does not shrink by a tenth there (already
// compressed media, archives, encrypted backups, model weights) is compressed at
// kFastLevel instead of the configured level, which would spend ~6x the time on it
// for almost nothing (a 300 MB random file: level 12 6.2 s, level 3 0.9 s, the
// same bytes). Only the head is probed: a file that starts incompressible and
// turns compressible later is compressed less than the level asks.
inline constexpr uint64_t kProbeMinTarget = uint64_t{64} << 20;
inline constexpr size_t kProbeBytes = size_t{4} << 20;
inline constexpr int kFastLevel = 3;

// True when zstd level 1 saves less than a tenth of `sample`.
bool LooksIncompressible(std::span<const std::byte> sample);

// The parameters for plain compression of a target of `target_size` bytes whose
// first bytes are `head` (kProbeBytes of them, or all when fewer).
FrameParams ChoosePlainParams(const ZstdCodecOptions& options, std::optional<uint64_t> target_size,
                              std::span<const std::byte> head);

// Writes one zstd frame with `reference` as raw prefix. Errors: the source's or
// the sink's error as is; kInvalidArgument when the target yields a different
// number of bytes than its size() promised; kResourceExhausted when zstd cannot
// allocate.
Status EncodeFrame(const FrameParams& params, std::span<const std::byte> reference,
                   ByteSource& target, ByteSink& delta);

// The same, for a target whose first bytes, `head`, were already read from `rest`.
Status EncodeFrameAfter(const FrameParams& params, std::span<const std::byte> reference,
                        std::span<const std::byte> head, ByteSource& rest, ByteSink& delta);

// The same, for a target wholly in memory, which zstd reads in place (no copy of
// its window: the encoder's memory is its tables alone).
Status EncodeFrameInMemory(const FrameParams& params, std::span<const std::byte> reference,
                           std::span<const std::byte> target, ByteSink& delta);

// "<codec> -<level>[ --long]": the `dg-delta-cmd` of a codec whose delta is (or
// ends in) a zstd-patch frame made with `options`.
std::string PatchCommandLine(std::string_view codec, const ZstdCodecOptions& options);

// The largest window Decode accepts for this reference, the frame's declared
// content size (nullopt: not declared) and the delta's size (nullopt: unknown).
// A content size larger than `delta_size` bytes of blocks can produce (128 KiB
// per 3 bytes) does not justify a window; nor does anything past 2 GiB.
uint64_t MaxAcceptedWindow(uint64_t reference_size, std::optional<uint64_t> content_size,
                           std::optional<uint64_t> delta_size = std::nullopt);

}  // namespace deltaglider::zstd_internal
