// Raw deflate (RFC 1951, 32 KiB window, default strategy) that reproduces the
// output of three real-world deflaters bit for bit, so a .gz/.tgz/.zip can be
// stored as its inflated content plus a few bytes of parameters and rebuilt
// exactly. Profiles (docs/architecture.md, "Archive-aware codecs"):
//   kVanilla        zlib 1.2.x/1.3.x (Debian, Python, JDK, old node)
//   kChromiumCrc32c Chromium's zlib fork 2015 - Oct 2023 on CPUs with CRC32C
//   kChromiumAnzac  Chromium's zlib fork since Oct 2023 (node >= 20.10)
//   kGzip           GNU gzip and Info-ZIP zip's own deflate
// This is our own code: a rebuild never depends on the system's zlib. Nothing
// here may change the bytes a profile produces; any change in output is a format
// break for every stored delta. Thread-safe: no shared mutable state.
#pragma once

#include <cstddef>
#include <cstdint>
#include <span>
#include <string>
#include <vector>

#include "codec/deflate/token.h"
#include "deltaglider/result.h"
#include "deltaglider/stream.h"

namespace deltaglider {

namespace deflate {
class TokenGuide;  // parse_reuse.h
}  // namespace deflate

struct DeflateProfile {
  // Stable numbering: the value is stored in deltas.
  // kGzip: Info-ZIP zip 3.0's own deflate (gzip's lineage): the vanilla hash
  // with 15 bits, blocks of up to 32767 symbols and gzip's early block end; its
  // mem_level must be 8.
  enum Hash : uint8_t { kVanilla = 0, kChromiumCrc32c = 1, kChromiumAnzac = 2, kGzip = 3 };
  Hash hash = kVanilla;
  int level = 6;      // 1..9
  int mem_level = 8;  // 1..9

  bool operator==(const DeflateProfile&) const = default;
};

// Whether a long unguided run may choose its tokens on two threads (from 1 MiB
// to 128 MiB of input): faster, but it holds every token (4 bytes each, up to
// one per input byte) until it codes them. kOne keeps memory at the window
// whatever the input's size (payloads too big for memory).
enum class DeflateThreads { kTwo, kOne };

// "V L6 m8", "C1 L9 m8", "C2 L9 m8", "G L6 m8".
std::string DeflateProfileName(const DeflateProfile& profile);

// True when the profile's fields are in range.
bool IsValidDeflateProfile(const DeflateProfile& profile);

// Compresses all of `input` as one raw deflate stream ending in a final block and
// writes it to `out`. kInvalidArgument for an invalid profile; the sink's error.
// With `guide` (a fresh one, over a ParseReuse made for this input), the matcher
// copies the reference's decisions wherever they provably hold (parse_reuse.h):
// the same bytes, much faster, when the reference stream was written by
// `profile`; other bytes when it was not, so the caller must check the result.
Status Deflate(std::span<const std::byte> input, const DeflateProfile& profile, ByteSink& out,
               deflate::TokenGuide* guide = nullptr, DeflateThreads threads = DeflateThreads::kTwo);

// Deflate() unguided, with a lazy level's tokens chosen on two threads split at
// input position `split` whatever the input's size (Deflate() splits only inputs
// of 1 MiB or more, near the middle): the same bytes; for tests and fuzzing.
// kInvalidArgument unless `split` is a multiple of 32 KiB inside the input.
Status DeflateSplitAt(std::span<const std::byte> input, const DeflateProfile& profile,
                      ByteSink& out, uint64_t split);

// The literals and matches `profile` chooses for `payload`, in order (what the
// correction coder predicts a real stream with). Empty for an invalid profile.
std::vector<deflate::Token> DeflateTokens(std::span<const std::byte> payload,
                                          const DeflateProfile& profile);

// True when deflating `payload` with `profile` (guided by `guide`, as Deflate())
// gives exactly `expected`. Stops at the first block whose bytes differ, so a
// wrong profile costs little (a long unguided run, whose tokens are chosen on
// two threads before they are coded, checks its first block alone first).
bool DeflateReproduces(std::span<const std::byte> payload, const DeflateProfile& profile,
                       std::span<const std::byte> expected, deflate::TokenGuide* guide = nullptr,
                       DeflateThreads threads = DeflateThreads::kTwo);

// True when the first block of deflating `payload` with `profile` (unguided) is
// the start of `expected`: a cheap filter before a full or guided comparison.
bool DeflateStartsLike(std::span<const std::byte> payload, const DeflateProfile& profile,
                       std::span<const std::byte> expected);

// The first profile that reproduces `stream` from `payload`, trying the ones seen
// in the wild first (Chromium ANZAC L9 m8, vanilla L6 m8, vanilla L9 m8, Chromium
// CRC-32C L9 m8, Chromium ANZAC L6 m8, gzip L6 and L9), then every zlib-family
// hash x level 1-9 x memLevel 1-9 and gzip at every level.
// kNotFound when none does.
Result<DeflateProfile> FindDeflateProfile(std::span<const std::byte> payload,
                                          std::span<const std::byte> stream);

// Every profile, in the order FindDeflateProfile tries them.
std::span<const DeflateProfile> AllDeflateProfiles();

// The first of `candidates` that reproduces `stream`, in order; kNotFound if none.
// For containers of many streams (zip) where the full search would cost too much.
Result<DeflateProfile> FindDeflateProfileAmong(std::span<const std::byte> payload,
                                               std::span<const std::byte> stream,
                                               std::span<const DeflateProfile> candidates,
                                               DeflateThreads threads = DeflateThreads::kTwo);

}  // namespace deltaglider
