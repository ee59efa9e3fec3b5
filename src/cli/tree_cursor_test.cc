#include "cli/tree_cursor.h"

#include <gtest/gtest.h>

#include <atomic>
#include <string>

namespace deltaglider::cli {
namespace {

TreeCursor::Walk Numbers(int count, std::atomic<int>* visited, Status end = OkStatus()) {
  return [count, visited, end](const TreeVisitor& visit) -> Status {
    for (int i = 0; i < count; ++i) {
      TreeFile file;
      file.relative = std::to_string(1000 + i);
      DG_RETURN_IF_ERROR(visit(file));
      if (visited != nullptr) ++*visited;
    }
    return end;
  };
}

TEST(TreeCursor, ReadsEveryEntryInOrder) {
  TreeCursor cursor(Numbers(100, nullptr), 4);
  for (int i = 0; i < 100; ++i) {
    const TreeFile* file = cursor.Peek();
    ASSERT_NE(file, nullptr);
    EXPECT_EQ(file->relative, std::to_string(1000 + i));
    EXPECT_EQ(cursor.Peek(), file);  // peeking does not advance
    cursor.Pop();
  }
  EXPECT_EQ(cursor.Peek(), nullptr);
  EXPECT_TRUE(cursor.status().ok());
}

TEST(TreeCursor, ReportsHowTheWalkEnded) {
  TreeCursor cursor(Numbers(2, nullptr, MakeError(ErrorCode::kUnavailable, "listing broke")), 8);
  for (int i = 0; i < 2; ++i) {
    ASSERT_NE(cursor.Peek(), nullptr);
    cursor.Pop();
  }
  EXPECT_EQ(cursor.Peek(), nullptr);
  EXPECT_EQ(cursor.status().code(), ErrorCode::kUnavailable);
}

TEST(TreeCursor, StopsAWalkNobodyReads) {
  std::atomic<int> visited{0};
  {
    TreeCursor cursor(Numbers(1000000, &visited), 8);
    ASSERT_NE(cursor.Peek(), nullptr);
  }  // destroyed with the walk blocked on its full queue
  EXPECT_LT(visited.load(), 100);
}

}  // namespace
}  // namespace deltaglider::cli
