// The gzip-patch codec on real npm tarballs: eight typescript releases' .tgz
// (fetched and cached by scripts/fetch-corpus.sh through the ctest fixture), each
// consecutive pair encoded to a small delta (sizes printed) and rebuilt byte-exact.
// These tarballs were made by node >= 20.10 (Chromium zlib, ANZAC++ hash, level 9),
// so they also prove profile C2 on 20-30 MB payloads.
#include <gtest/gtest.h>

#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <iterator>

#include "codec/deflate/deflate.h"
#include "codec/gzip/gzip_file.h"
#include "core/hash.h"
#include "deltaglider/codecs.h"

namespace deltaglider {
namespace {

using Bytes = std::vector<std::byte>;

const char* const kVersions[] = {"5.4.2", "5.4.3", "5.4.4", "5.4.5",
                                 "5.5.2", "5.5.3", "5.5.4", "5.6.2"};

std::string TgzPath(const char* version) {
  const char* dir = std::getenv("DG_CORPUS_DIR");
  return std::string(dir != nullptr ? dir : "") + "/typescript/typescript-" + version + ".tgz";
}

Bytes ReadFile(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  const std::string text((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  Bytes out(text.size());
  std::memcpy(out.data(), text.data(), text.size());
  return out;
}

TEST(GzipCorpus, TypescriptTgzPairsDeltaSmallAndRebuildExactly) {
  auto codec = NewGzipDeltaCodec(GzipCodecOptions{});
  Bytes reference;
  for (const char* version : kVersions) {
    const std::string path = TgzPath(version);
    ASSERT_TRUE(std::filesystem::exists(path))
        << path << " (run scripts/fetch-corpus.sh --series typescript)";
    const Bytes target = ReadFile(path);
    if (reference.empty()) {
      reference = target;
      continue;
    }
    SpanSource target_source(target);
    VectorSink delta;
    ASSERT_TRUE(codec->Encode(reference, target_source, delta).ok()) << path;
    SpanSource delta_source(delta.bytes());
    VectorSink rebuilt;
    const Status decoded = codec->Decode(reference, delta_source, rebuilt);
    ASSERT_TRUE(decoded.ok()) << path << ": " << decoded.message();
    EXPECT_EQ(Sha256Hex(rebuilt.bytes()), Sha256Hex(target)) << path;
    std::printf(
        "typescript %s.tgz: %zu bytes, gzip-patch delta %zu bytes (%.3f%%)\n", version,
        target.size(), delta.bytes().size(),
        100.0 * static_cast<double>(delta.bytes().size()) / static_cast<double>(target.size()));
    // Members mode (the stream was reproduced), and far below the plain delta (~90%).
    EXPECT_EQ(delta.bytes()[5], std::byte{1}) << path << ": fell back to the raw patch";
    EXPECT_LT(delta.bytes().size(), target.size() / 8) << path;
    reference = target;
  }
}

TEST(GzipCorpus, TypescriptStreamsAreChromiumAnzacLevel9) {
  const Bytes file = ReadFile(TgzPath("5.4.2"));
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
