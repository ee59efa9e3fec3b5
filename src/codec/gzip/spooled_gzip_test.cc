// The gzip-patch codec's spooled path (archives past a quarter of the memory
// limit: payloads on disk, unguided one-thread deflate straight to the output):
// exact rebuilds, the same format as the in-memory path in both directions, the
// raw fallback, hostile deltas, a failing disk, and which archives take it.
#include "codec/gzip/spooled_gzip.h"

#include <gtest/gtest.h>

#include <string>

#include "codec/codec_test_util.h"
#include "codec/gzip/gzip_patch_format.h"
#include "codec/gzip/gzip_test_util.h"
#include "deltaglider/codecs.h"
#include "deltaglider/files.h"
#include "deltaglider/memory.h"

namespace deltaglider {
namespace {

using testing::ZlibGzip;
using Bytes = std::vector<std::byte>;

constexpr size_t kModeOffset = 5;  // "DGGZ", version, mode

Bytes Release(int version, size_t size) { return testing::TextRelease(version, size); }

void Append(Bytes& to, const Bytes& more) { to.insert(to.end(), more.begin(), more.end()); }

bool IsMembersMode(const Bytes& delta) {
  return delta.size() > kModeOffset && delta[kModeOffset] == std::byte{1};
}

// A memory spool counting its files, failing every write past `room` bytes in all.
class TestSpool final : public Spool {
 public:
  explicit TestSpool(uint64_t room = UINT64_MAX) : room_(room) {}
  Result<std::unique_ptr<SpoolFile>> Create() override {
    ++files;
    DG_ASSIGN_OR_RETURN(std::unique_ptr<SpoolFile> file, memory_->Create());
    return std::unique_ptr<SpoolFile>(std::make_unique<File>(std::move(file), room_));
  }
  int files = 0;

 private:
  class File final : public SpoolFile {
   public:
    File(std::unique_ptr<SpoolFile> inner, uint64_t& room)
        : inner_(std::move(inner)), room_(room) {}
    Status Write(std::span<const std::byte> data) override {
      if (data.size() > room_) return MakeError(ErrorCode::kResourceExhausted, "disk full");
      room_ -= data.size();
      return inner_->Write(data);
    }
    Result<std::unique_ptr<ByteSource>> Read() override { return inner_->Read(); }
    Result<std::shared_ptr<const Blob>> Map() override { return inner_->Map(); }

   private:
    std::unique_ptr<SpoolFile> inner_;
    uint64_t& room_;
  };
  uint64_t room_;
  std::unique_ptr<Spool> memory_ = NewMemorySpool();
};

// A codec that spools every archive (the threshold is a quarter of a 4-byte limit).
std::unique_ptr<DeltaCodec> SpoolingCodec(Spool& spool) {
  GzipCodecOptions options;
  options.zstd.memory_limit = 4;
  options.spool = &spool;
  return NewGzipDeltaCodec(options);
}

class SpooledGzipTest : public ::testing::Test {
 protected:
  SpooledGzipTest() : disk_(NewDirectorySpool(dir_.path()).value()) {}

  // Encoded spooled (on disk), decoded spooled and by the in-memory path; and
  // the in-memory path's delta decoded spooled. All exact; returns the first.
  Bytes RoundTripBothWays(const Bytes& reference, const Bytes& target) {
    const Bytes delta = testing::RoundTripWith(*spooling_, reference, target);
    auto in_memory = testing::DecodeWith(*in_memory_, reference, delta);
    EXPECT_TRUE(in_memory.ok() && *in_memory == target) << "in-memory read of a spooled delta";
    const Bytes their_delta = testing::EncodeWith(*in_memory_, reference, target);
    auto spooled = testing::DecodeWith(*spooling_, reference, their_delta);
    EXPECT_TRUE(spooled.ok() && *spooled == target) << "spooled read of an in-memory delta";
    return delta;
  }

  testing::TempDir dir_;
  std::unique_ptr<Spool> disk_;
  std::unique_ptr<DeltaCodec> spooling_ = SpoolingCodec(*disk_);
  std::unique_ptr<DeltaCodec> in_memory_ = NewGzipDeltaCodec(GzipCodecOptions{});
};

TEST_F(SpooledGzipTest, ZlibGzipAtSeveralLevelsRebuildsExactlyAndDeltasSmall) {
  for (int level : {1, 6, 9}) {
    const Bytes delta = RoundTripBothWays(ZlibGzip(Release(1, 200000), testing::AtLevel(level)),
                                          ZlibGzip(Release(2, 200000), testing::AtLevel(level)));
    EXPECT_TRUE(IsMembersMode(delta)) << level;
    EXPECT_LT(delta.size(), 1000u) << level;
  }
}

TEST_F(SpooledGzipTest, GzipProgramFilesRebuildExactly) {
  testing::WriteBytes(dir_.Sub("v1"), Release(1, 150000));
  testing::WriteBytes(dir_.Sub("v2"), Release(2, 150000));
  ASSERT_EQ(std::system(("gzip -9 -k -f " + dir_.Sub("v1") + " " + dir_.Sub("v2")).c_str()), 0);
  const Bytes delta = RoundTripBothWays(testing::FileBytes(dir_.Sub("v1.gz")),
                                        testing::FileBytes(dir_.Sub("v2.gz")));
  EXPECT_TRUE(IsMembersMode(delta));
  EXPECT_LT(delta.size(), 1000u);
}

// Several members, one unchanged (its stream is copied from the reference's),
// optional header fields, and a first version against nothing.
TEST_F(SpooledGzipTest, MembersHeadersAndFirstVersions) {
  testing::GzipOptions named;
  named.name = "release.tar";
  named.comment = "comment";
  named.header_crc = true;
  const Bytes tail = ZlibGzip(Release(9, 30000), testing::AtLevel(1, 9));
  Bytes reference = ZlibGzip(Release(1, 50000), named);
  reference.insert(reference.end(), tail.begin(), tail.end());
  Bytes target = ZlibGzip(Release(2, 50000), named);
  target.insert(target.end(), tail.begin(), tail.end());
  EXPECT_TRUE(IsMembersMode(RoundTripBothWays(reference, target)));
  EXPECT_TRUE(IsMembersMode(RoundTripBothWays({}, target)));
  EXPECT_TRUE(IsMembersMode(RoundTripBothWays(Release(1, 50000), target)));  // not gzip
  EXPECT_TRUE(IsMembersMode(RoundTripBothWays(reference, ZlibGzip({}, {}))));
}

// No recipes on this path: a stream no profile makes is stored raw (exact, just
// bigger), unless it is the reference's own stream (copied, members mode);
// the in-memory path's recipe deltas read back here (RoundTripBothWays).
TEST_F(SpooledGzipTest, StreamsNoProfileMakesFallBackToRawOrAreCopied) {
  testing::GzipOptions filtered;
  filtered.strategy = Z_FILTERED;
  const Bytes reference = ZlibGzip(Release(1, 100000), filtered);
  EXPECT_FALSE(IsMembersMode(RoundTripBothWays(reference, ZlibGzip(Release(2, 100000), filtered))));
  const Bytes same = RoundTripBothWays(reference, reference);
  EXPECT_TRUE(IsMembersMode(same));
  EXPECT_LT(same.size(), 200u);
  EXPECT_FALSE(IsMembersMode(RoundTripBothWays(reference, Release(2, 100000))));  // not gzip
}

TEST_F(SpooledGzipTest, HostileDeltasNeverYieldWrongBytes) {
  TestSpool memory;
  const std::unique_ptr<DeltaCodec> codec = SpoolingCodec(memory);
  const Bytes reference = ZlibGzip(Release(1, 3000), {});
  const Bytes target = ZlibGzip(Release(2, 3000), testing::AtLevel(9));
  const Bytes delta = testing::EncodeWith(*codec, reference, target);
  ASSERT_TRUE(IsMembersMode(delta));
  testing::ExpectFlipsCaughtOrHarmless(*codec, reference, target, delta);
  testing::ExpectTruncationsCorrupted(*codec, reference, delta);
  EXPECT_EQ(testing::DecodeWith(*codec, Release(1, 3000), delta).code(), ErrorCode::kCorrupted);
  EXPECT_FALSE(testing::DecodeWith(*codec, ZlibGzip(Release(5, 3000), {}), delta).ok());
}

// A full disk is the disk's error, never a silent fall back to a raw delta.
TEST_F(SpooledGzipTest, AFullSpoolFailsTheCallWithItsError) {
  const Bytes reference = ZlibGzip(Release(1, 100000), {});
  const Bytes target = ZlibGzip(Release(2, 100000), {});
  const Bytes delta = testing::EncodeWith(*spooling_, reference, target);
  for (uint64_t room : {uint64_t{0}, uint64_t{50000}, uint64_t{150000}, uint64_t{250000}}) {
    TestSpool full(room);
    const std::unique_ptr<DeltaCodec> codec = SpoolingCodec(full);
    SpanSource source(target);
    VectorSink out;
    EXPECT_EQ(codec->Encode(reference, source, out).code(), ErrorCode::kResourceExhausted) << room;
    EXPECT_EQ(testing::DecodeWith(*codec, reference, delta).code(), ErrorCode::kResourceExhausted)
        << room;
  }
}

// Only archives whose payload (or their reference's) passes a quarter of the
// memory limit take the spooled path: the others spool the bytes they read
// whole and nothing else.
TEST(SpooledGzipChoice, OnlyPastAQuarterOfTheMemoryLimit) {
  Bytes payload;  // repeats: compresses well, so the estimate is the exact ISIZE
  for (int i = 0; i < 20; ++i) Append(payload, Release(2, 10000));
  const Bytes reference = ZlibGzip(Release(1, 100000), {});
  const Bytes target = ZlibGzip(payload, {});
  const uint64_t estimate = gzip_internal::PayloadEstimate(target);
  ASSERT_EQ(estimate, payload.size());
  ASSERT_GT(estimate, gzip_internal::PayloadEstimate(reference));
  for (const uint64_t limit : {4 * estimate - 4, 4 * estimate}) {
    TestSpool spool;
    GzipCodecOptions options;
    options.zstd.memory_limit = limit;
    options.spool = &spool;
    const std::unique_ptr<DeltaCodec> codec = NewGzipDeltaCodec(options);
    const Bytes delta = testing::RoundTripWith(*codec, reference, target);
    EXPECT_TRUE(IsMembersMode(delta));
    // In memory: the target, then the delta, held. Spooled: also two payloads
    // and a frame to encode, the payload and the reference's to decode.
    EXPECT_EQ(spool.files, limit < 4 * estimate ? 7 : 2) << limit;
  }
}

// The estimate reads the last member's ISIZE, which says nothing of the members
// before it (nor of a payload past 4 GiB, which it counts modulo 4 GiB): an
// archive, or a reference, found bigger than the estimate while it is inflated
// in memory takes the spooled path after all, exactly.
TEST(SpooledGzipChoice, AnArchiveBiggerThanItsEstimateIsSpooledAfterAll) {
  Bytes big = ZlibGzip(Bytes(300000), {});  // a first member the estimate misses
  Append(big, ZlibGzip(Release(1, 1000), {}));
  Bytes big_v2 = ZlibGzip(Bytes(300000), {});
  Append(big_v2, ZlibGzip(Release(2, 1000), {}));
  const Bytes small = ZlibGzip(Release(1, 20000), {});
  ASSERT_LT(gzip_internal::PayloadEstimate(big), 100000u);
  for (const auto& [reference, target] :
       {std::pair{small, big}, std::pair{big, small}, std::pair{big, big_v2}}) {
    TestSpool spool;
    GzipCodecOptions options;
    options.zstd.memory_limit = 4 * 100000;
    options.spool = &spool;
    const std::unique_ptr<DeltaCodec> codec = NewGzipDeltaCodec(options);
    const Bytes delta = testing::RoundTripWith(*codec, reference, target);
    EXPECT_TRUE(IsMembersMode(delta));
    EXPECT_EQ(spool.files, 7);  // as on the spooled path above, not 2
  }
}

TEST(PayloadEstimate, LastIsizeOrTwiceTheSize) {
  const Bytes zeros(300000);
  EXPECT_EQ(gzip_internal::PayloadEstimate(ZlibGzip(zeros, {})), 300000u);
  const Bytes stored = ZlibGzip(Release(1, 100000), testing::AtLevel(0));
  EXPECT_EQ(gzip_internal::PayloadEstimate(stored), 2 * stored.size());
  EXPECT_EQ(gzip_internal::PayloadEstimate(Release(1, 1000)), 1000u);  // not gzip
  EXPECT_EQ(gzip_internal::PayloadEstimate({}), 0u);
}

}  // namespace
}  // namespace deltaglider
