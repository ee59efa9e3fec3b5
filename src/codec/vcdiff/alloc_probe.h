// A test-only probe of the largest single operator-new allocation, so hostile-
// input tests can show that sizes a delta merely claims never become memory.
// Linking it replaces the global operator new/delete of the test binary; it must
// never be linked into a library.
#pragma once

#include <cstddef>

namespace deltaglider::vcdiff::testing {

// Starts recording; StopAllocationProbe returns the largest request since then.
void StartAllocationProbe();
size_t StopAllocationProbe();

}  // namespace deltaglider::vcdiff::testing
