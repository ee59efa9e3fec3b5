#include "core/utc_time.h"

#include <gtest/gtest.h>

#include "core/metadata.h"

namespace deltaglider {
namespace {

TEST(UtcTime, ConvertsCalendarFields) {
  auto epoch = UtcTime(UtcFields{1970, 1, 1, 0, 0, 0});
  ASSERT_TRUE(epoch.ok());
  EXPECT_EQ(epoch->time_since_epoch().count(), 0);
  auto leap = UtcTime(UtcFields{2024, 2, 29, 23, 59, 59});
  ASSERT_TRUE(leap.ok());
  EXPECT_EQ(std::chrono::duration_cast<std::chrono::seconds>(leap->time_since_epoch()).count(),
            1709251199);
}

// Found by the parsers fuzzer: year 3548 overflowed the nanosecond clock.
TEST(UtcTime, RefusesWhatATimePointCannotHold) {
  for (const UtcFields& bad : {UtcFields{3548, 1, 1, 0, 0, 0}, UtcFields{1200, 1, 1, 0, 0, 0},
                               UtcFields{2023, 2, 29, 0, 0, 0}, UtcFields{2023, 13, 1, 0, 0, 0},
                               UtcFields{2023, 1, 1, 24, 0, 0}, UtcFields{2023, 1, 1, 0, -1, 0}}) {
    EXPECT_EQ(UtcTime(bad).code(), ErrorCode::kCorrupted) << bad.year << "-" << bad.month;
  }
  EXPECT_EQ(ParseTimestamp("3548-01-01T00:00:00Z").code(), ErrorCode::kCorrupted);
}

}  // namespace
}  // namespace deltaglider
