#include "codec/vcdiff/test_support.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <cstdlib>
#include <fstream>
#include <random>

#include "codec/vcdiff/varint.h"
#include "deltaglider/stream.h"
#include "deltaglider/vcdiff.h"
#include "tests/testutil/temp_dir.h"

namespace deltaglider::vcdiff::testing {

std::string FixtureDir() {
  const char* root = std::getenv("DG_SOURCE_DIR");
  return std::string(root != nullptr ? root : ".") + "/tests/data/upstream-v6";
}

Bytes ReadBytes(const std::string& path) { return ToBytes(deltaglider::testing::ReadFile(path)); }

void WriteBytes(const std::string& path, std::span<const std::byte> bytes) {
  std::ofstream out(path, std::ios::binary);
  out.write(reinterpret_cast<const char*>(bytes.data()),
            static_cast<std::streamsize>(bytes.size()));
  ASSERT_TRUE(out.good()) << path;
}

Bytes ToBytes(std::string_view text) {
  auto span = AsBytes(text);
  return Bytes(span.begin(), span.end());
}

Bytes Of(std::initializer_list<uint8_t> values) {
  Bytes out;
  for (uint8_t v : values) out.push_back(std::byte(v));
  return out;
}

Result<Bytes> Decode(std::span<const std::byte> reference, std::span<const std::byte> delta) {
  auto codec = NewVcdiffDeltaCodec();
  SpanSource source(delta);
  VectorSink sink;
  DG_RETURN_IF_ERROR(codec->Decode(reference, source, sink));
  return std::move(sink.bytes());
}

Bytes RandomBytes(size_t n, uint64_t seed) {
  std::mt19937_64 rng(seed);
  Bytes out(n);
  for (size_t i = 0; i < n; i += 8) {
    const uint64_t word = rng();
    for (size_t j = 0; j < 8 && i + j < n; ++j) out[i + j] = std::byte(word >> (8 * j));
  }
  return out;
}

Bytes StructuredBytes(size_t n, uint64_t seed) {
  static constexpr const char* kWords[] = {"module", "export",  "function", "return",  "const",
                                           "semver", "version", "range",    "compare", "parse"};
  std::mt19937_64 rng(seed);
  std::string text;
  text.reserve(n + 128);
  for (uint64_t line = 0; text.size() < n; ++line) {
    text += std::to_string(line) + ": ";
    const int words = 3 + static_cast<int>(rng() % 8);
    for (int w = 0; w < words; ++w) text += std::string(kWords[rng() % 10]) + ' ';
    text += std::to_string(rng() % 100000) + '\n';
  }
  text.resize(n);
  return ToBytes(text);
}

Bytes Edit(const Bytes& base, int edits, uint64_t seed) {
  std::mt19937_64 rng(seed);
  Bytes out = base;
  for (int i = 0; i < edits && !out.empty(); ++i) {
    const size_t at = rng() % out.size();
    const size_t len = 1 + rng() % 64;
    switch (rng() % 3) {
      case 0:  // substitute
        for (size_t j = at; j < std::min(out.size(), at + len); ++j) out[j] = std::byte(rng());
        break;
      case 1: {  // insert
        Bytes insert = RandomBytes(len, rng());
        out.insert(out.begin() + static_cast<ptrdiff_t>(at), insert.begin(), insert.end());
        break;
      }
      default:  // delete
        out.erase(out.begin() + static_cast<ptrdiff_t>(at),
                  out.begin() + static_cast<ptrdiff_t>(std::min(out.size(), at + len)));
    }
  }
  if (out.size() > 300000) {  // move a 100 KB block from the front to the back
    Bytes block(out.begin(), out.begin() + 100000);
    out.erase(out.begin(), out.begin() + 100000);
    out.insert(out.end(), block.begin(), block.end());
  }
  return out;
}

Bytes Xdelta3Encode(const std::string& flags, const Bytes* reference, const Bytes& target) {
  deltaglider::testing::TempDir dir;
  WriteBytes(dir.Sub("target.bin"), target);
  std::string command = "xdelta3 -e -f " + flags;
  if (reference != nullptr) {
    WriteBytes(dir.Sub("reference.bin"), *reference);
    command += " -s '" + dir.Sub("reference.bin") + "'";
  }
  command += " '" + dir.Sub("target.bin") + "' '" + dir.Sub("target.delta") + "'";
  const int rc = std::system(command.c_str());
  EXPECT_EQ(rc, 0) << command;
  if (rc != 0) return {};
  return ReadBytes(dir.Sub("target.delta"));
}

Bytes Gunzip(const Bytes& compressed) {
  deltaglider::testing::TempDir dir;
  WriteBytes(dir.Sub("in.gz"), compressed);
  const std::string command = "gzip -dc '" + dir.Sub("in.gz") + "' > '" + dir.Sub("out") + "'";
  const int rc = std::system(command.c_str());
  EXPECT_EQ(rc, 0) << command;
  return rc == 0 ? ReadBytes(dir.Sub("out")) : Bytes();
}

Bytes EncodeVarint(uint64_t value) {
  Bytes out(static_cast<size_t>(VarintLength(value)));
  for (size_t i = out.size(); i-- > 0;) {
    out[i] = std::byte((value & 0x7F) | (i + 1 == out.size() ? 0 : 0x80));
    value >>= 7;
  }
  return out;
}

DeltaBuilder::DeltaBuilder(uint8_t header_indicator, std::initializer_list<uint8_t> extra) {
  for (uint8_t b : {uint8_t{0xD6}, uint8_t{0xC3}, uint8_t{0xC4}, uint8_t{0}, header_indicator}) {
    Byte(b);
  }
  for (uint8_t b : extra) Byte(b);
}

DeltaBuilder& DeltaBuilder::Byte(uint8_t value) {
  bytes_.push_back(std::byte(value));
  return *this;
}

DeltaBuilder& DeltaBuilder::Varint(uint64_t value) { return Raw(EncodeVarint(value)); }

DeltaBuilder& DeltaBuilder::Raw(std::span<const std::byte> bytes) {
  bytes_.insert(bytes_.end(), bytes.begin(), bytes.end());
  return *this;
}

DeltaBuilder& DeltaBuilder::Window(uint8_t win_ind, uint64_t segment_length,
                                   uint64_t segment_offset, uint64_t target_length,
                                   const Bytes& data, const Bytes& inst, const Bytes& addr) {
  Byte(win_ind);
  if ((win_ind & 0x03) != 0) Varint(segment_length).Varint(segment_offset);
  const uint64_t encoding = 1 + VarintLength(target_length) + VarintLength(data.size()) +
                            VarintLength(inst.size()) + VarintLength(addr.size()) + data.size() +
                            inst.size() + addr.size();
  Varint(encoding).Varint(target_length).Byte(0);
  Varint(data.size()).Varint(inst.size()).Varint(addr.size());
  return Raw(data).Raw(inst).Raw(addr);
}

}  // namespace deltaglider::vcdiff::testing
