// Small wrappers over POSIX file calls shared by the directory store and the file
// streams: an owning descriptor, complete reads and writes that retry EINTR and
// short transfers, unique temp files and directory fsync. They turn errno into an
// Error through posix::PosixError and nothing else; they must never log, retry a
// failed call other than for EINTR, or know about objects and keys.
#pragma once

#include <sys/stat.h>

#include <cstdint>
#include <span>
#include <string>
#include <string_view>

#include "deltaglider/result.h"
#include "deltaglider/types.h"

namespace deltaglider::fs_internal {

// Owns one descriptor and closes it on destruction. Movable, not copyable.
class UniqueFd {
 public:
  UniqueFd() = default;
  explicit UniqueFd(int fd) : fd_(fd) {}
  UniqueFd(UniqueFd&& other) noexcept;
  UniqueFd& operator=(UniqueFd&& other) noexcept;
  UniqueFd(const UniqueFd&) = delete;
  UniqueFd& operator=(const UniqueFd&) = delete;
  ~UniqueFd() { Reset(); }

  int get() const { return fd_; }
  bool valid() const { return fd_ >= 0; }
  // Closes now; returns the close(2) error, if any, as `what`.
  Status Close(std::string_view what);
  void Reset();

 private:
  int fd_ = -1;
};

// Opens `path` with `flags` (O_CLOEXEC added); errors name `what`.
Result<UniqueFd> Open(const std::string& path, int flags, std::string_view what);

// Writes all of `data`, retrying EINTR and short writes.
Status WriteAll(int fd, std::span<const std::byte> data, std::string_view what);

// One read(2), retrying EINTR; 0 only at end of file.
Result<size_t> ReadSome(int fd, std::span<std::byte> buffer, std::string_view what);

// Fills `buffer` from `offset` or fails: kCorrupted if the file ends first.
Status PreadExactly(int fd, std::span<std::byte> buffer, uint64_t offset, std::string_view what);

Result<struct stat> Fstat(int fd, std::string_view what);

// Creates a new file `prefix` + 6 random characters with O_EXCL and mode 0666, so
// the process umask applies as for any new file (mkstemp would force 0600).
// Sets `*path` to its name.
Result<UniqueFd> CreateUniqueFile(const std::string& prefix, std::string* path);

// fsync(2) on a file and on a directory (so a rename in it is durable).
Status SyncFile(int fd, std::string_view what);
Status SyncDirectory(const std::string& dir);

TimePoint ModificationTime(const struct stat& st);

}  // namespace deltaglider::fs_internal
