#include "core/delta_heads.h"

#include <algorithm>

#include "core/key_layout.h"
#include "util/parallel_for.h"

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
  ParallelFor(todo.size(), static_cast<unsigned>(std::max(concurrency, 1)),
              [&](size_t n) { heads[todo[n]] = store.Head(batch[todo[n]].key); });
  return heads;
}

}  // namespace deltaglider
