// HeadDeltas: a listing row gives a .delta object's stored size only; its
// original size and record are in its head. This HEADs the .delta rows of a
// window of listed entries, several at once, so listing a bucket of deltas does
// not wait for one round trip per file. Never HEADs anything but .delta keys.
#pragma once

#include <cstddef>
#include <optional>
#include <vector>

#include "deltaglider/ports/object_store.h"

namespace deltaglider {

// How many listed entries are gathered before their .delta objects are HEADed.
size_t HeadWindow(int head_concurrency);

// The heads of the .delta objects of `batch` (the other entries get nullopt),
// `concurrency` at a time on short-lived threads.
std::vector<std::optional<Result<ObjectHead>>> HeadDeltas(ObjectStore& store,
                                                          const std::vector<ListEntry>& batch,
                                                          int concurrency);

}  // namespace deltaglider
