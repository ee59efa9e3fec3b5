#include "codec/zstd_delta_codec.h"

#define ZSTD_STATIC_LINKING_ONLY
#include <gtest/gtest.h>
#include <zstd.h>

#include <cstring>
#include <random>
#include <thread>

#include "codec/codec_test_util.h"
#include "deltaglider/codecs.h"

namespace deltaglider {
namespace {

using Bytes = std::vector<std::byte>;

using testing::RandomData;

// Text-like bytes (compressible about 3:1), so deltas can be compared with compression.
Bytes TextBytes(size_t n, uint32_t seed) {
  static const char* kWords[] = {"delta ",    "glider ", "reference ", "object ", "store ",
                                 "bucket ",   "zstd ",   "frame ",     "window ", "prefix\n",
                                 "function(", "return ", "const ",     "{ ",      "} "};
  std::mt19937 rng(seed);
  Bytes out;
  out.reserve(n + 16);
  while (out.size() < n) {
    const char* word = kWords[rng() % std::size(kWords)];
    for (const char* c = word; *c != '\0'; ++c) out.push_back(static_cast<std::byte>(*c));
    if (rng() % 7 == 0) out.push_back(static_cast<std::byte>('0' + rng() % 10));
  }
  out.resize(n);
  return out;
}

// Overwrites `count` bytes at each of `offsets` with random bytes.
Bytes Edit(Bytes data, std::initializer_list<size_t> offsets, size_t count, uint32_t seed) {
  Bytes patch = RandomData(count, seed);
  for (size_t offset : offsets) std::memcpy(data.data() + offset, patch.data(), count);
  return data;
}

// A source that hands out at most `step` bytes per Read and hides its size
// unless `tell_size`.
class TrickleSource final : public ByteSource {
 public:
  TrickleSource(std::span<const std::byte> data, size_t step, bool tell_size = false)
      : inner_(data), step_(step), tell_size_(tell_size) {}
  Result<size_t> Read(std::span<std::byte> buffer) override {
    return inner_.Read(buffer.first(std::min(buffer.size(), step_)));
  }
  Status Rewind() override { return inner_.Rewind(); }
  std::optional<uint64_t> size() const override {
    return tell_size_ ? inner_.size() : std::nullopt;
  }

 private:
  SpanSource inner_;
  size_t step_;
  bool tell_size_;
};

class FailingSource final : public ByteSource {
 public:
  Result<size_t> Read(std::span<std::byte>) override {
    return MakeError(ErrorCode::kUnavailable, "connection reset");
  }
  Status Rewind() override { return OkStatus(); }
  std::optional<uint64_t> size() const override { return 100; }
};

class ZstdDeltaCodecTest : public ::testing::Test {
 protected:
  Bytes Encode(const Bytes& reference, const Bytes& target, bool known_size = true) {
    VectorSink delta;
    SpanSource sized(target);
    TrickleSource unsized(target, 1 << 16);
    ByteSource& source = known_size ? static_cast<ByteSource&>(sized) : unsized;
    Status status = codec_->Encode(reference, source, delta);
    EXPECT_TRUE(status.ok()) << status.message();
    return std::move(delta.bytes());
  }

  Result<Bytes> Decode(const Bytes& reference, std::span<const std::byte> delta) {
    SpanSource source(delta);
    VectorSink target;
    DG_RETURN_IF_ERROR(codec_->Decode(reference, source, target));
    return std::move(target.bytes());
  }

  // Encodes, decodes and checks the round trip; returns the delta size.
  size_t RoundTrip(const Bytes& reference, const Bytes& target, bool known_size = true) {
    const Bytes delta = Encode(reference, target, known_size);
    auto decoded = Decode(reference, delta);
    EXPECT_TRUE(decoded.ok()) << decoded.error().message;
    if (decoded.ok()) {
      EXPECT_TRUE(*decoded == target);
    }
    return delta.size();
  }

  std::unique_ptr<DeltaCodec> codec_ = NewZstdDeltaCodec({});
};

TEST_F(ZstdDeltaCodecTest, NameAndCommandLine) {
  EXPECT_EQ(codec_->name(), "zstd-patch");
  EXPECT_EQ(codec_->CommandLine("file.zip"), "zstd-patch -3 --long");
  auto plain = NewZstdDeltaCodec({.level = 19, .workers = 0, .long_distance = false});
  EXPECT_EQ(plain->CommandLine("file.zip"), "zstd-patch -19");
}

TEST_F(ZstdDeltaCodecTest, RoundTripsRandomData) {
  RoundTrip(RandomData(100000, 1), RandomData(200000, 2));
  RoundTrip(RandomData(3, 1), RandomData(1, 2));
}

TEST_F(ZstdDeltaCodecTest, RoundTripsEmptyTarget) {
  EXPECT_LT(RoundTrip(RandomData(5000, 1), {}), 30u);
  EXPECT_LT(RoundTrip({}, {}), 30u);
  EXPECT_LT(RoundTrip(RandomData(5000, 1), {}, /*known_size=*/false), 30u);
}

TEST_F(ZstdDeltaCodecTest, EmptyReferenceIsPlainZstd) {
  const Bytes target = TextBytes(500000, 3);
  const Bytes frame = Encode({}, target);
  EXPECT_LT(frame.size(), target.size() / 2);
  // What `zstd -d` does: a plain decoder with zstd's default window limit.
  Bytes plain(target.size());
  const size_t n = ZSTD_decompress(plain.data(), plain.size(), frame.data(), frame.size());
  ASSERT_FALSE(ZSTD_isError(n)) << ZSTD_getErrorName(n);
  EXPECT_EQ(n, target.size());
  EXPECT_TRUE(plain == target);
  EXPECT_EQ(ZSTD_getFrameContentSize(frame.data(), frame.size()), target.size());
}

TEST_F(ZstdDeltaCodecTest, PlainCompressionWithWorkersRoundTrips) {
  codec_ = NewZstdDeltaCodec({.level = 19, .workers = 2, .long_distance = true});
  const Bytes target = TextBytes(3 << 20, 4);
  EXPECT_LT(RoundTrip({}, target), target.size() / 2);
}

// zstd cannot go below ~13 bytes per 128 KiB block plus 17 bytes of frame header
// and checksum: 113 bytes for 1 MiB (`zstd --patch-from` writes 117).
TEST_F(ZstdDeltaCodecTest, IdenticalTargetGivesTinyDelta) {
  const Bytes data = RandomData(1 << 20, 5);
  EXPECT_LT(RoundTrip(data, data), 128u);
  EXPECT_LT(RoundTrip(data, data, /*known_size=*/false), 128u);
}

TEST_F(ZstdDeltaCodecTest, SmallEditsGiveSmallDelta) {
  const Bytes reference = TextBytes(2 << 20, 6);
  const Bytes target = Edit(reference, {1000, 700000, 1500000}, 1500, 7);
  const size_t compressed = Encode({}, target).size();
  const size_t delta = RoundTrip(reference, target);
  EXPECT_LT(delta, 8000u);
  EXPECT_LT(delta * 20, compressed);
}

TEST_F(ZstdDeltaCodecTest, LargeInputsRoundTrip) {
  const Bytes reference = TextBytes(20 << 20, 8);
  Bytes target = Edit(reference, {10, 5 << 20, 19 << 20}, 4000, 9);
  target.insert(target.begin() + (12 << 20), 3000, std::byte{'x'});
  EXPECT_LT(RoundTrip(reference, target), 40000u);
  EXPECT_LT(RoundTrip(reference, target, /*known_size=*/false), 40000u);
}

TEST_F(ZstdDeltaCodecTest, UnknownSizeSourceRoundTrips) {
  const Bytes reference = TextBytes(300000, 10);
  const Bytes target = Edit(reference, {5000}, 100, 11);
  const Bytes delta = Encode(reference, target, /*known_size=*/false);
  EXPECT_EQ(ZSTD_getFrameContentSize(delta.data(), delta.size()), ZSTD_CONTENTSIZE_UNKNOWN);
  TrickleSource source(delta, 7);
  VectorSink out;
  ASSERT_TRUE(codec_->Decode(reference, source, out).ok());
  EXPECT_TRUE(out.bytes() == target);
}

TEST_F(ZstdDeltaCodecTest, TargetLongerThanItsDeclaredSizeIsRejected) {
  class LyingSource final : public ByteSource {
   public:
    explicit LyingSource(std::span<const std::byte> data) : inner_(data) {}
    Result<size_t> Read(std::span<std::byte> b) override { return inner_.Read(b); }
    Status Rewind() override { return inner_.Rewind(); }
    std::optional<uint64_t> size() const override { return 10; }

   private:
    SpanSource inner_;
  };
  const Bytes target = RandomData(1000, 12);
  LyingSource source(target);
  NullSink delta;
  EXPECT_EQ(codec_->Encode({}, source, delta).code(), ErrorCode::kInvalidArgument);
}

TEST_F(ZstdDeltaCodecTest, SourceAndSinkErrorsPassThrough) {
  FailingSource failing;
  NullSink null;
  Status status = codec_->Encode({}, failing, null);
  EXPECT_EQ(status.code(), ErrorCode::kUnavailable);
  EXPECT_EQ(status.message(), "connection reset");

  const Bytes target = RandomData(100000, 13);
  SpanSource source(target);
  VectorSink small(1000);
  EXPECT_EQ(codec_->Encode({}, source, small).code(), ErrorCode::kResourceExhausted);

  const Bytes delta = Encode({}, target);
  SpanSource delta_source(delta);
  VectorSink small_target(1000);
  EXPECT_EQ(codec_->Decode({}, delta_source, small_target).code(), ErrorCode::kResourceExhausted);
  EXPECT_EQ(codec_->Decode({}, failing, null).code(), ErrorCode::kUnavailable);
}

TEST_F(ZstdDeltaCodecTest, EveryFlippedByteIsCaughtOrHarmless) {
  const Bytes reference = TextBytes(20000, 14);
  const Bytes target = Edit(reference, {3000}, 200, 15);
  const Bytes delta = Encode(reference, target);
  for (size_t i = 0; i < delta.size(); ++i) {
    Bytes damaged = delta;
    damaged[i] ^= std::byte{0x5a};
    auto decoded = Decode(reference, damaged);
    if (decoded.ok()) {
      EXPECT_TRUE(*decoded == target) << "flip at " << i << " gave wrong bytes";
    } else {
      EXPECT_EQ(decoded.code(), ErrorCode::kCorrupted) << decoded.error().message;
    }
  }
  Bytes last = delta;
  last.back() ^= std::byte{1};  // the frame checksum
  auto decoded = Decode(reference, last);
  ASSERT_FALSE(decoded.ok());
  EXPECT_EQ(decoded.code(), ErrorCode::kCorrupted);
  EXPECT_NE(decoded.error().message.find("checksum"), std::string::npos) << decoded.error().message;
}

TEST_F(ZstdDeltaCodecTest, EveryTruncationIsCorrupted) {
  const Bytes reference = TextBytes(20000, 16);
  const Bytes target = Edit(reference, {100, 9000}, 300, 17);
  const Bytes delta = Encode(reference, target);
  for (size_t n = 0; n < delta.size(); ++n) {
    auto decoded = Decode(reference, std::span(delta).first(n));
    ASSERT_FALSE(decoded.ok()) << "prefix of " << n;
    EXPECT_EQ(decoded.code(), ErrorCode::kCorrupted) << decoded.error().message;
  }
  auto empty = Decode(reference, {});
  EXPECT_NE(empty.error().message.find("truncated"), std::string::npos) << empty.error().message;
}

TEST_F(ZstdDeltaCodecTest, TruncatedLargeDeltaIsCorrupted) {
  const Bytes target = RandomData(3 << 20, 18);
  const Bytes delta = Encode({}, target);
  auto decoded = Decode({}, std::span(delta).first(delta.size() / 2));
  EXPECT_EQ(decoded.code(), ErrorCode::kCorrupted);
  EXPECT_NE(decoded.error().message.find("truncated"), std::string::npos)
      << decoded.error().message;
}

TEST_F(ZstdDeltaCodecTest, WrongReferenceIsCorrupted) {
  const Bytes reference = TextBytes(200000, 19);
  const Bytes target = Edit(reference, {5000}, 100, 20);
  const Bytes delta = Encode(reference, target);
  for (const Bytes& wrong : {Edit(reference, {6000, 150000}, 50, 21), TextBytes(200000, 22),
                             TextBytes(1000, 19), Bytes{}}) {
    auto decoded = Decode(wrong, delta);
    ASSERT_FALSE(decoded.ok());
    EXPECT_EQ(decoded.code(), ErrorCode::kCorrupted) << decoded.error().message;
  }
}

TEST_F(ZstdDeltaCodecTest, GarbageIsCorrupted) {
  for (uint32_t seed = 0; seed < 50; ++seed) {
    const Bytes garbage = RandomData(1 + seed * 37, seed);
    auto decoded = Decode(RandomData(1000, 1), garbage);
    ASSERT_FALSE(decoded.ok());
    EXPECT_EQ(decoded.code(), ErrorCode::kCorrupted);
  }
  // The magic number followed by garbage.
  Bytes magic_then_garbage = RandomData(5000, 99);
  const uint8_t kMagic[] = {0x28, 0xb5, 0x2f, 0xfd};
  std::memcpy(magic_then_garbage.data(), kMagic, 4);
  EXPECT_EQ(Decode({}, magic_then_garbage).code(), ErrorCode::kCorrupted);
}

TEST_F(ZstdDeltaCodecTest, TrailingBytesAreCorrupted) {
  const Bytes reference = TextBytes(10000, 23);
  const Bytes delta = Encode(reference, reference);
  for (const Bytes& tail : {Bytes{std::byte{0}}, delta, RandomData(2 << 20, 24)}) {
    Bytes longer = delta;
    longer.insert(longer.end(), tail.begin(), tail.end());
    auto decoded = Decode(reference, longer);
    ASSERT_FALSE(decoded.ok());
    EXPECT_EQ(decoded.code(), ErrorCode::kCorrupted);
    EXPECT_NE(decoded.error().message.find("after the delta frame"), std::string::npos);
  }
}

TEST_F(ZstdDeltaCodecTest, SkippableFrameIsCorrupted) {
  const uint8_t kSkippable[] = {0x50, 0x2a, 0x4d, 0x18, 4, 0, 0, 0, 1, 2, 3, 4};
  EXPECT_EQ(Decode({}, std::as_bytes(std::span(kSkippable))).code(), ErrorCode::kCorrupted);
}

TEST_F(ZstdDeltaCodecTest, HugeWindowClaimIsRejectedBeforeDecoding) {
  // Magic, descriptor "no content size, window descriptor follows", window 2^31,
  // then a last raw block of one byte.
  const uint8_t kNoSize[] = {0x28, 0xb5, 0x2f, 0xfd, 0x00, 0xa8, 0x09, 0x00, 0x00, 'x'};
  // Same window with a 2-byte content size of 256 + 1.
  const uint8_t kSmallSize[] = {0x28, 0xb5, 0x2f, 0xfd, 0x40, 0xa8,
                                0x01, 0x00, 0x09, 0x00, 0x00, 'x'};
  for (auto frame :
       {std::span(kNoSize, sizeof(kNoSize)), std::span(kSmallSize, sizeof(kSmallSize))}) {
    auto decoded = Decode(RandomData(1000, 25), std::as_bytes(frame));
    ASSERT_FALSE(decoded.ok());
    EXPECT_EQ(decoded.code(), ErrorCode::kCorrupted);
    EXPECT_NE(decoded.error().message.find("2147483648-byte window"), std::string::npos)
        << decoded.error().message;
  }
}

TEST_F(ZstdDeltaCodecTest, ContentSizeTheDeltaCannotProduceIsRejected) {
  // Single segment (window = content size), 8-byte content size 2^31, one raw byte.
  const uint8_t kFrame[] = {0x28, 0xb5, 0x2f, 0xfd, 0xe0, 0,    0,    0,  0x80,
                            0,    0,    0,    0,    0x09, 0x00, 0x00, 'x'};
  auto decoded = Decode(RandomData(1000, 30), std::as_bytes(std::span(kFrame)));
  ASSERT_FALSE(decoded.ok());
  EXPECT_EQ(decoded.code(), ErrorCode::kCorrupted);
  EXPECT_NE(decoded.error().message.find("2147483648-byte window"), std::string::npos)
      << decoded.error().message;
}

TEST_F(ZstdDeltaCodecTest, ConcurrentUseIsSafe) {
  const Bytes reference = TextBytes(500000, 26);
  const Bytes target = Edit(reference, {1000}, 100, 27);
  std::vector<std::thread> threads;
  for (int i = 0; i < 3; ++i) threads.emplace_back([&] { RoundTrip(reference, target); });
  for (auto& t : threads) t.join();
}

TEST(ChooseFrameParamsTest, WindowReachesWholeReference) {
  using zstd_internal::ChooseFrameParams;
  const ZstdCodecOptions options{.level = 3, .workers = 2, .long_distance = true};
  const uint64_t mib = 1 << 20;
  auto p = ChooseFrameParams(options, 32 * mib + 5, 30 * mib);
  EXPECT_EQ(p.window_log, 26);  // 2^26 > 32 MiB: the target's end still reaches byte 0
  EXPECT_TRUE(p.long_distance);
  EXPECT_EQ(p.workers, 0);  // a reference: multi-threading would drop it
  p = ChooseFrameParams(options, 10 * mib, std::nullopt);
  EXPECT_EQ(p.window_log, 24);
  p = ChooseFrameParams(options, 1000, 1000);
  EXPECT_GE(p.window_log, 11);
  EXPECT_FALSE(p.long_distance);
  p = ChooseFrameParams(options, uint64_t{1} << 40, 1);
  EXPECT_EQ(p.window_log, 31);
}

TEST(ChooseFrameParamsTest, PlainCompressionStaysReadableByZstdCli) {
  using zstd_internal::ChooseFrameParams;
  const ZstdCodecOptions options{.level = 19, .workers = 2, .long_distance = true};
  auto p = ChooseFrameParams(options, 0, uint64_t{1} << 33);
  EXPECT_EQ(p.window_log, 27);
  EXPECT_EQ(p.workers, 2);
  // Unknown size: zstd's level default, so a small stream gets a small window.
  EXPECT_EQ(ChooseFrameParams(options, 0, std::nullopt).window_log, 23);
  EXPECT_FALSE(ChooseFrameParams(options, 0, std::nullopt).long_distance);
}

TEST(ChoosePlainParamsTest, IncompressibleHeadGetsTheFastLevel) {
  using zstd_internal::ChoosePlainParams;
  const uint64_t size = uint64_t{100} << 20;
  const Bytes random = RandomData(zstd_internal::kProbeBytes, 8);
  const Bytes text = TextBytes(zstd_internal::kProbeBytes, 8);
  EXPECT_TRUE(zstd_internal::LooksIncompressible(random));
  EXPECT_FALSE(zstd_internal::LooksIncompressible(text));
  EXPECT_EQ(ChoosePlainParams({.level = 12}, size, random).level, zstd_internal::kFastLevel);
  EXPECT_EQ(ChoosePlainParams({.level = 12}, size, text).level, 12);
  EXPECT_EQ(ChoosePlainParams({.level = 1}, size, random).level, 1);  // never raised
  // The window and long-distance matching still follow the target's size.
  EXPECT_EQ(ChoosePlainParams({.level = 12}, size, random).window_log,
            zstd_internal::ChooseFrameParams({.level = 3}, 0, size).window_log);
}

// A large plain compression reads the head for the probe, then the rest: both must
// reach the frame, in order, whatever sizes the source's reads return.
TEST(ZstdPlainCompressionTest, ProbedTargetRoundTrips) {
  const std::unique_ptr<DeltaCodec> codec = NewZstdDeltaCodec({.level = 5});  // probed: > 3
  const size_t size = zstd_internal::kProbeMinTarget + 12345;
  struct Case {
    Bytes target;
    size_t max_compressed;
  };
  for (const Case& c :
       {Case{RandomData(size, 3), size + size / 100}, Case{TextBytes(size, 3), size / 3}}) {
    const Bytes& target = c.target;
    TrickleSource source(target, 700000, /*tell_size=*/true);
    VectorSink delta;
    ASSERT_TRUE(codec->Encode({}, source, delta).ok());
    EXPECT_LT(delta.bytes().size(), c.max_compressed);
    SpanSource delta_source(delta.bytes());
    VectorSink out;
    ASSERT_TRUE(codec->Decode({}, delta_source, out).ok());
    EXPECT_TRUE(out.bytes() == target);
  }
}

TEST(ChooseFrameParamsTest, WorkersOnlyWhereTheyKeepTheRatio) {
  using zstd_internal::ChooseFrameParams;
  const uint64_t mib = 1 << 20;
  // Plain compression: as asked.
  EXPECT_EQ(ChooseFrameParams({.level = 3, .workers = 2}, 0, 32 * mib).workers, 2);
  // A reference with the fast parsers: single-threaded.
  EXPECT_EQ(ChooseFrameParams({.level = 3, .workers = 2}, 32 * mib, 32 * mib).workers, 0);
  EXPECT_EQ(ChooseFrameParams({.level = 9, .workers = 2}, 32 * mib, 32 * mib).workers, 0);
  // A reference with the optimal parser and long matches: the multi-threaded path.
  EXPECT_EQ(ChooseFrameParams({.level = 19, .workers = 0}, 32 * mib, 32 * mib).workers, 1);
  EXPECT_EQ(ChooseFrameParams({.level = 19, .workers = 2}, 32 * mib, 32 * mib).workers, 2);
  EXPECT_EQ(
      ChooseFrameParams({.level = 19, .workers = 2, .long_distance = false}, 32 * mib, 32 * mib)
          .workers,
      0);
}

TEST_F(ZstdDeltaCodecTest, OptimalParserWithReferenceRoundTrips) {
  codec_ = NewZstdDeltaCodec({.level = 19, .workers = 0, .long_distance = true});
  const Bytes reference = TextBytes(3 << 20, 28);
  const Bytes target = Edit(reference, {1000, 2 << 20}, 500, 29);
  EXPECT_LT(RoundTrip(reference, target), 5000u);
}

TEST(MaxAcceptedWindowTest, GrowsWithSizesUpTo2GiB) {
  using zstd_internal::MaxAcceptedWindow;
  EXPECT_EQ(MaxAcceptedWindow(0, std::nullopt), uint64_t{1} << 27);
  EXPECT_EQ(MaxAcceptedWindow(100 << 20, std::nullopt), (uint64_t{200} << 20) + (1 << 20));
  EXPECT_EQ(MaxAcceptedWindow(0, uint64_t{1} << 40), uint64_t{1} << 31);
  // 300 bytes of delta cannot make more than 101 blocks of 128 KiB.
  EXPECT_EQ(MaxAcceptedWindow(0, uint64_t{1} << 40, 300), uint64_t{1} << 27);
  EXPECT_EQ(MaxAcceptedWindow(0, uint64_t{1} << 40, 3000), (uint64_t{2002} << 17) + (1 << 20));
}

}  // namespace
}  // namespace deltaglider
