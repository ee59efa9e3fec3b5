#include "adapters/fs/posix_file.h"

#include <fcntl.h>
#include <unistd.h>

#include <cerrno>
#include <random>
#include <utility>

#include "adapters/posix/posix_error.h"

namespace deltaglider::fs_internal {

using posix::PosixError;

UniqueFd::UniqueFd(UniqueFd&& other) noexcept : fd_(std::exchange(other.fd_, -1)) {}

UniqueFd& UniqueFd::operator=(UniqueFd&& other) noexcept {
  if (this != &other) {
    Reset();
    fd_ = std::exchange(other.fd_, -1);
  }
  return *this;
}

Status UniqueFd::Close(std::string_view what) {
  const int fd = std::exchange(fd_, -1);
  if (fd >= 0 && ::close(fd) != 0 && errno != EINTR) return PosixError(what, errno);
  return OkStatus();
}

void UniqueFd::Reset() {
  if (fd_ >= 0) ::close(fd_);
  fd_ = -1;
}

Result<UniqueFd> Open(const std::string& path, int flags, std::string_view what) {
  for (;;) {
    const int fd = ::open(path.c_str(), flags | O_CLOEXEC, 0666);
    if (fd >= 0) return UniqueFd(fd);
    if (errno != EINTR) return PosixError(what, errno);
  }
}

Status WriteAll(int fd, std::span<const std::byte> data, std::string_view what) {
  while (!data.empty()) {
    const ssize_t n = ::write(fd, data.data(), data.size());
    if (n < 0 && errno == EINTR) continue;
    if (n < 0) return PosixError(what, errno);
    data = data.subspan(static_cast<size_t>(n));
  }
  return OkStatus();
}

Result<size_t> ReadSome(int fd, std::span<std::byte> buffer, std::string_view what) {
  for (;;) {
    const ssize_t n = ::read(fd, buffer.data(), buffer.size());
    if (n >= 0) return static_cast<size_t>(n);
    if (errno != EINTR) return PosixError(what, errno);
  }
}

Status PreadExactly(int fd, std::span<std::byte> buffer, uint64_t offset, std::string_view what) {
  while (!buffer.empty()) {
    const ssize_t n = ::pread(fd, buffer.data(), buffer.size(), static_cast<off_t>(offset));
    if (n < 0 && errno == EINTR) continue;
    if (n < 0) return PosixError(what, errno);
    if (n == 0) return MakeError(ErrorCode::kCorrupted, what, ": file ends early");
    buffer = buffer.subspan(static_cast<size_t>(n));
    offset += static_cast<uint64_t>(n);
  }
  return OkStatus();
}

Result<struct stat> Fstat(int fd, std::string_view what) {
  struct stat st {};
  if (::fstat(fd, &st) != 0) return PosixError(what, errno);
  return st;
}

namespace {

std::string RandomSuffix() {
  static constexpr char kChars[] = "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789";
  thread_local std::mt19937_64 rng(std::random_device{}());
  std::string suffix(6, '\0');
  for (char& c : suffix) c = kChars[rng() % (sizeof(kChars) - 1)];
  return suffix;
}

}  // namespace

Result<UniqueFd> CreateUniqueFile(const std::string& prefix, std::string* path) {
  for (int attempt = 0; attempt < 100; ++attempt) {
    std::string candidate = prefix + RandomSuffix();
    const int fd = ::open(candidate.c_str(), O_RDWR | O_CREAT | O_EXCL | O_CLOEXEC, 0666);
    if (fd >= 0) {
      *path = std::move(candidate);
      return UniqueFd(fd);
    }
    if (errno != EEXIST && errno != EINTR) return PosixError("create " + candidate, errno);
  }
  return MakeError(ErrorCode::kIoError, "create ", prefix, "XXXXXX: no free name in 100 tries");
}

Status SyncFile(int fd, std::string_view what) {
  if (::fsync(fd) != 0) return PosixError(what, errno);
  return OkStatus();
}

Status SyncDirectory(const std::string& dir) {
  DG_ASSIGN_OR_RETURN(UniqueFd fd, Open(dir, O_RDONLY | O_DIRECTORY, "open directory " + dir));
  // Some filesystems refuse fsync on directories (EINVAL); the rename stands anyway.
  if (::fsync(fd.get()) != 0 && errno != EINVAL) return PosixError("fsync " + dir, errno);
  return OkStatus();
}

TimePoint ModificationTime(const struct stat& st) {
  const auto since_epoch =
      std::chrono::seconds(st.st_mtim.tv_sec) + std::chrono::nanoseconds(st.st_mtim.tv_nsec);
  return TimePoint(std::chrono::duration_cast<TimePoint::duration>(since_epoch));
}

}  // namespace deltaglider::fs_internal
