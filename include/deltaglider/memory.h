// In-memory Storage and Spool: buckets, objects and spooled streams held in
// the process, for tests and embedding. Nothing survives the objects.
#pragma once

#include <memory>

#include "deltaglider/ports/object_store.h"
#include "deltaglider/ports/spool.h"

namespace deltaglider {

std::unique_ptr<Storage> NewMemoryStorage();

// Spool files held in memory (ports/spool.h): for tests and small streams.
std::unique_ptr<Spool> NewMemorySpool();

}  // namespace deltaglider
