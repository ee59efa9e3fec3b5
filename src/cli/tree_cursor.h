// TreeCursor: reads a tree walk (tree_walk.h, which pushes entries to a visitor)
// one entry at a time, so sync can merge two sorted trees without holding either.
// The walk runs on its own thread into a bounded queue (`capacity` entries) and
// stops early when the cursor is destroyed. One consumer thread; never reads
// file contents.
#pragma once

#include <condition_variable>
#include <deque>
#include <functional>
#include <mutex>
#include <thread>

#include "cli/tree_walk.h"

namespace deltaglider::cli {

class TreeCursor {
 public:
  using Walk = std::function<Status(const TreeVisitor&)>;

  TreeCursor(Walk walk, size_t capacity);
  ~TreeCursor();  // stops the walk and joins its thread
  TreeCursor(const TreeCursor&) = delete;
  TreeCursor& operator=(const TreeCursor&) = delete;

  // The next entry, waiting for it; nullptr once the walk has ended (then see
  // status()). Valid until Pop().
  const TreeFile* Peek();
  // REQUIRES: Peek() returned an entry.
  void Pop();
  // After Peek() returned nullptr: how the walk ended.
  Status status();

 private:
  const size_t capacity_;
  std::mutex mutex_;
  std::condition_variable changed_;
  std::deque<TreeFile> queue_;
  bool done_ = false;       // the walk returned
  bool cancelled_ = false;  // the cursor is going away
  Status status_;
  std::thread thread_;
};

}  // namespace deltaglider::cli
