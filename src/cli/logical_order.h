// LogicalOrder: turns a store listing, which comes in *stored*-key order, into
// strictly ascending *logical*-key order, holding back as few entries as the
// ".delta" suffix requires. A delta "X.delta" lists after keys such as "X-2.zip"
// ('-' sorts before '.') although its logical key "X" sorts before them; sync's
// merge of two sorted trees needs the logical order. Pure: no store access.
#pragma once

#include <map>
#include <string>
#include <string_view>

#include "cli/tree_walk.h"

namespace deltaglider::cli {

// No entry listed after stored key `stored_key` can have a logical key below the
// returned bound: the shortest prefix P of `stored_key` with P + ".delta" sorting
// after it, or `stored_key` itself when there is none.
std::string_view LowestLogicalKeyAfter(std::string_view stored_key);

class LogicalOrder {
 public:
  // Takes the entry listed at `stored_key` whose logical key is `logical_key`
  // (`file` describes it) and passes on, in order, every held entry that no later
  // one can precede. A visitor error stops and is returned.
  Status Add(std::string_view stored_key, std::string logical_key, TreeFile file,
             const TreeVisitor& visit);
  // Passes on everything still held (the listing ended).
  Status Flush(const TreeVisitor& visit);

 private:
  Status EmitBelow(std::string_view bound, const TreeVisitor& visit);

  std::multimap<std::string, TreeFile> held_;  // by logical key
};

}  // namespace deltaglider::cli
