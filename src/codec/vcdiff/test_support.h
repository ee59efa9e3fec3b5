// Helpers shared by the VCDIFF decoder tests: the fixture location, byte
// buffers, test data generators, running the real `xdelta3` binary, and
// building small hand-made deltas. Test-only; never linked into the library.
#pragma once

#include <cstdint>
#include <initializer_list>
#include <span>
#include <string>
#include <vector>

#include "deltaglider/result.h"

namespace deltaglider::vcdiff::testing {

using Bytes = std::vector<std::byte>;

// $DG_SOURCE_DIR/tests/data/upstream-v6 (the copied upstream fixture).
std::string FixtureDir();

Bytes ReadBytes(const std::string& path);
void WriteBytes(const std::string& path, std::span<const std::byte> bytes);
Bytes ToBytes(std::string_view text);
// Bytes from a list of byte values: Of({0x13, 0x03}).
Bytes Of(std::initializer_list<uint8_t> values);

// Decodes `delta` against `reference` with the codec under test.
Result<Bytes> Decode(std::span<const std::byte> reference, std::span<const std::byte> delta);

// `n` pseudo-random bytes (deterministic in `seed`).
Bytes RandomBytes(size_t n, uint64_t seed);
// `n` bytes of line-structured text, like a log or a source tree.
Bytes StructuredBytes(size_t n, uint64_t seed);
// A copy of `base` with `edits` random substitutions, insertions and deletions
// and one moved block, as a new release of a file would look.
Bytes Edit(const Bytes& base, int edits, uint64_t seed);

// Runs `xdelta3 -e -f <flags> [-s reference] target delta` in a temp directory
// (no -s when `reference` is null) and returns the delta; fails the test on error.
Bytes Xdelta3Encode(const std::string& flags, const Bytes* reference, const Bytes& target);

// `gzip -dc` of `compressed`; fails the test on error.
Bytes Gunzip(const Bytes& compressed);

// A hand-made VCDIFF delta, for inputs xdelta3 never writes.
class DeltaBuilder {
 public:
  // Starts with the magic, version 0 and `header_indicator`, followed by `extra`.
  explicit DeltaBuilder(uint8_t header_indicator, std::initializer_list<uint8_t> extra = {});
  DeltaBuilder& Byte(uint8_t value);
  DeltaBuilder& Varint(uint64_t value);
  DeltaBuilder& Raw(std::span<const std::byte> bytes);
  // Appends a window without checksum or compression. `segment` is {length,
  // offset} when win_ind has VCD_SOURCE or VCD_TARGET.
  DeltaBuilder& Window(uint8_t win_ind, uint64_t segment_length, uint64_t segment_offset,
                       uint64_t target_length, const Bytes& data, const Bytes& inst,
                       const Bytes& addr);
  const Bytes& bytes() const { return bytes_; }

 private:
  Bytes bytes_;
};

// Varint encoding, for building sections by hand.
Bytes EncodeVarint(uint64_t value);

}  // namespace deltaglider::vcdiff::testing
