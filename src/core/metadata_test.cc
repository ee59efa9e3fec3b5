#include "core/metadata.h"

#include <gtest/gtest.h>

namespace deltaglider {
namespace {

const std::string kSha(64, 'a');
const std::string kRefSha(64, 'b');

TEST(MetadataTest, FindsEveryLegacySpelling) {
  for (const char* spelling : {"dg-file-sha256", "dg_file_sha256", "file_sha256", "file-sha256"}) {
    Metadata m{{spelling, kSha}};
    EXPECT_EQ(FindField(m, field::kFileSha256), kSha) << spelling;
  }
  EXPECT_FALSE(FindField(Metadata{{"sha256", kSha}}, field::kFileSha256));
}

TEST(MetadataTest, ClassifiesLikeTheFormatSays) {
  EXPECT_EQ(Classify({}), ObjectKind::kPlain);
  EXPECT_EQ(Classify({{"content-type", "x"}}), ObjectKind::kPlain);
  EXPECT_EQ(Classify({{"dg-file-sha256", kSha}, {"dg-compression", "none"}}), ObjectKind::kDirect);
  EXPECT_EQ(Classify({{"file_sha256", kSha}, {"ref_key", "a/reference.bin"}}), ObjectKind::kDelta);
  EXPECT_EQ(Classify({{"dg-file-sha256", kSha}, {"dg-note", "reference"}}), ObjectKind::kReference);
}

TEST(MetadataTest, ParsesUpstreamDeltaExactly) {
  // As written by the Python DeltaGlider 6.1.2 (fixture upstream-v6).
  Metadata m{{"dg-tool", "deltaglider/6.1.2"},
             {"dg-original-name", "commander 12.1.0.zip"},
             {"dg-file-sha256", kSha},
             {"dg-file-size", "52100"},
             {"dg-created-at", "2026-11-25T06:51:55.683830Z"},
             {"dg-ref-key", "a/b/c/reference.bin"},
             {"dg-ref-sha256", kRefSha},
             {"dg-delta-size", "49007"},
             {"dg-delta-cmd", "xdelta3 -e -9 -s reference.bin commander 12.1.0.zip x.delta"}};
  auto record = ParseDelta(m);
  ASSERT_TRUE(record.ok()) << record.error().message;
  EXPECT_EQ(record->file_size, 52100u);
  EXPECT_EQ(record->delta_size, 49007u);
  EXPECT_EQ(record->ref_key, "a/b/c/reference.bin");
  EXPECT_EQ(record->original_name, "commander 12.1.0.zip");
  EXPECT_EQ(ToMetadata(*record), m);  // we write the same shape back
}

TEST(MetadataTest, ParsesLegacyUnderscoreDelta) {
  Metadata m{{"file_sha256", kSha},   {"file_size", "10"},       {"ref_key", "reference.bin"},
             {"ref_sha256", kRefSha}, {"delta_cmd", "xdelta3 -e"}, {"delta_size", "5"}};
  auto record = ParseDelta(m);
  ASSERT_TRUE(record.ok()) << record.error().message;
  EXPECT_EQ(record->ref_key, "reference.bin");
}

TEST(MetadataTest, RejectsMalformedFields) {
  Metadata m{{"dg-file-sha256", kSha}, {"dg-file-size", "12x"}, {"dg-ref-key", "reference.bin"},
             {"dg-ref-sha256", kRefSha}, {"dg-delta-cmd", "zstd-patch"}};
  auto record = ParseDelta(m);
  ASSERT_FALSE(record.ok());
  EXPECT_EQ(record.code(), ErrorCode::kCorrupted);
  EXPECT_NE(record.error().message.find("dg-file-size"), std::string::npos);
  m["dg-file-size"] = "12";
  m["dg-ref-sha256"] = "not-a-sha";
  EXPECT_EQ(ParseDelta(m).code(), ErrorCode::kCorrupted);
  m.erase("dg-ref-sha256");
  EXPECT_NE(ParseDelta(m).error().message.find("dg-ref-sha256 is missing"), std::string::npos);
}

TEST(MetadataTest, DirectRoundTripsWithNote) {
  DirectRecord d;
  d.tool = "deltaglider-cpp/0.1.0";
  d.original_name = "a.txt";
  d.file_sha256 = kSha;
  d.file_size = 3;
  d.created_at = "2026-11-25T06:51:38.016640";
  d.note = "why";
  Metadata m = ToMetadata(d);
  EXPECT_EQ(m.at("dg-compression"), "none");
  auto back = ParseDirect(m);
  ASSERT_TRUE(back.ok());
  EXPECT_EQ(back->note, "why");
  EXPECT_EQ(back->file_size, 3u);
}

TEST(MetadataTest, TimestampsWithAndWithoutZ) {
  auto with_z = ParseTimestamp("2026-11-25T06:51:55.683830Z");
  auto without_z = ParseTimestamp("2026-11-25T06:51:55.683830");
  auto no_fraction = ParseTimestamp("2026-11-25T06:51:55");
  ASSERT_TRUE(with_z.ok() && without_z.ok() && no_fraction.ok());
  EXPECT_EQ(*with_z, *without_z);
  EXPECT_EQ(std::chrono::duration_cast<std::chrono::microseconds>(*with_z - *no_fraction).count(),
            683830);
  EXPECT_EQ(FormatTimestamp(*with_z), "2026-11-25T06:51:55.683830Z");
  EXPECT_EQ(FormatTimestamp(*with_z, false), "2026-11-25T06:51:55.683830");
  EXPECT_FALSE(ParseTimestamp("yesterday").ok());
  EXPECT_FALSE(ParseTimestamp("2026-11-25T06:51:55.Z").ok());
}

}  // namespace
}  // namespace deltaglider
