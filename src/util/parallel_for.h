// ParallelFor: runs a function over the indices 0..count-1 on a few threads (the
// caller's among them), each taking the next index when it is free, and returns
// when all are done. For independent work: the archive codecs' streams, the
// HEADs of a listing window, the groups `analyze` samples. The function
// must not throw and must be safe to run concurrently for different indices.
#pragma once

#include <cstddef>
#include <functional>

namespace deltaglider {

// `workers` 0 means one per hardware thread.
void ParallelFor(size_t count, unsigned workers, const std::function<void(size_t)>& fn);

// Runs `first` and `second` at once (one after the other on one hardware thread).
void RunBoth(const std::function<void()>& first, const std::function<void()>& second);

}  // namespace deltaglider
