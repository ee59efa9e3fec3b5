#include "core/family.h"

#include <gtest/gtest.h>

namespace deltaglider {
namespace {

struct NameCase {
  const char* file;
  const char* family;
};

// Real artifact names from npm, Maven, Debian, RPM, PyPI, GitHub release assets
// and nightly builds.
TEST(FamilyName, RemovesVersionsAndKeepsWhatTellsArtifactsApart) {
  const NameCase cases[] = {
      {"app-1.2.3.zip", "app.zip"},
      {"app-1.2.4.zip", "app.zip"},
      {"app_v1.3.0-rc1.zip", "app.zip"},
      {"app-1.0.0-rc.zip", "app.zip"},
      {"typescript-5.4.2.tgz", "typescript.tgz"},
      {"aws-sdk-2.1600.0.tgz", "aws-sdk.tgz"},
      {"left-pad-1.1.3.tgz", "left-pad.tgz"},
      {"tool-linux-x64-2.0.tgz", "tool-linux-x64.tgz"},
      {"tool-darwin-arm64-2.0.tgz", "tool-darwin-arm64.tgz"},
      {"tool-2.0-x86_64-linux.tar.gz", "tool-x86_64-linux.tar.gz"},
      {"tool-2.0-win32.zip", "tool-win32.zip"},
      {"commons-lang3-3.12.0.jar", "commons-lang3.jar"},
      {"guava-33.0.0-jre.jar", "guava-jre.jar"},
      {"spring-core-6.1.0-SNAPSHOT.jar", "spring-core.jar"},
      {"curl_7.88.1-10+deb12u5_amd64.deb", "curl-amd64.deb"},
      {"curl-7.61.1-22.el8.x86_64.rpm", "curl-x86_64.rpm"},
      {"requests-2.31.0-py3-none-any.whl", "requests-py3-none-any.whl"},
      {"numpy-1.26.4-cp311-cp311-manylinux_2_17_x86_64.whl",
       "numpy-cp311-cp311-manylinux-x86_64.whl"},
      {"app-nightly-2025-11-24.zip", "app-nightly.zip"},
      {"app-20251124-3f9c2ab.zip", "app.zip"},
      {"build-1234.zip", "build.zip"},
      {"1.2.3.zip", "version.zip"},
      {"app.zip", "app.zip"},
      {"Setup-v2.7.exe", "Setup.exe"},
  };
  for (const NameCase& c : cases) EXPECT_EQ(FamilyName(c.file), c.family) << c.file;
}

TEST(FamilyName, KeepsDifferentArtifactsApart) {
  const std::pair<const char*, const char*> apart[] = {
      {"tool-linux-x64-2.0.tgz", "tool-darwin-arm64-2.0.tgz"},
      {"app-1.2.3.zip", "app-docs-1.2.3.zip"},
      {"app-1.2.3.zip", "app-1.2.3.tar.gz"},
      {"left-pad-1.1.3.tgz", "left-1.1.3.tgz"},
      {"tool-x86_64.tgz", "tool-x86.tgz"},
      {"tool-win32-1.0.zip", "tool-win64-1.0.zip"},
      {"esbuild-linux-arm64-0.20.0.tgz", "esbuild-linux-64-0.20.0.tgz"},
  };
  for (const auto& [a, b] : apart) EXPECT_NE(FamilyName(a), FamilyName(b)) << a << " vs " << b;
}

TEST(VersionDirectory, RecognisesReleaseFolders) {
  for (const char* dir : {"v1.2.3", "1.2.3", "V2", "build-1234", "2025-11-24", "20251124",
                          "nightly-20251124", "3f9c2ab", "v1.3.0-rc1", "release-7.0",
                          "0.20.0", "6.1.0-SNAPSHOT"}) {
    EXPECT_TRUE(IsVersionDirectory(dir)) << dir;
  }
  for (const char* dir : {"releases", "dist", "linux-x64", "latest", "build", "app", "v", "x64",
                          "stable", "docs", ""}) {
    EXPECT_FALSE(IsVersionDirectory(dir)) << dir;
  }
}

TEST(FamilyOf, AnchorsAtTheParentOfTheFirstVersionDirectory) {
  auto family = FamilyOf("releases/v1.2.3/app-1.2.3.zip");
  ASSERT_TRUE(family.has_value());
  EXPECT_EQ(family->anchor, "releases/");
  EXPECT_EQ(family->name, "app.zip");

  auto nested = FamilyOf("ci/builds/2025-11-24/build-1234/linux/app.zip");
  ASSERT_TRUE(nested.has_value());
  EXPECT_EQ(nested->anchor, "ci/builds/");
  EXPECT_EQ(nested->name, "linux/app.zip");

  auto at_root = FamilyOf("v2.0/tool-2.0.tgz");
  ASSERT_TRUE(at_root.has_value());
  EXPECT_EQ(at_root->anchor, "");
  EXPECT_EQ(at_root->name, "tool.tgz");

  EXPECT_EQ(FamilyOf("releases/v1.2.4/app-1.2.4.zip")->name, "app.zip");
  EXPECT_FALSE(FamilyOf("releases/app-1.2.3.zip").has_value());
  EXPECT_FALSE(FamilyOf("app-1.2.3.zip").has_value());
  EXPECT_FALSE(FamilyOf("dist/linux-x64/app.zip").has_value());
}

}  // namespace
}  // namespace deltaglider
