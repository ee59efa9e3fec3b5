#include "cli/logical_order.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <string>
#include <utility>
#include <vector>

namespace deltaglider::cli {
namespace {

TEST(LowestLogicalKeyAfter, IsTheShortestPrefixADeltaCouldStillFollow) {
  EXPECT_EQ(LowestLogicalKeyAfter("b.txt"), "b.txt");    // "b.delta" < "b.txt": already past
  EXPECT_EQ(LowestLogicalKeyAfter("app-2.zip"), "app");  // "app.delta" may follow
  EXPECT_EQ(LowestLogicalKeyAfter("app 2.zip"), "app");
  EXPECT_EQ(LowestLogicalKeyAfter("dir/x"), "dir/x");    // '/' sorts after '.'
  EXPECT_EQ(LowestLogicalKeyAfter("a.zip.d"), "a.zip");  // "a.zip.delta" may follow
  EXPECT_EQ(LowestLogicalKeyAfter("a.zip.delta"), "a.zip.delta");
}

// Stored keys in listing order, each with its logical key; the output must be
// the logical keys in ascending order.
std::vector<std::string> Reorder(const std::vector<std::pair<std::string, std::string>>& listed) {
  std::vector<std::string> out;
  LogicalOrder order;
  auto visit = [&](const TreeFile& file) {
    out.push_back(file.relative);
    return OkStatus();
  };
  for (const auto& [stored, logical] : listed) {
    TreeFile file;
    file.relative = logical;
    EXPECT_TRUE(order.Add(stored, logical, file, visit).ok());
  }
  EXPECT_TRUE(order.Flush(visit).ok());
  return out;
}

TEST(LogicalOrder, PutsADeltaBeforeTheKeysItsSuffixListedItAfter) {
  // S3 order of the stored keys: "a.zip-1.txt" < "a.zip.delta" ('-' < '.').
  const std::vector<std::pair<std::string, std::string>> listed = {
      {"a.zip 2.txt", "a.zip 2.txt"}, {"a.zip-1.txt", "a.zip-1.txt"}, {"a.zip.delta", "a.zip"},
      {"b.zip.delta", "b.zip"},       {"c/d.tar.delta", "c/d.tar"},   {"c/d.tar-x", "c/d.tar-x"},
  };
  std::vector<std::string> expected;
  for (const auto& entry : listed) expected.push_back(entry.second);
  std::sort(expected.begin(), expected.end());
  EXPECT_EQ(Reorder(listed), expected);
}

TEST(LogicalOrder, HoldsOnlyWhatALaterDeltaCouldPrecede) {
  LogicalOrder order;
  std::vector<std::string> out;
  auto visit = [&](const TreeFile& file) {
    out.push_back(file.relative);
    return OkStatus();
  };
  TreeFile file;
  file.relative = "x/a.txt";
  ASSERT_TRUE(order.Add("x/a.txt", "x/a.txt", file, visit).ok());
  EXPECT_EQ(out, (std::vector<std::string>{"x/a.txt"}));  // nothing can come before it
  file.relative = "x/b-1.zip";
  ASSERT_TRUE(order.Add("x/b-1.zip", "x/b-1.zip", file, visit).ok());
  EXPECT_EQ(out.size(), 1u);  // "x/b.delta" may still come
  file.relative = "x/c.zip";
  ASSERT_TRUE(order.Add("x/c.zip.delta", "x/c.zip", file, visit).ok());
  EXPECT_EQ(out, (std::vector<std::string>{"x/a.txt", "x/b-1.zip", "x/c.zip"}));
}

}  // namespace
}  // namespace deltaglider::cli
