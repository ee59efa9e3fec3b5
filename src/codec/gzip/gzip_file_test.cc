#include "codec/gzip/gzip_file.h"

#include <gtest/gtest.h>

#include "codec/gzip/gzip_test_util.h"
#include "deltaglider/stream.h"

namespace deltaglider {
namespace {

using testing::GzipOptions;
using testing::ZlibGzip;
using Bytes = std::vector<std::byte>;

Bytes Text(size_t n) {
  Bytes out;
  const std::string_view words = "the quick brown fox jumps over the lazy dog ";
  while (out.size() < n) out.push_back(static_cast<std::byte>(words[out.size() % words.size()]));
  return out;
}

TEST(ParseGzip, SplitsHeaderStreamAndTrailer) {
  const Bytes payload = Text(5000);
  const Bytes file = ZlibGzip(payload, {});
  auto parsed = ParseGzip(file);
  ASSERT_TRUE(parsed.ok()) << parsed.error().message;
  ASSERT_EQ(parsed->members.size(), 1u);
  EXPECT_EQ(parsed->members[0].header.size(), 10u);
  EXPECT_EQ(parsed->members[0].stream.size(), file.size() - 18);
  EXPECT_EQ(parsed->payload, payload);
}

TEST(ParseGzip, OptionalHeaderFields) {
  GzipOptions options;
  options.name = "package.tar";
  options.comment = "made by a test";
  options.extra = std::string("AB\x02\x00xy", 6);
  options.header_crc = true;
  const Bytes file = ZlibGzip(Text(100), options);
  auto parsed = ParseGzip(file);
  ASSERT_TRUE(parsed.ok()) << parsed.error().message;
  EXPECT_EQ(parsed->members[0].header.size(), 10u + 2 + 6 + 12 + 15 + 2);
}

TEST(ParseGzip, MultipleMembers) {
  Bytes file = ZlibGzip(Text(300), {});
  const Bytes second = ZlibGzip(Text(700), testing::AtLevel(9));
  file.insert(file.end(), second.begin(), second.end());
  auto parsed = ParseGzip(file);
  ASSERT_TRUE(parsed.ok()) << parsed.error().message;
  ASSERT_EQ(parsed->members.size(), 2u);
  EXPECT_EQ(parsed->members[1].payload_offset, 300u);
  EXPECT_EQ(parsed->payload.size(), 1000u);
}

TEST(ParseGzip, RejectsWhatItCannotAccountFor) {
  const Bytes good = ZlibGzip(Text(1000), {});
  Bytes trailing = good;
  trailing.push_back(std::byte{0});
  EXPECT_EQ(ParseGzip(trailing).code(), ErrorCode::kInvalidArgument);
  Bytes bad_crc = good;
  bad_crc[good.size() - 8] ^= std::byte{1};
  EXPECT_EQ(ParseGzip(bad_crc).code(), ErrorCode::kInvalidArgument);
  EXPECT_EQ(ParseGzip(Bytes(good.begin(), good.end() - 1)).code(), ErrorCode::kInvalidArgument);
  EXPECT_EQ(ParseGzip(Bytes(good.begin(), good.begin() + 20)).code(), ErrorCode::kInvalidArgument);
  EXPECT_EQ(ParseGzip({}).code(), ErrorCode::kInvalidArgument);
  EXPECT_EQ(ParseGzip(AsBytes("not a gzip file at all")).code(), ErrorCode::kInvalidArgument);
  Bytes reserved = good;
  reserved[3] = std::byte{0x20};
  EXPECT_EQ(ParseGzip(reserved).code(), ErrorCode::kInvalidArgument);
}

TEST(ParseGzip, ExpansionIsBounded) {
  EXPECT_EQ(MaxGzipPayload(10), uint64_t{1} << 20);
  EXPECT_EQ(MaxGzipPayload(1000000), 1040000000u);
  EXPECT_EQ(MaxGzipPayload(uint64_t{1} << 40), kMaxGzipPayloadTotal);
  // On disk: the same ratio past 4 GiB, up to 1 TiB, and no overflow.
  EXPECT_EQ(MaxSpooledGzipPayload(1000000), 1040000000u);
  EXPECT_EQ(MaxSpooledGzipPayload(uint64_t{1} << 29), uint64_t{1040} << 29);
  EXPECT_EQ(MaxSpooledGzipPayload(uint64_t{1} << 40), kMaxSpooledGzipPayloadTotal);
  EXPECT_EQ(MaxSpooledGzipPayload(~uint64_t{0}), kMaxSpooledGzipPayloadTotal);
  // 8 MiB of zeros compress about 1000:1 and still parse.
  const Bytes zeros(8 << 20, std::byte{0});
  auto parsed = ParseGzip(ZlibGzip(zeros, testing::AtLevel(9)));
  ASSERT_TRUE(parsed.ok());
  EXPECT_EQ(parsed->payload.size(), zeros.size());
}

}  // namespace
}  // namespace deltaglider
