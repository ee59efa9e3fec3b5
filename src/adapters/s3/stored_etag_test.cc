// The ETags S3 computes for what it stored (stored_etag.h); the multipart vector
// was computed with Python's hashlib.
#include "adapters/s3/stored_etag.h"

#include <gtest/gtest.h>

#include "adapters/s3/header_values.h"

namespace deltaglider::s3 {
namespace {

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
  EXPECT_EQ(MultipartEtag({Md5Binary("aaaaa"), Md5Binary("bbb")}),
            "72d27afac8e2fbd3662861b9d607a02c-2");
  EXPECT_NE(MultipartEtag({Md5Binary("bbb"), Md5Binary("aaaaa")}),
            "72d27afac8e2fbd3662861b9d607a02c-2");
}

}  // namespace
}  // namespace deltaglider::s3
