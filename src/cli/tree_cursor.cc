#include "cli/tree_cursor.h"

namespace deltaglider::cli {

TreeCursor::TreeCursor(Walk walk, size_t capacity) : capacity_(std::max<size_t>(capacity, 1)) {
  thread_ = std::thread([this, walk = std::move(walk)] {
    Status status = walk([this](const TreeFile& file) -> Status {
      std::unique_lock lock(mutex_);
      changed_.wait(lock, [&] { return cancelled_ || queue_.size() < capacity_; });
      if (cancelled_) return MakeError(ErrorCode::kInternal, "walk cancelled");
      queue_.push_back(file);
      changed_.notify_all();
      return OkStatus();
    });
    std::lock_guard lock(mutex_);
    done_ = true;
    status_ = std::move(status);
    changed_.notify_all();
  });
}

TreeCursor::~TreeCursor() {
  {
    std::lock_guard lock(mutex_);
    cancelled_ = true;
  }
  changed_.notify_all();
  thread_.join();
}

const TreeFile* TreeCursor::Peek() {
  std::unique_lock lock(mutex_);
  changed_.wait(lock, [&] { return done_ || !queue_.empty(); });
  return queue_.empty() ? nullptr : &queue_.front();
}

void TreeCursor::Pop() {
  std::lock_guard lock(mutex_);
  queue_.pop_front();
  changed_.notify_all();
}

Status TreeCursor::status() {
  std::lock_guard lock(mutex_);
  return status_;
}

}  // namespace deltaglider::cli
