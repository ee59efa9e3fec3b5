#include "core/logical_order.h"

#include "core/key_layout.h"

namespace deltaglider {

std::vector<std::string_view> DeltasStillAhead(std::string_view stored_key) {
  // A later delta P.delta needs P.delta > stored_key, with P a non-empty prefix
  // of stored_key whose remainder sorts below ".delta" (any other P is above).
  std::vector<std::string_view> ahead;
  for (size_t length = 1; length < stored_key.size(); ++length) {
    if (stored_key.substr(length) < kDeltaSuffix) ahead.push_back(stored_key.substr(0, length));
  }
  return ahead;
}

std::string_view LowestLogicalKeyAfter(std::string_view stored_key) {
  const std::vector<std::string_view> ahead = DeltasStillAhead(stored_key);
  return ahead.empty() ? stored_key : ahead.front();
}

Status LogicalOrder::Add(std::string_view stored_key, ListedEntry entry, const Emit& emit) {
  Hold(std::move(entry));
  const std::string_view bound = LowestLogicalKeyAfter(stored_key);
  if (bound == stored_key) return Flush(emit);  // every later logical key is above this one
  return EmitBelow(bound, emit);
}

void LogicalOrder::Hold(ListedEntry entry) {
  std::string key = entry.file.key;
  held_.emplace(std::move(key), std::move(entry));
}

Status LogicalOrder::Flush(const Emit& emit) {
  for (auto it = held_.begin(); it != held_.end(); it = held_.erase(it)) {
    DG_RETURN_IF_ERROR(emit(std::move(it->second)));
  }
  return OkStatus();
}

Status LogicalOrder::EmitBelow(std::string_view bound, const Emit& emit) {
  for (auto it = held_.begin(); it != held_.end() && it->first < bound; it = held_.erase(it)) {
    DG_RETURN_IF_ERROR(emit(std::move(it->second)));
  }
  return OkStatus();
}

}  // namespace deltaglider
