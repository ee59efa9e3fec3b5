// The zip-patch codec: exact rebuilds of zips whose entries zlib deflated (any
// level), stored, deflated in ways no profile reproduces, with data descriptors;
// the raw fallback; hostile deltas.
#include <gtest/gtest.h>

#include <cstdlib>
#include <string>

#include "codec/codec_test_util.h"
#include "codec/zip/zip_patch_format.h"
#include "codec/zip/zip_scan.h"
#include "codec/zip/zip_test_util.h"
#include "deltaglider/codecs.h"

namespace deltaglider {
namespace {

using testing::MakeZip;
using testing::ZipEntry;
using Bytes = std::vector<std::byte>;

constexpr size_t kModeOffset = 5;  // "DGZP", version, mode

Bytes Content(int version, size_t size, uint32_t seed) {
  return testing::TextRelease(version, size, seed);
}

std::vector<ZipEntry> Release(int version) {
  return {ZipEntry{"package/README.md", Content(version, 3000, 1)},
          ZipEntry{"package/lib/big.js", Content(version, 300000, 2)},
          ZipEntry{"package/lib/level9.js", Content(version, 50000, 3), true, 9},
          ZipEntry{"package/stored.bin", Content(version, 5000, 4), false},
          ZipEntry{"package/empty", {}}};
}

std::unique_ptr<DeltaCodec> Codec() { return NewZipDeltaCodec(ZipCodecOptions{}); }

Bytes RoundTrip(const Bytes& reference, const Bytes& target) {
  return testing::RoundTripWith(*Codec(), reference, target);
}

bool IsStreamsMode(const Bytes& delta) {
  return delta.size() > kModeOffset && delta[kModeOffset] == std::byte{1};
}

TEST(ScanZip, FindsEveryDeflatedEntry) {
  const Bytes zip = MakeZip(Release(1));
  const ZipScan scan = ScanZip(zip);
  ASSERT_EQ(scan.streams.size(), 4u);  // the stored entry is not a stream
  EXPECT_EQ(scan.streams[1].payload_size, 300000u);
  EXPECT_EQ(ZipPatchBase(zip, scan.streams, scan.expanded, ZipBaseLayout::kRawThenPayloads).size(),
            zip.size() + 3000 + 300000 + 50000);
  uint64_t compressed = 0;
  for (const ZipStream& s : scan.streams) compressed += s.size;
  EXPECT_EQ(ZipPatchBase(zip, scan.streams, scan.expanded, ZipBaseLayout::kExpandedThenRaw).size(),
            zip.size() - compressed + 3000 + 300000 + 50000 + zip.size());
  EXPECT_EQ(scan.expanded.size(), zip.size() - compressed + 3000 + 300000 + 50000);
  EXPECT_TRUE(std::equal(scan.expanded.begin(), scan.expanded.begin() + 30,
                         zip.begin()));  // the first local header, verbatim
  EXPECT_TRUE(ScanZip(AsBytes("no zip here")).streams.empty());
}

void ExpectSameScan(const Bytes& zip, const std::string& what) {
  SCOPED_TRACE(what);
  const ZipScan one_by_one = ScanZip(zip, 1);
  const ZipScan ahead = ScanZip(zip, 2);
  ASSERT_EQ(ahead.streams.size(), one_by_one.streams.size());
  for (size_t i = 0; i < ahead.streams.size(); ++i) {
    EXPECT_EQ(ahead.streams[i].offset, one_by_one.streams[i].offset);
    EXPECT_EQ(ahead.streams[i].size, one_by_one.streams[i].size);
    EXPECT_EQ(ahead.streams[i].payload_offset, one_by_one.streams[i].payload_offset);
    EXPECT_EQ(ahead.streams[i].payload_size, one_by_one.streams[i].payload_size);
  }
  EXPECT_TRUE(ahead.expanded == one_by_one.expanded);
}

// Sets the 32-bit field at `field` of every local header in `zip` to `value`.
Bytes WithHeaderField(Bytes zip, size_t field, uint32_t value) {
  for (size_t at = 0; at + 30 <= zip.size(); ++at) {
    if (zip[at] != std::byte{'P'} || zip[at + 1] != std::byte{'K'} || zip[at + 2] != std::byte{3} ||
        zip[at + 3] != std::byte{4}) {
      continue;
    }
    for (size_t i = 0; i < 4; ++i) zip[at + field + i] = static_cast<std::byte>(value >> (8 * i));
  }
  return zip;
}

// The scan is a pure function of the bytes (the reference must expand the same
// at encode and decode time, whatever build wrote the delta): inflating entries
// ahead on two threads must find exactly what one entry after another finds, on
// headers that lie, data descriptors, truncation and several batches.
TEST(ScanZip, InflatingAheadFindsWhatOneEntryAfterAnotherFinds) {
  const Bytes zip = MakeZip(Release(1));
  ExpectSameScan(zip, "plain");
  ExpectSameScan(WithHeaderField(zip, 18, 7), "compressed sizes that lie");
  ExpectSameScan(WithHeaderField(zip, 18, static_cast<uint32_t>(zip.size() / 2)),
                 "compressed sizes that skip entries");
  ExpectSameScan(WithHeaderField(zip, 18, 0xFFFFFFFF), "compressed sizes past the end");
  ExpectSameScan(WithHeaderField(zip, 22, 0xFFFFFFFF), "uncompressed sizes that lie");
  ExpectSameScan(Bytes(zip.begin(), zip.begin() + static_cast<std::ptrdiff_t>(zip.size() / 2)),
                 "truncated");
  std::vector<ZipEntry> described = Release(2);
  for (ZipEntry& entry : described) entry.data_descriptor = true;
  ExpectSameScan(MakeZip(described), "data descriptors");

  std::vector<ZipEntry> big;  // ~12 MB of incompressible entries: several batches
  for (int i = 0; i < 12; ++i) {
    Bytes noise(1 << 20);
    uint32_t x = 2463534242u + static_cast<uint32_t>(i);
    for (std::byte& b : noise) {
      x ^= x << 13, x ^= x >> 17, x ^= x << 5;
      b = static_cast<std::byte>(x);
    }
    big.push_back(ZipEntry{"noise" + std::to_string(i), std::move(noise), true, 1});
  }
  ExpectSameScan(MakeZip(big), "several batches");
}

TEST(ZipDeltaCodec, NameAndCommandLine) {
  EXPECT_EQ(Codec()->name(), "zip-patch");
  EXPECT_EQ(CodecNameOf(Codec()->CommandLine("a.zip")), "zip-patch");
}

TEST(ZipDeltaCodec, ZlibZipsRebuildExactlyAndDeltaSmall) {
  const Bytes reference = MakeZip(Release(1));
  std::vector<ZipEntry> next = Release(2);
  std::swap(next[0], next[2]);  // reordered entries
  // A new entry (at another level) whose content is the old README's.
  next.push_back(ZipEntry{"package/README.old", Content(1, 3000, 1), true, 1});
  const Bytes target = MakeZip(next);
  const Bytes delta = RoundTrip(reference, target);
  EXPECT_TRUE(IsStreamsMode(delta));
  EXPECT_LT(delta.size(), target.size() / 20) << target.size();
}

// References of one size (stored entries), so only their bytes tell them apart.
TEST(ZipDeltaCodec, EachCallSeesItsOwnReference) {
  const auto stored = [](int version) {
    std::vector<ZipEntry> entries = Release(version);
    for (ZipEntry& entry : entries) entry.deflate = false;
    return MakeZip(entries);
  };
  const Bytes a = stored(1);
  const Bytes b = stored(2);
  ASSERT_EQ(a.size(), b.size());
  testing::ExpectEachCallSeesItsOwnReference(*Codec(), a, b, MakeZip(Release(3)));
}

TEST(ZipDeltaCodec, AReferenceReadBackServesItsDelta) {
  std::vector<ZipEntry> next = Release(2);
  next.push_back(ZipEntry{"package/README.old", Content(1, 3000, 1), true, 1});
  testing::ExpectAReferenceReadBackServesItsDelta(Codec, MakeZip(Release(1)), MakeZip(next));
}

// Info-ZIP's `zip` (its own deflate, profile G): every entry is reproduced.
TEST(ZipDeltaCodec, InfoZipArchivesRebuildExactly) {
  testing::TempDir tmp;
  for (int version : {1, 2}) {
    const std::string dir = tmp.Sub("v" + std::to_string(version));
    for (const ZipEntry& e : Release(version)) {
      testing::WriteBytes(dir + "/" + e.name, e.data);
    }
    const std::string cmd =
        "cd '" + dir + "' && zip -q -X -r ../v" + std::to_string(version) + ".zip package";
    ASSERT_EQ(std::system(cmd.c_str()), 0) << cmd;
  }
  const Bytes reference = testing::FileBytes(tmp.Sub("v1.zip"));
  const Bytes target = testing::FileBytes(tmp.Sub("v2.zip"));
  const Bytes delta = RoundTrip(reference, target);
  auto parsed = ParseZipPatchHeader(delta);
  ASSERT_TRUE(parsed.ok());
  EXPECT_EQ(parsed->header.streams.size(), ScanZip(target).streams.size());
  EXPECT_LT(delta.size(), target.size() / 20);
}

// Entries no profile reproduces (other zlib strategies) get a correction recipe
// and the delta stays small; the same entry unchanged in the reference is copied
// from it instead (no recipe).
TEST(ZipDeltaCodec, UnreproducibleEntriesGetARecipeUnlessTheReferenceHasThem) {
  std::vector<ZipEntry> v1 = Release(1);
  std::vector<ZipEntry> v2 = Release(2);
  for (auto* entries : {&v1, &v2}) {
    (*entries)[1].strategy = Z_FILTERED;
    (*entries)[2].data_descriptor = true;
  }
  const Bytes target = MakeZip(v2);
  const Bytes delta = RoundTrip(MakeZip(v1), target);
  EXPECT_LT(delta.size(), target.size() / 10) << target.size();
  auto parsed = ParseZipPatchHeader(delta);
  ASSERT_TRUE(parsed.ok());
  ASSERT_EQ(parsed->header.streams.size(), 4u);
  EXPECT_FALSE(parsed->header.streams[1].method.recipe.empty());

  const Bytes same = RoundTrip(target, target);
  auto same_parsed = ParseZipPatchHeader(same);
  ASSERT_TRUE(same_parsed.ok());
  EXPECT_EQ(same_parsed->header.streams.size(), 4u);
  for (const ZipPatchStream& s : same_parsed->header.streams) EXPECT_TRUE(s.method.recipe.empty());
  EXPECT_LT(same.size(), 1000u);
}

TEST(ZipDeltaCodec, PrefixedZipAndNonZip) {
  Bytes prefixed = Content(5, 1000, 5);
  const Bytes zip = MakeZip(Release(2));
  prefixed.insert(prefixed.end(), zip.begin(), zip.end());
  EXPECT_TRUE(IsStreamsMode(RoundTrip(MakeZip(Release(1)), prefixed)));
  EXPECT_FALSE(IsStreamsMode(RoundTrip(MakeZip(Release(1)), Content(2, 10000, 6))));
  EXPECT_FALSE(IsStreamsMode(RoundTrip({}, {})));
  EXPECT_TRUE(IsStreamsMode(RoundTrip(Content(1, 10000, 6), zip)));
}

// A version-1 delta (the raw-then-payloads base layout), written before version 2
// existed, still decodes: tests/data/zip-patch-v1.
TEST(ZipDeltaCodec, VersionOneDeltasStillDecode) {
  const char* root = std::getenv("DG_SOURCE_DIR");
  const std::string dir = std::string(root != nullptr ? root : ".") + "/tests/data/zip-patch-v1/";
  const Bytes reference = testing::FileBytes(dir + "reference.zip");
  const Bytes target = testing::FileBytes(dir + "target.zip");
  const Bytes delta = testing::FileBytes(dir + "target.zip.delta");
  ASSERT_EQ(delta[kModeOffset - 1], std::byte{1});
  auto decoded = testing::DecodeWith(*Codec(), reference, delta);
  ASSERT_TRUE(decoded.ok()) << decoded.error().message;
  EXPECT_EQ(*decoded, target);
}

// Every single-byte corruption of a small delta: an error, or the exact original.
TEST(ZipDeltaCodec, CorruptedDeltaNeverYieldsWrongBytes) {
  auto codec = Codec();
  const std::vector<ZipEntry> v1 = {ZipEntry{"a.txt", Content(1, 2000, 7)},
                                    ZipEntry{"b.txt", Content(1, 1000, 8), true, 9}};
  const std::vector<ZipEntry> v2 = {ZipEntry{"a.txt", Content(2, 2000, 7)},
                                    ZipEntry{"b.txt", Content(2, 1000, 8), true, 9}};
  const Bytes reference = MakeZip(v1);
  const Bytes target = MakeZip(v2);
  const Bytes delta = testing::EncodeWith(*codec, reference, target);
  ASSERT_TRUE(IsStreamsMode(delta));
  testing::ExpectFlipsCaughtOrHarmless(*codec, reference, target, delta);
  testing::ExpectTruncationsCorrupted(*codec, reference, delta);
}

}  // namespace
}  // namespace deltaglider

namespace deltaglider {
namespace {

// A jar-like archive: `count` small class-like entries written the JDK's way
// (zlib level 6, data descriptors); version 2 changes every 50th entry and adds one.
std::vector<ZipEntry> ManyEntries(int version, int count) {
  std::vector<ZipEntry> entries;
  for (int i = 0; i < count; ++i) {
    const int content_version = i % 50 == 7 ? version : 1;
    ZipEntry entry{
        "com/example/pkg" + std::to_string(i / 100) + "/Class" + std::to_string(i) + ".class",
        testing::TextRelease(content_version, 600 + (i * 37) % 1500, static_cast<uint32_t>(i + 1))};
    entry.data_descriptor = true;
    entries.push_back(std::move(entry));
  }
  if (version == 2) entries.push_back(ZipEntry{"com/example/New.class", Content(2, 900, 77)});
  return entries;
}

// Decodes `delta` with the full re-deflate of every stream (the decoder before
// the reference's streams were reused): the method recorded must stand alone
// wherever the stream was not copied.
Bytes DecodeWithoutReuse(const Bytes& reference, const Bytes& delta) {
  ZipCodecOptions options;
  options.reuse_reference = false;
  options.workers = 1;
  SpanSource source(delta);
  VectorSink out;
  const Status decoded = NewZipDeltaCodec(options)->Decode(reference, source, out);
  EXPECT_TRUE(decoded.ok()) << decoded.message();
  return std::move(out.bytes());
}

TEST(ZipDeltaCodec, ThousandsOfSmallEntriesAreAllReproducedAndRebuiltInParallel) {
  const Bytes reference = MakeZip(ManyEntries(1, 2000));
  const Bytes target = MakeZip(ManyEntries(2, 2000));
  for (unsigned workers : {1u, 2u, 5u}) {
    ZipCodecOptions options;
    options.workers = workers;
    const Bytes delta = testing::RoundTripWith(*NewZipDeltaCodec(options), reference, target);
    auto parsed = ParseZipPatchHeader(delta);
    ASSERT_TRUE(parsed.ok());
    EXPECT_EQ(parsed->header.streams.size(), 2001u) << workers;
    for (const ZipPatchStream& s : parsed->header.streams) EXPECT_TRUE(s.method.recipe.empty());
    EXPECT_LT(delta.size(), target.size() / 20) << target.size();
  }
}

// A changed entry whose every 20 KiB differs gives the guide no stretch to copy:
// the rebuild must search everywhere and still be exact; an entry changed once
// is guided; an entry renamed gets no partner; an entry whose reference was
// written at another level misleads the guide, whose stream then fails its CRC32
// check, so the full re-deflate runs. All these are zlib's streams, so every
// recorded method also rebuilds its stream alone (a decoder without the shortcuts).
TEST(ZipDeltaCodec, GuidedCopiedAndSearchedEntriesAllComeBackExact) {
  Bytes scattered = testing::TextRelease(1, 400000, 5);
  Bytes one_change = testing::TextRelease(1, 400000, 6);
  const std::vector<ZipEntry> v1 = {{"a/scattered.js", scattered},
                                    {"a/one.js", one_change},
                                    {"a/same.js", Content(1, 100000, 7)},
                                    {"a/old-name.js", Content(1, 90000, 8), true, 9},
                                    {"a/relevel.js", Content(1, 120000, 9), true, 9}};
  for (size_t at = 500; at < scattered.size(); at += 20 * 1024) scattered[at] ^= std::byte{2};
  one_change[200000] = std::byte{'#'};
  const std::vector<ZipEntry> v2 = {{"a/scattered.js", scattered},
                                    {"a/one.js", one_change},
                                    {"a/same.js", Content(1, 100000, 7)},
                                    {"a/new-name.js", Content(1, 90000, 8), true, 9},
                                    {"a/relevel.js", Content(2, 120000, 9), true, 6}};
  const Bytes reference = MakeZip(v1);
  const Bytes target = MakeZip(v2);
  const Bytes delta = RoundTrip(reference, target);
  ASSERT_TRUE(IsStreamsMode(delta));
  auto parsed = ParseZipPatchHeader(delta);
  ASSERT_TRUE(parsed.ok());
  EXPECT_EQ(parsed->version, 3);
  EXPECT_EQ(parsed->header.streams.size(), 5u);
  EXPECT_EQ(DecodeWithoutReuse(reference, delta), target);
}

}  // namespace
}  // namespace deltaglider
