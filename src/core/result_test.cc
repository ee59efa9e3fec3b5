#include "deltaglider/result.h"

#include <gtest/gtest.h>

#include <memory>

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

}  // namespace
}  // namespace deltaglider
