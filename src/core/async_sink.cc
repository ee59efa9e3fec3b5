#include "deltaglider/async_sink.h"

namespace deltaglider {

namespace {
constexpr size_t kMaxQueued = 2;
}  // namespace

AsyncSink::AsyncSink(ByteSink& inner, size_t buffer_bytes)
    : inner_(inner), buffer_bytes_(buffer_bytes), writer_([this] { Run(); }) {
  current_.reserve(buffer_bytes_);
}

AsyncSink::~AsyncSink() {
  {
    std::lock_guard lock(mu_);
    closing_ = true;
  }
  cv_.notify_all();
  writer_.join();
}

Status AsyncSink::error() const {
  std::lock_guard lock(mu_);
  return status_;
}

Status AsyncSink::Write(std::span<const std::byte> data) {
  while (!data.empty()) {
    const size_t n = std::min(data.size(), buffer_bytes_ - current_.size());
    current_.insert(current_.end(), data.begin(), data.begin() + static_cast<ptrdiff_t>(n));
    data = data.subspan(n);
    if (current_.size() == buffer_bytes_) Submit();
  }
  return error();
}

void AsyncSink::Submit() {
  std::unique_lock lock(mu_);
  cv_.wait(lock, [this] { return queue_.size() < kMaxQueued || !status_.ok(); });
  if (status_.ok()) queue_.push_back(std::move(current_));
  lock.unlock();
  cv_.notify_all();
  current_ = std::vector<std::byte>();
  current_.reserve(buffer_bytes_);
}

Status AsyncSink::Finish() {
  if (!current_.empty()) Submit();
  std::unique_lock lock(mu_);
  cv_.wait(lock, [this] { return (queue_.empty() && !busy_) || !status_.ok(); });
  return status_;
}

void AsyncSink::Run() {
  std::unique_lock lock(mu_);
  for (;;) {
    cv_.wait(lock, [this] { return !queue_.empty() || closing_; });
    if (queue_.empty()) return;
    std::vector<std::byte> buffer = std::move(queue_.front());
    queue_.pop_front();
    busy_ = true;
    lock.unlock();
    Status written = status_.ok() ? inner_.Write(buffer) : OkStatus();
    lock.lock();
    busy_ = false;
    if (!written.ok() && status_.ok()) status_ = written;
    cv_.notify_all();
  }
}

}  // namespace deltaglider
