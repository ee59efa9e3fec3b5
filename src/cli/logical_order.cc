#include "cli/logical_order.h"

#include "core/key_layout.h"

namespace deltaglider::cli {

std::string_view LowestLogicalKeyAfter(std::string_view stored_key) {
  // A later delta P.delta needs P.delta > stored_key, with P a non-empty prefix
  // of stored_key whose remainder sorts below ".delta" (any other P is above).
  for (size_t length = 1; length < stored_key.size(); ++length) {
    if (stored_key.substr(length) < kDeltaSuffix) return stored_key.substr(0, length);
  }
  return stored_key;
}

Status LogicalOrder::Add(std::string_view stored_key, std::string logical_key, TreeFile file,
                         const TreeVisitor& visit) {
  held_.emplace(std::move(logical_key), std::move(file));
  const std::string_view bound = LowestLogicalKeyAfter(stored_key);
  if (bound == stored_key) return Flush(visit);  // every later logical key is above this one
  return EmitBelow(bound, visit);
}

Status LogicalOrder::Flush(const TreeVisitor& visit) {
  for (auto it = held_.begin(); it != held_.end(); it = held_.erase(it)) {
    DG_RETURN_IF_ERROR(visit(it->second));
  }
  return OkStatus();
}

Status LogicalOrder::EmitBelow(std::string_view bound, const TreeVisitor& visit) {
  for (auto it = held_.begin(); it != held_.end() && it->first < bound; it = held_.erase(it)) {
    DG_RETURN_IF_ERROR(visit(it->second));
  }
  return OkStatus();
}

}  // namespace deltaglider::cli
