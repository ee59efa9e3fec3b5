#include "cli/filters.h"

#include <gtest/gtest.h>

namespace deltaglider::cli {
namespace {

TEST(GlobMatch, StarCrossesDirectories) {
  EXPECT_TRUE(GlobMatch("*.zip", "a.zip"));
  EXPECT_TRUE(GlobMatch("*.zip", "dir/sub/a.zip"));
  EXPECT_TRUE(GlobMatch("dir/*", "dir/sub/a.txt"));
  EXPECT_FALSE(GlobMatch("dir/*", "other/a.txt"));
  EXPECT_TRUE(GlobMatch("a?c", "abc"));
  EXPECT_FALSE(GlobMatch("a?c", "ac"));
  EXPECT_TRUE(GlobMatch("[ab]*", "b.txt"));
  EXPECT_TRUE(GlobMatch("[!ab]*", "c.txt"));
  EXPECT_TRUE(GlobMatch("x\\y", "x\\y"));  // no escapes
  EXPECT_TRUE(GlobMatch("*", ""));
  EXPECT_TRUE(GlobMatch("spaced dir/é*", "spaced dir/étoile.zip"));
}

TEST(PathFilter, IncludedByDefault) {
  PathFilter filter;
  EXPECT_TRUE(filter.Included("anything/at/all"));
}

TEST(PathFilter, LaterRulesWin) {
  PathFilter only_zips;
  only_zips.Exclude("*");
  only_zips.Include("*.zip");
  EXPECT_TRUE(only_zips.Included("a/b.zip"));
  EXPECT_FALSE(only_zips.Included("a/b.txt"));

  PathFilter nothing;  // the include comes first, the exclude overrides it
  nothing.Include("*.zip");
  nothing.Exclude("*");
  EXPECT_FALSE(nothing.Included("a/b.zip"));

  PathFilter layered;
  layered.Exclude("logs/*");
  layered.Include("logs/keep/*");
  layered.Exclude("*.tmp");
  EXPECT_FALSE(layered.Included("logs/a.txt"));
  EXPECT_TRUE(layered.Included("logs/keep/a.txt"));
  EXPECT_FALSE(layered.Included("logs/keep/a.tmp"));
  EXPECT_TRUE(layered.Included("src/a.txt"));
}

}  // namespace
}  // namespace deltaglider::cli
