// DeflateMethod and RebuildDeflateStream: how the codecs that store deflate
// streams as their inflated content (gzip-patch, zip-patch) rebuild each stream
// (a deflater profile that reproduces it, or a correction recipe when none does),
// and the rebuild, checked against the stream's recorded size and CRC32. Never
// returns a stream that differs from what was recorded.
//
// Both sides may lean on the reference's stream of the same entry
// (ReferenceEntry): an unchanged stream is copied from it, and a changed one is
// deflated guided by its parse (codec/deflate/parse_reuse.h), which makes the
// same bytes many times faster. A guided or copied stream is accepted on its
// size and CRC32 like any rebuild, so FindDeflateMethod only returns a method
// whose shortcuts either give the stream exactly or fail that check.
#pragma once

#include <cstddef>
#include <cstdint>
#include <memory>
#include <mutex>
#include <span>
#include <vector>

#include "codec/deflate/deflate.h"
#include "codec/deflate/parse_reuse.h"
#include "deltaglider/result.h"

namespace deltaglider {

class ProvenStreams;

struct DeflateMethod {
  DeflateProfile profile;         // used when `recipe` is empty
  std::vector<std::byte> recipe;  // MakeDeflateRecipe's output, else empty
};

// The parse of one reference stream, made the first time a rebuild leans on it
// and then shared by every later one (a codec keeps these with its reference:
// last_reference.h). Thread-safe.
class ReferenceParseMemo {
 public:
  ReferenceParseMemo() = default;
  // Holding a parse already made (nullptr: made on first use).
  explicit ReferenceParseMemo(std::shared_ptr<const deflate::ReferenceParse> parse)
      : parse_(std::move(parse)) {}

  // nullptr when the stream does not parse against the payload.
  std::shared_ptr<const deflate::ReferenceParse> Get(std::span<const std::byte> stream,
                                                     std::span<const std::byte> payload);

 private:
  std::once_flag once_;
  std::shared_ptr<const deflate::ReferenceParse> parse_;
};

// The reference's compressed stream of the same entry and what it inflates to;
// `parse`, when given, keeps the stream's parse for the next rebuild.
struct ReferenceEntry {
  std::span<const std::byte> stream;
  std::span<const std::byte> payload;
  ReferenceParseMemo* parse = nullptr;
};

// A method for `stream`, trying `candidates` in order (guided by `reference`
// when given), else a correction recipe. kNotFound when the stream cannot be
// rebuilt at all; kFailedPrecondition when a shortcut of the rebuild would give
// another stream of the same size and CRC32 (keep the stream as it is).
Result<DeflateMethod> FindDeflateMethod(std::span<const std::byte> payload,
                                        std::span<const std::byte> stream,
                                        std::span<const DeflateProfile> candidates,
                                        const ReferenceEntry* reference = nullptr);

// The first of `candidates` that reproduces `stream` such that
// RebuildDeflateStream with `reference` gives it exactly; the first candidate,
// without a search, when `reference` holds the same stream (the rebuild copies
// it). kNotFound if none; kFailedPrecondition as FindDeflateMethod.
Result<DeflateProfile> FindReproducingProfile(std::span<const std::byte> payload,
                                              std::span<const std::byte> stream,
                                              std::span<const DeflateProfile> candidates,
                                              const ReferenceEntry* reference);

// True when `stream` has `size` bytes and CRC32 `crc32`: how every rebuilt or
// copied stream is checked against what its delta recorded.
bool SameSizeAndCrc(std::span<const std::byte> stream, uint64_t size, uint32_t crc32);

// The stream, or kCorrupted (message prefixed with `codec`) when its size or CRC32
// differ from the recorded ones (a damaged delta or the wrong reference). A
// stream `proven` (may be null) holds for this payload, method and reference is
// taken from it instead of deflated again (proven_streams.h).
Result<std::vector<std::byte>> RebuildDeflateStream(std::string_view codec,
                                                    std::span<const std::byte> payload,
                                                    const DeflateMethod& method,
                                                    uint64_t stream_size, uint32_t stream_crc32,
                                                    const ReferenceEntry* reference = nullptr,
                                                    ProvenStreams* proven = nullptr);

}  // namespace deltaglider
