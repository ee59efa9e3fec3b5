// ParallelFor(); see parallel_for.h.
#include "util/parallel_for.h"

#include <algorithm>
#include <atomic>
#include <thread>
#include <vector>

namespace deltaglider {

void ParallelFor(size_t count, unsigned workers, const std::function<void(size_t)>& fn) {
  if (workers == 0) workers = std::max(1u, std::thread::hardware_concurrency());
  const size_t threads = std::min<size_t>(workers, count);
  std::atomic<size_t> next{0};
  const auto work = [&] {
    for (size_t i = next++; i < count; i = next++) fn(i);
  };
  std::vector<std::thread> helpers;
  for (size_t t = 1; t < threads; ++t) helpers.emplace_back(work);
  work();
  for (std::thread& helper : helpers) helper.join();
}

void RunBoth(const std::function<void()>& first, const std::function<void()>& second) {
  ParallelFor(2, 0, [&](size_t i) { i == 0 ? first() : second(); });
}

}  // namespace deltaglider
