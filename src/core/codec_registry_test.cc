#include <gtest/gtest.h>

#include "deltaglider/codecs.h"

namespace deltaglider {
namespace {

class NamedCodec final : public DeltaCodec {
 public:
  NamedCodec(std::string name, int id) : name_(std::move(name)), id_(id) {}
  std::string_view name() const override { return name_; }
  std::string CommandLine(std::string_view) const override { return std::to_string(id_); }
  Status Encode(std::span<const std::byte>, ByteSource&, ByteSink&) const override {
    return OkStatus();
  }
  Status Decode(std::span<const std::byte>, ByteSource&, ByteSink&) const override {
    return OkStatus();
  }

 private:
  std::string name_;
  int id_;
};

TEST(CodecRegistryTest, MatchesFirstWord) {
  CodecRegistry registry;
  registry.Add(std::make_unique<NamedCodec>("zstd-patch", 0));
  registry.Add(std::make_unique<NamedCodec>("xdelta3", 1));
  for (const char* cmd : {"zstd-patch", "zstd-patch -3 --long", "  zstd-patch\t-19"}) {
    auto codec = registry.ForCommand(cmd);
    ASSERT_TRUE(codec.ok()) << cmd;
    EXPECT_EQ((*codec)->name(), "zstd-patch");
  }
  auto xdelta = registry.ForCommand("xdelta3 -e -9 -s reference.bin file.zip file.zip.delta");
  ASSERT_TRUE(xdelta.ok());
  EXPECT_EQ((*xdelta)->name(), "xdelta3");
}

TEST(CodecRegistryTest, UnknownCodecIsUnsupported) {
  CodecRegistry registry;
  registry.Add(std::make_unique<NamedCodec>("zstd-patch", 0));
  auto codec = registry.ForCommand("xyz -e -9");
  ASSERT_FALSE(codec.ok());
  EXPECT_EQ(codec.code(), ErrorCode::kUnsupported);
  EXPECT_EQ(codec.error().message, "unknown delta codec 'xyz' in dg-delta-cmd");
  EXPECT_EQ(registry.ForCommand("zstd-patchy").code(), ErrorCode::kUnsupported);
  EXPECT_EQ(registry.ForCommand("zstd").code(), ErrorCode::kUnsupported);
  EXPECT_EQ(registry.ForCommand("").error().message, "unknown delta codec '' in dg-delta-cmd");
  EXPECT_EQ(CodecRegistry().ForCommand("zstd-patch").code(), ErrorCode::kUnsupported);
}

TEST(CodecRegistryTest, LaterCodecReplacesSameName) {
  CodecRegistry registry;
  registry.Add(std::make_unique<NamedCodec>("c", 1));
  registry.Add(std::make_unique<NamedCodec>("c", 2));
  auto codec = registry.ForCommand("c");
  ASSERT_TRUE(codec.ok());
  EXPECT_EQ((*codec)->CommandLine(""), "2");
}

}  // namespace
}  // namespace deltaglider
