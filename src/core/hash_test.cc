#include "core/hash.h"

#include <gtest/gtest.h>

namespace deltaglider {
namespace {

TEST(HashTest, KnownDigests) {
  EXPECT_EQ(Sha256Hex(AsBytes("abc")),
            "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
  Hasher md5(Hasher::Algorithm::kMd5);
  md5.Update(AsBytes("abc"));
  EXPECT_EQ(md5.HexDigest(), "900150983cd24fb0d6963f7d28e17f72");
}

TEST(HashTest, StreamingEqualsOneShot) {
  // Empty, small (MD5 on the reading thread), and large across several chunks
  // (the MD5 on a second thread, a chunk behind).
  for (const size_t size : {size_t{0}, size_t{100000}, size_t{9 << 20} + 12345}) {
    std::string data(size, 'q');
    for (size_t i = 0; i < size; i += 4099) data[i] = static_cast<char>(i / 4099);
    SpanSource source(AsBytes(data));
    auto digest = DigestOfSource(source);
    ASSERT_TRUE(digest.ok());
    EXPECT_EQ(digest->sha256, Sha256Hex(AsBytes(data)));
    EXPECT_EQ(digest->size, data.size());
    Hasher md5(Hasher::Algorithm::kMd5);
    md5.Update(AsBytes(data));
    EXPECT_EQ(digest->md5, md5.HexDigest()) << size;
  }
}

TEST(HashTest, IsSha256Hex) {
  EXPECT_TRUE(IsSha256Hex(std::string(64, 'a')));
  EXPECT_FALSE(IsSha256Hex(std::string(64, 'A')));
  EXPECT_FALSE(IsSha256Hex(std::string(63, 'a')));
}

}  // namespace
}  // namespace deltaglider
