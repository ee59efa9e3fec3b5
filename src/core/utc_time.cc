#include "core/utc_time.h"

#include <chrono>
#include <cstdio>

namespace deltaglider {

Result<TimePoint> UtcTime(const UtcFields& f) {
  using namespace std::chrono;
  const year_month_day date{year{f.year}, month{static_cast<unsigned>(f.month)},
                            day{static_cast<unsigned>(f.day)}};
  if (f.year < 1900 || f.year > 2200 || !date.ok() || f.hour < 0 || f.hour > 23 ||
      f.minute < 0 || f.minute > 59 || f.second < 0 || f.second > 60) {
    char text[80];
    std::snprintf(text, sizeof text, "%d-%02d-%02d %02d:%02d:%02d", f.year, f.month, f.day, f.hour,
                  f.minute, f.second);
    return MakeError(ErrorCode::kCorrupted, "date out of range: ", text);
  }
  return TimePoint(sys_days(date) + hours(f.hour) + minutes(f.minute) + seconds(f.second));
}

}  // namespace deltaglider
