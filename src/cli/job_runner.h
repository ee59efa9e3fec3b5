// JobRunner: runs the per-file jobs of a recursive command on `jobs` threads,
// keeping each deltaspace's first job alone. The first job of a group (for the
// tree commands: the deltaspace whose reference a delta-eligible file creates or
// reads) runs before any other job of that group starts, so it creates the
// reference (or caches it) and the rest of the group uses it in parallel; jobs
// without a group run whenever a thread is free.
// Submit() blocks while 4 x jobs jobs are ready and waiting, so a listing streamed
// into it never queues more than that plus the jobs held back behind a group's
// first one. Jobs report their own outcome; they must not throw.
#pragma once

#include <condition_variable>
#include <deque>
#include <functional>
#include <map>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

namespace deltaglider::cli {

class JobRunner {
 public:
  using Job = std::function<void()>;

  // jobs <= 1 runs every job on the calling thread, in order, inside Submit().
  explicit JobRunner(int jobs);
  ~JobRunner();  // Wait()s
  JobRunner(const JobRunner&) = delete;
  JobRunner& operator=(const JobRunner&) = delete;

  // Queues `job`; `group` "" means no ordering constraint.
  void Submit(const std::string& group, Job job);
  // Returns once every submitted job has finished.
  void Wait();

  // The --jobs default: the number of cores, at least 2, at most 16.
  static int DefaultJobs();

 private:
  struct Group {
    bool first_done = false;
    std::vector<Job> held;  // submitted while the first job ran
  };
  struct Ready {
    std::string group;  // set only for a group's first job
    Job job;
  };

  void Work();
  void Finished(const std::string& group);  // REQUIRES: mutex_ held

  const int jobs_;
  std::mutex mutex_;
  std::condition_variable work_available_;
  std::condition_variable space_or_done_;
  std::deque<Ready> ready_;
  std::map<std::string, Group> groups_;
  size_t unfinished_ = 0;
  bool stopping_ = false;
  std::vector<std::thread> threads_;
};

}  // namespace deltaglider::cli
