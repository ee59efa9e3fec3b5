// libFuzzer entry point for the in-process VCDIFF decoder: decodes the input as
// a delta against a fixed 4 KiB reference into a size-capped sink. Any crash,
// sanitizer report, leak or oversized allocation is a bug in the decoder.
//   cmake -S . -B build-fuzz -G Ninja -DCMAKE_CXX_COMPILER=clang++ -DDG_BUILD_TESTS=OFF
//   ninja -C build-fuzz dg_vcdiff_fuzz
//   mkdir -p /tmp/corpus && build-fuzz/src/codec/vcdiff/dg_vcdiff_fuzz -max_len=4096 \
//       -rss_limit_mb=1024 /tmp/corpus tests/fuzz/vcdiff_seeds
// vcdiff_seeds/ holds real `xdelta3 -e` deltas (default, -S none, -n -A, -W 16384,
// source-less, empty target) made against exactly the reference below, so
// mutations reach COPYs, checksums and LZMA state rather than failing early.
#include <cstddef>
#include <cstdint>
#include <span>
#include <vector>

#include "codec/vcdiff/decoder.h"
#include "deltaglider/stream.h"

namespace {

const std::vector<std::byte>& Reference() {
  static const std::vector<std::byte> reference = [] {
    std::vector<std::byte> bytes(4096);
    uint32_t state = 12345;
    for (auto& b : bytes) {
      state = state * 1103515245 + 12345;
      b = std::byte(state >> 24);
    }
    return bytes;
  }();
  return reference;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  deltaglider::SpanSource delta(std::as_bytes(std::span(data, size)));
  deltaglider::VectorSink target(uint64_t{64} << 20);
  (void)deltaglider::vcdiff::DecodeVcdiff(Reference(), delta, target);
  return 0;
}
