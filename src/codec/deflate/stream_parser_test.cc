// InflateAndParse, the reader that inflates a reference's stream and reads its
// tokens back in one pass, against the system zlib: the same bytes and stream
// length over every level and strategy, the same tokens ParseDeflateStream reads,
// appended after what the payload already holds; a truncated stream or one past
// the limit is refused and leaves the payload as it was. (ParseDeflateStream
// itself is exercised through the correction recipes' tests.)
#include "codec/deflate/stream_parser.h"

#include <gtest/gtest.h>
#include <zlib.h>

#include <string>

#include "codec/zip/zip_test_util.h"
#include "tests/testutil/deflate_inputs.h"

namespace deltaglider::deflate {
namespace {

using testing::Bytes;

TEST(InflateAndParse, InflatesLikeZlibAndReadsTheTokensBack) {
  const Bytes prefix(10, std::byte{'x'});   // an earlier member's payload
  const Bytes trailer(8, std::byte{0xAB});  // what follows a stream in a file
  for (const Bytes& input : {testing::TextInput(200000, 3), testing::RandomInput(70000, 4),
                             testing::RepetitiveInput(100000, 5000), Bytes{}}) {
    for (int level : {0, 1, 6, 9}) {
      for (int strategy : {Z_DEFAULT_STRATEGY, Z_FILTERED, Z_HUFFMAN_ONLY, Z_RLE, Z_FIXED}) {
        SCOPED_TRACE(std::to_string(input.size()) + " L" + std::to_string(level) + " s" +
                     std::to_string(strategy));
        const Bytes stream = deltaglider::testing::RawDeflate(input, level, strategy);
        Bytes data = stream;
        data.insert(data.end(), trailer.begin(), trailer.end());
        Bytes payload = prefix;
        ParsedStream read;
        auto size = InflateAndParse(data, uint64_t{1} << 30, payload, read);
        ASSERT_TRUE(size.ok()) << size.error().message;
        EXPECT_EQ(*size, stream.size());
        EXPECT_TRUE(std::equal(payload.begin(), payload.begin() + 10, prefix.begin()));
        EXPECT_TRUE(std::equal(payload.begin() + 10, payload.end(), input.begin(), input.end()));
        auto parsed = ParseDeflateStream(stream, input);
        ASSERT_TRUE(parsed.ok());
        EXPECT_TRUE(parsed->tokens == read.tokens);
        ASSERT_EQ(parsed->blocks.size(), read.blocks.size());
        for (size_t i = 0; i < read.blocks.size(); ++i) {
          EXPECT_EQ(parsed->blocks[i].header.type, read.blocks[i].header.type);
          EXPECT_EQ(parsed->blocks[i].first_token, read.blocks[i].first_token);
          EXPECT_EQ(parsed->blocks[i].payload_offset, read.blocks[i].payload_offset);
        }
      }
    }
  }
}

TEST(InflateAndParse, RefusesWhatIsNotAWholeStreamAndLeavesThePayloadAlone) {
  const Bytes input = testing::TextInput(100000, 9);
  const Bytes stream = deltaglider::testing::RawDeflate(input, 6, Z_DEFAULT_STRATEGY);
  const Bytes prefix(3, std::byte{1});
  ParsedStream tokens;

  Bytes payload = prefix;
  const Bytes half(stream.begin(), stream.begin() + static_cast<std::ptrdiff_t>(stream.size() / 2));
  EXPECT_EQ(InflateAndParse(half, uint64_t{1} << 30, payload, tokens).code(),
            ErrorCode::kInvalidArgument);
  EXPECT_EQ(payload, prefix);

  EXPECT_EQ(InflateAndParse(stream, prefix.size() + input.size() - 1, payload, tokens).code(),
            ErrorCode::kResourceExhausted);
  EXPECT_EQ(payload, prefix);

  EXPECT_FALSE(InflateAndParse({}, 100, payload, tokens).ok());
  EXPECT_EQ(payload, prefix);
}

// A stream the fuzzer found: its code is incomplete, which zlib refuses (and so
// must we: the reference's payload is what zlib makes of it, or nothing).
TEST(InflateAndParse, RefusesAnIncompleteCodeAsZlibDoes) {
  const uint8_t raw[] = {0x05, 0xc1, 0xb9, 0x11, 0x00, 0x21, 0x08, 0x00, 0x40, 0x63, 0xab,
                         0xb8, 0x50, 0x6b, 0xa0, 0x1a, 0x1f, 0x50, 0x41, 0xd0, 0x9c, 0xb1,
                         0xf7, 0x5b, 0x6a, 0xe1, 0x7a, 0x7f, 0x4d, 0xd2, 0xd0, 0xb0};
  const Bytes stream(reinterpret_cast<const std::byte*>(raw),
                     reinterpret_cast<const std::byte*>(raw) + sizeof raw);
  Bytes zlib_out(1 << 16);
  uLongf zlib_size = zlib_out.size();
  z_stream z{};
  ASSERT_EQ(inflateInit2(&z, -15), Z_OK);
  z.next_in = const_cast<Bytef*>(raw);
  z.avail_in = sizeof raw;
  z.next_out = reinterpret_cast<Bytef*>(zlib_out.data());
  z.avail_out = static_cast<uInt>(zlib_size);
  EXPECT_EQ(inflate(&z, Z_FINISH), Z_DATA_ERROR);
  inflateEnd(&z);
  Bytes payload;
  ParsedStream tokens;
  EXPECT_EQ(InflateAndParse(stream, 1 << 16, payload, tokens).code(), ErrorCode::kInvalidArgument);
  EXPECT_TRUE(payload.empty());
}

}  // namespace
}  // namespace deltaglider::deflate
