// Segments are read (encode) or their frames fetched (decode) a batch of
// `threads` at a time, worked on by ParallelFor, and written in order.
#include "codec/zstd_segments.h"

#define ZSTD_STATIC_LINKING_ONLY  // ZSTD_getFrameHeader, ZSTD_findFrameCompressedSize
#include <zstd.h>

#include <algorithm>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "codec/byte_io.h"
#include "codec/reference_anchors.h"
#include "util/parallel_for.h"

namespace deltaglider::zstd_internal {
namespace {

constexpr uint32_t kSkippableMagic = 0x184D2A5D;
constexpr uint32_t kTag = 0x47534744;  // "DGSG"
// magic, payload size, tag, then four 8-byte fields.
constexpr uint32_t kPayloadBytes = 4 + 4 * 8;
constexpr size_t kHeaderBytes = 8 + kPayloadBytes;
// A frame is read in steps of this many bytes (its header's size is hostile).
constexpr uint64_t kReadStep = uint64_t{16} << 20;

struct SegmentHeader {
  uint64_t region_offset = 0;
  uint64_t region_size = 0;
  uint64_t segment_size = 0;
  uint64_t frame_size = 0;
};

// Bytes kept from batch to batch and not zeroed when they grow: fresh pages of a
// new 64 MiB buffer, or zeroing them, cost more than the codec's work on them.
class Buffer {
 public:
  std::span<const std::byte> view() const { return {data_.get(), size_}; }
  std::span<std::byte> tail(size_t from) { return {data_.get() + from, size_ - from}; }
  size_t size() const { return size_; }
  // Makes the buffer `size` bytes long, keeping its first bytes.
  void Resize(size_t size) {
    if (size > capacity_) {
      std::unique_ptr<std::byte[]> bigger(new std::byte[size]);
      std::copy_n(data_.get(), std::min(size_, size), bigger.get());
      data_ = std::move(bigger);
      capacity_ = size;
    }
    size_ = size;
  }

 private:
  std::unique_ptr<std::byte[]> data_;
  size_t size_ = 0;
  size_t capacity_ = 0;
};

// One segment in flight.
struct Segment {
  uint64_t offset = 0;  // in the target
  Buffer input;         // encode: the target's bytes; decode: the frame
  SegmentHeader header;
  VectorSink output;  // encode: the frame
  Buffer decoded;     // decode: the segment
  Status status;
};

// Reads up to `count` bytes of `source` into `buffer`, growing it by `step`
// bytes at a time, so a hostile size costs only the bytes really there.
Status ReadInto(ByteSource& source, uint64_t count, uint64_t step, Buffer& buffer) {
  buffer.Resize(0);
  while (buffer.size() < count) {
    size_t filled = buffer.size();
    buffer.Resize(filled + std::min(count - filled, step));
    while (filled < buffer.size()) {
      DG_ASSIGN_OR_RETURN(const size_t n, source.Read(buffer.tail(filled)));
      if (n == 0) {
        buffer.Resize(filled);
        return OkStatus();
      }
      filled += n;
    }
  }
  return OkStatus();
}

Error Corrupted(std::string_view what) {
  return MakeError(ErrorCode::kCorrupted, "zstd-patch: segment ", what);
}

std::vector<std::byte> HeaderBytes(const SegmentHeader& header) {
  std::vector<std::byte> out;
  AppendLe(out, kSkippableMagic, 4);
  AppendLe(out, kPayloadBytes, 4);
  AppendLe(out, kTag, 4);
  for (uint64_t field :
       {header.region_offset, header.region_size, header.segment_size, header.frame_size}) {
    AppendLe(out, field, 8);
  }
  return out;
}

// The region of `width` bytes around the segment's own place in the target: the
// fallback when none of its anchors is in the reference.
uint64_t AlignedRegion(const Segment& segment, uint64_t width, uint64_t reference_size) {
  const uint64_t middle = segment.offset + segment.input.size() / 2;
  const uint64_t start = middle > width / 2 ? middle - width / 2 : 0;
  return std::min(start, reference_size - width);
}

// The frame parameters of one segment: against its region, or, with no
// reference, plain compression at the level its own head suggests.
FrameParams SegmentParams(const ZstdCodecOptions& options, uint64_t width, const Segment& segment) {
  const std::span<const std::byte> input = segment.input.view();
  FrameParams params = width > 0
                           ? ChooseFrameParams(options, width, input.size())
                           : ChoosePlainParams(options, input.size(),
                                               input.first(std::min(input.size(), kProbeBytes)));
  params.workers = 0;  // the segments are the parallelism
  return params;
}

// `anchors` is null when the whole reference fits in one region.
Status EncodeSegment(const ZstdCodecOptions& options, const SegmentLayout& layout,
                     const ReferenceAnchors* anchors, std::span<const std::byte> reference,
                     Segment& segment) {
  const uint64_t width = std::min<uint64_t>(layout.region_bytes, reference.size());
  uint64_t start = 0;
  if (anchors != nullptr) {
    start = anchors->BestRegion(segment.input.view(), width)
                .value_or(AlignedRegion(segment, width, reference.size()));
  }
  DG_RETURN_IF_ERROR(EncodeFrameInMemory(SegmentParams(options, width, segment),
                                         reference.subspan(start, width), segment.input.view(),
                                         segment.output));
  segment.header = {start, width, segment.input.size(), segment.output.bytes().size()};
  return OkStatus();
}

// Reads up to `count` segments of the target into `batch`; returns how many.
Result<size_t> ReadBatch(ByteSource& target, const SegmentLayout& layout, uint64_t& offset,
                         std::vector<Segment>& batch) {
  size_t filled = 0;
  for (; filled < batch.size(); ++filled) {
    Segment& segment = batch[filled];
    DG_RETURN_IF_ERROR(ReadInto(target, layout.segment_bytes, layout.segment_bytes, segment.input));
    if (segment.input.size() == 0) break;
    segment.offset = offset;
    segment.output.bytes().clear();
    // Room for the whole frame at once: a growing vector would briefly hold
    // one and a half times it (incompressible segments make frames their size).
    segment.output.bytes().reserve(ZSTD_compressBound(segment.input.size()));
    offset += segment.input.size();
  }
  return filled;
}

Result<SegmentHeader> ParseHeader(std::span<const std::byte> bytes) {
  ByteReader reader(bytes);
  uint64_t magic = 0, payload = 0, tag = 0;
  SegmentHeader header;
  if (!reader.Le(4, magic) || !reader.Le(4, payload) || !reader.Le(4, tag) ||
      !reader.Le(8, header.region_offset) || !reader.Le(8, header.region_size) ||
      !reader.Le(8, header.segment_size) || !reader.Le(8, header.frame_size)) {
    return Corrupted("header is truncated");
  }
  if (magic != kSkippableMagic || payload != kPayloadBytes || tag != kTag) {
    return Corrupted("header expected");
  }
  return header;
}

// Refuses a header whose region is not in the reference, or whose sizes no
// frame of that size can justify, before anything is allocated for it.
Status CheckHeader(const SegmentHeader& header, uint64_t reference_size) {
  if (header.region_offset > reference_size ||
      header.region_size > reference_size - header.region_offset) {
    return Corrupted("region lies outside the reference");
  }
  if (header.segment_size == 0 || header.segment_size > kMaxSegmentBytes) {
    return Corrupted("size is out of range");
  }
  if (header.frame_size == 0 || header.frame_size > ZSTD_compressBound(header.segment_size)) {
    return Corrupted("frame size is out of range");
  }
  // Every 128 KiB of output takes at least a 3-byte block header.
  if (header.segment_size > (header.frame_size / 3 + 1) * ZSTD_BLOCKSIZE_MAX) {
    return Corrupted("claims more bytes than its frame can hold");
  }
  return OkStatus();
}

// Reads the next segment's header and frame; false at the end of the delta.
Result<bool> ReadSegment(ByteSource& delta, uint64_t reference_size, Segment& segment) {
  DG_ASSIGN_OR_RETURN(std::vector<std::byte> header_bytes, ReadUpTo(delta, kHeaderBytes));
  if (header_bytes.empty()) return false;
  DG_ASSIGN_OR_RETURN(segment.header, ParseHeader(header_bytes));
  DG_RETURN_IF_ERROR(CheckHeader(segment.header, reference_size));
  DG_RETURN_IF_ERROR(ReadInto(delta, segment.header.frame_size, kReadStep, segment.input));
  if (segment.input.size() != segment.header.frame_size) return Corrupted("frame is truncated");
  return true;
}

struct DCtxDeleter {
  void operator()(ZSTD_DCtx* dctx) const { ZSTD_freeDCtx(dctx); }
};

// Decodes one segment's frame, read whole, into its output (exactly its size).
Status DecodeSegment(std::span<const std::byte> reference, Segment& segment) {
  const SegmentHeader& header = segment.header;
  const std::span<const std::byte> frame = segment.input.view();
  ZSTD_frameHeader zh{};
  if (ZSTD_getFrameHeader(&zh, frame.data(), frame.size()) != 0 || zh.frameType != ZSTD_frame ||
      zh.frameContentSize != header.segment_size ||
      ZSTD_findFrameCompressedSize(frame.data(), frame.size()) != frame.size()) {
    return Corrupted("frame does not match its header");
  }
  std::unique_ptr<ZSTD_DCtx, DCtxDeleter> dctx(ZSTD_createDCtx());
  if (dctx == nullptr) return MakeError(ErrorCode::kResourceExhausted, "zstd-patch: out of memory");
  const std::span<const std::byte> region =
      reference.subspan(header.region_offset, header.region_size);
  size_t r = region.empty() ? 0 : ZSTD_DCtx_refPrefix(dctx.get(), region.data(), region.size());
  // Not zeroed: a hostile header's size costs nothing until the frame fills it.
  segment.decoded.Resize(header.segment_size);
  if (!ZSTD_isError(r)) {
    r = ZSTD_decompressDCtx(dctx.get(), segment.decoded.tail(0).data(), header.segment_size,
                            frame.data(), frame.size());
  }
  if (ZSTD_isError(r)) return Corrupted(std::string("decode: ") + ZSTD_getErrorName(r));
  if (r != header.segment_size) return Corrupted("gives fewer bytes than its header says");
  return OkStatus();
}

}  // namespace

SegmentLayout LayoutFor(uint64_t memory_limit, unsigned threads) {
  SegmentLayout layout;
  layout.threads = std::max(1U, threads);
  auto fits = [&] {
    return kFixedBytes + layout.threads * (2 * layout.segment_bytes + kCodecTableBytes) <=
           memory_limit;
  };
  while (!fits() && layout.threads > 1) --layout.threads;
  while (!fits() && layout.segment_bytes > kMinSegmentBytes) {
    layout.segment_bytes /= 2;
    layout.region_bytes /= 2;
  }
  const uint64_t one_frame_room = memory_limit > kFixedBytes + kCodecTableBytes
                                      ? (memory_limit - kFixedBytes - kCodecTableBytes) / 2
                                      : 0;
  layout.frame_bytes = std::clamp(one_frame_room, 2 * kMinSegmentBytes, 2 * layout.segment_bytes);
  return layout;
}

bool WantsSegments(const SegmentLayout& layout, uint64_t reference_size,
                   std::optional<uint64_t> target_size) {
  return target_size.value_or(0) > 0 && std::max(reference_size, *target_size) > layout.frame_bytes;
}

Status EncodeSegments(const ZstdCodecOptions& options, const SegmentLayout& layout,
                      std::span<const std::byte> reference, ByteSource& target, ByteSink& delta) {
  std::optional<ReferenceAnchors> anchors;
  if (reference.size() > layout.region_bytes) {
    anchors.emplace(reference, layout.anchor_spacing_log, layout.threads);
  }
  std::vector<Segment> batch(std::max(1U, layout.threads));
  uint64_t offset = 0;
  for (;;) {
    DG_ASSIGN_OR_RETURN(const size_t filled, ReadBatch(target, layout, offset, batch));
    ParallelFor(filled, static_cast<unsigned>(batch.size()), [&](size_t i) {
      batch[i].status =
          EncodeSegment(options, layout, anchors ? &*anchors : nullptr, reference, batch[i]);
    });
    for (size_t i = 0; i < filled; ++i) {
      DG_RETURN_IF_ERROR(batch[i].status);
      DG_RETURN_IF_ERROR(delta.Write(HeaderBytes(batch[i].header)));
      DG_RETURN_IF_ERROR(delta.Write(batch[i].output.bytes()));
    }
    if (filled < batch.size()) break;
  }
  if (target.size() && *target.size() != offset) {
    return MakeError(ErrorCode::kInvalidArgument,
                     "zstd-patch: the target's length differs from its declared size");
  }
  return OkStatus();
}

bool IsSegmented(std::span<const std::byte> head) {
  ByteReader reader(head);
  uint64_t magic = 0, payload = 0, tag = 0;
  return reader.Le(4, magic) && reader.Le(4, payload) && reader.Le(4, tag) &&
         magic == kSkippableMagic && tag == kTag;
}

Status DecodeSegments(std::span<const std::byte> reference, ByteSource& delta, ByteSink& target,
                      unsigned threads) {
  std::vector<Segment> batch(std::max(1U, threads));
  for (;;) {
    size_t filled = 0;
    for (; filled < batch.size(); ++filled) {
      DG_ASSIGN_OR_RETURN(const bool more, ReadSegment(delta, reference.size(), batch[filled]));
      if (!more) break;
    }
    ParallelFor(filled, static_cast<unsigned>(batch.size()),
                [&](size_t i) { batch[i].status = DecodeSegment(reference, batch[i]); });
    for (size_t i = 0; i < filled; ++i) {
      DG_RETURN_IF_ERROR(batch[i].status);
      DG_RETURN_IF_ERROR(target.Write(batch[i].decoded.view()));
    }
    if (filled < batch.size()) return OkStatus();
  }
}

}  // namespace deltaglider::zstd_internal
