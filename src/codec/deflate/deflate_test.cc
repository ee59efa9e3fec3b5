// Profile V against the system zlib (the oracle): byte-for-byte equal output over
// levels 1-9 x memLevel {1,8,9} on generated inputs; profile G against the gzip
// program (GNU gzip 1.12 on Debian 12); round trips through zlib's inflate for
// every profile; the profile search.
#include "codec/deflate/deflate.h"

#include <gtest/gtest.h>
#include <zlib.h>

#include <algorithm>
#include <cstdlib>
#include <cstring>
#include <string>

#include "tests/testutil/deflate_inputs.h"
#include "tests/testutil/temp_dir.h"

namespace deltaglider {
namespace {

using deflate::testing::Bytes;
using deflate::testing::RandomInput;
using deflate::testing::RepetitiveInput;
using deflate::testing::TestInput;
using deflate::testing::TextInput;

Bytes ZlibDeflate(const Bytes& input, int level, int mem_level) {
  z_stream z{};
  EXPECT_EQ(deflateInit2(&z, level, Z_DEFLATED, -15, mem_level, Z_DEFAULT_STRATEGY), Z_OK);
  Bytes out(deflateBound(&z, input.size()) + 16);
  z.next_in = reinterpret_cast<Bytef*>(const_cast<std::byte*>(input.data()));
  z.avail_in = static_cast<uInt>(input.size());
  z.next_out = reinterpret_cast<Bytef*>(out.data());
  z.avail_out = static_cast<uInt>(out.size());
  EXPECT_EQ(::deflate(&z, Z_FINISH), Z_STREAM_END);
  out.resize(z.total_out);
  deflateEnd(&z);
  return out;
}

Bytes Inflate(const Bytes& stream, size_t expected_size) {
  z_stream z{};
  EXPECT_EQ(inflateInit2(&z, -15), Z_OK);
  Bytes out(expected_size + 1);
  z.next_in = reinterpret_cast<Bytef*>(const_cast<std::byte*>(stream.data()));
  z.avail_in = static_cast<uInt>(stream.size());
  z.next_out = reinterpret_cast<Bytef*>(out.data());
  z.avail_out = static_cast<uInt>(out.size());
  const int rc = inflate(&z, Z_FINISH);
  EXPECT_EQ(rc, Z_STREAM_END);
  EXPECT_EQ(z.avail_in, 0u) << "bytes after the final block";
  out.resize(z.total_out);
  inflateEnd(&z);
  return out;
}

Bytes OurDeflate(const Bytes& input, const DeflateProfile& profile) {
  VectorSink sink;
  EXPECT_TRUE(Deflate(input, profile, sink).ok());
  return sink.bytes();
}

size_t FirstDifference(const Bytes& a, const Bytes& b) {
  return static_cast<size_t>(
      std::mismatch(a.begin(), a.begin() + std::min(a.size(), b.size()), b.begin()).first -
      a.begin());
}

Bytes Concat(Bytes a, const Bytes& b) {
  a.insert(a.end(), b.begin(), b.end());
  return a;
}

std::vector<TestInput> OracleInputs() {
  std::vector<TestInput> inputs = deflate::testing::GoldenInputs();
  inputs.push_back({"two", RandomInput(2, 5)});
  inputs.push_back({"three", RandomInput(3, 5)});
  inputs.push_back({"four", Bytes(4, std::byte{'a'})});
  inputs.push_back({"text_200k", TextInput(200000, 21)});
  inputs.push_back({"random_200k", RandomInput(200000, 22)});
  inputs.push_back({"repetitive_300k", RepetitiveInput(250000, 50000)});
  // Ends just past a slide with the window not full: stale bytes beyond the end.
  inputs.push_back({"text_98204", TextInput(98204, 23)});
  inputs.push_back({"mixed_131k", Concat(TextInput(65000, 24),
                                         Concat(RandomInput(1000, 25), TextInput(65072, 24)))});
  return inputs;
}

// The raw deflate stream of `gzip -<level> -n` (no name: a 10-byte header) on `input`.
Bytes GnuGzipStream(const Bytes& input, int level) {
  testing::TempDir tmp;
  testing::WriteFile(tmp.Sub("in"),
                     std::string(reinterpret_cast<const char*>(input.data()), input.size()));
  const std::string cmd = "gzip -" + std::to_string(level) + " -n -c '" + tmp.Sub("in") + "' > '" +
                          tmp.Sub("out.gz") + "'";
  EXPECT_EQ(std::system(cmd.c_str()), 0) << cmd;
  const std::string gz = testing::ReadFile(tmp.Sub("out.gz"));
  if (gz.size() < 18 || gz[3] != 0) {
    ADD_FAILURE() << "unexpected gzip header";
    return {};
  }
  Bytes stream(gz.size() - 18);
  std::memcpy(stream.data(), gz.data() + 10, stream.size());
  return stream;
}

class VanillaOracle : public ::testing::TestWithParam<int> {};

TEST_P(VanillaOracle, EqualsSystemZlibOnEveryInput) {
  const int level = GetParam();
  for (const TestInput& input : OracleInputs()) {
    for (int mem_level : {1, 8, 9}) {
      const Bytes expected = ZlibDeflate(input.bytes, level, mem_level);
      const DeflateProfile profile{DeflateProfile::kVanilla, level, mem_level};
      const Bytes actual = OurDeflate(input.bytes, profile);
      ASSERT_EQ(actual.size(), expected.size())
          << input.name << " " << DeflateProfileName(profile) << " first difference at "
          << FirstDifference(actual, expected);
      ASSERT_TRUE(actual == expected)
          << input.name << " " << DeflateProfileName(profile) << " first difference at "
          << FirstDifference(actual, expected);
      EXPECT_TRUE(DeflateReproduces(input.bytes, profile, expected));
    }
  }
}

INSTANTIATE_TEST_SUITE_P(Levels, VanillaOracle, ::testing::Range(1, 10));

TEST(Deflate, GzipProfileEqualsTheGzipProgram) {
  std::vector<TestInput> inputs = deflate::testing::GoldenInputs();
  inputs.push_back({"text_300k", TextInput(300000, 71)});
  inputs.push_back({"random_100k", RandomInput(100000, 72)});
  inputs.push_back({"repetitive_300k", RepetitiveInput(250000, 50000)});
  inputs.push_back({"mixed_131k", Concat(TextInput(65000, 73),
                                         Concat(RandomInput(1000, 74), TextInput(65072, 73)))});
  for (const TestInput& input : inputs) {
    for (int level = 1; level <= 9; ++level) {
      const Bytes expected = GnuGzipStream(input.bytes, level);
      const DeflateProfile profile{DeflateProfile::kGzip, level, 8};
      const Bytes actual = OurDeflate(input.bytes, profile);
      EXPECT_TRUE(actual == expected)
          << input.name << " " << DeflateProfileName(profile) << " first difference at "
          << FirstDifference(actual, expected);
    }
  }
}

TEST(Deflate, OneMebibyteEqualsSystemZlibAtLevels1And6And9) {
  const Bytes input = Concat(TextInput(700000, 31), RandomInput(348576, 32));
  for (int level : {1, 6, 9}) {
    const Bytes expected = ZlibDeflate(input, level, 8);
    EXPECT_TRUE(OurDeflate(input, {DeflateProfile::kVanilla, level, 8}) == expected) << level;
  }
}

// A lazy level's tokens chosen on two threads that meet past the split point (or,
// if they never do, by the first alone) give the stream of one thread: inputs
// whose matches straddle the split points, whose middle is incompressible, text
// and data without matches (no meeting: the fallback). Deflate() itself splits
// from 1 MiB (OneMebibyteEqualsSystemZlibAtLevels1And6And9 goes through that).
TEST(Deflate, SplitRunsEqualOneThread) {
  const std::vector<TestInput> inputs = {
      {"text_300k", TextInput(300000, 41)},
      {"repetitive_300k", RepetitiveInput(300000, 70000)},
      {"random_middle",
       Concat(TextInput(60000, 42), Concat(RandomInput(50000, 43), TextInput(150000, 44)))},
      {"random_200k", RandomInput(200000, 45)}};
  for (const TestInput& input : inputs) {
    for (int level : {4, 6, 9}) {
      const Bytes expected = ZlibDeflate(input.bytes, level, 8);
      for (uint64_t split : {32768, 65536, 131072}) {
        VectorSink actual;
        ASSERT_TRUE(
            DeflateSplitAt(input.bytes, {DeflateProfile::kVanilla, level, 8}, actual, split).ok());
        EXPECT_TRUE(actual.bytes() == expected)
            << input.name << " L" << level << " split " << split << " first difference at "
            << FirstDifference(actual.bytes(), expected);
      }
    }
    for (auto hash :
         {DeflateProfile::kChromiumCrc32c, DeflateProfile::kChromiumAnzac, DeflateProfile::kGzip}) {
      const DeflateProfile profile{hash, 9, 8};
      VectorSink halves;
      ASSERT_TRUE(DeflateSplitAt(input.bytes, profile, halves, 65536).ok());
      // DeflateReproduces runs on one thread below 1 MiB (block by block).
      EXPECT_TRUE(DeflateReproduces(input.bytes, profile, halves.bytes()))
          << input.name << " " << DeflateProfileName(profile);
    }
  }
  VectorSink sink;
  EXPECT_EQ(
      DeflateSplitAt(TextInput(100000, 1), {DeflateProfile::kVanilla, 6, 8}, sink, 1000).code(),
      ErrorCode::kInvalidArgument);
}

TEST(Deflate, EmptyInputIsOneFixedBlock) {
  for (auto hash : {DeflateProfile::kVanilla, DeflateProfile::kChromiumCrc32c,
                    DeflateProfile::kChromiumAnzac}) {
    EXPECT_EQ(OurDeflate({}, {hash, 9, 8}), (Bytes{std::byte{0x03}, std::byte{0x00}}));
  }
}

TEST(Deflate, EveryProfileRoundTripsThroughZlibInflate) {
  std::vector<TestInput> inputs = deflate::testing::GoldenInputs();
  inputs.push_back({"text_200k", TextInput(200000, 41)});
  inputs.push_back({"random_100k", RandomInput(100000, 42)});
  inputs.push_back({"repetitive", RepetitiveInput(100000, 70000)});
  for (const TestInput& input : inputs) {
    for (auto hash : {DeflateProfile::kVanilla, DeflateProfile::kChromiumCrc32c,
                      DeflateProfile::kChromiumAnzac, DeflateProfile::kGzip}) {
      for (int level = 1; level <= 9; ++level) {
        for (int mem_level : {1, 5, 8, 9}) {
          const DeflateProfile profile{hash, level, hash == DeflateProfile::kGzip ? 8 : mem_level};
          const Bytes stream = OurDeflate(input.bytes, profile);
          ASSERT_TRUE(Inflate(stream, input.bytes.size()) == input.bytes)
              << input.name << " " << DeflateProfileName(profile);
        }
      }
    }
  }
}

// Below 1 MiB the comparison runs on one thread; from 1 MiB on two (the first
// block checked alone first): either way only the very stream passes.
TEST(Deflate, ReproducesRejectsAnyOtherStream) {
  for (const size_t size : {size_t{50000}, size_t{3} << 20}) {
    SCOPED_TRACE(size);
    const Bytes input = TextInput(size, 51);
    const DeflateProfile profile{DeflateProfile::kChromiumAnzac, 9, 8};
    const Bytes stream = OurDeflate(input, profile);
    EXPECT_TRUE(DeflateReproduces(input, profile, stream));
    EXPECT_FALSE(DeflateReproduces(input, profile, Bytes(stream.begin(), stream.end() - 1)));
    EXPECT_FALSE(DeflateReproduces(input, profile, Concat(stream, Bytes{std::byte{0}})));
    for (const size_t at : {stream.size() / 2, stream.size() - stream.size() / 8}) {
      Bytes flipped = stream;
      flipped[at] ^= std::byte{1};
      EXPECT_FALSE(DeflateReproduces(input, profile, flipped)) << at;
    }
    EXPECT_FALSE(DeflateReproduces(input, {DeflateProfile::kVanilla, 9, 8}, stream));
    EXPECT_FALSE(DeflateReproduces(input, {DeflateProfile::kVanilla, 0, 8}, stream));
  }
}

TEST(Deflate, InvalidProfileIsInvalidArgument) {
  VectorSink sink;
  EXPECT_EQ(Deflate({}, {DeflateProfile::kVanilla, 10, 8}, sink).code(),
            ErrorCode::kInvalidArgument);
  EXPECT_EQ(Deflate({}, {DeflateProfile::kVanilla, 6, 0}, sink).code(),
            ErrorCode::kInvalidArgument);
}

TEST(FindDeflateProfile, FindsTheZlibParameters) {
  const Bytes input = TextInput(30000, 61);
  for (auto [level, mem_level] : {std::pair{6, 8}, {9, 8}, {1, 8}, {4, 3}}) {
    const Bytes stream = ZlibDeflate(input, level, mem_level);
    auto found = FindDeflateProfile(input, stream);
    ASSERT_TRUE(found.ok()) << level << " " << mem_level;
    // Another profile may coincide on this input; it must still reproduce the stream.
    EXPECT_TRUE(DeflateReproduces(input, *found, stream)) << DeflateProfileName(*found);
  }
}

TEST(Deflate, ProfileNamesSayTheHash) {
  EXPECT_EQ(DeflateProfileName({DeflateProfile::kVanilla, 6, 8}), "V L6 m8");
  EXPECT_EQ(DeflateProfileName({DeflateProfile::kChromiumAnzac, 9, 8}), "C2 L9 m8");
  EXPECT_EQ(DeflateProfileName({DeflateProfile::kGzip, 6, 8}), "G L6 m8");
}

TEST(FindDeflateProfile, FindsTheGzipProgram) {
  const Bytes input = Concat(TextInput(100000, 63), RandomInput(50000, 64));
  for (int level : {1, 6, 9}) {
    const Bytes stream = GnuGzipStream(input, level);
    auto found = FindDeflateProfile(input, stream);
    ASSERT_TRUE(found.ok()) << level;
    // A zlib profile may coincide on some inputs; it must still reproduce the stream.
    EXPECT_TRUE(DeflateReproduces(input, *found, stream)) << DeflateProfileName(*found);
  }
}

TEST(FindDeflateProfile, NotFoundForAStreamNoProfileMakes) {
  const Bytes input = TextInput(30000, 62);
  z_stream z{};
  ASSERT_EQ(deflateInit2(&z, 6, Z_DEFLATED, -15, 8, Z_FILTERED), Z_OK);
  Bytes out(deflateBound(&z, input.size()) + 64);
  z.next_in = reinterpret_cast<Bytef*>(const_cast<std::byte*>(input.data()));
  z.avail_in = 10000;
  z.next_out = reinterpret_cast<Bytef*>(out.data());
  z.avail_out = static_cast<uInt>(out.size());
  ASSERT_EQ(::deflate(&z, Z_SYNC_FLUSH), Z_OK);
  z.avail_in = static_cast<uInt>(input.size() - 10000);
  ASSERT_EQ(::deflate(&z, Z_FINISH), Z_STREAM_END);
  out.resize(z.total_out);
  deflateEnd(&z);
  EXPECT_EQ(FindDeflateProfile(input, out).code(), ErrorCode::kNotFound);
}

}  // namespace
}  // namespace deltaglider
