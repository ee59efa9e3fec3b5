// Clock: the port for wall-clock time, so tests can fix `dg-created-at`.
#pragma once

#include "deltaglider/types.h"

namespace deltaglider {

class Clock {
 public:
  virtual ~Clock() = default;
  virtual TimePoint Now() const = 0;
};

// The system's real-time clock. Lives for the whole program.
Clock& SystemClock();

}  // namespace deltaglider
