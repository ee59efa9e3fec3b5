#include "tests/testutil/deflate_inputs.h"

#include <iterator>

namespace deltaglider::deflate::testing {
namespace {

class XorShift32 {
 public:
  explicit XorShift32(uint32_t seed) : state_(seed != 0 ? seed : 1) {}
  uint32_t Next() {
    state_ ^= state_ << 13;
    state_ ^= state_ >> 17;
    state_ ^= state_ << 5;
    return state_;
  }

 private:
  uint32_t state_;
};

Bytes FromString(const std::string& s) {
  Bytes out(s.size());
  for (size_t i = 0; i < s.size(); ++i) out[i] = static_cast<std::byte>(s[i]);
  return out;
}

}  // namespace

Bytes RandomInput(size_t size, uint32_t seed) {
  XorShift32 rng(seed);
  Bytes out(size);
  for (auto& b : out) b = static_cast<std::byte>(rng.Next() >> 24);
  return out;
}

Bytes TextInput(size_t size, uint32_t seed) {
  static const char* const kWords[] = {"the ",    "deflate ", "window ", "hash ",  "chain ",
                                       "match ",  "lazy ",    "block ",  "tree\n", "of ",
                                       "return ", "const ",   "{ ",      "} ",     "he "};
  XorShift32 rng(seed);
  std::string text;
  while (text.size() < size) {
    text += kWords[rng.Next() % std::size(kWords)];
    if (rng.Next() % 7 == 0) text += static_cast<char>('0' + rng.Next() % 10);
  }
  text.resize(size);
  return FromString(text);
}

Bytes RepetitiveInput(size_t size, size_t zeros) {
  std::string text;
  for (int i = 0; i < 10; ++i) text += "abcabcabd";
  while (text.size() < size) text += "xyz";
  text.resize(size);
  text.append(zeros, '\0');
  return FromString(text);
}

std::vector<TestInput> GoldenInputs() {
  return {
      {"empty", {}},
      {"one", FromString("a")},
      {"sentence", FromString("The quick brown fox jumps over the lazy dog; the dog sleeps. "
                              "Then the fox jumps again over the dog.")},
      {"qzx_zero", FromString(std::string("_qZx") + std::string(1, '\0') + "0123456789qZx")},
      {"text_5k", TextInput(5000, 7)},
      {"random_3k", RandomInput(3000, 11)},
      {"repetitive", RepetitiveInput(20000, 3000)},
      {"text_70k", TextInput(70000, 3)},
  };
}

}  // namespace deltaglider::deflate::testing
