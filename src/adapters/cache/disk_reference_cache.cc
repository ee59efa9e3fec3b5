// DiskReferenceCache: a ReferenceCache of files `<dir>/refs/<sha256>`, shared by
// threads and processes. Entries are written to `<dir>/tmp/` and renamed into
// place only once their bytes hash right. A Find hashes the mapped bytes again,
// and drops an entry that no longer matches, unless the entry carries this
// boot's mark for its current size and modification time (an extended
// attribute written once its bytes hashed right: a crash that could tear an
// unsynced file means a new boot, and a rewrite moves the time). It must never
// return bytes that do not hash to the key, and never delete anything outside
// refs/ and tmp/.
#include <dirent.h>
#include <fcntl.h>
#include <pwd.h>
#include <sys/stat.h>
#include <sys/xattr.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstdlib>
#include <ctime>
#include <filesystem>
#include <fstream>
#include <string>
#include <utility>
#include <vector>

#include "adapters/posix/mapped_file.h"
#include "adapters/posix/posix_error.h"
#include "core/hash.h"
#include "deltaglider/cache.h"

namespace deltaglider {
namespace {

using posix::PosixError;

constexpr time_t kStaleTempSeconds = 60 * 60;
constexpr char kVerifiedAttribute[] = "user.deltaglider.verified";

// Owns a file descriptor.
class UniqueFd {
 public:
  explicit UniqueFd(int fd = -1) : fd_(fd) {}
  ~UniqueFd() {
    if (fd_ >= 0) ::close(fd_);
  }
  UniqueFd(UniqueFd&& other) noexcept : fd_(std::exchange(other.fd_, -1)) {}
  UniqueFd& operator=(UniqueFd&& other) noexcept {
    std::swap(fd_, other.fd_);
    return *this;
  }
  int get() const { return fd_; }

 private:
  int fd_;
};

// Read-only bytes of a mapped file; the mapping outlives the file's name.
// Appends to a file descriptor.
class FdSink final : public ByteSink {
 public:
  FdSink(int fd, const std::string& path) : fd_(fd), path_(path) {}
  Status Write(std::span<const std::byte> data) override {
    while (!data.empty()) {
      const ssize_t n = ::write(fd_, data.data(), data.size());
      if (n < 0 && errno == EINTR) continue;
      if (n < 0) return PosixError("write " + path_, errno);
      data = data.subspan(static_cast<size_t>(n));
    }
    return OkStatus();
  }

 private:
  int fd_;
  const std::string& path_;
};

// A file in tmp/ that is unlinked unless Release()d (after its rename).
struct TempFile {
  std::string path;
  UniqueFd fd;
  bool keep = false;

  TempFile(std::string p, int f) : path(std::move(p)), fd(f) {}
  TempFile(TempFile&& other) noexcept
      : path(std::move(other.path)),
        fd(std::move(other.fd)),
        keep(std::exchange(other.keep, true)) {}
  ~TempFile() {
    if (!keep) ::unlink(path.c_str());
  }
  void Release() { keep = true; }
};

Status MakeDirs(const std::string& path) {
  std::error_code ec;
  std::filesystem::create_directories(path, ec);
  if (ec) return PosixError("create cache directory " + path, ec.value());
  return OkStatus();
}

bool Older(const struct stat& a, const struct stat& b) {
  if (a.st_mtim.tv_sec != b.st_mtim.tv_sec) return a.st_mtim.tv_sec < b.st_mtim.tv_sec;
  return a.st_mtim.tv_nsec < b.st_mtim.tv_nsec;
}

// Calls visit(dir_fd, name, stat) for each regular file in `dir`; best effort.
template <typename Visit>
void ForEachFile(const std::string& dir, Visit visit) {
  DIR* d = ::opendir(dir.c_str());
  if (d == nullptr) return;
  while (const dirent* entry = ::readdir(d)) {
    struct stat st {};
    if (::fstatat(::dirfd(d), entry->d_name, &st, AT_SYMLINK_NOFOLLOW) != 0) continue;
    if (S_ISREG(st.st_mode)) visit(::dirfd(d), std::string(entry->d_name), st);
  }
  ::closedir(d);
}

// The kernel's name for this boot of the machine, or "" when it gives none.
std::string ReadBootId() {
  std::ifstream in("/proc/sys/kernel/random/boot_id");
  std::string id;
  std::getline(in, id);
  return id;
}

// The mark of a file whose bytes this boot found right while it had `st`'s size
// and modification time.
std::string VerifiedMark(const std::string& boot_id, const struct stat& st) {
  return boot_id + " " + std::to_string(st.st_size) + " " + std::to_string(st.st_mtim.tv_sec) +
         "." + std::to_string(st.st_mtim.tv_nsec);
}

class DiskReferenceCache final : public ReferenceCache {
 public:
  explicit DiskReferenceCache(const DiskCacheOptions& options)
      : options_(options),
        refs_(options.dir + "/refs"),
        tmp_(options.dir + "/tmp"),
        boot_id_(options.boot_id.empty() ? ReadBootId() : options.boot_id) {}

  // Creates refs/ and tmp/ (again, if someone removed them while we ran).
  Status EnsureDirs() const {
    DG_RETURN_IF_ERROR(MakeDirs(refs_));
    return MakeDirs(tmp_);
  }

  Result<std::shared_ptr<const Blob>> Find(std::string_view sha256_hex) override {
    DG_RETURN_IF_ERROR(CheckKey(sha256_hex));
    const std::string path = EntryPath(sha256_hex);
    UniqueFd fd(::open(path.c_str(), O_RDONLY | O_CLOEXEC));
    if (fd.get() < 0 && (errno == ENOENT || errno == ENOTDIR)) {
      return MakeError(ErrorCode::kNotFound, "reference ", sha256_hex, " is not cached");
    }
    if (fd.get() < 0) return PosixError("open " + path, errno);
    struct stat st {};
    if (::fstat(fd.get(), &st) != 0) return PosixError("stat " + path, errno);
    DG_ASSIGN_OR_RETURN(auto blob,
                        posix::MapFile(fd.get(), static_cast<uint64_t>(st.st_size), path));
    if (!MarkedVerified(fd.get(), st) && Sha256Hex(blob->bytes()) != sha256_hex) {
      DropIfSameFile(path, st);
      return MakeError(ErrorCode::kNotFound, "cached reference ", sha256_hex,
                       " was damaged and has been dropped");
    }
    MarkVerified(fd.get());
    return blob;
  }

  Result<std::shared_ptr<const Blob>> Insert(
      std::string_view sha256_hex, const std::function<Status(ByteSink&)>& fill) override {
    DG_RETURN_IF_ERROR(CheckKey(sha256_hex));
    RemoveStaleTemps();
    DG_ASSIGN_OR_RETURN(TempFile temp, CreateTemp(sha256_hex));
    FdSink file(temp.fd.get(), temp.path);
    HashingSink hashing(Hasher::Algorithm::kSha256, &file);
    DG_RETURN_IF_ERROR(fill(hashing));
    const std::string actual = hashing.HexDigest();
    if (actual != sha256_hex) {
      return MakeError(ErrorCode::kCorrupted, "reference bytes hash to ", actual, ", expected ",
                       sha256_hex);
    }
    // No fsync (its cost would be paid on every put of a chain): the first Find
    // after a crash hashes the entry again, so one left torn is dropped, never served.
    MarkVerified(temp.fd.get());
    DG_ASSIGN_OR_RETURN(auto blob, posix::MapFile(temp.fd.get(), hashing.count(), temp.path));
    DG_RETURN_IF_ERROR(Publish(temp, EntryPath(sha256_hex)));
    EvictOverLimit(sha256_hex);
    return blob;
  }

 private:
  static Status CheckKey(std::string_view sha256_hex) {
    if (IsSha256Hex(sha256_hex)) return OkStatus();
    return MakeError(ErrorCode::kInvalidArgument, "cache key '", sha256_hex,
                     "' is not a lower-case SHA256");
  }

  // Whether this boot found the file's bytes right and nothing changed it since.
  bool MarkedVerified(int fd, const struct stat& st) const {
    if (boot_id_.empty()) return false;
    const std::string expected = VerifiedMark(boot_id_, st);
    char mark[256];
    const ssize_t n = ::fgetxattr(fd, kVerifiedAttribute, mark, sizeof mark);
    return n >= 0 && std::string_view(mark, static_cast<size_t>(n)) == expected;
  }

  // Sets the file's time to now (its last use, for eviction) and marks its
  // bytes, as they are, found right; best effort (without extended attributes
  // every Find hashes). The time is the precise clock's: a write, stamped with
  // the kernel's coarse clock, moves it even in the same tick.
  void MarkVerified(int fd) const {
    timespec times[2];
    ::clock_gettime(CLOCK_REALTIME, &times[0]);
    times[1] = times[0];
    struct stat st {};
    if (::futimens(fd, times) != 0 || boot_id_.empty() || ::fstat(fd, &st) != 0) return;
    const std::string mark = VerifiedMark(boot_id_, st);
    ::fsetxattr(fd, kVerifiedAttribute, mark.data(), mark.size(), 0);
  }

  std::string EntryPath(std::string_view sha256_hex) const {
    return refs_ + "/" + std::string(sha256_hex);
  }

  Result<TempFile> CreateTemp(std::string_view sha256_hex) const {
    std::string path = tmp_ + "/" + std::string(sha256_hex) + ".XXXXXX";
    int fd = ::mkostemp(path.data(), O_CLOEXEC);
    if (fd < 0 && errno == ENOENT) {  // the directory went away: make it again
      DG_RETURN_IF_ERROR(EnsureDirs());
      path = tmp_ + "/" + std::string(sha256_hex) + ".XXXXXX";
      fd = ::mkostemp(path.data(), O_CLOEXEC);
    }
    if (fd < 0) return PosixError("create temp file in " + tmp_, errno);
    return TempFile(std::move(path), fd);
  }

  // Renames the temp file into place; replacing an identical entry is harmless.
  Status Publish(TempFile& temp, const std::string& path) const {
    int rc = ::rename(temp.path.c_str(), path.c_str());
    if (rc != 0 && errno == ENOENT) {
      DG_RETURN_IF_ERROR(EnsureDirs());
      rc = ::rename(temp.path.c_str(), path.c_str());
    }
    if (rc != 0) return PosixError("rename " + temp.path + " to " + path, errno);
    temp.Release();
    return OkStatus();
  }

  // Unlinks `path` if it is still the file we found damaged (not a fresh copy
  // another process renamed into place meanwhile).
  static void DropIfSameFile(const std::string& path, const struct stat& damaged) {
    struct stat now {};
    if (::stat(path.c_str(), &now) != 0) return;
    if (now.st_dev == damaged.st_dev && now.st_ino == damaged.st_ino) ::unlink(path.c_str());
  }

  struct Entry {
    std::string name;
    struct stat st;
  };

  // Removes least recently used entries (never `keep`) until refs/ fits in
  // max_bytes. Races with other processes (ENOENT) are ignored.
  void EvictOverLimit(std::string_view keep) const {
    std::vector<Entry> entries;
    uint64_t total = 0;
    ForEachFile(refs_, [&](int, const std::string& name, const struct stat& st) {
      total += static_cast<uint64_t>(st.st_size);
      if (name != keep && IsSha256Hex(name)) entries.push_back({name, st});
    });
    if (total <= options_.max_bytes) return;
    std::sort(entries.begin(), entries.end(),
              [](const Entry& a, const Entry& b) { return Older(a.st, b.st); });
    for (const Entry& entry : entries) {
      if (total <= options_.max_bytes) break;
      const std::string path = refs_ + "/" + entry.name;
      if (::unlink(path.c_str()) == 0 || errno == ENOENT) {
        total -= static_cast<uint64_t>(entry.st.st_size);
      }
    }
  }

  // Removes temp files left by processes that died more than an hour ago.
  void RemoveStaleTemps() const {
    const time_t cutoff = std::time(nullptr) - kStaleTempSeconds;
    ForEachFile(tmp_, [&](int dir_fd, const std::string& name, const struct stat& st) {
      if (st.st_mtim.tv_sec < cutoff) ::unlinkat(dir_fd, name.c_str(), 0);
    });
  }

  DiskCacheOptions options_;
  std::string refs_;
  std::string tmp_;
  std::string boot_id_;
};

std::string NonEmptyEnv(const char* name) {
  const char* value = std::getenv(name);
  return value != nullptr ? value : "";
}

}  // namespace

Result<std::unique_ptr<ReferenceCache>> NewDiskReferenceCache(const DiskCacheOptions& options) {
  if (options.dir.empty()) {
    return MakeError(ErrorCode::kInvalidArgument, "reference cache: no directory given");
  }
  auto cache = std::make_unique<DiskReferenceCache>(options);
  if (Status status = cache->EnsureDirs(); !status.ok())
    return status.error().Wrap("reference cache");
  return std::unique_ptr<ReferenceCache>(std::move(cache));
}

std::string DefaultCacheDir() {
  if (std::string dir = NonEmptyEnv("DG_CACHE_DIR"); !dir.empty()) return dir;
  if (std::string xdg = NonEmptyEnv("XDG_CACHE_HOME"); !xdg.empty()) return xdg + "/deltaglider";
  std::string home = NonEmptyEnv("HOME");
  if (home.empty()) {
    if (const passwd* pw = ::getpwuid(::getuid()); pw != nullptr && pw->pw_dir != nullptr) {
      home = pw->pw_dir;
    }
  }
  return (home.empty() ? std::string(".") : home) + "/.cache/deltaglider";
}

}  // namespace deltaglider
