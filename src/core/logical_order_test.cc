#include "core/logical_order.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <string>
#include <utility>
#include <vector>

namespace deltaglider {
namespace {

TEST(LowestLogicalKeyAfter, IsTheShortestPrefixADeltaCouldStillFollow) {
  EXPECT_EQ(LowestLogicalKeyAfter("b.txt"), "b.txt");    // "b.delta" < "b.txt": already past
  EXPECT_EQ(LowestLogicalKeyAfter("app-2.zip"), "app");  // "app.delta" may follow
  EXPECT_EQ(LowestLogicalKeyAfter("app 2.zip"), "app");
  EXPECT_EQ(LowestLogicalKeyAfter("dir/x"), "dir/x");    // '/' sorts after '.'
  EXPECT_EQ(LowestLogicalKeyAfter("a.zip.d"), "a.zip");  // "a.zip.delta" may follow
  EXPECT_EQ(LowestLogicalKeyAfter("a.zip.delta"), "a.zip.delta");
}

TEST(DeltasStillAhead, NamesEveryPrefixWhoseDeltaWouldListLater) {
  EXPECT_EQ(DeltasStillAhead("app-1.5.zip"), (std::vector<std::string_view>{"app", "app-1"}));
  EXPECT_TRUE(DeltasStillAhead("dir/").empty());
  EXPECT_TRUE(DeltasStillAhead("b.txt").empty());
  for (std::string_view stored : {"x/app-1.5.zip", "a.zip.d", "r/v 1-2"}) {
    for (std::string_view logical : DeltasStillAhead(stored)) {
      EXPECT_GT(std::string(logical) + ".delta", stored);
      EXPECT_LT(logical, stored);
    }
  }
}

ListedEntry Entry(std::string key) {
  ListedEntry entry;
  entry.file.key = std::move(key);
  return entry;
}

// What a LogicalOrder passes on, by key.
struct Emitted {
  std::vector<std::string> keys;
  LogicalOrder::Emit emit = [this](ListedEntry&& entry) {
    keys.push_back(entry.file.key);
    return OkStatus();
  };
};

// Stored keys in listing order, each with its logical key; the output must be
// the logical keys in ascending order.
std::vector<std::string> Reorder(const std::vector<std::pair<std::string, std::string>>& listed) {
  Emitted out;
  LogicalOrder order;
  for (const auto& [stored, logical] : listed) {
    EXPECT_TRUE(order.Add(stored, Entry(logical), out.emit).ok());
  }
  EXPECT_TRUE(order.Flush(out.emit).ok());
  return out.keys;
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
  Emitted emitted;
  const LogicalOrder::Emit& emit = emitted.emit;
  const std::vector<std::string>& out = emitted.keys;
  ASSERT_TRUE(order.Add("x/a.txt", Entry("x/a.txt"), emit).ok());
  EXPECT_EQ(out, (std::vector<std::string>{"x/a.txt"}));  // nothing can come before it
  ASSERT_TRUE(order.Add("x/b-1.zip", Entry("x/b-1.zip"), emit).ok());
  EXPECT_EQ(out.size(), 1u);  // "x/b.delta" may still come
  EXPECT_EQ(order.held(), 1u);
  ASSERT_TRUE(order.Add("x/c.zip.delta", Entry("x/c.zip"), emit).ok());
  EXPECT_EQ(out, (std::vector<std::string>{"x/a.txt", "x/b-1.zip", "x/c.zip"}));
  EXPECT_EQ(order.held(), 0u);
}

TEST(LogicalOrder, AHeldEntryFoundAheadComesOutInItsPlace) {
  LogicalOrder order;
  Emitted out;
  ASSERT_TRUE(order.Add("app-2.zip", Entry("app-2.zip"), out.emit).ok());
  order.Hold(Entry("app"));  // "app.delta", looked up before the listing reaches it
  ASSERT_TRUE(order.Flush(out.emit).ok());
  EXPECT_EQ(out.keys, (std::vector<std::string>{"app", "app-2.zip"}));
}

}  // namespace
}  // namespace deltaglider
