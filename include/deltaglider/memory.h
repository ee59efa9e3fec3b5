// In-memory Storage: buckets and objects held in the process, for tests and
// embedding. Nothing survives the Storage object.
#pragma once

#include <memory>

#include "deltaglider/ports/object_store.h"

namespace deltaglider {

std::unique_ptr<Storage> NewMemoryStorage();

}  // namespace deltaglider
