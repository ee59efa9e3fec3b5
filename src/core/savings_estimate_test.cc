#include "core/savings_estimate.h"

#include <gtest/gtest.h>

namespace deltaglider {
namespace {

GroupObservation Unmeasured(const char* extension, uint64_t reference_size, uint64_t member_count,
                            uint64_t member_bytes) {
  GroupObservation group;
  group.extension = extension;
  group.reference_size = reference_size;
  group.member_count = member_count;
  group.member_bytes = member_bytes;
  return group;
}

TEST(PredictGroups, FullySampledGroupIsWhatWasMeasured) {
  GroupObservation group{.extension = ".zip", .reference_size = 1000, .member_count = 2,
                         .member_bytes = 2000, .reference = MeasuredBytes{1000, 900},
                         .members = {{1000, 10}, {1000, 30}}};
  const auto out = PredictGroups({group});
  ASSERT_EQ(out.size(), 1u);
  EXPECT_EQ(out[0].original_bytes, 3000u);
  EXPECT_EQ(out[0].predicted_bytes, 940u);
  EXPECT_EQ(out[0].basis, EstimateBasis::kSampled);
}

TEST(PredictGroups, UnsampledMembersTakeTheGroupsByteWeightedRatio) {
  // Measured 100 + 300 stored of 4000 bytes (ratio 0.1); 6000 more bytes -> 600.
  GroupObservation group{.extension = ".tar", .reference_size = 2000, .member_count = 5,
                         .member_bytes = 10000, .reference = MeasuredBytes{1000, 500},
                         .members = {{1000, 100}, {3000, 300}}};
  const auto out = PredictGroups({group});
  EXPECT_EQ(out[0].predicted_bytes, 1000u + 400u + 600u);
  EXPECT_EQ(out[0].basis, EstimateBasis::kPartly);
}

TEST(PredictGroups, UnsampledGroupsTakeTheirExtensionsRatiosElseFullSize) {
  GroupObservation sampled{.extension = ".zip", .reference_size = 1000, .member_count = 1,
                           .member_bytes = 1000, .reference = MeasuredBytes{1000, 800},
                           .members = {{1000, 50}}};
  const GroupObservation same_ext = Unmeasured(".zip", 2000, 2, 4000);
  const GroupObservation other_ext = Unmeasured(".iso", 7000, 1, 3000);
  const auto out = PredictGroups({sampled, same_ext, other_ext});
  EXPECT_EQ(out[1].predicted_bytes, 1600u + 200u);  // 0.8 x reference, 0.05 x members
  EXPECT_EQ(out[1].basis, EstimateBasis::kByExtension);
  EXPECT_EQ(out[2].predicted_bytes, 10000u);
  EXPECT_EQ(out[2].basis, EstimateBasis::kFullSize);
}

TEST(PredictGroups, ReferenceMeasuredOnAPrefixScalesToTheWholeFile) {
  // 1 MB of a 4 MB reference compressed to 250 KB: the whole takes 1 MB.
  GroupObservation group = Unmeasured(".iso", 4000000, 0, 0);
  group.reference = MeasuredBytes{1000000, 250000};
  const auto out = PredictGroups({group});
  EXPECT_EQ(out[0].predicted_bytes, 1000000u);
  EXPECT_EQ(out[0].basis, EstimateBasis::kPartly);
}

TEST(SavedFraction, OfOriginalBytes) {
  EXPECT_DOUBLE_EQ(SavedFraction(1000, 48), 0.952);
  EXPECT_DOUBLE_EQ(SavedFraction(0, 0), 0.0);
  EXPECT_LT(SavedFraction(100, 110), 0.0);
}

}  // namespace
}  // namespace deltaglider
