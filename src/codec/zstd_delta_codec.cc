// ZstdDeltaCodec: the "zstd-patch" DeltaCodec, `zstd --patch-from` as a library
// call. Up to 128 MiB, Encode references the reference as a raw prefix with a
// window wide enough to reach all of it and Decode reads exactly one checksummed
// frame, refusing windows the sizes cannot justify, so hostile deltas cannot
// demand huge buffers; larger files are segmented (zstd_segments.h).
#include "codec/zstd_delta_codec.h"

#include "codec/zstd_segments.h"

#define ZSTD_STATIC_LINKING_ONLY  // ZSTD_getFrameHeader, ZSTD_getCParams
#include <zstd.h>
#include <zstd_errors.h>

#include <algorithm>
#include <bit>
#include <memory>
#include <string>
#include <thread>
#include <vector>

namespace deltaglider {
namespace zstd_internal {
namespace {

constexpr size_t kChunk = size_t{1} << 20;
constexpr uint64_t kMiB = uint64_t{1} << 20;
// The window zstd itself accepts by default (and `zstd -d` without --long=N).
constexpr int kDefaultWindowLogLimit = 27;
// Below this span (the larger of reference and target) long-distance matching
// finds nothing the regular match finder misses.
constexpr uint64_t kLdmMinSpan = kMiB;

struct CCtxDeleter {
  void operator()(ZSTD_CCtx* cctx) const { ZSTD_freeCCtx(cctx); }
};
struct DCtxDeleter {
  void operator()(ZSTD_DCtx* dctx) const { ZSTD_freeDCtx(dctx); }
};
using CCtxPtr = std::unique_ptr<ZSTD_CCtx, CCtxDeleter>;
using DCtxPtr = std::unique_ptr<ZSTD_DCtx, DCtxDeleter>;

// Index of the highest set bit; 0 for 0 and 1.
int HighBit(uint64_t value) { return value == 0 ? 0 : 63 - std::countl_zero(value); }

Error ZstdError(std::string_view what, size_t code) {
  const ZSTD_ErrorCode native = ZSTD_getErrorCode(code);
  ErrorCode mapped = ErrorCode::kCorrupted;
  if (native == ZSTD_error_memory_allocation) mapped = ErrorCode::kResourceExhausted;
  return MakeError(mapped, "zstd-patch: ", what, ": ", ZSTD_getErrorName(code));
}

// Applies one compression parameter; returns false if zstd refused it.
bool Set(ZSTD_CCtx* cctx, ZSTD_cParameter param, int value) {
  return !ZSTD_isError(ZSTD_CCtx_setParameter(cctx, param, value));
}

// zstd's multi-threaded encoder gives a raw prefix only to its first job, so with
// a reference and without long-distance matching (small jobs) most matches are
// lost: 613 KB -> 2.6 MB at level 3. With long-distance matching a job is at least
// 8 windows, so the target is one job: no speed-up, and the ratio is 10% worse at
// levels 3-9, but for the optimal parsers (levels 16+) the multi-threaded path,
// which feeds them the long matches from one serial pass, is far better: level 19
// 268 KB single-threaded vs 3.9 KB (`zstd --single-thread` shows the same).
int ChooseWorkers(const ZstdCodecOptions& options, uint64_t reference_size, bool long_distance,
                  ZSTD_strategy strategy) {
  const int requested = std::max(options.workers, 0);
  if (reference_size == 0) return requested;  // plain compression: jobs run in parallel
  if (long_distance && strategy >= ZSTD_btopt) return std::max(requested, 1);
  return 0;
}

}  // namespace

std::string PatchCommandLine(std::string_view codec, const ZstdCodecOptions& options) {
  std::string cmd = std::string(codec) + " -" + std::to_string(options.level);
  if (options.long_distance) cmd += " --long";
  return cmd;
}

FrameParams ChooseFrameParams(const ZstdCodecOptions& options, uint64_t reference_size,
                              std::optional<uint64_t> target_size) {
  FrameParams params;
  params.level = std::clamp(options.level, ZSTD_minCLevel(), ZSTD_maxCLevel());
  const uint64_t target = target_size.value_or(reference_size);
  const ZSTD_compressionParameters defaults = ZSTD_getCParams(
      params.level, target_size ? std::max<uint64_t>(*target_size, 1) : ZSTD_CONTENTSIZE_UNKNOWN,
      reference_size);
  int needed = HighBit(std::max(reference_size, target)) + 1;
  // Plain compression: a window past 2^27 would only make `zstd -d` refuse the frame.
  if (reference_size == 0) needed = std::min(needed, kDefaultWindowLogLimit);
  params.window_log = std::clamp(std::max(static_cast<int>(defaults.windowLog), needed),
                                 ZSTD_WINDOWLOG_MIN, ZSTD_WINDOWLOG_MAX_64);
  // Long-distance matching finds the reference's copies once the span outgrows
  // what the regular match finder's tables cover (zstd's CLI rule for
  // --patch-from). On typescript 5.4.2 -> 5.4.3 at level 3 it shrinks the delta
  // from 613 KB to 5.9 KB (see dg_zstd_measure).
  const int cycle_log = static_cast<int>(defaults.chainLog) - (defaults.strategy >= ZSTD_btlazy2);
  params.long_distance = options.long_distance && params.window_log > cycle_log &&
                         std::max(reference_size, target) >= kLdmMinSpan;
  params.workers = ChooseWorkers(options, reference_size, params.long_distance, defaults.strategy);
  return params;
}

namespace {

Status ConfigureEncoder(ZSTD_CCtx* cctx, const FrameParams& params,
                        std::span<const std::byte> reference, std::optional<uint64_t> size) {
  bool ok = Set(cctx, ZSTD_c_compressionLevel, params.level) &&
            Set(cctx, ZSTD_c_windowLog, params.window_log) &&
            Set(cctx, ZSTD_c_enableLongDistanceMatching,
                params.long_distance ? ZSTD_ps_enable : ZSTD_ps_disable) &&
            Set(cctx, ZSTD_c_checksumFlag, 1) && Set(cctx, ZSTD_c_contentSizeFlag, 1);
  if (!ok) return MakeError(ErrorCode::kInternal, "zstd-patch: zstd refused the frame parameters");
  // A libzstd built without threads refuses workers; it then compresses in this thread.
  if (params.workers > 0) Set(cctx, ZSTD_c_nbWorkers, params.workers);
  if (!reference.empty()) {
    const size_t r = ZSTD_CCtx_refPrefix(cctx, reference.data(), reference.size());
    if (ZSTD_isError(r)) return ZstdError("reference", r);
  }
  if (size) {
    const size_t r = ZSTD_CCtx_setPledgedSrcSize(cctx, *size);
    if (ZSTD_isError(r)) return ZstdError("target size", r);
  }
  return OkStatus();
}

// Runs ZSTD_compressStream2 over `input` until zstd has taken all of it (and, for
// ZSTD_e_end, flushed the frame), writing the output to `delta` as produced.
Status CompressChunk(ZSTD_CCtx* cctx, std::span<const std::byte> input, ZSTD_EndDirective mode,
                     std::vector<std::byte>& out_buffer, ByteSink& delta) {
  ZSTD_inBuffer in{input.data(), input.size(), 0};
  for (;;) {
    ZSTD_outBuffer out{out_buffer.data(), out_buffer.size(), 0};
    const size_t remaining = ZSTD_compressStream2(cctx, &out, &in, mode);
    if (ZSTD_isError(remaining)) {
      if (ZSTD_getErrorCode(remaining) == ZSTD_error_srcSize_wrong) {
        return MakeError(ErrorCode::kInvalidArgument,
                         "zstd-patch: the target's length differs from its declared size");
      }
      Error error = ZstdError("encode", remaining);
      if (error.code == ErrorCode::kCorrupted) error.code = ErrorCode::kInternal;
      return error;
    }
    if (out.pos > 0) DG_RETURN_IF_ERROR(delta.Write(std::span(out_buffer.data(), out.pos)));
    const bool done = mode == ZSTD_e_end ? remaining == 0 : in.pos == in.size;
    if (done) return OkStatus();
  }
}

}  // namespace

bool LooksIncompressible(std::span<const std::byte> sample) {
  std::vector<std::byte> out(ZSTD_compressBound(sample.size()));
  const size_t n = ZSTD_compress(out.data(), out.size(), sample.data(), sample.size(), 1);
  return !ZSTD_isError(n) && n * 10 >= sample.size() * 9;
}

FrameParams ChoosePlainParams(const ZstdCodecOptions& options, std::optional<uint64_t> target_size,
                              std::span<const std::byte> head) {
  ZstdCodecOptions chosen = options;
  if (options.level > kFastLevel && LooksIncompressible(head)) chosen.level = kFastLevel;
  return ChooseFrameParams(chosen, 0, target_size);
}

Status EncodeFrame(const FrameParams& params, std::span<const std::byte> reference,
                   ByteSource& target, ByteSink& delta) {
  return EncodeFrameAfter(params, reference, {}, target, delta);
}

Status EncodeFrameAfter(const FrameParams& params, std::span<const std::byte> reference,
                        std::span<const std::byte> head, ByteSource& rest, ByteSink& delta) {
  CCtxPtr cctx(ZSTD_createCCtx());
  if (cctx == nullptr) return MakeError(ErrorCode::kResourceExhausted, "zstd-patch: out of memory");
  DG_RETURN_IF_ERROR(ConfigureEncoder(cctx.get(), params, reference, rest.size()));
  std::vector<std::byte> out_buffer(ZSTD_CStreamOutSize());
  if (!head.empty()) {
    DG_RETURN_IF_ERROR(CompressChunk(cctx.get(), head, ZSTD_e_continue, out_buffer, delta));
  }
  std::vector<std::byte> in_buffer(kChunk);
  for (;;) {
    DG_ASSIGN_OR_RETURN(size_t n, rest.Read(in_buffer));
    const ZSTD_EndDirective mode = n == 0 ? ZSTD_e_end : ZSTD_e_continue;
    DG_RETURN_IF_ERROR(
        CompressChunk(cctx.get(), std::span(in_buffer.data(), n), mode, out_buffer, delta));
    if (n == 0) return OkStatus();
  }
}

Status EncodeFrameInMemory(const FrameParams& params, std::span<const std::byte> reference,
                           std::span<const std::byte> target, ByteSink& delta) {
  CCtxPtr cctx(ZSTD_createCCtx());
  if (cctx == nullptr) return MakeError(ErrorCode::kResourceExhausted, "zstd-patch: out of memory");
  DG_RETURN_IF_ERROR(ConfigureEncoder(cctx.get(), params, reference, target.size()));
  if (!Set(cctx.get(), ZSTD_c_stableInBuffer, 1)) {
    return MakeError(ErrorCode::kInternal, "zstd-patch: zstd refused a stable input buffer");
  }
  std::vector<std::byte> out_buffer(ZSTD_CStreamOutSize());
  return CompressChunk(cctx.get(), target, ZSTD_e_end, out_buffer, delta);
}

uint64_t MaxAcceptedWindow(uint64_t reference_size, std::optional<uint64_t> content_size,
                           std::optional<uint64_t> delta_size) {
  uint64_t claimed = content_size.value_or(0);
  if (delta_size) claimed = std::min(claimed, (*delta_size / 3 + 1) * ZSTD_BLOCKSIZE_MAX);
  const uint64_t span = std::max(reference_size, claimed);
  const uint64_t justified = std::max(uint64_t{1} << kDefaultWindowLogLimit, 2 * span + kMiB);
  return std::min(justified, uint64_t{1} << ZSTD_WINDOWLOG_MAX_64);
}

}  // namespace zstd_internal

namespace {

using zstd_internal::DCtxPtr;
using zstd_internal::FrameParams;
using zstd_internal::kChunk;
using zstd_internal::ZstdError;

// The bytes of the delta read so far and not yet given to the decoder.
struct InputBuffer {
  std::vector<std::byte> bytes = std::vector<std::byte>(kChunk);
  size_t pos = 0;
  size_t size = 0;
  bool eof = false;

  // Appends what the source yields (at most the free space); sets eof at the end.
  Status Fill(ByteSource& source) {
    if (pos == size) pos = size = 0;
    if (size == bytes.size()) return OkStatus();
    DG_ASSIGN_OR_RETURN(size_t n, source.Read(std::span(bytes).subspan(size)));
    size += n;
    if (n == 0) eof = true;
    return OkStatus();
  }
};

// The bytes a Decode read to look at the delta's start, then the rest of it.
class ResumedSource final : public ByteSource {
 public:
  ResumedSource(std::span<const std::byte> head, ByteSource& rest) : head_(head), rest_(rest) {}
  Result<size_t> Read(std::span<std::byte> buffer) override {
    if (head_.empty()) return rest_.Read(buffer);
    const size_t n = std::min(buffer.size(), head_.size());
    std::copy_n(head_.begin(), n, buffer.begin());
    head_ = head_.subspan(n);
    return n;
  }
  Status Rewind() override {
    return MakeError(ErrorCode::kUnsupported, "zstd-patch: a delta being decoded cannot rewind");
  }
  std::optional<uint64_t> size() const override { return std::nullopt; }

 private:
  std::span<const std::byte> head_;
  ByteSource& rest_;
};

Error Truncated() { return MakeError(ErrorCode::kCorrupted, "zstd-patch: delta is truncated"); }

// Reads the frame header and refuses frames that are not ours or whose window the
// sizes cannot justify, before zstd allocates anything for them.
Status CheckFrameHeader(ByteSource& delta, InputBuffer& input, uint64_t reference_size) {
  ZSTD_frameHeader header{};
  for (;;) {
    const size_t r = ZSTD_getFrameHeader(&header, input.bytes.data(), input.size);
    if (ZSTD_isError(r)) return ZstdError("not a zstd frame", r);
    if (r == 0) break;
    if (input.eof) return Truncated();
    DG_RETURN_IF_ERROR(input.Fill(delta));
  }
  if (header.frameType != ZSTD_frame) {
    return MakeError(ErrorCode::kCorrupted,
                     "zstd-patch: skippable frame where a delta was expected");
  }
  std::optional<uint64_t> content_size;
  if (header.frameContentSize != ZSTD_CONTENTSIZE_UNKNOWN) content_size = header.frameContentSize;
  const uint64_t limit =
      zstd_internal::MaxAcceptedWindow(reference_size, content_size, delta.size());
  if (header.windowSize > limit) {
    return MakeError(ErrorCode::kCorrupted, "zstd-patch: frame asks for a ",
                     std::to_string(header.windowSize), "-byte window, more than the ",
                     std::to_string(limit), " its sizes justify");
  }
  return OkStatus();
}

// After the frame's last byte: anything more in the delta is an error.
Status CheckNoTrailingBytes(ByteSource& delta, InputBuffer& input) {
  if (input.pos == input.size && !input.eof) DG_RETURN_IF_ERROR(input.Fill(delta));
  if (input.pos < input.size) {
    return MakeError(ErrorCode::kCorrupted, "zstd-patch: unexpected bytes after the delta frame");
  }
  return OkStatus();
}

Status DecodeFrame(ZSTD_DCtx* dctx, ByteSource& delta, InputBuffer& input, ByteSink& target) {
  std::vector<std::byte> out_buffer(kChunk);
  for (;;) {
    if (input.pos == input.size && !input.eof) DG_RETURN_IF_ERROR(input.Fill(delta));
    ZSTD_inBuffer in{input.bytes.data(), input.size, input.pos};
    ZSTD_outBuffer out{out_buffer.data(), out_buffer.size(), 0};
    const size_t r = ZSTD_decompressStream(dctx, &out, &in);
    input.pos = in.pos;
    if (ZSTD_isError(r)) return ZstdError("decode", r);
    if (out.pos > 0) DG_RETURN_IF_ERROR(target.Write(std::span(out_buffer.data(), out.pos)));
    if (r == 0) return CheckNoTrailingBytes(delta, input);
    // Output not full and all input taken: zstd needs bytes the delta does not have.
    if (input.eof && input.pos == input.size && out.pos < out.size) return Truncated();
  }
}

class ZstdDeltaCodec final : public DeltaCodec {
 public:
  ZstdDeltaCodec(const ZstdCodecOptions& options, const zstd_internal::SegmentLayout& layout)
      : options_(options), layout_(layout) {}

  std::string_view name() const override { return "zstd-patch"; }

  // "zstd-patch -3 --long": the codec, then the settings the frames were made with.
  // The frame header carries everything else (window, content size, checksum).
  std::string CommandLine(std::string_view /*target_name*/) const override {
    return zstd_internal::PatchCommandLine(name(), options_);
  }

  Status Encode(std::span<const std::byte> reference, ByteSource& target,
                ByteSink& delta) const override {
    const bool probe = reference.empty() && options_.level > zstd_internal::kFastLevel &&
                       target.size().value_or(0) >= zstd_internal::kProbeMinTarget;
    if (zstd_internal::WantsSegments(layout_, reference.size(), target.size())) {
      return zstd_internal::EncodeSegments(options_, layout_, reference, target, delta);
    }
    if (probe) return EncodeProbed(target, delta);
    const FrameParams params =
        zstd_internal::ChooseFrameParams(options_, reference.size(), target.size());
    return zstd_internal::EncodeFrame(params, reference, target, delta);
  }

  Status Decode(std::span<const std::byte> reference, ByteSource& delta,
                ByteSink& target) const override {
    InputBuffer input;
    DG_RETURN_IF_ERROR(input.Fill(delta));
    const std::span<const std::byte> head(input.bytes.data(), input.size);
    if (zstd_internal::IsSegmented(head)) {
      ResumedSource whole(head, delta);
      return zstd_internal::DecodeSegments(reference, whole, target, layout_.threads);
    }
    DG_RETURN_IF_ERROR(CheckFrameHeader(delta, input, reference.size()));
    DCtxPtr dctx(ZSTD_createDCtx());
    if (dctx == nullptr)
      return MakeError(ErrorCode::kResourceExhausted, "zstd-patch: out of memory");
    size_t r = ZSTD_DCtx_setParameter(dctx.get(), ZSTD_d_windowLogMax, ZSTD_WINDOWLOG_MAX_64);
    if (!ZSTD_isError(r) && !reference.empty()) {
      r = ZSTD_DCtx_refPrefix(dctx.get(), reference.data(), reference.size());
    }
    if (ZSTD_isError(r)) return ZstdError("decoder setup", r);
    return DecodeFrame(dctx.get(), delta, input, target);
  }

 private:
  // Plain compression of a large target at the level its head suggests
  // (zstd_internal::ChoosePlainParams).
  Status EncodeProbed(ByteSource& target, ByteSink& delta) const {
    DG_ASSIGN_OR_RETURN(const std::vector<std::byte> head,
                        ReadUpTo(target, zstd_internal::kProbeBytes));
    const FrameParams params = zstd_internal::ChoosePlainParams(options_, target.size(), head);
    return zstd_internal::EncodeFrameAfter(params, {}, head, target, delta);
  }

  ZstdCodecOptions options_;
  zstd_internal::SegmentLayout layout_;
};

}  // namespace

std::unique_ptr<DeltaCodec> zstd_internal::NewZstdDeltaCodec(const ZstdCodecOptions& options,
                                                             const SegmentLayout& layout) {
  return std::make_unique<ZstdDeltaCodec>(options, layout);
}

std::unique_ptr<DeltaCodec> NewZstdDeltaCodec(const ZstdCodecOptions& options) {
  // Two segments at a time on two cores and more, as the memory limit allows.
  return zstd_internal::NewZstdDeltaCodec(
      options, zstd_internal::LayoutFor(options.memory_limit,
                                        std::clamp(std::thread::hardware_concurrency(), 1U, 2U)));
}

}  // namespace deltaglider
