// Unit tests for the VCDIFF building blocks: varints, the default code table,
// Adler-32, the target history ring, and the codec's identity.
#include <gtest/gtest.h>

#include "codec/vcdiff/adler32.h"
#include "codec/vcdiff/app_header.h"
#include "codec/vcdiff/code_table.h"
#include "codec/vcdiff/target_history.h"
#include "codec/vcdiff/test_support.h"
#include "codec/vcdiff/varint.h"
#include "deltaglider/stream.h"
#include "deltaglider/vcdiff.h"

namespace deltaglider::vcdiff {
namespace {

using testing::Bytes;

bool Decode(std::initializer_list<uint8_t> bytes, int bits, uint64_t* value) {
  std::vector<uint8_t> buf(bytes);
  const uint8_t* pos = buf.data();
  return DecodeVarint(&pos, buf.data() + buf.size(), bits, value) && pos == buf.data() + buf.size();
}

TEST(VarintTest, DecodesRfcExamples) {
  uint64_t v = 0;
  ASSERT_TRUE(Decode({0x00}, 32, &v));
  EXPECT_EQ(v, 0u);
  ASSERT_TRUE(Decode({0x7F}, 32, &v));
  EXPECT_EQ(v, 127u);
  ASSERT_TRUE(Decode({0x81, 0x00}, 32, &v));
  EXPECT_EQ(v, 128u);
  ASSERT_TRUE(Decode({0x85, 0x09}, 32, &v));
  EXPECT_EQ(v, 649u);
  ASSERT_TRUE(Decode({0x88, 0xAA, 0x1A}, 32, &v));
  EXPECT_EQ(v, 136474u);
  ASSERT_TRUE(Decode({0x88, 0x80, 0x80, 0x00}, 32, &v));
  EXPECT_EQ(v, 1u << 24);
  ASSERT_TRUE(Decode({0x8F, 0xFF, 0xFF, 0xFF, 0x7F}, 32, &v));
  EXPECT_EQ(v, 0xFFFFFFFFu);
}

TEST(VarintTest, RejectsOverflowAndTruncation) {
  uint64_t v = 0;
  EXPECT_FALSE(Decode({0x90, 0x80, 0x80, 0x80, 0x00}, 32, &v));  // 2^32
  EXPECT_TRUE(Decode({0x90, 0x80, 0x80, 0x80, 0x00}, 64, &v));
  EXPECT_FALSE(Decode({0x81, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x00}, 64, &v));
  EXPECT_FALSE(Decode({0x81}, 32, &v));
  EXPECT_FALSE(Decode({}, 32, &v));
}

TEST(VarintTest, LengthIsMinimal) {
  EXPECT_EQ(VarintLength(0), 1);
  EXPECT_EQ(VarintLength(127), 1);
  EXPECT_EQ(VarintLength(128), 2);
  EXPECT_EQ(VarintLength((1u << 21) - 1), 3);
  EXPECT_EQ(VarintLength(1u << 28), 5);
  for (uint64_t value : {0ull, 1ull, 300ull, 136474ull, 1ull << 32, ~0ull}) {
    Bytes encoded = testing::EncodeVarint(value);
    const auto* pos = reinterpret_cast<const uint8_t*>(encoded.data());
    uint64_t back = 0;
    ASSERT_TRUE(DecodeVarint(&pos, pos + encoded.size(), 64, &back));
    EXPECT_EQ(back, value);
  }
}

void ExpectHalf(const HalfInst& half, InstType type, int size, int mode) {
  EXPECT_EQ(half.type, type);
  EXPECT_EQ(half.size, size);
  EXPECT_EQ(half.mode, mode);
}

TEST(CodeTableTest, MatchesRfc3284Section5_6) {
  const CodeTable& t = DefaultCodeTable();
  ExpectHalf(t[0].first, InstType::kRun, 0, 0);
  ExpectHalf(t[0].second, InstType::kNoop, 0, 0);
  ExpectHalf(t[1].first, InstType::kAdd, 0, 0);
  ExpectHalf(t[18].first, InstType::kAdd, 17, 0);
  ExpectHalf(t[19].first, InstType::kCopy, 0, 0);
  ExpectHalf(t[20].first, InstType::kCopy, 4, 0);
  ExpectHalf(t[34].first, InstType::kCopy, 18, 0);
  ExpectHalf(t[35].first, InstType::kCopy, 0, 1);
  ExpectHalf(t[162].first, InstType::kCopy, 18, 8);
  ExpectHalf(t[163].first, InstType::kAdd, 1, 0);
  ExpectHalf(t[163].second, InstType::kCopy, 4, 0);
  ExpectHalf(t[174].first, InstType::kAdd, 4, 0);
  ExpectHalf(t[174].second, InstType::kCopy, 6, 0);
  ExpectHalf(t[234].first, InstType::kAdd, 4, 0);
  ExpectHalf(t[234].second, InstType::kCopy, 6, 5);
  ExpectHalf(t[235].first, InstType::kAdd, 1, 0);
  ExpectHalf(t[235].second, InstType::kCopy, 4, 6);
  ExpectHalf(t[246].first, InstType::kAdd, 4, 0);
  ExpectHalf(t[246].second, InstType::kCopy, 4, 8);
  ExpectHalf(t[247].first, InstType::kCopy, 4, 0);
  ExpectHalf(t[247].second, InstType::kAdd, 1, 0);
  ExpectHalf(t[255].first, InstType::kCopy, 4, 8);
  ExpectHalf(t[255].second, InstType::kAdd, 1, 0);
  // RFC 3284's default code table (section 5.6) for 163..234.
  for (int m = 0; m < 6; ++m) {
    for (int add = 1; add <= 4; ++add) {
      for (int copy = 4; copy <= 6; ++copy) {
        const CodeEntry& e = t[163 + 12 * m + 3 * (add - 1) + (copy - 4)];
        ExpectHalf(e.first, InstType::kAdd, add, 0);
        ExpectHalf(e.second, InstType::kCopy, copy, m);
      }
    }
  }
}

TEST(Adler32Test, KnownValues) {
  EXPECT_EQ(Adler32({}), 1u);
  EXPECT_EQ(Adler32(AsBytes("Wikipedia")), 0x11E60398u);
  // Long input crosses the reduction interval; compare with a byte-at-a-time sum.
  Bytes big = testing::RandomBytes(100000, 7);
  uint32_t a = 1, b = 0;
  for (std::byte c : big) {
    a = (a + static_cast<uint8_t>(c)) % 65521;
    b = (b + a) % 65521;
  }
  EXPECT_EQ(Adler32(big), (b << 16) | a);
  // Continuation.
  EXPECT_EQ(Adler32(std::span(big).subspan(5000), Adler32(std::span(big).first(5000))),
            Adler32(big));
}

TEST(TargetHistoryTest, KeepsTheLastCapacityBytes) {
  TargetHistory history(10);
  Bytes out;
  history.Append(AsBytes("abcdef"));
  ASSERT_TRUE(history.CopyOut(1, 4, out).ok());
  EXPECT_EQ(AsChars(out), "bcde");
  history.Append(AsBytes("ghijklm"));  // 13 bytes total: holds "defghijklm"
  EXPECT_EQ(history.total(), 13u);
  ASSERT_TRUE(history.CopyOut(3, 10, out).ok());
  EXPECT_EQ(AsChars(out), "defghijklm");
  EXPECT_EQ(history.CopyOut(2, 3, out).code(), ErrorCode::kUnsupported);
  EXPECT_EQ(history.CopyOut(10, 4, out).code(), ErrorCode::kCorrupted);
  history.Append(AsBytes("0123456789ABC"));  // larger than capacity
  ASSERT_TRUE(history.CopyOut(16, 10, out).ok());
  EXPECT_EQ(AsChars(out), "3456789ABC");
  history.Append(AsBytes("xyz"));
  ASSERT_TRUE(history.CopyOut(22, 7, out).ok());
  EXPECT_EQ(AsChars(out), "9ABCxyz");
}

TEST(AppHeaderTest, FindsExternalCompressionTags) {
  EXPECT_EQ(ExternalCompression("semver-7.6.0.tar//semver-7.5.4.tar/"), std::nullopt);
  EXPECT_EQ(ExternalCompression("a.tgz/G/b.tgz/G"), "gzip");
  EXPECT_EQ(ExternalCompression("a.tar//b.tar.bz2/B"), "bzip2");
  EXPECT_EQ(ExternalCompression("a.xz/Y"), "xz");
  EXPECT_EQ(ExternalCompression("-/"), std::nullopt);
  EXPECT_EQ(ExternalCompression("custom/appheader"), std::nullopt);  // -A=STRING
  EXPECT_EQ(ExternalCompression(""), std::nullopt);
  EXPECT_EQ(ExternalCompression("a/b/c"), std::nullopt);
}

TEST(VcdiffCodecTest, Identity) {
  auto codec = NewVcdiffDeltaCodec();
  EXPECT_EQ(codec->name(), "xdelta3");
  EXPECT_EQ(codec->CommandLine("commander 12.1.0.zip"),
            "xdelta3 -e -9 -s reference.bin commander 12.1.0.zip commander 12.1.0.zip.delta");
  SpanSource target(AsBytes("abc"));
  VectorSink delta;
  Status s = codec->Encode(AsBytes("abc"), target, delta);
  EXPECT_EQ(s.code(), ErrorCode::kUnsupported);
  EXPECT_NE(s.message().find("encoding VCDIFF in-process is not supported"), std::string::npos);
}

}  // namespace
}  // namespace deltaglider::vcdiff
