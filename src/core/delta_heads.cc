#include "core/delta_heads.h"

#include <algorithm>
#include <atomic>
#include <thread>

#include "core/key_layout.h"

namespace deltaglider {

size_t HeadWindow(int head_concurrency) {
  return head_concurrency <= 1 ? 1 : 8 * static_cast<size_t>(head_concurrency);
}

std::vector<std::optional<Result<ObjectHead>>> HeadDeltas(ObjectStore& store,
                                                          const std::vector<ListEntry>& batch,
                                                          int concurrency) {
  std::vector<std::optional<Result<ObjectHead>>> heads(batch.size());
  std::vector<size_t> todo;
  for (size_t i = 0; i < batch.size(); ++i) {
    if (!batch[i].is_prefix && HasDeltaSuffix(batch[i].key)) todo.push_back(i);
  }
  std::atomic<size_t> next{0};
  auto work = [&] {
    for (size_t n; (n = next.fetch_add(1)) < todo.size();) {
      heads[todo[n]] = store.Head(batch[todo[n]].key);
    }
  };
  const size_t threads = std::min(todo.size(), static_cast<size_t>(std::max(concurrency, 1)));
  if (threads <= 1) {
    work();
    return heads;
  }
  std::vector<std::thread> pool;
  for (size_t t = 0; t < threads; ++t) pool.emplace_back(work);
  for (std::thread& thread : pool) thread.join();
  return heads;
}

}  // namespace deltaglider
