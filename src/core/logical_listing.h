// LogicalListing: one page of DeltaService::List. It turns the store's listing
// (stored keys: "app.zip.delta", references, ".dg-*" directories) into logical
// files in logical-key order (LogicalOrder), applies start-after and max-keys to
// the *logical* keys, and keeps memory bounded: when many entries wait on a delta
// that could still list later, it HEADs the few keys such a delta can have
// (DeltasStillAhead) and lets them go. It never writes.
#pragma once

#include <map>
#include <optional>
#include <set>
#include <string>
#include <string_view>

#include "core/logical_order.h"
#include "deltaglider/client.h"
#include "deltaglider/ports/object_store.h"

namespace deltaglider {

class LogicalListing {
 public:
  LogicalListing(ObjectStore& store, const ListRequest& request, const FileVisitor& visit);

  Result<ListPage> Run();

 private:
  // One listed store entry (with its head when it is a .delta).
  Status Take(const ListEntry& entry, std::optional<Result<ObjectHead>>& head);
  // What the visitor sees of a listed store entry; nullopt when hidden.
  Result<std::optional<ListedEntry>> Listed(const ListEntry& entry,
                                            std::optional<Result<ObjectHead>>& head) const;
  // Looks up the deltas that could still list after `stored_key` and sort
  // before what is held, then lets everything held go.
  Status LookAhead(std::string_view stored_key);
  // Forgets direct keys and looked-up deltas the listing is past.
  void Forget(std::string_view stored_key);
  // Applies start-after and max-keys and passes `entry` to the visitor.
  Status Emit(ListedEntry&& entry);
  size_t HeldLimit() const;
  std::string Uri(std::string_view key) const;

  ObjectStore& store_;
  const ListRequest& request_;
  const FileVisitor& visit_;
  LogicalOrder order_;
  // Direct objects listed at a prefix of the current position: a later
  // "KEY.delta" of the same logical key is shadowed by them.
  std::set<std::string> directs_;
  // Logical keys whose "KEY.delta" LookAhead() HEADed: true when it was found
  // (and held), so the listing skips it when it gets there.
  std::map<std::string, bool> looked_up_;
  ListPage page_;
  std::optional<std::string> last_;  // the last key the visitor saw
  bool full_ = false;                // the page is full: the store listing stops
};

}  // namespace deltaglider
