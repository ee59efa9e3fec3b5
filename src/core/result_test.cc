#include "deltaglider/result.h"

#include <gtest/gtest.h>

#include <memory>
#include <set>
#include <utility>

namespace deltaglider {
namespace {

Result<int> Half(int x) {
  if (x % 2 != 0) return MakeError(ErrorCode::kInvalidArgument, "odd: ", std::to_string(x));
  return x / 2;
}

Result<int> Quarter(int x) {
  DG_ASSIGN_OR_RETURN(int h, Half(x));
  DG_ASSIGN_OR_RETURN(int q, Half(h));
  return q;
}

Status CheckEven(int x) {
  DG_RETURN_IF_ERROR(Half(x));
  return OkStatus();
}

TEST(ResultTest, ValueAndErrorPropagate) {
  EXPECT_EQ(*Quarter(8), 2);
  Result<int> r = Quarter(6);
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.code(), ErrorCode::kInvalidArgument);
  EXPECT_EQ(r.error().message, "odd: 3");
  EXPECT_TRUE(CheckEven(4).ok());
  EXPECT_EQ(CheckEven(5).code(), ErrorCode::kInvalidArgument);
}

TEST(ResultTest, WrapPutsContextFirst) {
  Error e = MakeError(ErrorCode::kCorrupted, "sha256 mismatch").Wrap("get s3://b/k");
  EXPECT_EQ(e.message, "get s3://b/k: sha256 mismatch");
  EXPECT_EQ(e.code, ErrorCode::kCorrupted);
}

TEST(ResultTest, HoldsMoveOnlyValues) {
  Result<std::unique_ptr<int>> r = std::make_unique<int>(7);
  ASSERT_TRUE(r.ok());
  std::unique_ptr<int> p = std::move(r).value();
  EXPECT_EQ(*p, 7);
}

TEST(ResultTest, StatusCodeNames) {
  EXPECT_EQ(ErrorCodeName(ErrorCode::kCorrupted), "corrupted");
  EXPECT_EQ(Status().message(), "ok");
}

// The codes are numbered densely from kOk; this is the last one.
constexpr int kLastCode = static_cast<int>(ErrorCode::kCancelled);

TEST(ResultTest, EveryCodeHasANameAndOneS3Answer) {
  std::set<std::pair<std::string_view, int>> answers;
  for (int n = 1; n <= kLastCode; ++n) {
    const auto code = static_cast<ErrorCode>(n);
    EXPECT_NE(ErrorCodeName(code), "unknown") << n;
    const S3ErrorInfo s3 = S3ErrorOf(code);
    EXPECT_FALSE(s3.code.empty()) << ErrorCodeName(code);
    EXPECT_GE(s3.http_status, 400) << ErrorCodeName(code);
    if (code != ErrorCode::kInternal) {  // shares InternalError with kIoError
      EXPECT_TRUE(answers.emplace(s3.code, s3.http_status).second) << ErrorCodeName(code);
    }
  }
  EXPECT_EQ(S3ErrorOf(ErrorCode::kNotFound).code, "NoSuchKey");
  EXPECT_EQ(S3ErrorOf(ErrorCode::kBucketNotFound).code, "NoSuchBucket");
  EXPECT_EQ(S3ErrorOf(ErrorCode::kOutOfRange).http_status, 416);
  EXPECT_EQ(S3ErrorOf(ErrorCode::kUnauthenticated).http_status, 403);
  EXPECT_EQ(S3ErrorOf(ErrorCode::kAlreadyExists).http_status, 412);
  EXPECT_EQ(ErrorCodeName(static_cast<ErrorCode>(kLastCode + 1)), "unknown");
}

}  // namespace
}  // namespace deltaglider
