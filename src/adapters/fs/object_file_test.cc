// The object file encoding and the key rules of the directory store.
#include "adapters/fs/object_file.h"

#include <fcntl.h>
#include <gtest/gtest.h>
#include <unistd.h>

#include "tests/testutil/temp_dir.h"

namespace deltaglider::fs_internal {
namespace {

using testing::TempDir;
using testing::WriteFile;

TEST(ValidateKey, AcceptsOrdinaryAndOddButSafeKeys) {
  for (const char* key : {"a", "a/b/c.zip", "with space", "ü/日本.zip", "back\\slash", ".dg-tmp/x",
                          "..a", "a..", ".hidden", "a/.b/c", "%2e%2e/x", "...", "a b/ c "}) {
    Status status = ValidateKey(key);
    EXPECT_TRUE(status.ok()) << key << ": " << status.message();
  }
  EXPECT_TRUE(ValidateKey(std::string(1024, 'k')).ok());
}

TEST(ValidateKey, RejectsKeysThatCouldEscapeOrAreMalformed) {
  const std::vector<std::string> bad = {"",
                                        "/abs",
                                        "a//b",
                                        "a/",
                                        "..",
                                        "../x",
                                        "a/..",
                                        "a/../b",
                                        ".",
                                        "./a",
                                        "a/./b",
                                        "//",
                                        "/",
                                        std::string("a\0b", 3),
                                        std::string(1025, 'k')};
  for (const std::string& key : bad) {
    Status status = ValidateKey(key);
    EXPECT_EQ(status.code(), ErrorCode::kInvalidArgument) << "'" << key << "'";
    if (!key.empty()) {
      EXPECT_NE(status.message().find("invalid key"), std::string::npos);
    }
  }
  EXPECT_NE(ValidateKey("a/../b").message().find("'..'"), std::string::npos);
  EXPECT_NE(ValidateKey("a//b").message().find("empty path segment"), std::string::npos);
}

// Writes `bytes` to a file and decodes its header.
Result<DecodedObject> Decode(const TempDir& tmp, const std::string& bytes) {
  const std::string path = tmp.Sub("object");
  WriteFile(path, bytes);
  const int fd = ::open(path.c_str(), O_RDONLY);
  auto decoded = ReadObjectHeader(fd, bytes.size(), "test object");
  ::close(fd);
  return decoded;
}

TEST(ObjectHeader, EncodesMagicLittleEndianLengthAndJson) {
  ObjectHeader header{.metadata = {{"dg-x", "1"}},
                      .content_type = "text/plain",
                      .etag = "5eb63bbbe01eeed093cb22bb8f5acdc3",
                      .size = 11};
  auto encoded = EncodeHeader(header);
  ASSERT_TRUE(encoded.ok());
  ASSERT_GE(encoded->size(), kPrefixBytes);
  EXPECT_EQ(encoded->substr(0, 8), std::string("\x89"
                                               "DGOBJ\r\n",
                                               8));
  const std::string json = encoded->substr(kPrefixBytes);
  const auto* length = reinterpret_cast<const unsigned char*>(encoded->data() + 8);
  EXPECT_EQ(length[0] | (length[1] << 8) | (length[2] << 16) | (length[3] << 24),
            static_cast<int>(json.size()));
  EXPECT_EQ(json, R"({"content_type":"text/plain","etag":"5eb63bbbe01eeed093cb22bb8f5acdc3",)"
                  R"("metadata":{"dg-x":"1"},"size":11})");
}

TEST(ObjectHeader, RoundTripsThroughAFile) {
  TempDir tmp;
  ObjectHeader header{.metadata = {{"dg-a", "x y"}, {"dg-b", ""}},
                      .content_type = "application/zip",
                      .etag = std::string(32, 'e'),
                      .size = 5};
  auto decoded = Decode(tmp, EncodeHeader(header).value() + "hello");
  ASSERT_TRUE(decoded.ok()) << decoded.error().message;
  EXPECT_FALSE(decoded->plain);
  EXPECT_EQ(decoded->header.metadata, header.metadata);
  EXPECT_EQ(decoded->header.content_type, "application/zip");
  EXPECT_EQ(decoded->header.etag, header.etag);
  EXPECT_EQ(decoded->header.size, 5u);
  EXPECT_EQ(decoded->data_offset, EncodeHeader(header)->size());
}

TEST(ObjectHeader, FinalHeaderFitsThePlaceholderExactly) {
  PutOptions options;
  options.metadata = {{"dg-file-sha256", std::string(64, 'a')}};
  auto placeholder = PlaceholderHeader(options);
  ASSERT_TRUE(placeholder.ok());
  for (uint64_t size : {uint64_t{0}, uint64_t{7}, uint64_t{1} << 40, ~uint64_t{0}}) {
    ObjectHeader header{.metadata = options.metadata,
                        .content_type = options.content_type,
                        .etag = std::string(32, 'f'),
                        .size = size};
    auto encoded = EncodeHeader(header, PlaceholderJsonBytes(*placeholder));
    ASSERT_TRUE(encoded.ok());
    EXPECT_EQ(encoded->size(), placeholder->size()) << size;
  }
  // Padding is trailing spaces, which the reader accepts.
  TempDir tmp;
  ObjectHeader small{
      .metadata = {}, .content_type = "a/b", .etag = std::string(32, '0'), .size = 0};
  auto padded = EncodeHeader(small, 200);
  ASSERT_EQ(padded->size(), kPrefixBytes + 200);
  auto decoded = Decode(tmp, *padded);
  ASSERT_TRUE(decoded.ok()) << decoded.error().message;
  EXPECT_EQ(decoded->header.content_type, "a/b");
}

TEST(ObjectHeader, FilesWithoutTheMagicArePlain) {
  TempDir tmp;
  for (const std::string& bytes :
       {std::string(), std::string("short"), std::string("plain text that is long enough"),
        std::string("\x89"
                    "DGOBJ\r",
                    7)}) {
    auto decoded = Decode(tmp, bytes);
    ASSERT_TRUE(decoded.ok()) << decoded.error().message;
    EXPECT_TRUE(decoded->plain);
    EXPECT_EQ(decoded->header.size, bytes.size());
    EXPECT_EQ(decoded->data_offset, 0u);
    EXPECT_EQ(decoded->header.content_type, "application/octet-stream");
    EXPECT_TRUE(decoded->header.etag.empty());
  }
}

TEST(ObjectHeader, DamageIsCorrupted) {
  TempDir tmp;
  ObjectHeader header{.metadata = {}, .content_type = "", .etag = std::string(32, 'e'), .size = 5};
  const std::string good = EncodeHeader(header).value();
  const std::string magic(
      "\x89"
      "DGOBJ\r\n",
      8);
  const std::vector<std::string> damaged = {
      good + "hell",                               // truncated body
      good + "hello!",                             // extra bytes
      magic + std::string("\xff\xff\xff\x7f", 4),  // length out of range
      magic + std::string("\x05\0\0\0", 4) + "{not json",
      magic + std::string("\x02\0\0\0", 4) + "[]",             // not an object
      magic + std::string("\x0a\0\0\0", 4) + R"({"size":0})",  // fields missing
  };
  for (const std::string& bytes : damaged) {
    auto decoded = Decode(tmp, bytes);
    EXPECT_EQ(decoded.code(), ErrorCode::kCorrupted) << bytes.size();
    if (!decoded.ok()) {
      EXPECT_NE(decoded.error().message.find("test object"), std::string::npos);
    }
  }
}

TEST(ObjectHeader, NonUtf8MetadataIsInvalidArgument) {
  ObjectHeader header{
      .metadata = {{"dg-x", "\xff\xfe"}}, .content_type = "", .etag = "", .size = 0};
  EXPECT_EQ(EncodeHeader(header).code(), ErrorCode::kInvalidArgument);
}

}  // namespace
}  // namespace deltaglider::fs_internal
