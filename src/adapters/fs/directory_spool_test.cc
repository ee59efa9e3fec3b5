#include <gtest/gtest.h>

#include <filesystem>
#include <string>
#include <thread>

#include "deltaglider/files.h"
#include "deltaglider/memory.h"
#include "tests/testutil/temp_dir.h"

namespace deltaglider {
namespace {

using testing::TempDir;

size_t EntriesIn(const std::string& dir) {
  size_t n = 0;
  for ([[maybe_unused]] const auto& entry : std::filesystem::directory_iterator(dir)) ++n;
  return n;
}

std::string ReadString(ByteSource& source) {
  Result<std::vector<std::byte>> bytes = ReadAll(source);
  EXPECT_TRUE(bytes.ok());
  return bytes.ok() ? std::string(AsChars(*bytes)) : "";
}

// Both spools keep the same promise: what was written comes back, as often as
// asked, from readers that do not disturb each other.
void ExpectSpoolRoundTrips(Spool& spool) {
  Result<std::unique_ptr<SpoolFile>> file = spool.Create();
  ASSERT_TRUE(file.ok()) << file.error().message;
  std::string written;
  for (int i = 0; i < 300; ++i) {
    const std::string piece = "piece " + std::to_string(i) + std::string(1000, 'x');
    ASSERT_TRUE((*file)->Write(AsBytes(piece)).ok());
    written += piece;
  }
  Result<std::unique_ptr<ByteSource>> source = (*file)->Read();
  ASSERT_TRUE(source.ok()) << source.error().message;
  EXPECT_EQ((*source)->size(), written.size());
  EXPECT_EQ(ReadString(**source), written);
  ASSERT_TRUE((*source)->Rewind().ok());
  std::unique_ptr<ByteSource> fork = (*source)->Fork();
  ASSERT_NE(fork, nullptr);
  std::string forked;
  std::thread reader([&] { forked = ReadString(*fork); });
  EXPECT_EQ(ReadString(**source), written);
  reader.join();
  EXPECT_EQ(forked, written);
  EXPECT_EQ((*file)->Write(AsBytes("late")).code(), ErrorCode::kFailedPrecondition);
  Result<std::shared_ptr<const Blob>> mapped = (*file)->Map();
  ASSERT_TRUE(mapped.ok()) << mapped.error().message;
  EXPECT_EQ(AsChars((*mapped)->bytes()), written);
  source->reset();
  file->reset();  // the bytes stay while the Blob does
  EXPECT_EQ(AsChars((*mapped)->bytes()), written);
}

// Map() alone (no Read() before it) closes the file to writes as well.
void ExpectMapEndsWriting(Spool& spool) {
  Result<std::unique_ptr<SpoolFile>> file = spool.Create();
  ASSERT_TRUE(file.ok());
  Result<std::shared_ptr<const Blob>> empty = (*file)->Map();
  ASSERT_TRUE(empty.ok()) << empty.error().message;
  EXPECT_TRUE((*empty)->bytes().empty());
  EXPECT_EQ((*file)->Write(AsBytes("late")).code(), ErrorCode::kFailedPrecondition);
}

TEST(DirectorySpool, GivesBackWhatWasWrittenAndLeavesNoNameBehind) {
  TempDir dir;
  Result<std::unique_ptr<Spool>> spool = NewDirectorySpool(dir.path());
  ASSERT_TRUE(spool.ok()) << spool.error().message;
  ExpectSpoolRoundTrips(**spool);
  ExpectMapEndsWriting(**spool);
  Result<std::unique_ptr<SpoolFile>> open = (*spool)->Create();
  ASSERT_TRUE(open.ok());
  ASSERT_TRUE((*open)->Write(AsBytes("held while open")).ok());
  EXPECT_EQ(EntriesIn(dir.path()), 0u);  // nameless even while in use
}

TEST(DirectorySpool, AMissingDirectoryIsRefusedAtOnce) {
  TempDir dir;
  EXPECT_EQ(NewDirectorySpool(dir.Sub("missing")).code(), ErrorCode::kNotFound);
}

TEST(MemorySpool, GivesBackWhatWasWritten) {
  ExpectSpoolRoundTrips(*NewMemorySpool());
  ExpectMapEndsWriting(*NewMemorySpool());
}

}  // namespace
}  // namespace deltaglider
