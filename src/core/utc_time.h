// UtcTime: the one conversion from calendar fields (as parsed from ISO-8601
// metadata, S3 XML and HTTP dates) to a TimePoint. Never trusts its input: fields
// out of range, or a year a TimePoint cannot hold, are kCorrupted.
#pragma once

#include "deltaglider/result.h"
#include "deltaglider/types.h"

namespace deltaglider {

struct UtcFields {
  int year = 1970;  // 1900..2200
  int month = 1;    // 1..12
  int day = 1;      // 1..days in that month
  int hour = 0;     // 0..23
  int minute = 0;   // 0..59
  int second = 0;   // 0..60 (a leap second counts as the next one)
};

Result<TimePoint> UtcTime(const UtcFields& fields);

}  // namespace deltaglider
