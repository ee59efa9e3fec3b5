#include "cli/job_runner.h"

#include <algorithm>

namespace deltaglider::cli {

JobRunner::JobRunner(int jobs) : jobs_(std::max(jobs, 1)) {
  if (jobs_ == 1) return;
  for (int i = 0; i < jobs_; ++i) threads_.emplace_back([this] { Work(); });
}

JobRunner::~JobRunner() {
  Wait();
  {
    std::lock_guard lock(mutex_);
    stopping_ = true;
  }
  work_available_.notify_all();
  for (std::thread& thread : threads_) thread.join();
}

int JobRunner::DefaultJobs() {
  const int cores = static_cast<int>(std::thread::hardware_concurrency());
  return std::clamp(cores, 2, 16);
}

void JobRunner::Submit(const std::string& group, Job job) {
  if (jobs_ == 1) {
    job();
    return;
  }
  std::unique_lock lock(mutex_);
  space_or_done_.wait(lock, [&] { return ready_.size() < 4 * static_cast<size_t>(jobs_); });
  ++unfinished_;
  if (group.empty()) {
    ready_.push_back({"", std::move(job)});
  } else if (auto it = groups_.find(group); it == groups_.end()) {
    groups_[group];  // its first job: runs alone
    ready_.push_back({group, std::move(job)});
  } else if (it->second.first_done) {
    ready_.push_back({"", std::move(job)});
  } else {
    it->second.held.push_back(std::move(job));
  }
  work_available_.notify_one();
}

void JobRunner::Wait() {
  if (jobs_ == 1) return;
  std::unique_lock lock(mutex_);
  space_or_done_.wait(lock, [&] { return unfinished_ == 0; });
}

void JobRunner::Work() {
  std::unique_lock lock(mutex_);
  for (;;) {
    work_available_.wait(lock, [&] { return stopping_ || !ready_.empty(); });
    if (ready_.empty()) return;
    Ready next = std::move(ready_.front());
    ready_.pop_front();
    space_or_done_.notify_all();
    lock.unlock();
    next.job();
    lock.lock();
    Finished(next.group);
  }
}

void JobRunner::Finished(const std::string& group) {
  --unfinished_;
  if (!group.empty()) {
    Group& state = groups_[group];
    state.first_done = true;
    for (Job& job : state.held) ready_.push_back({"", std::move(job)});
    state.held.clear();
    state.held.shrink_to_fit();
    work_available_.notify_all();
  }
  space_or_done_.notify_all();
}

}  // namespace deltaglider::cli
