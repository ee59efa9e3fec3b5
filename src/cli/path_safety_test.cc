#include "cli/path_safety.h"

#include <gtest/gtest.h>

#include <string>
#include <vector>

namespace deltaglider::cli {
namespace {

TEST(CheckSafeRelativePath, AcceptsOrdinaryNames) {
  EXPECT_TRUE(CheckSafeRelativePath("a.zip").ok());
  EXPECT_TRUE(CheckSafeRelativePath("dir/sub dir/é ü.zip").ok());
  EXPECT_TRUE(CheckSafeRelativePath("a..b/..c").ok());  // dots inside names are fine
}

TEST(CheckSafeRelativePath, RefusesEscapes) {
  const std::vector<std::string> bad = {
      "",   "/etc/passwd", "../x", "a/../../x",           "a/..", "./a", "a//b",
      "a/", "..\\x",       "a\\b", std::string("a\0b", 3)};
  for (const std::string& path : bad) {
    Status status = CheckSafeRelativePath(path);
    EXPECT_FALSE(status.ok()) << path;
    EXPECT_EQ(status.code(), ErrorCode::kInvalidArgument) << path;
  }
}

}  // namespace
}  // namespace deltaglider::cli
