#include "util/text.h"

#include <gtest/gtest.h>

namespace deltaglider {
namespace {

TEST(AsciiLower, ChangesOnlyAsciiCapitals) {
  EXPECT_EQ(AsciiLower("X-Amz-Meta-ÉTÉ.Zip"), "x-amz-meta-ÉtÉ.zip");  // UTF-8 bytes stay
  EXPECT_EQ(AsciiLower(""), "");
  EXPECT_EQ(AsciiLower("@[`{"), "@[`{");  // the neighbours of A-Z and a-z
}

TEST(IsPrintableAscii, AcceptsSpaceToTildeOnly) {
  EXPECT_TRUE(IsPrintableAscii(" abc~XYZ{}"));
  EXPECT_TRUE(IsPrintableAscii(""));
  EXPECT_FALSE(IsPrintableAscii("tab\there"));
  EXPECT_FALSE(IsPrintableAscii("caf\xc3\xa9"));
  EXPECT_FALSE(IsPrintableAscii("del\x7f"));
}

TEST(TrimBlanks, RemovesSpacesTabsAndLineEndsAtBothEnds) {
  EXPECT_EQ(TrimBlanks(" \t value with  spaces\r\n"), "value with  spaces");
  EXPECT_EQ(TrimBlanks("\r\n\t "), "");
  EXPECT_EQ(TrimBlanks("x"), "x");
  EXPECT_EQ(TrimBlanks("\vx\v"), "\vx\v");  // only the four blanks
}

}  // namespace
}  // namespace deltaglider
