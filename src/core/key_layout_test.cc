#include "core/key_layout.h"

#include <gtest/gtest.h>

namespace deltaglider {
namespace {

TEST(KeyLayoutTest, EligibleExtensionsCaseInsensitive) {
  for (const char* key : {"a.zip", "a.ZIP", "x/a.tar.gz", "a.tgz", "a.jar", "a.tar.xz", "a.deb",
                          "a.7z", "a.iso", "a.tar.bz2"}) {
    EXPECT_TRUE(IsDeltaEligible(key)) << key;
  }
  for (const char* key : {"a.txt", "package.json", "a.zip.sha256", "zip", "a.tar.gz.asc"}) {
    EXPECT_FALSE(IsDeltaEligible(key)) << key;
  }
}

TEST(KeyLayoutTest, DeltaspaceAndReference) {
  EXPECT_EQ(Deltaspace("releases/v1/app.zip"), "releases/v1");
  EXPECT_EQ(Deltaspace("app.zip"), "");
  EXPECT_EQ(ReferenceKey("releases/v1"), "releases/v1/reference.bin");
  EXPECT_EQ(ReferenceKey(""), "reference.bin");  // the root has no slash
  EXPECT_EQ(DeltaKey("a/b c.zip"), "a/b c.zip.delta");
  EXPECT_EQ(Basename("a/b/c.zip"), "c.zip");
  EXPECT_TRUE(IsReferenceKey("x/reference.bin"));
  EXPECT_FALSE(IsReferenceKey("x/myreference.bin"));
}

TEST(KeyLayoutTest, ReservedKeysRejected) {
  EXPECT_TRUE(ValidateLogicalKey("dir/app.zip").ok());
  EXPECT_EQ(ValidateLogicalKey("").code(), ErrorCode::kInvalidArgument);
  EXPECT_EQ(ValidateLogicalKey("dir/").code(), ErrorCode::kInvalidArgument);
  EXPECT_EQ(ValidateLogicalKey("dir/reference.bin").code(), ErrorCode::kInvalidArgument);
  EXPECT_EQ(ValidateLogicalKey("dir/x.zip.delta").code(), ErrorCode::kInvalidArgument);
}

TEST(KeyLayout, DeltaCodecNameForFollowsTheArchiveKindUnlessConfiguredOtherwise) {
  EXPECT_EQ(DeltaCodecNameFor("r/app-1.zip", "zstd-patch", true), "zip-patch");
  EXPECT_EQ(DeltaCodecNameFor("r/app-1.TGZ", "zstd-patch", true), "gzip-patch");
  EXPECT_EQ(DeltaCodecNameFor("r/app-1.tar", "zstd-patch", true), "zstd-patch");
  EXPECT_EQ(DeltaCodecNameFor("r/app-1.zip", "zstd-patch", false), "zstd-patch");
  EXPECT_EQ(DeltaCodecNameFor("r/app-1.zip", "xdelta3", true), "xdelta3");
}

}  // namespace
}  // namespace deltaglider
