// LastReference: the entry is reused only for the very same bytes (compared in
// full, so a caller's buffer refilled in place is a new reference), is built on
// its own copy of them, and a reference past the limit is never kept.
#include "codec/last_reference.h"

#include <gtest/gtest.h>

#include <memory>
#include <vector>

namespace deltaglider {
namespace {

using Bytes = std::vector<std::byte>;

// What a codec would derive: here the first byte, and how many were made.
struct Derived {
  std::byte first;
};

class Counting {
 public:
  std::unique_ptr<Derived> operator()(std::span<const std::byte> bytes) const {
    ++*made_;
    return std::make_unique<Derived>(Derived{bytes.empty() ? std::byte{0} : bytes[0]});
  }
  explicit Counting(int* made) : made_(made) {}

 private:
  int* made_;
};

TEST(LastReference, SameBytesReuseTheEntryOtherBytesReplaceIt) {
  LastReference<Derived> cache(1 << 20);
  int made = 0;
  Bytes buffer(1000, std::byte{7});
  const auto first = cache.Get(buffer, Counting(&made));
  EXPECT_EQ(cache.Get(Bytes(1000, std::byte{7}), Counting(&made)), first);
  EXPECT_EQ(made, 1);
  // The entry holds its own copy: it views none of the caller's memory.
  EXPECT_NE(first->bytes.data(), buffer.data());
  EXPECT_TRUE(std::ranges::equal(first->bytes, buffer));

  buffer[999] = std::byte{8};  // same address, same size, one byte changed
  const auto second = cache.Get(buffer, Counting(&made));
  EXPECT_NE(second, first);
  EXPECT_EQ(made, 2);
  EXPECT_EQ(first->value->first, std::byte{7});  // a holder keeps its entry intact
  EXPECT_EQ(cache.Get(buffer, Counting(&made)), second);
  EXPECT_EQ(made, 2);
}

TEST(LastReference, AReferencePastTheLimitIsMadeForEachCallOnly) {
  LastReference<Derived> cache(100);
  int made = 0;
  const Bytes big(101, std::byte{1});
  const auto entry = cache.Get(big, Counting(&made));
  EXPECT_EQ(entry->bytes.data(), big.data());  // no copy made
  EXPECT_TRUE(entry->owned.empty());
  (void)cache.Get(big, Counting(&made));
  EXPECT_EQ(made, 2);
  const Bytes small(100, std::byte{1});
  (void)cache.Get(small, Counting(&made));
  (void)cache.Get(small, Counting(&made));
  EXPECT_EQ(made, 3);
}

}  // namespace
}  // namespace deltaglider
