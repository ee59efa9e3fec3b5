// MapFile: the bytes of an open file as a read-only Blob (mmap), for adapters
// that hand files to code that wants spans (the reference cache, the spool). The
// mapping lives as long as the Blob, whatever happens to the descriptor; it must
// never be made writable.
#pragma once

#include <cstdint>
#include <memory>
#include <string_view>

#include "deltaglider/ports/blob.h"
#include "deltaglider/result.h"

namespace deltaglider::posix {

// The first `size` bytes of `fd` (an empty file maps to an empty Blob without
// mmap); errors name `what`.
Result<std::shared_ptr<const Blob>> MapFile(int fd, uint64_t size, std::string_view what);

}  // namespace deltaglider::posix
