// The ETags S3 computes for what it stored (stored_etag.h); the multipart vector
// was computed with Python's hashlib.
#include "adapters/s3/stored_etag.h"

#include <gtest/gtest.h>

#include "core/hash.h"

namespace deltaglider::s3 {
namespace {

std::string Md5Raw(const std::string& text) {
  Hasher md5(Hasher::Algorithm::kMd5);
  md5.Update(AsBytes(text));
  const std::string hex = md5.HexDigest();
  std::string raw;
  for (size_t i = 0; i < hex.size(); i += 2) {
    raw.push_back(static_cast<char>(std::stoi(hex.substr(i, 2), nullptr, 16)));
  }
  return raw;
}

TEST(StoredEtag, RecognisesMd5Shapes) {
  EXPECT_TRUE(IsMd5Etag("5d41402abc4b2a76b9719d911017c592"));
  EXPECT_TRUE(IsMd5Etag("72d27afac8e2fbd3662861b9d607a02c-2"));
  EXPECT_TRUE(IsMd5Etag("72d27afac8e2fbd3662861b9d607a02c-10000"));
  EXPECT_FALSE(IsMd5Etag(""));
  EXPECT_FALSE(IsMd5Etag("abc"));
  EXPECT_FALSE(IsMd5Etag("5D41402ABC4B2A76B9719D911017C592"));
  EXPECT_FALSE(IsMd5Etag("5d41402abc4b2a76b9719d911017c5921"));
  EXPECT_FALSE(IsMd5Etag("72d27afac8e2fbd3662861b9d607a02c-"));
  EXPECT_FALSE(IsMd5Etag("72d27afac8e2fbd3662861b9d607a02c-0"));
  EXPECT_FALSE(IsMd5Etag("72d27afac8e2fbd3662861b9d607a02c-2x"));
}

TEST(StoredEtag, MultipartIsTheMd5OfThePartMd5s) {
  EXPECT_EQ(MultipartEtag({Md5Raw("aaaaa"), Md5Raw("bbb")}), "72d27afac8e2fbd3662861b9d607a02c-2");
  EXPECT_NE(MultipartEtag({Md5Raw("bbb"), Md5Raw("aaaaa")}), "72d27afac8e2fbd3662861b9d607a02c-2");
}

}  // namespace
}  // namespace deltaglider::s3
