// The gzip-patch codec: exact rebuilds of gzip files from zlib (every level), from
// our own Chromium-profile deflater, with optional header fields and several
// members; the raw fallback for everything else; hostile deltas.
#include <gtest/gtest.h>

#include <cstdlib>
#include <string>
#include <thread>

#include "codec/codec_test_util.h"
#include "codec/deflate/deflate.h"
#include "codec/gzip/gzip_patch_format.h"
#include "codec/gzip/gzip_test_util.h"
#include "deltaglider/codecs.h"

namespace deltaglider {
namespace {

using testing::GzipOptions;
using testing::ZlibGzip;
using Bytes = std::vector<std::byte>;

constexpr size_t kModeOffset = 5;  // "DGGZ", version, mode

Bytes Release(int version, size_t size) { return testing::TextRelease(version, size); }

std::unique_ptr<DeltaCodec> Codec() { return NewGzipDeltaCodec(GzipCodecOptions{}); }

Bytes RoundTrip(const Bytes& reference, const Bytes& target) {
  return testing::RoundTripWith(*Codec(), reference, target);
}

bool IsMembersMode(const Bytes& delta) {
  return delta.size() > kModeOffset && delta[kModeOffset] == std::byte{1};
}

Bytes OurGzip(const Bytes& payload, const DeflateProfile& profile) {
  const Bytes empty_gzip = ZlibGzip({}, {});
  Bytes out(empty_gzip.begin(), empty_gzip.begin() + 10);
  VectorSink stream;
  EXPECT_TRUE(Deflate(payload, profile, stream).ok());
  out.insert(out.end(), stream.bytes().begin(), stream.bytes().end());
  const uint32_t crc = static_cast<uint32_t>(
      crc32(0, reinterpret_cast<const Bytef*>(payload.data()), static_cast<uInt>(payload.size())));
  const uint32_t size = static_cast<uint32_t>(payload.size());
  for (uint32_t v : {crc, size}) {
    for (int i = 0; i < 4; ++i) out.push_back(static_cast<std::byte>(v >> (8 * i)));
  }
  return out;
}

TEST(GzipDeltaCodec, NameAndCommandLine) {
  auto codec = Codec();
  EXPECT_EQ(codec->name(), "gzip-patch");
  EXPECT_EQ(CodecNameOf(codec->CommandLine("a.tgz")), "gzip-patch");
}

TEST(GzipDeltaCodec, ZlibGzipAtEveryLevelRebuildsExactlyAndDeltasSmall) {
  const Bytes v1 = Release(1, 200000);
  const Bytes v2 = Release(2, 200000);
  for (int level = 1; level <= 9; ++level) {
    const Bytes reference = ZlibGzip(v1, testing::AtLevel(level));
    const Bytes target = ZlibGzip(v2, testing::AtLevel(level));
    const Bytes delta = RoundTrip(reference, target);
    EXPECT_TRUE(IsMembersMode(delta)) << level;
    EXPECT_LT(delta.size(), 1000u) << level << " target " << target.size();
  }
}

TEST(GzipDeltaCodec, ChromiumProfilesRebuildExactly) {
  const Bytes v1 = Release(3, 100000);
  const Bytes v2 = Release(4, 100000);
  for (auto hash : {DeflateProfile::kChromiumAnzac, DeflateProfile::kChromiumCrc32c}) {
    for (int level : {6, 9}) {
      const Bytes delta = RoundTrip(OurGzip(v1, {hash, level, 8}), OurGzip(v2, {hash, level, 8}));
      EXPECT_TRUE(IsMembersMode(delta));
      EXPECT_LT(delta.size(), 1000u);
    }
  }
}

// What `gzip -N` and `tar czf` make (GNU gzip's own deflate, profile G).
TEST(GzipDeltaCodec, GzipProgramFilesRebuildExactly) {
  testing::TempDir tmp;
  const Bytes v1 = Release(1, 150000);
  const Bytes v2 = Release(2, 150000);
  testing::WriteFile(tmp.Sub("v1"),
                     std::string(reinterpret_cast<const char*>(v1.data()), v1.size()));
  testing::WriteFile(tmp.Sub("v2"),
                     std::string(reinterpret_cast<const char*>(v2.data()), v2.size()));
  for (int level : {1, 6, 9}) {
    const std::string flag = " -" + std::to_string(level) + " -k -f ";
    ASSERT_EQ(std::system(("gzip" + flag + tmp.Sub("v1") + " " + tmp.Sub("v2")).c_str()), 0);
    const Bytes delta =
        RoundTrip(testing::FileBytes(tmp.Sub("v1.gz")), testing::FileBytes(tmp.Sub("v2.gz")));
    EXPECT_TRUE(IsMembersMode(delta)) << level;
    EXPECT_LT(delta.size(), 1000u) << level;
  }
}

// What `pigz` makes (zlib's deflate on 128 KiB blocks, each primed with the 32 KiB
// before it and ended by a sync flush): no profile reproduces such a stream, a
// correction recipe does; the delta stays small and the rebuild exact.
TEST(GzipDeltaCodec, PigzFilesRebuildExactly) {
  testing::TempDir tmp;
  const Bytes v1 = Release(1, 600000);
  const Bytes v2 = Release(2, 600000);
  testing::WriteBytes(tmp.Sub("v1"), v1);
  testing::WriteBytes(tmp.Sub("v2"), v2);
  for (const std::string flags : {"-6", "-9 -p 2"}) {
    ASSERT_EQ(std::system(("pigz " + flags + " -k -f " + tmp.Sub("v1") + " " + tmp.Sub("v2")).c_str()),
              0);
    const Bytes target = testing::FileBytes(tmp.Sub("v2.gz"));
    const Bytes delta = RoundTrip(testing::FileBytes(tmp.Sub("v1.gz")), target);
    EXPECT_TRUE(IsMembersMode(delta)) << flags;
    EXPECT_LT(delta.size(), target.size() / 20) << flags;
  }
}

TEST(GzipDeltaCodec, EmptyPayload) {
  EXPECT_TRUE(IsMembersMode(RoundTrip(ZlibGzip(Release(1, 1000), {}), ZlibGzip({}, {}))));
  EXPECT_TRUE(IsMembersMode(RoundTrip({}, ZlibGzip({}, testing::AtLevel(9)))));
}

TEST(GzipDeltaCodec, OptionalHeaderFieldsAndMultipleMembers) {
  GzipOptions named;
  named.name = "release-2.tar";
  named.comment = "comment";
  named.extra = std::string(
      "XY\x03\x00"
      "abc",
      7);
  named.header_crc = true;
  Bytes target = ZlibGzip(Release(2, 50000), named);
  const Bytes second = ZlibGzip(Release(3, 30000), testing::AtLevel(1, 9));
  target.insert(target.end(), second.begin(), second.end());
  EXPECT_TRUE(IsMembersMode(RoundTrip(ZlibGzip(Release(1, 50000), {}), target)));
}

TEST(GzipDeltaCodec, ReferenceThatIsNotGzip) {
  const Bytes delta = RoundTrip(Release(1, 100000), ZlibGzip(Release(2, 100000), {}));
  EXPECT_TRUE(IsMembersMode(delta));
  EXPECT_LT(delta.size(), 1000u);
}

TEST(GzipDeltaCodec, FallsBackForTargetsItCannotReproduce) {
  const Bytes reference = ZlibGzip(Release(1, 100000), {});
  // Not gzip at all.
  EXPECT_FALSE(IsMembersMode(RoundTrip(reference, Release(2, 100000))));
  EXPECT_FALSE(IsMembersMode(RoundTrip(reference, {})));
  // Trailing bytes after the last member.
  Bytes trailing = ZlibGzip(Release(2, 100000), {});
  trailing.resize(trailing.size() + 512);
  EXPECT_FALSE(IsMembersMode(RoundTrip(reference, trailing)));
}

// Streams no profile makes (a flush in the middle, another zlib strategy) are
// rebuilt from a correction recipe (format version 2), and the delta stays small.
TEST(GzipDeltaCodec, StreamsNoProfileMakesAreRebuiltFromARecipe) {
  const Bytes reference = ZlibGzip(Release(1, 100000), {});
  GzipOptions flushed;
  flushed.sync_flush_at = 40000;
  GzipOptions filtered;
  filtered.strategy = Z_FILTERED;
  for (const GzipOptions& options : {flushed, filtered}) {
    const Bytes target = ZlibGzip(Release(2, 100000), options);
    const Bytes delta = RoundTrip(reference, target);
    EXPECT_TRUE(IsMembersMode(delta));
    EXPECT_EQ(delta[kModeOffset - 1], std::byte{3});
    EXPECT_LT(delta.size(), target.size() / 5) << target.size();
  }
}

// The same file again, one no profile reproduces: its stream is copied from the
// reference's member, so it needs no recipe and the delta costs next to nothing.
TEST(GzipDeltaCodec, AnUnchangedStreamIsCopiedFromTheReference) {
  GzipOptions filtered;
  filtered.strategy = Z_FILTERED;
  const Bytes file = ZlibGzip(Release(1, 100000), filtered);
  const Bytes delta = RoundTrip(file, file);
  ASSERT_TRUE(IsMembersMode(delta));
  auto parsed = ParseGzipPatchHeader(delta);
  ASSERT_TRUE(parsed.ok());
  EXPECT_TRUE(parsed->header.members[0].method.recipe.empty());
  EXPECT_LT(delta.size(), 200u);
}

TEST(GzipDeltaCodec, AReferenceReadBackServesItsDelta) {
  testing::ExpectAReferenceReadBackServesItsDelta(
      Codec, ZlibGzip(Release(1, 300000), testing::AtLevel(9)),
      ZlibGzip(Release(2, 300000), testing::AtLevel(9)));
}

// References of one size (stored blocks), so only their bytes tell them apart.
TEST(GzipDeltaCodec, EachCallSeesItsOwnReference) {
  const Bytes a = ZlibGzip(Release(1, 300000), testing::AtLevel(0));
  const Bytes b = ZlibGzip(Release(2, 300000), testing::AtLevel(0));
  ASSERT_EQ(a.size(), b.size());
  testing::ExpectEachCallSeesItsOwnReference(*Codec(), a, b,
                                             ZlibGzip(Release(3, 300000), testing::AtLevel(9)));
}

// Threads sharing one codec (as parallel uploads do) share what it keeps of the
// last reference and its streams' parses; scripts/tsan.sh runs this for races.
TEST(GzipDeltaCodec, OneCodecServesManyThreads) {
  auto codec = Codec();
  const std::vector<Bytes> references = {ZlibGzip(Release(1, 200000), testing::AtLevel(9)),
                                         ZlibGzip(Release(2, 200000), testing::AtLevel(9))};
  const Bytes target = ZlibGzip(Release(3, 200000), testing::AtLevel(9));
  std::vector<std::thread> threads;
  for (int t = 0; t < 4; ++t) {
    threads.emplace_back([&, t] {
      for (int round = 0; round < 3; ++round)
        (void)testing::RoundTripWith(*codec, references[(t + round) % 2], target);
    });
  }
  for (std::thread& thread : threads) thread.join();
}

// Every single-byte corruption of a small delta (members mode and raw fallback):
// an error, or (where the byte is not covered by any check, e.g. zstd's block
// padding) the exact original; never different bytes.
TEST(GzipDeltaCodec, CorruptedDeltaNeverYieldsWrongBytes) {
  auto codec = Codec();
  const Bytes reference = ZlibGzip(Release(1, 3000), {});
  for (const Bytes& target : {ZlibGzip(Release(2, 3000), testing::AtLevel(9)), Release(2, 3000)}) {
    const Bytes delta = testing::EncodeWith(*codec, reference, target);
    testing::ExpectFlipsCaughtOrHarmless(*codec, reference, target, delta);
  }
}

TEST(GzipDeltaCodec, TruncatedDeltaIsCorrupted) {
  auto codec = Codec();
  const Bytes reference = ZlibGzip(Release(1, 3000), {});
  const Bytes delta = testing::EncodeWith(*codec, reference, ZlibGzip(Release(2, 3000), {}));
  ASSERT_TRUE(IsMembersMode(delta));
  testing::ExpectTruncationsCorrupted(*codec, reference, delta);
}

TEST(GzipDeltaCodec, WrongReferenceIsCorrupted) {
  auto codec = Codec();
  const Bytes reference = ZlibGzip(Release(1, 3000), {});
  const Bytes delta = testing::EncodeWith(*codec, reference, ZlibGzip(Release(2, 3000), {}));
  EXPECT_EQ(testing::DecodeWith(*codec, Release(1, 3000), delta).code(), ErrorCode::kCorrupted);
  EXPECT_FALSE(testing::DecodeWith(*codec, ZlibGzip(Release(5, 3000), {}), delta).ok());
}

}  // namespace
}  // namespace deltaglider
