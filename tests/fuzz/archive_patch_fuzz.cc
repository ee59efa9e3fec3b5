// libFuzzer entry point for the gzip-patch and zip-patch decoders and the deflate
// correction recipes and the guided deflater; the first byte picks the target
// (mod 8):
//   0, 1  the rest is decoded as a gzip-patch (0) or zip-patch (1) delta against a
//         fixed reference (a small .gz, a small .zip) into a size-capped sink;
//         with bit 4 set (0x10), gzip-patch decodes on its spooled path (what
//         archives past a quarter of the memory limit take), on a memory spool;
//   2     the rest is a correction recipe, rebuilt for a fixed payload;
//   3     the rest is a raw deflate stream: what our inflating reader accepts
//         zlib must inflate to the same bytes; if zlib inflates it, a recipe is
//         made and must rebuild the stream exactly (else the target aborts);
//   4-7   the rest edits a fixed 120 KB payload, text around 40 KB of noise
//         (stored blocks in its stream) (two splices; the first bytes say
//         where, how much is cut and which lazy profile): deflating the edited
//         payload guided by the original's parse, and deflating it on two threads
//         split at 32 or 64 KiB, must give exactly the bytes of an unguided
//         deflate (else the target aborts).
//   8-15  (bit 3 set) the rest is decoded as a zstd-patch delta against a fixed
//         320 KiB reference by the codec with 64 KiB segments: plain frames and
//         segmented deltas (region, sizes and frames all hostile).
// Any crash, sanitizer report, leak or oversized allocation is a bug.
//   cmake -S . -B build-fuzz -G Ninja -DCMAKE_CXX_COMPILER=clang++ -DDG_BUILD_TESTS=OFF
//   ninja -C build-fuzz dg_archive_patch_fuzz
//   build-fuzz/src/codec/dg_archive_patch_fuzz -max_len=65536 -rss_limit_mb=2048 \
//       /tmp/corpus tests/fuzz/archive_patch_seeds
// archive_patch_seeds/ holds real deltas against exactly these references (both
// modes of both codecs), made by this file built with -DDG_FUZZ_MAKE_SEEDS:
//   g++ -std=c++20 -DDG_FUZZ_MAKE_SEEDS -Iinclude -Isrc -Itests tests/fuzz/archive_patch_fuzz.cc \
//       build/src/codec/libdg_codec.a build/src/codec/deflate/libdg_deflate.a \
//       build/src/core/libdg_core.a build/src/util/libdg_util.a -lzstd -lz -lcrypto \
//       -o make_seeds && ./make_seeds DIR
#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <span>
#include <string>
#include <vector>

#include "codec/byte_io.h"
#include "codec/deflate/deflate.h"
#include "codec/deflate/parse_reuse.h"
#include "codec/deflate/stream_parser.h"
#include "codec/deflate_recipe.h"
#include "codec/inflate_raw.h"
#include "codec/zstd_segments.h"
#include "deltaglider/codecs.h"
#include "deltaglider/memory.h"
#include "deltaglider/stream.h"

namespace {

using Bytes = std::vector<std::byte>;
using deltaglider::DeflateProfile;

// Text-like bytes, deterministic.
Bytes Content(size_t size, uint32_t seed) {
  Bytes out(size);
  uint32_t state = seed;
  for (auto& b : out) {
    state = state * 1103515245 + 12345;
    b = static_cast<std::byte>("abcdefgh ijklmnop\n{}();"[(state >> 16) % 24]);
  }
  return out;
}

Bytes DeflateOf(const Bytes& payload) {
  deltaglider::VectorSink stream;
  (void)deltaglider::Deflate(payload, {DeflateProfile::kVanilla, 6, 8}, stream);
  return stream.bytes();
}

// A one-member .gz of `payload` (10-byte header, `stream`: by default profile V L6).
Bytes Gzip(const Bytes& payload, const Bytes& stream) {
  Bytes out = {std::byte{0x1f}, std::byte{0x8b}, std::byte{8}, std::byte{0}, std::byte{0},
               std::byte{0},    std::byte{0},    std::byte{0}, std::byte{0}, std::byte{3}};
  out.insert(out.end(), stream.begin(), stream.end());
  deltaglider::AppendLe(out, deltaglider::Crc32(payload), 4);
  deltaglider::AppendLe(out, payload.size(), 4);
  return out;
}

Bytes Gzip(const Bytes& payload) { return Gzip(payload, DeflateOf(payload)); }

// A .zip-like file: one local header (method 8, name "a") and its stream, which is
// all ScanZip looks at.
Bytes Zip(const Bytes& payload) {
  Bytes out = {std::byte{'P'}, std::byte{'K'}, std::byte{3}, std::byte{4}};
  for (uint32_t field : {20u, 0u, 8u})
    deltaglider::AppendLe(out, field, 2);  // version, flags, method
  deltaglider::AppendLe(out, 0, 4);        // time, date
  const Bytes stream = DeflateOf(payload);
  deltaglider::AppendLe(out, deltaglider::Crc32(payload), 4);
  deltaglider::AppendLe(out, stream.size(), 4);
  deltaglider::AppendLe(out, payload.size(), 4);
  deltaglider::AppendLe(out, 1, 2);  // name length
  deltaglider::AppendLe(out, 0, 2);  // extra length
  out.push_back(std::byte{'a'});
  out.insert(out.end(), stream.begin(), stream.end());
  return out;
}

const Bytes& Reference(bool zip) {
  static const Bytes gzip_reference = Gzip(Content(4096, 1));
  static const Bytes zip_reference = Zip(Content(4096, 1));
  return zip ? zip_reference : gzip_reference;
}

const deltaglider::DeltaCodec& Codec(bool zip) {
  static const auto gzip_codec = deltaglider::NewGzipDeltaCodec({});
  static const auto zip_codec = deltaglider::NewZipDeltaCodec({});
  return zip ? *zip_codec : *gzip_codec;
}

// gzip-patch with every archive on its spooled path (a quarter of a 4-byte limit).
const deltaglider::DeltaCodec& SpoolingGzipCodec() {
  static const auto spool = deltaglider::NewMemorySpool();
  static const auto codec = [] {
    deltaglider::GzipCodecOptions options;
    options.zstd.memory_limit = 4;
    options.spool = spool.get();
    return deltaglider::NewGzipDeltaCodec(options);
  }();
  return *codec;
}

// The zstd-patch codec with small segments (64 KiB against 128 KiB regions), and
// a reference larger than one region.
const deltaglider::DeltaCodec& SegmentingCodec() {
  static const auto codec = deltaglider::zstd_internal::NewZstdDeltaCodec(
      {}, {.segment_bytes = 64 << 10, .region_bytes = 128 << 10, .anchor_spacing_log = 9});
  return *codec;
}

const Bytes& SegmentReference() {
  static const Bytes reference = Content(320 << 10, 3);
  return reference;
}

const Bytes& RecipePayload() {
  static const Bytes payload = Content(4096, 1);
  return payload;
}

// Our inflating reader against zlib's: whatever it accepts, zlib accepts with
// the same bytes and the same stream length (it may refuse more than zlib).
void InflateAndParseAgreesWithZlib(std::span<const std::byte> stream) {
  constexpr uint64_t kLimit = uint64_t{1} << 16;
  Bytes ours;
  deltaglider::deflate::ParsedStream parsed;
  const auto our_size = deltaglider::deflate::InflateAndParse(stream, kLimit, ours, parsed);
  if (!our_size.ok()) {
    if (!ours.empty()) std::abort();  // a refusal leaves the payload as it was
    return;
  }
  Bytes zlib;
  const auto zlib_size = deltaglider::InflateRaw(stream, kLimit, zlib);
  if (!zlib_size.ok() || *zlib_size != *our_size || zlib != ours) std::abort();
  uint64_t covered = 0;
  for (const auto& token : parsed.tokens) covered += token.size();
  if (covered != ours.size()) std::abort();
}

void RecipeRoundTrip(std::span<const std::byte> stream) {
  InflateAndParseAgreesWithZlib(stream);
  Bytes payload;
  if (!deltaglider::InflateRaw(stream, uint64_t{1} << 16, payload).ok()) return;
  auto recipe = deltaglider::MakeDeflateRecipe(payload, stream);
  if (!recipe.ok()) return;
  auto rebuilt = deltaglider::RebuildFromRecipe(payload, *recipe);
  if (!rebuilt.ok() || !std::equal(rebuilt->begin(), rebuilt->end(), stream.begin(),
                                   stream.begin() + static_cast<long>(rebuilt->size()))) {
    std::abort();  // a recipe MakeDeflateRecipe returned must rebuild its stream
  }
}

// The payload the guided-deflate target edits, and its stream per profile.
const Bytes& GuidePayload() {
  static const Bytes payload = [] {
    Bytes b = Content(40000, 7);
    for (size_t i = 30000; i < 40000; ++i) b[i] = b[i - 20000];  // long matches too
    // Then bytes no deflater compresses (stored blocks), then text again.
    uint32_t state = 7;
    for (size_t i = 0; i < 40000; ++i) {
      state = state * 1664525u + 1013904223u;
      b.push_back(static_cast<std::byte>(state >> 24));
    }
    const Bytes more = Content(40000, 8);
    b.insert(b.end(), more.begin(), more.end());
    return b;
  }();
  return payload;
}

uint32_t Le(std::span<const std::byte> b, size_t at, size_t n) {
  uint32_t v = 0;
  for (size_t i = 0; i < n; ++i) v |= static_cast<uint32_t>(b[at + i]) << (8 * i);
  return v;
}

void GuidedEqualsUnguided(std::span<const std::byte> edit) {
  if (edit.size() < 9) return;
  static const DeflateProfile kProfiles[] = {{DeflateProfile::kVanilla, 6, 8},
                                             {DeflateProfile::kVanilla, 9, 2},
                                             {DeflateProfile::kChromiumAnzac, 9, 8},
                                             {DeflateProfile::kGzip, 4, 8}};
  const DeflateProfile& profile = kProfiles[static_cast<uint8_t>(edit[0]) % 4];
  const Bytes& original = GuidePayload();
  Bytes target = original;
  const std::span<const std::byte> inserted = edit.subspan(9);
  for (size_t splice = 0; splice < 2; ++splice) {
    const size_t at = Le(edit, 1 + 4 * splice, 3) % (target.size() + 1);
    const size_t cut =
        std::min<size_t>(static_cast<uint8_t>(edit[4 + 4 * splice]), target.size() - at);
    const auto part =
        splice == 0 ? inserted.first(inserted.size() / 2) : inserted.subspan(inserted.size() / 2);
    target.erase(target.begin() + static_cast<long>(at),
                 target.begin() + static_cast<long>(at + cut));
    target.insert(target.begin() + static_cast<long>(at), part.begin(), part.end());
  }
  static const std::vector<Bytes> streams = [] {
    std::vector<Bytes> made;
    for (const DeflateProfile& p : kProfiles) {
      deltaglider::VectorSink stream;
      (void)deltaglider::Deflate(GuidePayload(), p, stream);
      made.push_back(std::move(stream.bytes()));
    }
    return made;
  }();
  const Bytes& stream = streams[static_cast<uint8_t>(edit[0]) % 4];
  auto reuse = deltaglider::deflate::ParseReuse::Make(stream, original, target);
  if (!reuse.ok()) std::abort();  // our own stream of our own payload must parse
  deltaglider::deflate::TokenGuide guide(*reuse);
  deltaglider::VectorSink guided;
  deltaglider::VectorSink full;
  (void)deltaglider::Deflate(target, profile, guided, &guide);
  (void)deltaglider::Deflate(target, profile, full);
  if (guided.bytes() != full.bytes()) std::abort();
  // The same stream from two threads split at a 32 KiB boundary (Lz77Engine::JoinAt).
  const uint64_t split = 32768 * (1 + static_cast<uint8_t>(edit[8]) % 2);
  deltaglider::VectorSink halves;
  if (deltaglider::DeflateSplitAt(target, profile, halves, split).ok() &&
      halves.bytes() != full.bytes()) {
    std::abort();
  }
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  if (size == 0) return 0;
  const std::span<const std::byte> rest(reinterpret_cast<const std::byte*>(data) + 1, size - 1);
  if ((data[0] & 8) != 0) {
    deltaglider::SpanSource delta(rest);
    deltaglider::VectorSink target(uint64_t{64} << 20);
    (void)SegmentingCodec().Decode(SegmentReference(), delta, target);
    return 0;
  }
  if ((data[0] & 4) != 0) {
    GuidedEqualsUnguided(rest);
    return 0;
  }
  switch (data[0] & 3) {
    case 2:
      (void)deltaglider::RebuildFromRecipe(RecipePayload(), rest);
      return 0;
    case 3:
      RecipeRoundTrip(rest);
      return 0;
    default: {
      const bool zip = (data[0] & 1) != 0;
      const bool spooled = !zip && (data[0] & 0x10) != 0;
      deltaglider::SpanSource delta(rest);
      deltaglider::VectorSink target(uint64_t{64} << 20);
      (void)(spooled ? SpoolingGzipCodec() : Codec(zip)).Decode(Reference(zip), delta, target);
      return 0;
    }
  }
}

#ifdef DG_FUZZ_MAKE_SEEDS
#include <fstream>

#include "codec/zip/zip_test_util.h"

namespace {

// The system zlib's raw deflate with Z_FILTERED: a stream none of our profiles makes.
Bytes FilteredDeflate(const Bytes& payload) {
  return deltaglider::testing::RawDeflate(payload, 6, Z_FILTERED);
}

void WriteSeed(const std::string& path, char selector, std::span<const std::byte> body) {
  std::ofstream out(path, std::ios::binary);
  out.write(&selector, 1);
  out.write(reinterpret_cast<const char*>(body.data()), static_cast<std::streamsize>(body.size()));
}

}  // namespace

int main(int argc, char** argv) {
  if (argc != 2) return 2;
  const Bytes edited = [] {
    Bytes b = Content(4096, 1);
    b[100] = std::byte{'Z'};
    return b;
  }();
  const std::vector<std::pair<std::string, Bytes>> targets = {
      {"gz-target", Gzip(edited)},
      {"zip-target", Zip(edited)},
      {"raw-target", Content(300, 2)},
      {"gz-recipe-target", Gzip(edited, FilteredDeflate(edited))}};
  for (bool zip : {false, true}) {
    for (const auto& [name, target] : targets) {
      deltaglider::SpanSource source(target);
      deltaglider::VectorSink delta;
      if (!Codec(zip).Encode(Reference(zip), source, delta).ok()) return 1;
      WriteSeed(std::string(argv[1]) + "/" + (zip ? "zip-" : "gzip-") + name + ".delta",
                zip ? 1 : 0, delta.bytes());
      if (!zip) {  // the same delta for the spooled path
        WriteSeed(std::string(argv[1]) + "/spooled-gzip-" + name + ".delta", 0x10, delta.bytes());
      }
    }
  }
  Bytes moved = SegmentReference();
  std::rotate(moved.begin(), moved.begin() + 100000, moved.end());
  moved[5000] = std::byte{'Z'};
  const auto one_frame = deltaglider::NewZstdDeltaCodec({});  // 64 MiB segments: none here
  for (const deltaglider::DeltaCodec* codec :
       {&SegmentingCodec(), static_cast<const deltaglider::DeltaCodec*>(one_frame.get())}) {
    deltaglider::SpanSource source(moved);
    deltaglider::VectorSink delta;
    if (!codec->Encode(SegmentReference(), source, delta).ok()) return 1;
    const std::string name = codec == one_frame.get() ? "frame" : "segments";
    WriteSeed(std::string(argv[1]) + "/zstd-" + name + ".delta", '8', delta.bytes());
  }
  const Bytes stream = FilteredDeflate(RecipePayload());
  auto recipe = deltaglider::MakeDeflateRecipe(RecipePayload(), stream);
  if (!recipe.ok()) return 1;
  WriteSeed(std::string(argv[1]) + "/recipe.bin", 2, *recipe);
  WriteSeed(std::string(argv[1]) + "/filtered-stream.bin", 3, stream);
  return 0;
}
#endif
