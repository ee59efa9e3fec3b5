// Token: one literal or match of a deflate stream, as the deflater chose it and as
// a parser reads it back. Plain data; it never refers to the bytes it stands for.
#pragma once

#include <cstdint>

namespace deltaglider::deflate {

struct Token {
  uint16_t length = 0;    // 0 for a literal, else 3..258
  uint16_t distance = 0;  // 1..32768 for a match

  // The payload bytes the token stands for.
  unsigned size() const { return length == 0 ? 1u : length; }

  bool operator==(const Token&) const = default;
};

}  // namespace deltaglider::deflate
