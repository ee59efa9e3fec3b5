#include "core/group_policy.h"

#include <gtest/gtest.h>

namespace deltaglider {
namespace {

TEST(ChooseGroup, VersionDirectoriesShareTheirFamily) {
  const GroupChoice a = ChooseGroup("releases/v1.0.1/app-1.0.1.zip", {});
  const GroupChoice b = ChooseGroup("releases/v1.0.2/app-1.0.2.zip", {});
  EXPECT_TRUE(a.family);
  EXPECT_EQ(a.group.prefix, "releases/.dg-family/app.zip/");
  EXPECT_EQ(a.group.prefix, b.group.prefix);
  EXPECT_EQ(a.name.Label(), "releases/*/{app.zip}");
  EXPECT_EQ(a.own.legacy_key, "releases/v1.0.1/reference.bin");
  EXPECT_EQ(a.own_name.Label(), "releases/v1.0.1/{app.zip}");
}

TEST(ChooseGroup, PlainDirectoriesAndSwitchesUseTheDeltaspace) {
  const GroupChoice plain = ChooseGroup("app/app-2.zip", {});
  EXPECT_FALSE(plain.family);
  EXPECT_EQ(plain.group.legacy_key, "app/reference.bin");
  EXPECT_EQ(plain.group.prefix, "app/.dg-refs/app.zip/");
  EXPECT_EQ(plain.name.Label(), "app/{app.zip}");
  EXPECT_FALSE(ChooseGroup("releases/v1/app-1.zip", {.families = false, .deltaspace = ""}).family);
  const GroupChoice forced = ChooseGroup("releases/v1/app-1.zip", {.families = true, .deltaspace = "all"});
  EXPECT_FALSE(forced.family);
  EXPECT_EQ(forced.group.legacy_key, "all/reference.bin");
  EXPECT_EQ(ChooseGroup("app-1.zip", {}).name.Label(), "{app.zip}");
}

TEST(OwnerOfReference, FamilyRotatedAndLegacyReferences) {
  EXPECT_EQ(OwnerOfReference("releases/.dg-family/app.zip/1/reference.bin").Label(),
            "releases/*/{app.zip}");
  EXPECT_EQ(OwnerOfReference("r/.dg-family/linux/app.zip/12/reference.bin").family,
            "linux/app.zip");
  EXPECT_EQ(OwnerOfReference(".dg-family/app.zip/1/reference.bin").Label(), "*/{app.zip}");
  EXPECT_EQ(OwnerOfReference("app/.dg-refs/app.zip/2/reference.bin").Label(), "app/");
  EXPECT_EQ(OwnerOfReference("app/reference.bin").Label(), "app/");
  EXPECT_EQ(OwnerOfReference("reference.bin").Label(), "(root)");
  EXPECT_EQ(OwnerOfReference(".dg-refs/x.zip/1/reference.bin").Label(), "(root)");
}

}  // namespace
}  // namespace deltaglider
