// OpenFileSource, FileSink and NewDescriptorSink (files.h).
#include <fcntl.h>
#include <gtest/gtest.h>
#include <signal.h>
#include <unistd.h>

#include <algorithm>
#include <array>
#include <filesystem>
#include <random>
#include <thread>

#include "adapters/posix/posix_error.h"
#include "deltaglider/files.h"
#include "tests/testutil/temp_dir.h"

namespace deltaglider {
namespace {

namespace fs = std::filesystem;
using testing::ReadFile;
using testing::TempDir;
using testing::WriteFile;

// Tests run as root, which ignores permission bits; sysfs refuses new files even
// to root (EACCES from open, EPERM from mkdir).
constexpr char kUnwritableDir[] = "/sys";

std::vector<std::string> Entries(const std::string& dir) {
  std::vector<std::string> names;
  for (const auto& entry : fs::directory_iterator(dir)) {
    names.push_back(entry.path().filename().string());
  }
  std::sort(names.begin(), names.end());
  return names;
}

std::string RandomBytes(size_t size) {
  std::mt19937 rng(5);
  std::string data(size, '\0');
  for (char& c : data) c = static_cast<char>(rng() & 0xff);
  return data;
}

TEST(OpenFileSource, ReadsTheWholeFileAndKnowsItsSize) {
  TempDir tmp;
  const std::string data = RandomBytes(300000);
  WriteFile(tmp.Sub("f"), data);
  auto source = OpenFileSource(tmp.Sub("f"));
  ASSERT_TRUE(source.ok()) << source.error().message;
  EXPECT_EQ((*source)->size(), data.size());
  auto bytes = ReadAll(**source);
  ASSERT_TRUE(bytes.ok());
  EXPECT_TRUE(AsChars(*bytes) == data);
}

TEST(OpenFileSource, SmallReadsAndRewindSeeTheSameBytes) {
  TempDir tmp;
  const std::string data = RandomBytes(200003);
  WriteFile(tmp.Sub("f"), data);
  auto source = std::move(OpenFileSource(tmp.Sub("f"))).value();
  std::string first;
  std::array<std::byte, 7> small{};
  for (;;) {
    auto n = source->Read(small);
    ASSERT_TRUE(n.ok());
    if (*n == 0) break;
    first.append(AsChars(std::span(small.data(), *n)));
  }
  EXPECT_TRUE(first == data);
  // Rewind after a partly consumed buffer must not replay stale buffered bytes.
  ASSERT_TRUE(source->Rewind().ok());
  ASSERT_EQ(source->Read(small).value(), 7u);
  ASSERT_TRUE(source->Rewind().ok());
  auto again = ReadAll(*source);
  ASSERT_TRUE(again.ok());
  EXPECT_TRUE(AsChars(*again) == data);
}

// A fork reads the whole file from its first byte on its own thread while the
// original is read, even after the file was renamed; a pipe gives no fork.
TEST(OpenFileSource, AForkReadsTheSameBytesAtTheSameTime) {
  TempDir tmp;
  const std::string data = RandomBytes(3000001);
  WriteFile(tmp.Sub("f"), data);
  auto source = std::move(OpenFileSource(tmp.Sub("f"))).value();
  std::array<std::byte, 1000> head{};
  ASSERT_EQ(source->Read(head).value(), head.size());  // the fork still starts at 0
  fs::rename(tmp.Sub("f"), tmp.Sub("g"));
  std::unique_ptr<ByteSource> fork = source->Fork();
  ASSERT_NE(fork, nullptr);
  Result<std::vector<std::byte>> forked = MakeError(ErrorCode::kInternal, "not run");
  std::thread reader([&] { forked = ReadAll(*fork); });
  auto rest = ReadAll(*source);
  reader.join();
  ASSERT_TRUE(forked.ok() && rest.ok());
  EXPECT_TRUE(AsChars(*forked) == data);
  EXPECT_TRUE(std::string(AsChars(head)) + std::string(AsChars(*rest)) == data);

  int fds[2];
  ASSERT_EQ(::pipe(fds), 0);
  auto pipe = std::move(OpenFileSource("/proc/self/fd/" + std::to_string(fds[0]))).value();
  EXPECT_EQ(pipe->Fork(), nullptr);
  ::close(fds[0]);
  ::close(fds[1]);
}

TEST(OpenFileSource, EmptyFileReadsNothing) {
  TempDir tmp;
  WriteFile(tmp.Sub("empty"), "");
  auto source = std::move(OpenFileSource(tmp.Sub("empty"))).value();
  EXPECT_EQ(source->size(), 0u);
  std::array<std::byte, 16> buffer{};
  EXPECT_EQ(source->Read(buffer).value(), 0u);
}

TEST(OpenFileSource, MissingFileIsNotFoundNamingThePath) {
  TempDir tmp;
  auto source = OpenFileSource(tmp.Sub("missing.zip"));
  ASSERT_EQ(source.code(), ErrorCode::kNotFound);
  EXPECT_NE(source.error().message.find(tmp.Sub("missing.zip")), std::string::npos)
      << source.error().message;
}

TEST(OpenFileSource, DirectoryIsInvalidArgument) {
  TempDir tmp;
  auto source = OpenFileSource(tmp.path());
  ASSERT_EQ(source.code(), ErrorCode::kInvalidArgument);
  EXPECT_NE(source.error().message.find("directory"), std::string::npos);
}

TEST(OpenFileSource, PipeHasNoSizeAndCannotRewind) {
  int fds[2];
  ASSERT_EQ(::pipe(fds), 0);
  ASSERT_EQ(::write(fds[1], "abc", 3), 3);
  ::close(fds[1]);
  auto source = OpenFileSource("/proc/self/fd/" + std::to_string(fds[0]));
  ::close(fds[0]);
  ASSERT_TRUE(source.ok()) << source.error().message;
  EXPECT_FALSE((*source)->size().has_value());
  EXPECT_EQ(AsChars(ReadAll(**source).value()), "abc");
  EXPECT_EQ((*source)->Rewind().code(), ErrorCode::kUnsupported);
}

TEST(FileSink, CommitPublishesTheBytesUnderTheFinalName) {
  TempDir tmp;
  const std::string path = tmp.Sub("out.bin");
  auto sink = FileSink::Create(path);
  ASSERT_TRUE(sink.ok()) << sink.error().message;
  ASSERT_TRUE((*sink)->Write(AsBytes("hello ")).ok());
  ASSERT_TRUE((*sink)->Write(AsBytes("world")).ok());
  EXPECT_FALSE(fs::exists(path)) << "visible before Commit";
  ASSERT_EQ(Entries(tmp.path()).size(), 1u);
  EXPECT_TRUE(Entries(tmp.path())[0].starts_with("out.bin.dg-tmp-"));
  ASSERT_TRUE((*sink)->Commit().ok());
  EXPECT_EQ(ReadFile(path), "hello world");
  EXPECT_EQ(Entries(tmp.path()), std::vector<std::string>{"out.bin"});
  EXPECT_EQ((*sink)->Write(AsBytes("late")).code(), ErrorCode::kFailedPrecondition);
  sink->reset();  // the destructor must not remove a committed file
  EXPECT_EQ(ReadFile(path), "hello world");
}

TEST(FileSink, CommitReplacesAnExistingFile) {
  TempDir tmp;
  WriteFile(tmp.Sub("f"), "old contents");
  auto sink = std::move(FileSink::Create(tmp.Sub("f"))).value();
  ASSERT_TRUE(sink->Write(AsBytes("new")).ok());
  EXPECT_EQ(ReadFile(tmp.Sub("f")), "old contents");
  ASSERT_TRUE(sink->Commit().ok());
  EXPECT_EQ(ReadFile(tmp.Sub("f")), "new");
}

TEST(FileSink, NothingIsLeftWhenNotCommitted) {
  TempDir tmp;
  {
    auto sink = std::move(FileSink::Create(tmp.Sub("dropped"))).value();
    ASSERT_TRUE(sink->Write(AsBytes("partial")).ok());
  }
  EXPECT_TRUE(Entries(tmp.path()).empty());

  WriteFile(tmp.Sub("kept"), "original");
  auto sink = std::move(FileSink::Create(tmp.Sub("kept"))).value();
  ASSERT_TRUE(sink->Write(AsBytes("partial")).ok());
  sink->Abandon();
  EXPECT_EQ(Entries(tmp.path()), std::vector<std::string>{"kept"});
  EXPECT_EQ(ReadFile(tmp.Sub("kept")), "original");
  EXPECT_EQ(sink->Commit().code(), ErrorCode::kFailedPrecondition);
}

TEST(FileSink, FailedCommitRemovesTheTempFile) {
  TempDir tmp;
  fs::create_directories(tmp.Sub("target-is-a-dir/inside"));
  auto sink = std::move(FileSink::Create(tmp.Sub("target-is-a-dir"))).value();
  ASSERT_TRUE(sink->Write(AsBytes("x")).ok());
  Status committed = sink->Commit();
  EXPECT_FALSE(committed.ok());
  EXPECT_NE(committed.message().find("target-is-a-dir"), std::string::npos);
  EXPECT_EQ(Entries(tmp.path()), std::vector<std::string>{"target-is-a-dir"});
}

TEST(FileSink, MissingDirectoryIsNotFound) {
  TempDir tmp;
  auto sink = FileSink::Create(tmp.Sub("no/such/dir/file"));
  ASSERT_EQ(sink.code(), ErrorCode::kNotFound);
  EXPECT_NE(sink.error().message.find(tmp.Sub("no/such/dir/file")), std::string::npos);
}

TEST(FileSink, UnwritableDirectoryIsPermissionDeniedEvenForRoot) {
  auto sink = FileSink::Create(std::string(kUnwritableDir) + "/dg-test-output");
  ASSERT_EQ(sink.code(), ErrorCode::kPermissionDenied) << sink.status().message();
  EXPECT_FALSE(fs::exists(std::string(kUnwritableDir) + "/dg-test-output"));
}

TEST(FileSink, PathUnderARegularFileFails) {
  TempDir tmp;
  WriteFile(tmp.Sub("file"), "x");
  auto sink = FileSink::Create(tmp.Sub("file/child"));
  EXPECT_FALSE(sink.ok());
  EXPECT_EQ(ReadFile(tmp.Sub("file")), "x");
}

TEST(DescriptorSink, WritesEverythingAndDoesNotCloseTheDescriptor) {
  TempDir tmp;
  const int fd = ::open(tmp.Sub("out").c_str(), O_WRONLY | O_CREAT, 0644);
  ASSERT_GE(fd, 0);
  const std::string data = RandomBytes(3 << 20);
  {
    auto sink = NewDescriptorSink(fd);
    ASSERT_TRUE(sink->Write(AsBytes(data)).ok());
    ASSERT_TRUE(sink->Write(AsBytes("tail")).ok());
  }
  EXPECT_EQ(::write(fd, "!", 1), 1) << "sink closed the descriptor";
  ::close(fd);
  EXPECT_TRUE(ReadFile(tmp.Sub("out")) == data + "tail!");
}

TEST(DescriptorSink, BrokenPipeIsIoError) {
  struct sigaction ignore {};
  struct sigaction previous {};
  ignore.sa_handler = SIG_IGN;
  ASSERT_EQ(::sigaction(SIGPIPE, &ignore, &previous), 0);
  int fds[2];
  ASSERT_EQ(::pipe(fds), 0);
  ::close(fds[0]);
  Status written = NewDescriptorSink(fds[1])->Write(AsBytes("nobody listens"));
  ::close(fds[1]);
  ::sigaction(SIGPIPE, &previous, nullptr);
  EXPECT_EQ(written.code(), ErrorCode::kIoError) << written.message();
}

TEST(DescriptorSink, PartialWritesToAFullPipeAreCompleted) {
  int fds[2];
  ASSERT_EQ(::pipe(fds), 0);
  const std::string data = RandomBytes(1 << 20);  // far more than a pipe buffer
  std::string received;
  std::thread reader([&] {
    char buffer[4096];
    for (ssize_t n; (n = ::read(fds[0], buffer, sizeof buffer)) > 0;) received.append(buffer, n);
  });
  Status written = NewDescriptorSink(fds[1])->Write(AsBytes(data));
  ::close(fds[1]);
  reader.join();
  ::close(fds[0]);
  ASSERT_TRUE(written.ok()) << written.message();
  EXPECT_TRUE(received == data);
}

TEST(PosixError, MapsErrnoToTheCodeThatTellsTheCallerWhatToDo) {
  using posix::PosixError;
  EXPECT_EQ(PosixError("x", ENOENT).code, ErrorCode::kNotFound);
  EXPECT_EQ(PosixError("x", EACCES).code, ErrorCode::kPermissionDenied);
  EXPECT_EQ(PosixError("x", EPERM).code, ErrorCode::kPermissionDenied);
  EXPECT_EQ(PosixError("x", EROFS).code, ErrorCode::kPermissionDenied);
  EXPECT_EQ(PosixError("x", ENOSPC).code, ErrorCode::kResourceExhausted);
  EXPECT_EQ(PosixError("x", EDQUOT).code, ErrorCode::kResourceExhausted);
  EXPECT_EQ(PosixError("x", EEXIST).code, ErrorCode::kAlreadyExists);
  EXPECT_EQ(PosixError("x", ENAMETOOLONG).code, ErrorCode::kInvalidArgument);
  EXPECT_EQ(PosixError("x", EIO).code, ErrorCode::kIoError);
  EXPECT_EQ(PosixError("x", EPIPE).code, ErrorCode::kIoError);
  EXPECT_EQ(PosixError("open /a/b", ENOENT).message, "open /a/b: No such file or directory");
}

}  // namespace
}  // namespace deltaglider
