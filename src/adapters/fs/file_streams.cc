// Local files as ByteSource / ByteSink (files.h) on plain POSIX descriptors.
// FileSink never lets a partial file appear under its destination name: bytes go
// to "<path>.dg-tmp-XXXXXX" beside it and only Commit() renames them into place.
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstdlib>
#include <cstring>
#include <filesystem>

#include "adapters/fs/posix_file.h"
#include "adapters/posix/posix_error.h"
#include "deltaglider/files.h"

namespace deltaglider {
namespace {

using fs_internal::UniqueFd;
using posix::PosixError;

// Reads smaller than this are served from an internal buffer of this size.
constexpr size_t kBufferBytes = 64 * 1024;

class FileSource final : public ByteSource {
 public:
  FileSource(UniqueFd fd, std::string path, std::optional<uint64_t> size)
      : fd_(std::move(fd)), path_(std::move(path)), size_(size) {}

  Result<size_t> Read(std::span<std::byte> buffer) override {
    if (begin_ == end_ && buffer.size() >= kBufferBytes) {
      return fs_internal::ReadSome(fd_.get(), buffer, "read " + path_);
    }
    if (begin_ == end_) DG_RETURN_IF_ERROR(Fill());
    const size_t n = std::min(buffer.size(), end_ - begin_);
    if (n > 0) std::memcpy(buffer.data(), buffer_.data() + begin_, n);
    begin_ += n;
    return n;
  }

  Status Rewind() override {
    if (::lseek(fd_.get(), 0, SEEK_SET) < 0) {
      if (errno == ESPIPE)
        return MakeError(ErrorCode::kUnsupported, "rewind ", path_, ": not seekable");
      return PosixError("rewind " + path_, errno);
    }
    begin_ = end_ = 0;
    return OkStatus();
  }

  std::optional<uint64_t> size() const override { return size_; }

  // A regular file opened again through /proc/self/fd: its own offset, and the
  // same file even if it was renamed or replaced meanwhile.
  std::unique_ptr<ByteSource> Fork() override {
    if (!size_) return nullptr;
    const std::string self = "/proc/self/fd/" + std::to_string(fd_.get());
    Result<UniqueFd> again = fs_internal::Open(self, O_RDONLY, "open " + path_);
    if (!again.ok()) return nullptr;
    return std::make_unique<FileSource>(std::move(*again), path_, size_);
  }

 private:
  Status Fill() {
    buffer_.resize(kBufferBytes);
    DG_ASSIGN_OR_RETURN(end_, fs_internal::ReadSome(fd_.get(), buffer_, "read " + path_));
    begin_ = 0;
    return OkStatus();
  }

  UniqueFd fd_;
  std::string path_;
  std::optional<uint64_t> size_;
  std::vector<std::byte> buffer_;
  size_t begin_ = 0;  // unread bytes are buffer_[begin_, end_)
  size_t end_ = 0;
};

class TempFileSink final : public FileSink {
 public:
  TempFileSink(UniqueFd fd, std::string temp, std::string path, Durability durability)
      : fd_(std::move(fd)), temp_(std::move(temp)), path_(std::move(path)), durability_(durability) {}
  ~TempFileSink() override { Abandon(); }

  Status Write(std::span<const std::byte> data) override {
    if (!fd_.valid()) return Closed("write");
    return fs_internal::WriteAll(fd_.get(), data, "write " + temp_);
  }

  Status Commit() override {
    if (!fd_.valid()) return Closed("commit");
    Status status = Publish();
    if (!status.ok()) Abandon();
    return status;
  }

  void Abandon() override {
    fd_.Reset();
    if (!temp_.empty()) ::unlink(temp_.c_str());
    temp_.clear();
  }

 private:
  Error Closed(std::string_view op) const {
    return MakeError(ErrorCode::kFailedPrecondition, op, " ", path_,
                     ": already committed or abandoned");
  }

  Status Publish() {
    const bool durable = durability_ == Durability::kDurable;
    if (durable) DG_RETURN_IF_ERROR(fs_internal::SyncFile(fd_.get(), "fsync " + temp_));
    DG_RETURN_IF_ERROR(fd_.Close("close " + temp_));
    if (::rename(temp_.c_str(), path_.c_str()) != 0) {
      return PosixError("rename " + temp_ + " to " + path_, errno);
    }
    temp_.clear();  // now the destination: never unlink it
    return durable ? fs_internal::SyncDirectory(DirectoryOf(path_)) : OkStatus();
  }

  static std::string DirectoryOf(const std::string& path) {
    const std::string parent = std::filesystem::path(path).parent_path().string();
    return parent.empty() ? "." : parent;
  }

  UniqueFd fd_;
  std::string temp_;
  std::string path_;
  Durability durability_;
};

class DescriptorSink final : public ByteSink {
 public:
  explicit DescriptorSink(int fd) : fd_(fd) {}
  Status Write(std::span<const std::byte> data) override {
    return fs_internal::WriteAll(fd_, data, "write to descriptor " + std::to_string(fd_));
  }

 private:
  int fd_;  // borrowed: never closed here
};

}  // namespace

Result<std::unique_ptr<ByteSource>> OpenFileSource(const std::string& path) {
  DG_ASSIGN_OR_RETURN(UniqueFd fd, fs_internal::Open(path, O_RDONLY, "open " + path));
  DG_ASSIGN_OR_RETURN(struct stat st, fs_internal::Fstat(fd.get(), "open " + path));
  if (S_ISDIR(st.st_mode)) {
    return MakeError(ErrorCode::kInvalidArgument, "open ", path, ": is a directory");
  }
  std::optional<uint64_t> size;
  if (S_ISREG(st.st_mode)) size = static_cast<uint64_t>(st.st_size);  // pipes: unknown
  return std::unique_ptr<ByteSource>(std::make_unique<FileSource>(std::move(fd), path, size));
}

Result<std::unique_ptr<FileSink>> FileSink::Create(const std::string& path, Durability durability) {
  if (path.empty()) return MakeError(ErrorCode::kInvalidArgument, "create file: empty path");
  std::string temp;  // errors name the temp file, which starts with `path`
  DG_ASSIGN_OR_RETURN(UniqueFd fd, fs_internal::CreateUniqueFile(path + ".dg-tmp-", &temp));
  return std::unique_ptr<FileSink>(
      std::make_unique<TempFileSink>(std::move(fd), std::move(temp), path, durability));
}

Result<std::unique_ptr<ScratchDirectory>> ScratchDirectory::Create(const std::string& prefix) {
  const char* tmp = std::getenv("TMPDIR");
  std::string pattern = std::string(tmp != nullptr && *tmp != '\0' ? tmp : "/tmp") + "/" + prefix + "XXXXXX";
  if (::mkdtemp(pattern.data()) == nullptr) return PosixError("create temp directory " + pattern, errno);
  return std::unique_ptr<ScratchDirectory>(new ScratchDirectory(std::move(pattern)));
}

ScratchDirectory::~ScratchDirectory() {
  std::error_code ec;
  std::filesystem::remove_all(path_, ec);
}

std::string ScratchDirectory::Path(std::string_view name) const {
  return path_ + "/" + std::string(name);
}

std::unique_ptr<ByteSink> NewDescriptorSink(int fd) { return std::make_unique<DescriptorSink>(fd); }

}  // namespace deltaglider
