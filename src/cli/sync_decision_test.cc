#include "cli/sync_decision.h"

#include <gtest/gtest.h>

namespace deltaglider::cli {
namespace {

using std::chrono::milliseconds;
using std::chrono::seconds;

const TimePoint kT0 = TimePoint{} + seconds(1'700'000'000);

TEST(NeedsTransfer, SizeDifferenceAlwaysTransfers) {
  for (auto direction : {SyncDirection::kUpload, SyncDirection::kDownload, SyncDirection::kCopy}) {
    EXPECT_TRUE(NeedsTransfer({10, kT0}, {11, kT0}, direction, {}));
    EXPECT_TRUE(NeedsTransfer({10, kT0}, {11, kT0}, direction, {.size_only = true}));
  }
}

TEST(NeedsTransfer, UploadWhenTheLocalFileIsNewer) {
  EXPECT_TRUE(NeedsTransfer({10, kT0 + seconds(5)}, {10, kT0}, SyncDirection::kUpload, {}));
  EXPECT_FALSE(NeedsTransfer({10, kT0}, {10, kT0 + seconds(5)}, SyncDirection::kUpload, {}));
  EXPECT_FALSE(NeedsTransfer({10, kT0}, {10, kT0}, SyncDirection::kUpload, {}));
  // Sub-second differences do not count: S3 keeps seconds.
  EXPECT_FALSE(NeedsTransfer({10, kT0 + milliseconds(700)}, {10, kT0}, SyncDirection::kUpload, {}));
  EXPECT_FALSE(NeedsTransfer({10, kT0 + seconds(5)}, {10, kT0}, SyncDirection::kUpload,
                             {.size_only = true}));
  EXPECT_TRUE(NeedsTransfer({10, kT0 + seconds(5)}, {10, kT0}, SyncDirection::kCopy, {}));
}

TEST(NeedsTransfer, DownloadFollowsTheAwsRules) {
  // An object newer than the local file of the same size is not fetched again...
  EXPECT_FALSE(NeedsTransfer({10, kT0 + seconds(5)}, {10, kT0}, SyncDirection::kDownload, {}));
  // ...a local file newer than the object is.
  EXPECT_TRUE(NeedsTransfer({10, kT0}, {10, kT0 + seconds(5)}, SyncDirection::kDownload, {}));
  EXPECT_TRUE(NeedsTransfer({10, kT0 + seconds(5)}, {10, kT0}, SyncDirection::kDownload,
                            {.exact_timestamps = true}));
  EXPECT_FALSE(NeedsTransfer({10, kT0}, {10, kT0 + milliseconds(300)}, SyncDirection::kDownload,
                             {.exact_timestamps = true}));
  EXPECT_FALSE(NeedsTransfer({10, kT0}, {10, kT0 + seconds(5)}, SyncDirection::kDownload,
                             {.size_only = true}));
}

}  // namespace
}  // namespace deltaglider::cli
