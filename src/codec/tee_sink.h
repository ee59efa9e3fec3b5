// TeeSink: a ByteSink that writes everything to two sinks, in order (the first
// one's error stops the write). For a codec that keeps a copy of what it writes.
#pragma once

#include <span>

#include "deltaglider/stream.h"

namespace deltaglider {

class TeeSink final : public ByteSink {
 public:
  TeeSink(ByteSink& first, ByteSink& second) : first_(first), second_(second) {}
  Status Write(std::span<const std::byte> data) override {
    DG_RETURN_IF_ERROR(first_.Write(data));
    return second_.Write(data);
  }

 private:
  ByteSink& first_;
  ByteSink& second_;
};

}  // namespace deltaglider
