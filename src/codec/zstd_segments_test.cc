#include "codec/zstd_segments.h"

#include <gtest/gtest.h>

#include <cstring>
#include <random>
#include <tuple>

#include "codec/byte_io.h"
#include "codec/codec_test_util.h"
#include "codec/reference_anchors.h"

namespace deltaglider::zstd_internal {
namespace {

using Bytes = std::vector<std::byte>;

using testing::RandomData;

Bytes Concat(std::initializer_list<std::span<const std::byte>> parts) {
  Bytes out;
  for (auto part : parts) out.insert(out.end(), part.begin(), part.end());
  return out;
}

// Small segments, so a test of a few MiB has many of them.
SegmentLayout SmallLayout(unsigned threads = 2) {
  return {.segment_bytes = 64 << 10,
          .region_bytes = 128 << 10,
          .anchor_spacing_log = 9,
          .threads = threads,
          .frame_bytes = 128 << 10};
}

Bytes Encode(std::span<const std::byte> reference, std::span<const std::byte> target,
             const SegmentLayout& layout) {
  SpanSource source(target);
  VectorSink delta;
  EXPECT_TRUE(EncodeSegments({}, layout, reference, source, delta).ok());
  return delta.bytes();
}

Result<Bytes> Decode(std::span<const std::byte> reference, std::span<const std::byte> delta,
                     unsigned threads = 2) {
  SpanSource source(delta);
  VectorSink out;
  DG_RETURN_IF_ERROR(DecodeSegments(reference, source, out, threads));
  return out.bytes();
}

TEST(ReferenceAnchorsTest, FindsTheRegionContentMovedTo) {
  const Bytes reference = RandomData(4 << 20, 1);
  const ReferenceAnchors anchors(reference, 10);
  EXPECT_GT(anchors.size(), 3000U);
  // 64 KiB taken from 3 MiB into the reference: its region is centred there.
  const std::span<const std::byte> moved = std::span(reference).subspan(3 << 20, 64 << 10);
  const std::optional<uint64_t> start = anchors.BestRegion(moved, 256 << 10);
  ASSERT_TRUE(start.has_value());
  EXPECT_LE(*start, uint64_t{3} << 20);
  EXPECT_GE(*start + (256 << 10), (uint64_t{3} << 20) + (64 << 10));
  EXPECT_FALSE(anchors.BestRegion(RandomData(64 << 10, 2), 256 << 10).has_value());
}

// A memory limit takes threads away first, then halves segments and regions.
TEST(SegmentLayoutTest, MemoryLimitTakesThreadsFirstThenSegmentSize) {
  const auto layout = [](uint64_t mib, unsigned threads) {
    const SegmentLayout l = LayoutFor(mib << 20, threads);
    return std::tuple(l.threads, l.segment_bytes >> 20, l.region_bytes >> 20);
  };
  EXPECT_EQ(layout(512, 2), std::tuple(2U, 64U, 128U));  // the default
  EXPECT_EQ(layout(512, 1), std::tuple(1U, 64U, 128U));
  EXPECT_EQ(layout(256, 2), std::tuple(1U, 64U, 128U));
  EXPECT_EQ(layout(160, 2), std::tuple(1U, 32U, 64U));
  EXPECT_EQ(layout(128, 2), std::tuple(1U, 16U, 32U));
  EXPECT_EQ(layout(64, 2), std::tuple(1U, 8U, 16U));  // the least there is
  EXPECT_EQ(layout(8192, 2), std::tuple(2U, 64U, 128U));
  for (uint64_t mib : {128, 160, 256, 512}) {
    const SegmentLayout l = LayoutFor(mib << 20, 2);
    EXPECT_LE(kFixedBytes + l.threads * (2 * l.segment_bytes + kCodecTableBytes), mib << 20);
    EXPECT_LE(kFixedBytes + 2 * l.frame_bytes + kCodecTableBytes, mib << 20);
  }
}

// Files up to two segments are one frame, unless one frame of that size (the
// file twice over) would not fit the limit.
TEST(SegmentLayoutTest, OneFrameOnlyWhereItFitsTheLimit) {
  const auto frame_mib = [](uint64_t mib) { return LayoutFor(mib << 20, 2).frame_bytes >> 20; };
  EXPECT_EQ(frame_mib(512), 128U);  // the default: two 64 MiB segments
  EXPECT_EQ(frame_mib(8192), 128U);
  EXPECT_EQ(frame_mib(256), 92U);  // (256 - 48 - 24) / 2
  EXPECT_EQ(frame_mib(160), 44U);
  EXPECT_EQ(frame_mib(128), 28U);
  EXPECT_EQ(frame_mib(64), 16U);  // never below two of the smallest segments
}

// The scan is cut into parts, one per thread, each hashing from 63 bytes before
// its start: the index is the same however it is cut, and a piece near a cut
// finds its place.
TEST(ReferenceAnchorsTest, AnchorsDoNotDependOnHowTheScanIsCut) {
  const Bytes reference = RandomData((1 << 20) + 12345, 5);
  const ReferenceAnchors one(reference, 5, 1);
  EXPECT_GT(one.size(), 3000U);
  for (unsigned threads : {2U, 3U, 7U}) {
    const ReferenceAnchors split(reference, 5, threads);
    EXPECT_EQ(split.size(), one.size()) << threads << " threads";
    for (uint64_t cut : {reference.size() / 4, reference.size() / 2, reference.size() / 7 * 3}) {
      const auto piece = std::span(reference).subspan(cut - (8 << 10), 16 << 10);
      EXPECT_EQ(split.BestRegion(piece, 64 << 10), one.BestRegion(piece, 64 << 10));
      ASSERT_TRUE(one.BestRegion(piece, 64 << 10).has_value());
      EXPECT_LE(*one.BestRegion(piece, 64 << 10), cut - (8 << 10));
    }
  }
}

// Random bytes do not compress: a delta is small only where the segments found
// their content in the reference, however far an insert moved it.
TEST(ZstdSegmentsTest, InsertsAndDeletesFarLargerThanARegionCostOnlyTheirBytes) {
  const Bytes reference = RandomData(2 << 20, 3);
  const Bytes inserted = RandomData(300 << 10, 4);
  const std::span<const std::byte> ref(reference);
  // 300 KiB inserted at the start, 500 KiB deleted from the middle, an edit near the end.
  Bytes target = Concat({inserted, ref.first(600 << 10), ref.subspan(1100 << 10)});
  std::memset(target.data() + target.size() - 1000, 0x5a, 100);
  const Bytes delta = Encode(reference, target, SmallLayout());
  EXPECT_LT(delta.size(), inserted.size() + (40 << 10));
  ASSERT_EQ(Decode(reference, delta).value(), target);
}

TEST(ZstdSegmentsTest, ThreadsChangeNeitherTheDeltaNorTheResult) {
  const Bytes reference = RandomData(1 << 20, 5);
  Bytes target(reference.begin(), reference.end() - 12345);  // a short last segment
  std::memset(target.data() + 70000, 1, 5000);
  const Bytes one = Encode(reference, target, SmallLayout(1));
  EXPECT_EQ(Encode(reference, target, SmallLayout(3)), one);
  EXPECT_EQ(Decode(reference, one, 1).value(), target);
  EXPECT_EQ(Decode(reference, one, 3).value(), target);
}

TEST(ZstdSegmentsTest, WantsSegmentsOnlyForLargeFilesWithAReference) {
  const SegmentLayout layout;  // 64 MiB segments
  EXPECT_FALSE(WantsSegments(layout, 100 << 20, uint64_t{100} << 20));
  EXPECT_TRUE(WantsSegments(layout, 100 << 20, uint64_t{129} << 20));
  EXPECT_TRUE(WantsSegments(LayoutFor(uint64_t{256} << 20, 2), 0, uint64_t{100} << 20));
  EXPECT_TRUE(WantsSegments(layout, uint64_t{3} << 30, uint64_t{1} << 20));
  EXPECT_TRUE(WantsSegments(layout, 0, uint64_t{3} << 30));  // plain compression too
  EXPECT_FALSE(WantsSegments(layout, uint64_t{3} << 30, 0));
  EXPECT_FALSE(WantsSegments(layout, uint64_t{3} << 30, std::nullopt));
}

// The codec picks segments by size and reads both forms.
TEST(ZstdSegmentsTest, TheCodecWritesSegmentsForLargeFilesAndReadsBothForms) {
  const auto codec = NewZstdDeltaCodec({}, SmallLayout());
  const Bytes reference = RandomData(100 << 10, 6);
  Bytes target = reference;
  target[1000] = std::byte{7};
  for (const Bytes& t : {target, Concat({target, reference, target})}) {
    SpanSource source(t);
    VectorSink delta;
    ASSERT_TRUE(codec->Encode(reference, source, delta).ok());
    EXPECT_EQ(IsSegmented(delta.bytes()), t.size() > (128 << 10));
    SpanSource delta_source(delta.bytes());
    VectorSink out;
    ASSERT_TRUE(codec->Decode(reference, delta_source, out).ok());
    EXPECT_EQ(out.bytes(), t);
  }
}

// Plain compression in segments: each at the level its head suggests, and
// plain zstd frames between the skippable headers.
TEST(ZstdSegmentsTest, PlainCompressionInSegmentsPicksALevelPerSegment) {
  const Bytes text(300 << 10, std::byte{'a'});
  const Bytes noise = RandomData(300 << 10, 9);
  const Bytes target = Concat({text, noise, text});
  const Bytes delta = Encode({}, target, SmallLayout());
  ASSERT_TRUE(IsSegmented(delta));
  EXPECT_LT(delta.size(), noise.size() + (8 << 10));
  EXPECT_EQ(Decode({}, delta).value(), target);
}

TEST(ZstdSegmentsTest, TheEncoderRefusesATargetShorterThanItsDeclaredSize) {
  class ShortSource final : public ByteSource {
   public:
    explicit ShortSource(std::span<const std::byte> data) : inner_(data) {}
    Result<size_t> Read(std::span<std::byte> buffer) override { return inner_.Read(buffer); }
    Status Rewind() override { return inner_.Rewind(); }
    std::optional<uint64_t> size() const override { return *inner_.size() + 1; }

   private:
    SpanSource inner_;
  };
  const Bytes reference = RandomData(256 << 10, 7);
  ShortSource target(reference);
  VectorSink delta;
  EXPECT_EQ(EncodeSegments({}, SmallLayout(), reference, target, delta).code(),
            ErrorCode::kInvalidArgument);
}

// Rewrites the 8-byte field at `field` (0: region offset, 1: region size,
// 2: segment size, 3: frame size) of the first segment header.
Bytes WithField(Bytes delta, int field, uint64_t value) {
  Bytes le;
  AppendLe(le, value, 8);
  std::memcpy(delta.data() + 12 + 8 * field, le.data(), 8);
  return delta;
}

TEST(ZstdSegmentsTest, HostileHeadersAndFramesAreCorruptedNotCrashes) {
  const Bytes reference = RandomData(512 << 10, 8);
  Bytes target = reference;
  target[300000] ^= std::byte{1};
  const Bytes delta = Encode(reference, target, SmallLayout());
  ASSERT_TRUE(IsSegmented(delta));
  const uint64_t huge = uint64_t{1} << 62;
  std::vector<Bytes> hostile = {
      WithField(delta, 0, reference.size()),  // region past the reference's end
      WithField(delta, 1, huge),
      WithField(delta, 2, 0),
      WithField(delta, 2, huge),     // a segment too large to allocate
      WithField(delta, 2, 1 << 20),  // more than its frame can give
      WithField(delta, 2, 1000),     // not what the frame holds
      WithField(delta, 3, 5),        // a frame cut short
      WithField(delta, 3, huge),
      Bytes(delta.begin(), delta.begin() + 20),  // a header cut short
      Bytes(delta.begin(), delta.end() - 1),     // the last frame cut short
  };
  Bytes flipped = delta;
  flipped[60] ^= std::byte{0x40};  // inside the first frame
  hostile.push_back(flipped);
  Bytes trailing = delta;
  trailing.push_back(std::byte{0});
  hostile.push_back(trailing);
  for (size_t i = 0; i < hostile.size(); ++i) {
    Result<Bytes> decoded = Decode(reference, hostile[i]);
    EXPECT_EQ(decoded.code(), ErrorCode::kCorrupted) << "case " << i;
  }
}

}  // namespace
}  // namespace deltaglider::zstd_internal
