// Deterministic test inputs for the deflater's tests, generated the same way by
// tests/data/deflate/golden.js (for node's goldens): an xorshift32 stream, so the
// bytes are identical in C++ and JavaScript. Tests only; never used to compress.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>
#include <vector>

namespace deltaglider::deflate::testing {

using Bytes = std::vector<std::byte>;

// One named input of the test grid.
struct TestInput {
  std::string name;
  Bytes bytes;
};

Bytes RandomInput(size_t size, uint32_t seed);
// Words and digits, compressible about 3:1, with 3-byte matches at all distances.
Bytes TextInput(size_t size, uint32_t seed);
// "abcabcabd" x 10 + "xyz" repeated to `size`, then `zeros` zero bytes.
Bytes RepetitiveInput(size_t size, size_t zeros);

// The small grid the C2 goldens were made from (every name is stable).
std::vector<TestInput> GoldenInputs();

}  // namespace deltaglider::deflate::testing
