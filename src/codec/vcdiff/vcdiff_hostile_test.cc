// The decoder against hostile and unusual deltas: damaged and truncated real
// deltas, absurd sizes (checked against the largest single allocation made),
// unsupported features, and hand-made windows for RFC 3284 features xdelta3
// never writes (VCD_TARGET, copies that overlap or straddle the source end).
#include <gtest/gtest.h>

#include "codec/vcdiff/alloc_probe.h"
#include "codec/vcdiff/test_support.h"
#include "codec/vcdiff/varint.h"
#include "deltaglider/stream.h"

namespace deltaglider::vcdiff {
namespace {

using testing::Bytes;
using testing::DeltaBuilder;
using testing::Of;

constexpr size_t kMiB = size_t{1} << 20;

// Decodes with the allocation probe on; returns the result and the largest allocation.
std::pair<Result<Bytes>, size_t> ProbedDecode(const Bytes& reference, const Bytes& delta) {
  testing::StartAllocationProbe();
  auto result = testing::Decode(reference, delta);
  const size_t largest = testing::StopAllocationProbe();
  return {std::move(result), largest};
}

Bytes Fixture(const std::string& key) {
  return testing::ReadBytes(testing::FixtureDir() + "/" + key);
}

// A flipped byte must give an error or (when it only hit the app header or
// similar) the right output: never a crash, never wrong bytes accepted.
// Without checksums (`-n`) damaged output cannot be detected; only safety is checked.
void ExpectFlipsSafe(const Bytes& reference, const Bytes& delta, const Bytes& target, size_t stride,
                     bool checksummed = true) {
  int errors = 0;
  for (size_t pos = 0; pos < delta.size(); pos += stride) {
    for (uint8_t mask : {0x01, 0x80, 0xFF}) {
      Bytes damaged = delta;
      damaged[pos] ^= std::byte(mask);
      auto decoded = testing::Decode(reference, damaged);
      if (decoded.ok() && checksummed) {
        EXPECT_TRUE(*decoded == target) << "flip " << int(mask) << " at " << pos;
      } else if (!decoded.ok()) {
        ++errors;
        EXPECT_NE(decoded.code(), ErrorCode::kInternal) << decoded.error().message;
      }
    }
  }
  EXPECT_GT(errors, 0);
}

TEST(VcdiffHostileTest, FlippedBytesInLzmaFixtureDelta) {
  ExpectFlipsSafe(Fixture("objects/tarballs/semver/reference.bin"),
                  Fixture("objects/tarballs/semver/semver-7.6.0.tar.delta"),
                  Fixture("originals/tarballs/semver/semver-7.6.0.tar"), 1);
}

TEST(VcdiffHostileTest, FlippedBytesInLargerFixtureDelta) {
  ExpectFlipsSafe(Fixture("objects/a/b/c/reference.bin"),
                  Fixture("objects/a/b/c/commander 12.1.0.zip.delta"),
                  Fixture("originals/a/b/c/commander 12.1.0.zip"), 97);
}

TEST(VcdiffHostileTest, FlippedBytesInMultiWindowDeltas) {
  const Bytes reference = testing::StructuredBytes(120'000, 21);
  const Bytes target = testing::Edit(reference, 40, 22);
  for (const char* flags : {"-9 -W 16384", "-9 -W 16384 -S none", "-9 -n -S none"}) {
    SCOPED_TRACE(flags);
    const Bytes delta = testing::Xdelta3Encode(flags, &reference, target);
    ExpectFlipsSafe(reference, delta, target, 3,
                    std::string(flags).find("-n") == std::string::npos);
  }
}

TEST(VcdiffHostileTest, EveryTruncationFails) {
  const Bytes reference = Fixture("objects/tarballs/semver/reference.bin");
  const Bytes target = Fixture("originals/tarballs/semver/semver-7.6.2.tar");
  for (const char* flags : {"-9", "-9 -S none"}) {
    SCOPED_TRACE(flags);
    const Bytes delta = testing::Xdelta3Encode(flags, &reference, target);
    ASSERT_TRUE(testing::Decode(reference, delta).ok());
    for (size_t n = 0; n < delta.size(); ++n) {
      auto decoded = testing::Decode(reference, Bytes(delta.begin(), delta.begin() + n));
      ASSERT_FALSE(decoded.ok()) << "prefix of " << n << " bytes decoded";
      EXPECT_EQ(decoded.code(), ErrorCode::kCorrupted) << decoded.error().message;
    }
  }
}

TEST(VcdiffHostileTest, StrayByteAfterLastWindowFails) {
  Bytes delta = Fixture("objects/tarballs/semver/semver-7.6.0.tar.delta");
  delta.push_back(std::byte{0});
  auto decoded = testing::Decode(Fixture("objects/tarballs/semver/reference.bin"), delta);
  EXPECT_EQ(decoded.code(), ErrorCode::kCorrupted);
}

// The offset of the first window's Adler-32 in a delta with a 5-byte file header.
size_t ChecksumOffset(const Bytes& delta) {
  const auto* begin = reinterpret_cast<const uint8_t*>(delta.data());
  const uint8_t* pos = begin + 6;  // after the header and win_ind (VCD_SOURCE set)
  const uint8_t* end = begin + delta.size();
  uint64_t ignored = 0;
  for (int i = 0; i < 4; ++i) EXPECT_TRUE(DecodeVarint(&pos, end, 64, &ignored));  // cpylen..tgtlen
  ++pos;                                                                           // del_ind
  for (int i = 0; i < 3; ++i) EXPECT_TRUE(DecodeVarint(&pos, end, 64, &ignored));  // lengths
  return static_cast<size_t>(pos - begin);
}

TEST(VcdiffHostileTest, ChecksumMismatchIsCorrupted) {
  const Bytes reference = testing::StructuredBytes(50'000, 23);
  const Bytes target = testing::Edit(reference, 10, 24);
  Bytes delta = testing::Xdelta3Encode("-9 -S none -A", &reference, target);
  ASSERT_EQ(delta[4], std::byte{0x00});  // no secondary, no app header
  ASSERT_EQ(delta[5], std::byte{0x05});  // VCD_SOURCE | VCD_ADLER32
  ASSERT_TRUE(testing::Decode(reference, delta).ok());
  delta[ChecksumOffset(delta)] ^= std::byte{0x10};
  auto decoded = testing::Decode(reference, delta);
  ASSERT_FALSE(decoded.ok());
  EXPECT_EQ(decoded.code(), ErrorCode::kCorrupted);
  EXPECT_NE(decoded.error().message.find("checksum mismatch"), std::string::npos)
      << decoded.error().message;
}

TEST(VcdiffHostileTest, WrongReferenceIsCorrupted) {
  Bytes reference = Fixture("objects/tarballs/semver/reference.bin");
  const Bytes delta = Fixture("objects/tarballs/semver/semver-7.6.0.tar.delta");
  auto shorter = testing::Decode(Bytes(reference.begin(), reference.begin() + 1000), delta);
  EXPECT_EQ(shorter.code(), ErrorCode::kCorrupted);
  reference[5000] ^= std::byte{1};
  auto changed = testing::Decode(reference, delta);
  EXPECT_EQ(changed.code(), ErrorCode::kCorrupted);
}

TEST(VcdiffHostileTest, HeaderErrors) {
  const Bytes none;
  EXPECT_EQ(testing::Decode(none, none).code(), ErrorCode::kCorrupted);
  EXPECT_EQ(testing::Decode(none, testing::ToBytes("PK\x03\x04")).code(), ErrorCode::kCorrupted);
  Bytes version1 = DeltaBuilder(0).bytes();
  version1[3] = std::byte{1};
  EXPECT_EQ(testing::Decode(none, version1).code(), ErrorCode::kUnsupported);
  EXPECT_EQ(testing::Decode(none, DeltaBuilder(0x08).bytes()).code(), ErrorCode::kCorrupted);
  auto no_windows = testing::Decode(none, DeltaBuilder(0).bytes());
  EXPECT_EQ(no_windows.code(), ErrorCode::kCorrupted);
  EXPECT_NE(no_windows.error().message.find("no windows"), std::string::npos);
  auto code_table = testing::Decode(none, DeltaBuilder(0x02, {0x00}).bytes());
  EXPECT_EQ(code_table.code(), ErrorCode::kUnsupported);
  EXPECT_NE(code_table.error().message.find("custom code tables"), std::string::npos);
  auto app_header = testing::Decode(none, DeltaBuilder(0x04).Varint(uint64_t{1} << 31).bytes());
  EXPECT_EQ(app_header.code(), ErrorCode::kCorrupted);
}

TEST(VcdiffHostileTest, UnknownSecondaryIdIsUnsupported) {
  Bytes delta = Fixture("objects/tarballs/semver/semver-7.6.0.tar.delta");
  ASSERT_EQ(delta[5], std::byte{0x02});
  for (uint8_t id : {0x00, 0x03, 0x07, 0xFF}) {
    delta[5] = std::byte{id};
    auto decoded = testing::Decode(Fixture("objects/tarballs/semver/reference.bin"), delta);
    EXPECT_EQ(decoded.code(), ErrorCode::kUnsupported) << int(id);
  }
  delta[5] = std::byte{0x01};  // DJW: accepted in the header, refused when a section uses it
  auto djw = testing::Decode(Fixture("objects/tarballs/semver/reference.bin"), delta);
  EXPECT_EQ(djw.code(), ErrorCode::kUnsupported);
  EXPECT_NE(djw.error().message.find("unsupported secondary compressor djw"), std::string::npos);
}

TEST(VcdiffHostileTest, AbsurdWindowSizesAllocateNothingBig) {
  const Bytes none;
  // A target window past xdelta3's 16 MiB limit.
  for (uint64_t size : {(uint64_t{1} << 24) + 1, uint64_t{0xFFFFFFFF}}) {
    auto [result, largest] = ProbedDecode(
        none, DeltaBuilder(0).Window(0, 0, 0, size, Bytes(), Of({0x01, 0x00}), Bytes()).bytes());
    EXPECT_EQ(result.code(), ErrorCode::kResourceExhausted) << size;
    EXPECT_LT(largest, kMiB);
  }
  // A 16 MiB window whose sections claim 16 MiB but are not there.
  {
    DeltaBuilder b(0);
    b.Byte(0).Varint(1 + 4 + 4 + 1 + 1 + (1u << 24)).Varint(1u << 24).Byte(0);
    b.Varint(1u << 24).Varint(0).Varint(0).Raw(testing::ToBytes("only a few bytes"));
    auto [result, largest] = ProbedDecode(none, b.bytes());
    EXPECT_EQ(result.code(), ErrorCode::kCorrupted);
    EXPECT_LT(largest, 2 * kMiB);
  }
  // A section far longer than its window could ever need.
  {
    DeltaBuilder b(0);
    const uint64_t huge = 0xFFFFFFF0;
    b.Byte(0).Varint(1 + 1 + 5 + 1 + 1 + huge).Varint(10).Byte(0);
    b.Varint(huge).Varint(0).Varint(0);
    auto [result, largest] = ProbedDecode(none, b.bytes());
    EXPECT_EQ(result.code(), ErrorCode::kCorrupted);
    EXPECT_LT(largest, kMiB);
  }
  // An LZMA section claiming 16 MiB of output from a few bytes of xz stream.
  {
    const Bytes real = Fixture("objects/tarballs/semver/semver-7.6.0.tar.delta");
    // The fixture's data section starts at 0x3f (a varint 162, then the xz stream).
    Bytes data = testing::EncodeVarint(1u << 24);
    data.insert(data.end(), real.begin() + 0x41, real.begin() + 0x41 + 40);
    DeltaBuilder b(0x01, {0x02});
    b.Byte(0).Varint(1 + 4 + 1 + 1 + 1 + data.size()).Varint(1u << 24).Byte(0x01);
    b.Varint(data.size()).Varint(0).Varint(0).Raw(data);
    auto [result, largest] = ProbedDecode(none, b.bytes());
    EXPECT_EQ(result.code(), ErrorCode::kCorrupted) << result.error().message;
    EXPECT_LT(largest, 2 * kMiB);
  }
}

TEST(VcdiffHostileTest, EncodingLengthMismatchIsCorrupted) {
  Bytes delta =
      DeltaBuilder(0).Window(0, 0, 0, 4, testing::ToBytes("abcd"), Of({0x05}), Bytes()).bytes();
  ASSERT_TRUE(testing::Decode({}, delta).ok());
  delta[6] = std::byte(static_cast<uint8_t>(delta[6]) + 1);  // enclen
  EXPECT_EQ(testing::Decode({}, delta).code(), ErrorCode::kCorrupted);
}

// --- RFC 3284 features beyond what xdelta3 writes ----------------------------------

TEST(VcdiffRfcTest, TargetWindowCopiesEarlierOutput) {
  DeltaBuilder b(0);
  b.Window(0, 0, 0, 4, testing::ToBytes("abcd"), Of({0x05}), Bytes());  // ADD 4
  // VCD_TARGET over output [1, 4): COPY 3 from 0 (SELF), then COPY 4 from the
  // window's own start (address S + 0 = 3): "bcd" + "bcdb".
  b.Window(0x02, 3, 1, 7, Bytes(), Of({0x13, 0x03, 0x14}), Of({0x00, 0x03}));
  auto decoded = testing::Decode({}, b.bytes());
  ASSERT_TRUE(decoded.ok()) << decoded.error().message;
  EXPECT_EQ(AsChars(*decoded), "abcdbcdbcdb");
  // A segment beyond what has been decoded is corrupt.
  DeltaBuilder bad(0);
  bad.Window(0, 0, 0, 4, testing::ToBytes("abcd"), Of({0x05}), Bytes());
  bad.Window(0x02, 4, 1, 4, Bytes(), Of({0x14}), Of({0x00}));
  EXPECT_EQ(testing::Decode({}, bad.bytes()).code(), ErrorCode::kCorrupted);
}

TEST(VcdiffRfcTest, OverlappingCopyRepeatsAPattern) {
  // ADD 2 "xy", then COPY 8 from target offset 0 (SELF address 0, no source).
  const Bytes delta = DeltaBuilder(0)
                          .Window(0, 0, 0, 10, testing::ToBytes("xy"), Of({0x03, 0x18}), Of({0x00}))
                          .bytes();
  auto decoded = testing::Decode({}, delta);
  ASSERT_TRUE(decoded.ok()) << decoded.error().message;
  EXPECT_EQ(AsChars(*decoded), "xyxyxyxyxy");
}

TEST(VcdiffRfcTest, CopyMayStraddleTheSourceEnd) {
  // Source segment "SRC!"; COPY 6 from address 2 reads "C!" then its own output.
  const Bytes delta =
      DeltaBuilder(0).Window(0x01, 4, 0, 6, Bytes(), Of({0x16}), Of({0x02})).bytes();
  auto decoded = testing::Decode(testing::ToBytes("SRC!"), delta);
  ASSERT_TRUE(decoded.ok()) << decoded.error().message;
  EXPECT_EQ(AsChars(*decoded), "C!C!C!");
}

TEST(VcdiffRfcTest, RunAndAddressModes) {
  // RUN 5 of 'z' (opcode 0, size 5), then COPY 4 in HERE mode (v = 5: address 0),
  // then COPY 4 in NEAR 0 mode (near[0] = 0, +2: address 2).
  const Bytes delta = DeltaBuilder(0)
                          .Window(0, 0, 0, 13, testing::ToBytes("z"), Of({0x00, 0x05, 0x24, 0x34}),
                                  Of({0x05, 0x02}))
                          .bytes();
  auto decoded = testing::Decode({}, delta);
  ASSERT_TRUE(decoded.ok()) << decoded.error().message;
  EXPECT_EQ(AsChars(*decoded), "zzzzzzzzzzzzz");
}

TEST(VcdiffRfcTest, BadInstructionsAreCorrupted) {
  const Bytes none;
  struct BadWindow {
    const char* why;
    uint64_t target;
    Bytes data, inst, addr;
  };
  const BadWindow cases[] = {
      {"copy from undecoded", 4, Bytes(), Of({0x14}), Of({0x00})},
      {"here mode before start", 4, testing::ToBytes("a"), Of({0x02, 0x24}), Of({0x05})},
      {"add past data", 4, testing::ToBytes("ab"), Of({0x05}), {}},
      {"add past window", 2, testing::ToBytes("abcd"), Of({0x05}), {}},
      {"run without byte", 3, Bytes(), Of({0x00, 0x03}), {}},
      {"size varint truncated", 3, testing::ToBytes("a"), Of({0x00, 0x83}), {}},
      {"short window", 5, testing::ToBytes("abcd"), Of({0x05}), {}},
      {"unused data", 1, testing::ToBytes("ab"), Of({0x02}), {}},
      {"unused address", 1, testing::ToBytes("a"), Of({0x02}), Of({0x00})},
      {"address truncated", 5, testing::ToBytes("a"), Of({0x02, 0x14}), {}},
      {"near overflow", 5, testing::ToBytes("a"), Of({0x02, 0x34}),
       Of({0x8F, 0xFF, 0xFF, 0xFF, 0x7F})},
  };
  for (const auto& c : cases) {
    const Bytes delta = DeltaBuilder(0).Window(0, 0, 0, c.target, c.data, c.inst, c.addr).bytes();
    auto decoded = testing::Decode(none, delta);
    EXPECT_EQ(decoded.code(), ErrorCode::kCorrupted) << c.why;
  }
}

}  // namespace
}  // namespace deltaglider::vcdiff
