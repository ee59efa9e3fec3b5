// Decodes every delta of the upstream DeltaGlider 6.1.2 fixture (tests/data/
// upstream-v6, written by Debian's xdelta3 3.0.11) against its deltaspace's
// reference.bin and checks the result against originals.json.
#include <gtest/gtest.h>

#include <fstream>
#include <map>
#include <nlohmann/json.hpp>

#include "codec/vcdiff/decoder.h"
#include "codec/vcdiff/test_support.h"
#include "core/hash.h"
#include "deltaglider/vcdiff.h"

namespace deltaglider::vcdiff {
namespace {

using testing::Bytes;
using testing::FixtureDir;

struct Entry {
  std::string key;
  std::string stored_as;
  std::string sha256;
  bool restorable = false;
};

std::vector<Entry> DeltaEntries() {
  std::ifstream in(FixtureDir() + "/originals.json");
  EXPECT_TRUE(in.good()) << "missing fixture at " << FixtureDir();
  if (!in.good()) return {};
  const auto json = nlohmann::json::parse(in);
  std::vector<Entry> entries;
  for (const auto& item : json) {
    Entry e{item.at("logical_key"), item.at("stored_as"), item.at("sha256"), item.at("restorable")};
    if (e.stored_as.ends_with(".delta")) entries.push_back(e);
  }
  return entries;
}

std::string ReferenceKey(const std::string& stored_as) {
  const size_t slash = stored_as.rfind('/');
  return slash == std::string::npos ? "reference.bin"
                                    : stored_as.substr(0, slash) + "/reference.bin";
}

Result<Bytes> DecodeEntry(const Entry& e) {
  const Bytes reference =
      testing::ReadBytes(FixtureDir() + "/objects/" + ReferenceKey(e.stored_as));
  const Bytes delta = testing::ReadBytes(FixtureDir() + "/objects/" + e.stored_as);
  return testing::Decode(reference, delta);
}

TEST(VcdiffFixtureTest, FixtureHasThirteenDeltas) {
  const auto entries = DeltaEntries();
  EXPECT_EQ(entries.size(), 13u);
  int restorable = 0;
  for (const auto& e : entries) restorable += e.restorable ? 1 : 0;
  EXPECT_EQ(restorable, 11);
}

TEST(VcdiffFixtureTest, RestorableDeltasDecodeToTheOriginal) {
  int checked = 0;
  for (const Entry& e : DeltaEntries()) {
    if (!e.restorable) continue;
    SCOPED_TRACE(e.stored_as);
    auto decoded = DecodeEntry(e);
    ASSERT_TRUE(decoded.ok()) << decoded.error().message;
    EXPECT_EQ(Sha256Hex(*decoded), e.sha256);
    // The original file, byte for byte, too.
    EXPECT_TRUE(*decoded == testing::ReadBytes(FixtureDir() + "/originals/" + e.key));
    ++checked;
  }
  EXPECT_EQ(checked, 11);
}

// Upstream bug (fixture README, Surprise 1): for .tgz input xdelta3 gunzipped
// both files before diffing (app header tag "G"), and the Python tool's re-gzip
// never gave the original back. The windows describe the gunzipped tar; the
// codec rebuilds the gzip bytes with the reference's own header and deflate
// profile (npm's), which gives the original files, byte for byte.
TEST(VcdiffFixtureTest, KnownBugTgzDeltasAreRebuiltLikeTheirReference) {
  int checked = 0;
  for (const Entry& e : DeltaEntries()) {
    if (e.restorable) continue;
    SCOPED_TRACE(e.stored_as);
    auto decoded = DecodeEntry(e);
    ASSERT_TRUE(decoded.ok()) << decoded.error().message;
    EXPECT_TRUE(*decoded == testing::ReadBytes(FixtureDir() + "/originals/" + e.key));
    ++checked;
  }
  EXPECT_EQ(checked, 2);
}

// Without the reference's gzip bytes (a reference that is not gzip), the tagged
// deltas are refused, never decoded into the tar.
TEST(VcdiffFixtureTest, KnownBugTgzDeltasAgainstANonGzipReferenceAreRefused) {
  int checked = 0;
  for (const Entry& e : DeltaEntries()) {
    if (e.restorable) continue;
    const Bytes delta = testing::ReadBytes(FixtureDir() + "/objects/" + e.stored_as);
    const Bytes not_gzip(1000, std::byte{'x'});
    SpanSource source(delta);
    VectorSink sink;
    Status status = NewVcdiffDeltaCodec()->Decode(not_gzip, source, sink);
    ASSERT_FALSE(status.ok());
    EXPECT_EQ(status.code(), ErrorCode::kUnsupported);
    EXPECT_NE(status.message().find("gzip-decompressed"), std::string::npos) << status.message();
    EXPECT_TRUE(sink.bytes().empty());
    ++checked;
  }
  EXPECT_EQ(checked, 2);
}

// With the tag ignored and the reference gunzipped, the same deltas decode to
// exactly `gunzip -c <original>` (hashes below), which is not the original.
TEST(VcdiffFixtureTest, KnownBugTgzDeltasHoldTheGunzippedTar) {
  const std::map<std::string, std::string> gunzipped = {
      {"known-bug/tgz/semver-7.6.0.tgz",
       "67409be3e3ef4076f0874a9b3ed73c2fb28f2ab40bd3bb8dfeae6b3c20a05aa7"},
      {"known-bug/tgz/semver-7.6.2.tgz",
       "83d46a72433b7a3527c84b58f762819bfebe32a6e64ef967b550fd416cb89483"},
  };
  const Bytes reference =
      testing::Gunzip(testing::ReadBytes(FixtureDir() + "/objects/known-bug/tgz/reference.bin"));
  int checked = 0;
  for (const Entry& e : DeltaEntries()) {
    if (e.restorable) continue;
    SCOPED_TRACE(e.stored_as);
    const Bytes delta = testing::ReadBytes(FixtureDir() + "/objects/" + e.stored_as);
    SpanSource source(delta);
    HashingSink sink(Hasher::Algorithm::kSha256, nullptr);
    Status status = DecodeVcdiff(reference, source, sink, {.ignore_external_compression = true});
    ASSERT_TRUE(status.ok()) << status.message();
    const std::string sha = sink.HexDigest();
    EXPECT_NE(sha, e.sha256);
    ASSERT_TRUE(gunzipped.contains(e.key));
    EXPECT_EQ(sha, gunzipped.at(e.key));
    ++checked;
  }
  EXPECT_EQ(checked, 2);
}

// The fixture deltas decode the same when the source hands out tiny reads.
TEST(VcdiffFixtureTest, DecodesFromAOneByteAtATimeSource) {
  class TrickleSource final : public ByteSource {
   public:
    explicit TrickleSource(std::span<const std::byte> data) : data_(data) {}
    Result<size_t> Read(std::span<std::byte> buffer) override {
      if (pos_ == data_.size() || buffer.empty()) return size_t{0};
      buffer[0] = data_[pos_++];
      return size_t{1};
    }
    Status Rewind() override { return MakeError(ErrorCode::kUnsupported, "no rewind"); }
    std::optional<uint64_t> size() const override { return std::nullopt; }

   private:
    std::span<const std::byte> data_;
    size_t pos_ = 0;
  };
  for (const Entry& e : DeltaEntries()) {
    if (!e.restorable) continue;
    SCOPED_TRACE(e.stored_as);
    const Bytes reference =
        testing::ReadBytes(FixtureDir() + "/objects/" + ReferenceKey(e.stored_as));
    const Bytes delta = testing::ReadBytes(FixtureDir() + "/objects/" + e.stored_as);
    TrickleSource source(delta);
    HashingSink sink(Hasher::Algorithm::kSha256, nullptr);
    ASSERT_TRUE(NewVcdiffDeltaCodec()->Decode(reference, source, sink).ok());
    EXPECT_EQ(sink.HexDigest(), e.sha256);
  }
}

}  // namespace
}  // namespace deltaglider::vcdiff
