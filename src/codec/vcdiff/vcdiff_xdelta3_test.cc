// Round trips through the real encoder: deltas made by the installed `xdelta3`
// binary (Debian 3.0.11, the one the Python DeltaGlider calls) with the option
// combinations that change the format, each decoded byte-exact in-process.
#include <gtest/gtest.h>

#include "codec/vcdiff/test_support.h"

namespace deltaglider::vcdiff {
namespace {

using testing::Bytes;

struct Case {
  const char* name;
  const char* flags;
  bool with_source;
};

const Case kCases[] = {
    {"Default", "-9", true},
    {"Lzma", "-9 -S lzma", true},
    {"NoSecondary", "-9 -S none", true},
    {"NoChecksum", "-9 -n", true},
    {"NoAppHeader", "-9 -A", true},
    {"Bare", "-9 -n -A -S none", true},
    {"CustomAppHeader", "-9 -A=custom/appheader", true},
    {"SmallSourceBuffer", "-9 -B 524288", true},  // xdelta3's minimum -B
    {"SmallWindows", "-9 -W 16384", true},
    {"SmallWindowsNoSecondary", "-9 -W 16384 -S none", true},
    {"Fast", "-1", true},
    {"Sourceless", "-9", false},
    {"SourcelessNoSecondary", "-9 -S none", false},
};

class Xdelta3RoundTrip : public ::testing::TestWithParam<Case> {};

void ExpectRoundTrip(const char* flags, const Bytes* reference, const Bytes& target) {
  const Bytes delta = testing::Xdelta3Encode(flags, reference, target);
  ASSERT_FALSE(delta.empty());
  const Bytes empty;
  auto decoded = testing::Decode(reference != nullptr ? *reference : empty, delta);
  ASSERT_TRUE(decoded.ok()) << decoded.error().message;
  ASSERT_EQ(decoded->size(), target.size());
  EXPECT_TRUE(*decoded == target);
}

TEST_P(Xdelta3RoundTrip, StructuredData) {
  const Bytes reference = testing::StructuredBytes(2'000'000, 1);
  const Bytes target = testing::Edit(reference, 300, 2);
  ExpectRoundTrip(GetParam().flags, GetParam().with_source ? &reference : nullptr, target);
}

TEST_P(Xdelta3RoundTrip, RandomData) {
  const Bytes reference = testing::RandomBytes(2'000'000, 3);
  const Bytes target = testing::Edit(reference, 300, 4);
  ExpectRoundTrip(GetParam().flags, GetParam().with_source ? &reference : nullptr, target);
}

INSTANTIATE_TEST_SUITE_P(Flags, Xdelta3RoundTrip, ::testing::ValuesIn(kCases),
                         [](const auto& info) { return std::string(info.param.name); });

// 20 MB in 1 MiB windows: 20+ windows, LZMA state carried across all of them.
TEST(Xdelta3MultiWindowTest, TwentyMegabytesInOneMegabyteWindows) {
  const Bytes reference = testing::StructuredBytes(20'000'000, 5);
  const Bytes target = testing::Edit(reference, 300, 6);
  ExpectRoundTrip("-9 -W 1048576 -B 1048576", &reference, target);
}

// The largest window xdelta3 writes (16 MiB) and the default (8 MiB).
TEST(Xdelta3MultiWindowTest, TwentyMegabytesInLargestAndDefaultWindows) {
  const Bytes reference = testing::RandomBytes(20'000'000, 7);
  const Bytes target = testing::Edit(reference, 300, 8);
  ExpectRoundTrip("-9 -W 16777216", &reference, target);
  ExpectRoundTrip("-9", &reference, target);
}

TEST(Xdelta3EdgeTest, EmptyTarget) {
  const Bytes reference = testing::RandomBytes(1000, 9);
  ExpectRoundTrip("-9", &reference, Bytes());
  ExpectRoundTrip("-9", nullptr, Bytes());
}

TEST(Xdelta3EdgeTest, TargetEqualsReference) {
  const Bytes reference = testing::StructuredBytes(500'000, 10);
  ExpectRoundTrip("-9", &reference, reference);
}

TEST(Xdelta3EdgeTest, EmptyReference) {
  const Bytes reference;
  ExpectRoundTrip("-9", &reference, testing::StructuredBytes(100'000, 11));
}

// DJW/FGK (Huffman) sections are not implemented: refused as kUnsupported, or
// decoded exactly when xdelta3 found them not worth using in any section.
TEST(Xdelta3EdgeTest, HuffmanSecondariesAreUnsupportedWhenUsed) {
  const Bytes reference = testing::StructuredBytes(2'000'000, 12);
  const Bytes target = testing::Edit(reference, 300, 13);
  for (const char* flags : {"-9 -S djw", "-9 -S fgk"}) {
    SCOPED_TRACE(flags);
    const Bytes delta = testing::Xdelta3Encode(flags, &reference, target);
    auto decoded = testing::Decode(reference, delta);
    if (decoded.ok()) {
      EXPECT_TRUE(*decoded == target);
    } else {
      EXPECT_EQ(decoded.code(), ErrorCode::kUnsupported);
      EXPECT_NE(decoded.error().message.find("unsupported secondary compressor"), std::string::npos)
          << decoded.error().message;
    }
  }
  const Bytes djw = testing::Xdelta3Encode("-9 -S djw", &reference, target);
  auto decoded = testing::Decode(reference, djw);
  ASSERT_FALSE(decoded.ok());
  EXPECT_NE(decoded.error().message.find("unsupported secondary compressor djw"),
            std::string::npos);
}

}  // namespace
}  // namespace deltaglider::vcdiff
