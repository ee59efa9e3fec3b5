// LogicalOrder: turns a store listing, which comes in *stored*-key order, into
// strictly ascending *logical*-key order, holding back as few entries as the
// ".delta" suffix requires. A delta "X.delta" lists after keys such as "X-2.zip"
// ('-' sorts before '.') although its logical key "X" sorts before them; S3's
// listing order and sync's merge of two sorted trees need the logical order.
// Pure: no store access (a listing that must not hold many entries looks the
// deltas DeltasStillAhead() names up itself).
#pragma once

#include <cstddef>
#include <functional>
#include <map>
#include <string>
#include <string_view>
#include <vector>

#include "deltaglider/client.h"

namespace deltaglider {

// The logical keys P of the deltas ("P.delta") that can still be listed after
// `stored_key` yet sort before it by logical key: the prefixes of `stored_key`
// whose remainder sorts below ".delta", shortest first.
std::vector<std::string_view> DeltasStillAhead(std::string_view stored_key);

// No entry listed after `stored_key` can have a logical key below the returned
// bound: the first of DeltasStillAhead(stored_key), else `stored_key` itself.
std::string_view LowestLogicalKeyAfter(std::string_view stored_key);

class LogicalOrder {
 public:
  using Emit = std::function<Status(ListedEntry&&)>;

  // Takes `entry` (logical key entry.file.key), listed at `stored_key`, and
  // passes on, in order, every held entry that no later one can precede. An
  // `emit` error stops and is returned.
  Status Add(std::string_view stored_key, ListedEntry entry, const Emit& emit);
  // Holds `entry` without passing anything on (a delta found ahead of the listing).
  void Hold(ListedEntry entry);
  // Passes on everything held (the listing ended, or nothing held can be preceded).
  Status Flush(const Emit& emit);

  size_t held() const { return held_.size(); }

 private:
  Status EmitBelow(std::string_view bound, const Emit& emit);

  std::multimap<std::string, ListedEntry> held_;  // by logical key
};

}  // namespace deltaglider
