// NewDirectorySpool (files.h): spool files that are unlinked from the moment
// they exist (O_TMPFILE, else a unique name removed at once), so neither a crash
// nor a forgotten reader leaves anything in the directory. Readers reopen the
// file through /proc/self/fd and keep it alive by their own descriptors.
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <string>

#include "adapters/fs/posix_file.h"
#include "adapters/posix/mapped_file.h"
#include "adapters/posix/posix_error.h"
#include "deltaglider/files.h"
#include "deltaglider/ports/spool.h"

namespace deltaglider {
namespace {

using fs_internal::UniqueFd;
using posix::PosixError;

class DirectorySpoolFile final : public SpoolFile {
 public:
  DirectorySpoolFile(UniqueFd fd, std::string what) : fd_(std::move(fd)), what_(std::move(what)) {}

  Status Write(std::span<const std::byte> data) override {
    if (read_) return MakeError(ErrorCode::kFailedPrecondition, what_, ": written after Read()");
    return fs_internal::WriteAll(fd_.get(), data, what_);
  }

  Result<std::unique_ptr<ByteSource>> Read() override {
    read_ = true;
    return OpenFileSource("/proc/self/fd/" + std::to_string(fd_.get()));
  }

  Result<std::shared_ptr<const Blob>> Map() override {
    read_ = true;
    struct stat st {};
    if (::fstat(fd_.get(), &st) != 0) return PosixError(what_, errno);
    return posix::MapFile(fd_.get(), static_cast<uint64_t>(st.st_size), what_);
  }

 private:
  UniqueFd fd_;
  std::string what_;
  bool read_ = false;
};

class DirectorySpool final : public Spool {
 public:
  explicit DirectorySpool(std::string dir) : dir_(std::move(dir)) {}

  Result<std::unique_ptr<SpoolFile>> Create() override {
    const std::string what = "spool in " + dir_;
    DG_ASSIGN_OR_RETURN(UniqueFd fd, CreateUnlinked(what));
    return std::unique_ptr<SpoolFile>(std::make_unique<DirectorySpoolFile>(std::move(fd), what));
  }

 private:
  Result<UniqueFd> CreateUnlinked(const std::string& what) const {
    const int fd = ::open(dir_.c_str(), O_TMPFILE | O_RDWR | O_CLOEXEC, 0600);
    if (fd >= 0) return UniqueFd(fd);
    if (errno != EOPNOTSUPP && errno != EISDIR && errno != EINVAL) return PosixError(what, errno);
    std::string path;  // the file system cannot make nameless files: name it, then unlink
    DG_ASSIGN_OR_RETURN(UniqueFd named, fs_internal::CreateUniqueFile(dir_ + "/.dg-spool-", &path));
    if (::unlink(path.c_str()) != 0) return PosixError(what + ": unlink " + path, errno);
    return named;
  }

  std::string dir_;
};

}  // namespace

Result<std::unique_ptr<Spool>> NewDirectorySpool(const std::string& dir) {
  if (::access(dir.c_str(), W_OK | X_OK) != 0) return PosixError("spool directory " + dir, errno);
  return std::unique_ptr<Spool>(std::make_unique<DirectorySpool>(dir));
}

}  // namespace deltaglider
