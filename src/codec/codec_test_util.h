// Helpers shared by the DeltaCodec tests of the archive codecs (gzip-patch,
// zip-patch): encode/decode with failures reported through gtest, the exact
// round trip, the hostile-delta sweeps, and text-like release content. Tests only.
#pragma once

#include <gtest/gtest.h>

#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <functional>
#include <memory>
#include <random>
#include <string>
#include <vector>

#include "deltaglider/ports/delta_codec.h"
#include "deltaglider/stream.h"
#include "tests/testutil/release_data.h"
#include "tests/testutil/temp_dir.h"

namespace deltaglider::testing {

using Bytes = std::vector<std::byte>;

// `n` pseudo-random bytes (incompressible), the same for the same seed.
inline Bytes RandomData(size_t n, uint32_t seed) {
  std::mt19937 rng(seed);
  Bytes out(n);
  for (auto& b : out) b = static_cast<std::byte>(rng());
  return out;
}

// Version `version` of a text-like release (letters, spaces, brackets), so deflate
// finds matches; versions differ by a few edits (SyntheticRelease).
inline Bytes TextRelease(int version, size_t size, uint32_t seed = 42) {
  static constexpr char kAlphabet[] = "abcdefgh ijklmnop\n{}();";
  const std::string random = SyntheticRelease(version, size, seed);
  Bytes out(size);
  for (size_t i = 0; i < size; ++i) {
    out[i] = static_cast<std::byte>(
        kAlphabet[static_cast<uint8_t>(random[i]) % (sizeof(kAlphabet) - 1)]);
  }
  return out;
}

inline Bytes FileBytes(const std::string& path) {
  const std::string text = ReadFile(path);
  return Bytes(reinterpret_cast<const std::byte*>(text.data()),
               reinterpret_cast<const std::byte*>(text.data()) + text.size());
}

inline void WriteBytes(const std::string& path, const Bytes& bytes) {
  WriteFile(path, std::string(reinterpret_cast<const char*>(bytes.data()), bytes.size()));
}

inline Bytes EncodeWith(const DeltaCodec& codec, const Bytes& reference, const Bytes& target) {
  SpanSource source(target);
  VectorSink delta;
  const Status status = codec.Encode(reference, source, delta);
  EXPECT_TRUE(status.ok()) << status.message();
  return delta.bytes();
}

inline Result<Bytes> DecodeWith(const DeltaCodec& codec, const Bytes& reference,
                                const Bytes& delta) {
  SpanSource source(delta);
  VectorSink target;
  DG_RETURN_IF_ERROR(codec.Decode(reference, source, target));
  return target.bytes();
}

// Encodes, decodes, expects the exact target back; returns the delta.
inline Bytes RoundTripWith(const DeltaCodec& codec, const Bytes& reference, const Bytes& target) {
  const Bytes delta = EncodeWith(codec, reference, target);
  auto rebuilt = DecodeWith(codec, reference, delta);
  EXPECT_TRUE(rebuilt.ok()) << rebuilt.error().message;
  if (rebuilt.ok()) {
    EXPECT_TRUE(*rebuilt == target) << "rebuild differs";
  }
  return delta;
}

// One codec instance across references (it keeps what it derived from the
// last one, last_reference.h): each call must see the reference it is given,
// also when the caller refills one buffer with another reference. `a` and `b`
// are references `target` has a delta against.
inline void ExpectEachCallSeesItsOwnReference(const DeltaCodec& codec, const Bytes& a,
                                              const Bytes& b, const Bytes& target) {
  const Bytes delta_a = RoundTripWith(codec, a, target);
  const Bytes delta_b = RoundTripWith(codec, b, target);
  Bytes buffer;
  buffer.reserve(std::max(a.size(), b.size()));
  buffer.assign(a.begin(), a.end());
  auto rebuilt = DecodeWith(codec, buffer, delta_a);
  EXPECT_TRUE(rebuilt.ok() && *rebuilt == target);
  const std::byte* const address = buffer.data();
  buffer.assign(b.begin(), b.end());
  ASSERT_EQ(buffer.data(), address);
  rebuilt = DecodeWith(codec, buffer, delta_b);
  EXPECT_TRUE(rebuilt.ok() && *rebuilt == target);
  EXPECT_FALSE(DecodeWith(codec, buffer, delta_a).ok()) << "decoded against the last reference";
  rebuilt = DecodeWith(codec, a, delta_a);
  EXPECT_TRUE(rebuilt.ok() && *rebuilt == target);
}

// A cold read: a fresh codec rebuilds the reference from its compressed form
// (an Encode against nothing), keeps what it rebuilt without reading it again,
// and decodes the delta of `target` against it; both exact. Then a reference
// with one byte changed is not taken for the one kept.
inline void ExpectAReferenceReadBackServesItsDelta(
    const std::function<std::unique_ptr<DeltaCodec>()>& make, const Bytes& reference,
    const Bytes& target) {
  const Bytes compressed = EncodeWith(*make(), {}, reference);
  const Bytes delta = EncodeWith(*make(), reference, target);
  const std::unique_ptr<DeltaCodec> cold = make();
  auto back = DecodeWith(*cold, {}, compressed);
  ASSERT_TRUE(back.ok()) << back.error().message;
  EXPECT_TRUE(*back == reference);
  auto rebuilt = DecodeWith(*cold, reference, delta);
  ASSERT_TRUE(rebuilt.ok()) << rebuilt.error().message;
  EXPECT_TRUE(*rebuilt == target);
  back = DecodeWith(*cold, {}, compressed);
  Bytes other = reference;
  other[other.size() / 2] ^= std::byte{1};
  EXPECT_FALSE(DecodeWith(*cold, other, delta).ok());
}

// Every single-byte corruption of `delta` (three flips per byte): an error
// (kCorrupted, or kUnsupported for a changed version byte), or, where the byte
// is covered by no check, the exact target; never different bytes.
// The byte positions a flip sweep visits: all of them, except under the
// sanitizers (decodes 10-30x slower: the gzip-patch sweep alone took 335 s of
// CI) where the first 512 bytes (headers, tables) and every 13th after them are
// visited, and the fuzz targets cover hostile deltas at random.
inline size_t NextFlipPosition(size_t i) {
#if defined(__SANITIZE_ADDRESS__) || defined(__SANITIZE_THREAD__)
  return i < 512 ? i + 1 : i + 13;
#else
  return i + 1;
#endif
}

inline void ExpectFlipsCaughtOrHarmless(const DeltaCodec& codec, const Bytes& reference,
                                        const Bytes& target, const Bytes& delta) {
  for (size_t i = 0; i < delta.size(); i = NextFlipPosition(i)) {
    for (std::byte flip : {std::byte{0x01}, std::byte{0x80}, std::byte{0xFF}}) {
      Bytes bad = delta;
      bad[i] ^= flip;
      auto rebuilt = DecodeWith(codec, reference, bad);
      if (rebuilt.ok()) {
        EXPECT_TRUE(*rebuilt == target) << "byte " << i;
      } else {
        EXPECT_TRUE(rebuilt.code() == ErrorCode::kCorrupted ||
                    rebuilt.code() == ErrorCode::kUnsupported)
            << "byte " << i << ": " << rebuilt.error().message;
      }
    }
  }
}

// Every proper prefix of `delta` is kCorrupted.
inline void ExpectTruncationsCorrupted(const DeltaCodec& codec, const Bytes& reference,
                                       const Bytes& delta) {
  for (size_t n = 0; n < delta.size(); ++n) {
    EXPECT_EQ(DecodeWith(codec, reference, Bytes(delta.begin(), delta.begin() + n)).code(),
              ErrorCode::kCorrupted)
        << n;
  }
}

}  // namespace deltaglider::testing
