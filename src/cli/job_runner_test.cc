#include "cli/job_runner.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <mutex>
#include <vector>

namespace deltaglider::cli {
namespace {

TEST(JobRunner, RunsEveryJob) {
  std::atomic<int> done{0};
  {
    JobRunner runner(4);
    for (int i = 0; i < 100; ++i)
      runner.Submit(i % 3 == 0 ? "" : "g" + std::to_string(i % 5), [&] { ++done; });
  }
  EXPECT_EQ(done.load(), 100);
}

TEST(JobRunner, AGroupsFirstJobFinishesBeforeTheOthersStart) {
  std::mutex mutex;
  std::vector<std::string> events;
  auto log = [&](const std::string& event) {
    std::lock_guard lock(mutex);
    events.push_back(event);
  };
  {
    JobRunner runner(4);
    runner.Submit("space", [&] {
      log("first start");
      std::this_thread::sleep_for(std::chrono::milliseconds(50));
      log("first end");
    });
    for (int i = 0; i < 6; ++i) runner.Submit("space", [&] { log("other"); });
    runner.Submit("", [&] { log("ungrouped"); });  // does not wait for the group
    runner.Wait();
  }
  ASSERT_EQ(events.size(), 9u);
  const auto first_end = std::find(events.begin(), events.end(), "first end");
  const auto ungrouped = std::find(events.begin(), events.end(), "ungrouped");
  EXPECT_LT(ungrouped - events.begin(), first_end - events.begin());
  for (auto it = events.begin(); it != first_end; ++it) EXPECT_NE(*it, "other");
}

TEST(JobRunner, OneJobRunsInlineInOrder) {
  std::vector<int> order;
  JobRunner runner(1);
  for (int i = 0; i < 5; ++i) runner.Submit("g", [&order, i] { order.push_back(i); });
  EXPECT_EQ(order, (std::vector<int>{0, 1, 2, 3, 4}));
}

TEST(JobRunner, DefaultJobsStaysInRange) {
  EXPECT_GE(JobRunner::DefaultJobs(), 2);
  EXPECT_LE(JobRunner::DefaultJobs(), 16);
}

}  // namespace
}  // namespace deltaglider::cli
