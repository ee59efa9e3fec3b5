#include "deltaglider/s3_uri.h"

#include <gtest/gtest.h>

namespace deltaglider {
namespace {

TEST(S3UriTest, Parses) {
  auto root = ParseS3Uri("s3://bucket");
  ASSERT_TRUE(root.ok());
  EXPECT_EQ(root->bucket, "bucket");
  EXPECT_EQ(root->key, "");
  EXPECT_TRUE(root->IsDirectory());
  auto dir = ParseS3Uri("s3://bucket/dir/");
  EXPECT_EQ(dir->key, "dir/");
  EXPECT_TRUE(dir->IsDirectory());
  auto file = ParseS3Uri("s3://bucket/dir/my file.zip");
  EXPECT_EQ(file->key, "dir/my file.zip");
  EXPECT_FALSE(file->IsDirectory());
  EXPECT_EQ(file->ToString(), "s3://bucket/dir/my file.zip");
}

TEST(S3UriTest, Rejects) {
  EXPECT_EQ(ParseS3Uri("bucket/key").code(), ErrorCode::kInvalidArgument);
  EXPECT_EQ(ParseS3Uri("s3://").code(), ErrorCode::kInvalidArgument);
  EXPECT_EQ(ParseS3Uri("s3:///key").code(), ErrorCode::kInvalidArgument);
}

}  // namespace
}  // namespace deltaglider
