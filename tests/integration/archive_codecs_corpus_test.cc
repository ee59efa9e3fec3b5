// The gzip-patch and zip-patch codecs on real releases: eight typescript versions
// as published .tgz and as Info-ZIP .zip repacks (fetched and cached by
// scripts/fetch-corpus.sh through the ctest fixture), each consecutive pair
// encoded to a small delta (sizes printed) and rebuilt byte-exact. The tarballs
// were made by node >= 20.10 (Chromium zlib, ANZAC++ hash, level 9) and the zips by
// Info-ZIP zip 3.0, so they also prove profiles C2 and G on 20-30 MB of content.
// Also lodash as an Info-ZIP zip of ~1,050 small files (the many-entry case), and
// every delta decoded a second time without the reference's streams (the full
// re-deflate), which must agree wherever the recorded methods stand alone.
#include <gtest/gtest.h>

#include <cstdlib>
#include <filesystem>

#include "codec/codec_test_util.h"
#include "codec/deflate/deflate.h"
#include "codec/gzip/gzip_file.h"
#include "codec/zip/zip_patch_format.h"
#include "codec/zip/zip_scan.h"
#include "core/hash.h"
#include "deltaglider/codecs.h"

namespace deltaglider {
namespace {

using testing::Bytes;

const char* const kVersions[] = {"5.4.2", "5.4.3", "5.4.4", "5.4.5",
                                 "5.5.2", "5.5.3", "5.5.4", "5.6.2"};

std::string CorpusPath(const char* version, const char* extension,
                       const char* series = "typescript") {
  const char* dir = std::getenv("DG_CORPUS_DIR");
  return std::string(dir != nullptr ? dir : "") + "/" + series + "/" + series + "-" + version +
         extension;
}

// Encodes each version against the previous one, checks the rebuild and the mode
// byte (1: the streams were reproduced), and bounds the delta.
void ExpectSmallExactDeltas(const DeltaCodec& codec, const char* extension, double max_ratio) {
  Bytes reference;
  for (const char* version : kVersions) {
    const std::string path = CorpusPath(version, extension);
    ASSERT_TRUE(std::filesystem::exists(path))
        << path << " (run scripts/fetch-corpus.sh --series typescript)";
    const Bytes target = testing::FileBytes(path);
    if (reference.empty()) {
      reference = target;
      continue;
    }
    SpanSource target_source(target);
    VectorSink delta;
    ASSERT_TRUE(codec.Encode(reference, target_source, delta).ok()) << path;
    SpanSource delta_source(delta.bytes());
    VectorSink rebuilt;
    const Status decoded = codec.Decode(reference, delta_source, rebuilt);
    ASSERT_TRUE(decoded.ok()) << path << ": " << decoded.message();
    EXPECT_EQ(Sha256Hex(rebuilt.bytes()), Sha256Hex(target)) << path;
    const double ratio =
        static_cast<double>(delta.bytes().size()) / static_cast<double>(target.size());
    std::printf("typescript %s%s: %zu bytes, %s delta %zu bytes (%.3f%%)\n", version, extension,
                target.size(), std::string(codec.name()).c_str(), delta.bytes().size(),
                100.0 * ratio);
    EXPECT_EQ(delta.bytes()[5], std::byte{1}) << path << ": fell back to the raw patch";
    EXPECT_LT(ratio, max_ratio) << path;
    reference = target;
  }
}

// Patch releases give 0.05-0.15 %, minor releases (5.4.5 -> 5.5.2) about 6 %;
// a plain zstd-patch of the compressed files is 60-90 %.
TEST(ArchiveCorpus, TypescriptTgzPairsDeltaSmallAndRebuildExactly) {
  ExpectSmallExactDeltas(*NewGzipDeltaCodec(GzipCodecOptions{}), ".tgz", 0.10);
}

TEST(ArchiveCorpus, TypescriptZipPairsDeltaSmallAndRebuildExactly) {
  ExpectSmallExactDeltas(*NewZipDeltaCodec(ZipCodecOptions{}), ".zip", 0.10);
}

// lodash 4.17.15 -> .19 -> .20 -> .21 as Info-ZIP zips: over 900 deflated
// entries, every one reproduced by a profile (G L6: no recipe), deltas small and
// exact, and the same bytes from the decoder that re-deflates every stream in full.
TEST(ArchiveCorpus, LodashInfoZipOfThousandSmallEntries) {
  const auto codec = NewZipDeltaCodec(ZipCodecOptions{});
  ZipCodecOptions full_options;
  full_options.reuse_reference = false;
  const auto full = NewZipDeltaCodec(full_options);
  Bytes reference;
  for (const char* version : {"4.17.15", "4.17.19", "4.17.20", "4.17.21"}) {
    const std::string path = CorpusPath(version, ".zip", "lodash");
    ASSERT_TRUE(std::filesystem::exists(path))
        << path << " (run scripts/fetch-corpus.sh --series lodash)";
    const Bytes target = testing::FileBytes(path);
    if (!reference.empty()) {
      const Bytes delta = testing::RoundTripWith(*codec, reference, target);
      auto parsed = ParseZipPatchHeader(delta);
      ASSERT_TRUE(parsed.ok()) << path;
      EXPECT_GT(parsed->header.streams.size(), 900u) << path;  // ~1,050 files, the smallest stored
      EXPECT_EQ(parsed->header.streams.size(), ScanZip(target).streams.size()) << path;
      for (const ZipPatchStream& s : parsed->header.streams) EXPECT_TRUE(s.method.recipe.empty());
      EXPECT_LT(delta.size(), target.size() / 10) << path;
      auto rebuilt = testing::DecodeWith(*full, reference, delta);
      ASSERT_TRUE(rebuilt.ok()) << path << ": " << rebuilt.error().message;
      EXPECT_TRUE(*rebuilt == target) << path;
      std::printf("lodash %s.zip: %zu bytes, %zu entries, delta %zu bytes\n", version,
                  target.size(), parsed->header.streams.size(), delta.size());
    }
    reference = target;
  }
}

TEST(ArchiveCorpus, TypescriptTgzStreamsAreChromiumAnzacLevel9) {
  const Bytes file = testing::FileBytes(CorpusPath("5.4.2", ".tgz"));
  ASSERT_FALSE(file.empty());
  auto parsed = ParseGzip(file);
  ASSERT_TRUE(parsed.ok()) << parsed.error().message;
  ASSERT_EQ(parsed->members.size(), 1u);
  auto profile = FindDeflateProfile(parsed->payload, parsed->members[0].stream);
  ASSERT_TRUE(profile.ok());
  EXPECT_EQ(DeflateProfileName(*profile), "C2 L9 m8");
}

}  // namespace
}  // namespace deltaglider
