// FsStorage / FsObjectStore: the local-directory Storage of filesystem.h. Layout,
// crash safety and the limits of a directory store are in
// docs/format-filesystem.md. Every object is one file, written under ROOT/.dg-tmp
// and published by one rename (or link, for create-only writes), so readers never
// see a part. These classes hold no state besides paths and never write outside
// ROOT: every key passes ValidateKey before it becomes a path.
#include <dirent.h>
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <filesystem>

#include "adapters/fs/object_file.h"
#include "adapters/fs/posix_file.h"
#include "adapters/posix/posix_error.h"
#include "core/hash.h"
#include "deltaglider/filesystem.h"

namespace deltaglider {
namespace {

using fs_internal::DecodedObject;
using fs_internal::UniqueFd;
using posix::PosixError;

constexpr char kTempDirName[] = ".dg-tmp";
constexpr size_t kChunkBytes = 1 << 20;
// Put retries this often when a concurrent Delete removes a parent directory
// between creating it and renaming into it.
constexpr int kPublishAttempts = 8;

// The directory part of `key` ("a/b" for "a/b/c"), or "" at the bucket root.
std::string_view ParentOf(std::string_view key) {
  const size_t slash = key.rfind('/');
  return slash == std::string_view::npos ? std::string_view() : key.substr(0, slash);
}

// Entry type from readdir, falling back to lstat when the filesystem does not say.
unsigned char EntryType(const std::string& path, const struct dirent& entry) {
  if (entry.d_type != DT_UNKNOWN) return entry.d_type;
  struct stat st {};
  if (::lstat(path.c_str(), &st) != 0) return DT_UNKNOWN;
  if (S_ISDIR(st.st_mode)) return DT_DIR;
  if (S_ISREG(st.st_mode)) return DT_REG;
  return DT_UNKNOWN;
}

// Calls `visit(name, type)` for each entry of directory `dir` except "." and "..".
// ENOENT / ENOTDIR (the directory vanished) is an empty directory.
template <typename Visit>
Status ForEachEntry(const std::string& dir, Visit visit) {
  DIR* handle = ::opendir(dir.c_str());
  if (handle == nullptr) {
    if (errno == ENOENT || errno == ENOTDIR) return OkStatus();
    return PosixError("read directory " + dir, errno);
  }
  Status status;
  while (status.ok()) {
    errno = 0;
    const struct dirent* entry = ::readdir(handle);
    if (entry == nullptr) {
      if (errno != 0) status = PosixError("read directory " + dir, errno);
      break;
    }
    const std::string name = entry->d_name;
    if (name == "." || name == "..") continue;
    status = visit(name, EntryType(dir + "/" + name, *entry));
  }
  ::closedir(handle);
  return status;
}

// The first object (regular file) below `dir`, as a path relative to it, or "".
Result<std::string> FirstObjectBelow(const std::string& dir) {
  std::string found;
  DG_RETURN_IF_ERROR(ForEachEntry(dir, [&](const std::string& name, unsigned char type) -> Status {
    if (!found.empty()) return OkStatus();  // skip the rest of this directory
    if (type == DT_REG) {
      found = name;
    } else if (type == DT_DIR) {
      DG_ASSIGN_OR_RETURN(std::string below, FirstObjectBelow(dir + "/" + name));
      if (!below.empty()) found = name + "/" + below;
    }
    return OkStatus();
  }));
  return found;
}

// One row a listing will produce, before its header is read.
struct ListItem {
  std::string key;
  bool is_prefix = false;
};

// Collects the keys of a bucket directory that can match `options` (prefix and
// start-after), pruning subtrees that cannot. With delimiter "/", a directory
// whose path starts with the prefix becomes one common prefix if it holds any
// object, and is not walked further.
class KeyCollector {
 public:
  explicit KeyCollector(const ListOptions& options)
      : prefix_(options.prefix),
        start_after_(options.start_after),
        group_directories_(options.delimiter == "/") {}

  // Walks `dir`, whose keys all start with `base` ("" or ending in '/').
  Status Walk(const std::string& dir, const std::string& base) {
    return ForEachEntry(dir, [&](const std::string& name, unsigned char type) -> Status {
      const std::string key = base + name;
      if (type == DT_REG) {
        if (key.starts_with(prefix_) && key > start_after_) items_.push_back({key, false});
        return OkStatus();
      }
      if (type != DT_DIR) return OkStatus();  // symlinks, sockets, ...: not objects
      return Directory(dir + "/" + name, key + "/");
    });
  }

  std::vector<ListItem> TakeSorted() {
    std::sort(items_.begin(), items_.end(),
              [](const ListItem& a, const ListItem& b) { return a.key < b.key; });
    return std::move(items_);
  }

 private:
  Status Directory(const std::string& path, const std::string& key_prefix) {
    const bool inside = key_prefix.starts_with(prefix_);
    if (!inside && !prefix_.starts_with(key_prefix)) return OkStatus();  // cannot match
    // Every key below sorts before start-after.
    if (key_prefix < start_after_ && !start_after_.starts_with(key_prefix)) return OkStatus();
    if (inside && group_directories_) {
      DG_ASSIGN_OR_RETURN(std::string first, FirstObjectBelow(path));
      if (!first.empty()) items_.push_back({key_prefix, true});
      return OkStatus();
    }
    return Walk(path, key_prefix);
  }

  std::string prefix_;
  std::string start_after_;
  bool group_directories_;
  std::vector<ListItem> items_;
};

// An object file opened for reading, with its decoded header.
struct OpenedObject {
  UniqueFd fd;
  DecodedObject decoded;
  TimePoint modified;
};

// The data bytes of an opened object, as a rewindable source.
class ObjectDataSource final : public ByteSource {
 public:
  ObjectDataSource(const OpenedObject& object, std::string what)
      : object_(object), what_(std::move(what)) {}

  Result<size_t> Read(std::span<std::byte> buffer) override {
    const uint64_t left = object_.decoded.header.size - position_;
    const auto n = static_cast<size_t>(std::min<uint64_t>(left, buffer.size()));
    DG_RETURN_IF_ERROR(fs_internal::PreadExactly(
        object_.fd.get(), buffer.first(n), object_.decoded.data_offset + position_, what_));
    position_ += n;
    return n;
  }
  Status Rewind() override {
    position_ = 0;
    return OkStatus();
  }
  std::optional<uint64_t> size() const override { return object_.decoded.header.size; }

 private:
  const OpenedObject& object_;
  const std::string what_;
  uint64_t position_ = 0;
};

// A temp file under ROOT/.dg-tmp, removed on destruction unless published by rename.
class TempObject {
 public:
  TempObject() = default;
  TempObject(const TempObject&) = delete;
  TempObject& operator=(const TempObject&) = delete;
  ~TempObject() {
    fd_.Reset();
    if (!path_.empty()) ::unlink(path_.c_str());
  }

  Status Create(const std::string& temp_dir, std::string_view what) {
    if (::mkdir(temp_dir.c_str(), 0777) != 0 && errno != EEXIST) {
      return PosixError(std::string(what) + ": create " + temp_dir, errno);
    }
    DG_ASSIGN_OR_RETURN(fd_, fs_internal::CreateUniqueFile(temp_dir + "/put-", &path_));
    return OkStatus();
  }
  int fd() const { return fd_.get(); }
  const std::string& path() const { return path_; }
  Status Close(std::string_view what) { return fd_.Close(what); }
  // The file now lives under its final name only: nothing to remove.
  void Released() { path_.clear(); }

 private:
  UniqueFd fd_;
  std::string path_;
};

class FsObjectStore final : public ObjectStore {
 public:
  FsObjectStore(std::string root, std::string bucket)
      : root_(std::move(root)), bucket_(std::move(bucket)), dir_(root_ + "/" + bucket_) {}

  const std::string& bucket() const override { return bucket_; }

  Result<ObjectHead> Head(std::string_view key) override {
    DG_ASSIGN_OR_RETURN(OpenedObject object, OpenObject("head", key));
    ObjectHead head = HeadOf(key, object);
    if (object.decoded.plain) {
      NullSink discard;
      DG_ASSIGN_OR_RETURN(head.etag, StreamData("head", key, object, discard));
    }
    return head;
  }

  Result<ObjectHead> Get(std::string_view key, ByteSink& sink) override {
    DG_ASSIGN_OR_RETURN(OpenedObject object, OpenObject("get", key));
    ObjectHead head = HeadOf(key, object);
    DG_ASSIGN_OR_RETURN(std::string md5, StreamData("get", key, object, sink));
    if (!object.decoded.plain && md5 != head.etag) {
      return MakeError(ErrorCode::kCorrupted, "get ", Uri(key), ": bytes have MD5 ", md5,
                       " but were written with ", head.etag);
    }
    head.etag = md5;
    return head;
  }

  Result<ObjectHead> Put(std::string_view key, ByteSource& body,
                         const PutOptions& options) override {
    DG_RETURN_IF_ERROR(Checked("put", key));
    const std::string what = "put " + Uri(key);
    TempObject temp;
    DG_RETURN_IF_ERROR(temp.Create(root_ + "/" + kTempDirName, what));
    DG_ASSIGN_OR_RETURN(ObjectHead head, WriteObject(temp, key, body, options));
    DG_RETURN_IF_ERROR(Publish(temp, key, options.if_none_match));
    DG_RETURN_IF_ERROR(fs_internal::SyncDirectory(PathOf(ParentOf(key))));
    return head;
  }

  Status List(const ListOptions& options, const ListVisitor& visit) override {
    DG_RETURN_IF_ERROR(CheckBucket());
    DG_ASSIGN_OR_RETURN(std::vector<ListItem> items, Collect(options));
    std::string last_prefix;
    for (ListItem& item : items) {
      if (std::string common = CommonPrefixOf(item.key, options); !common.empty()) {
        item.key = std::move(common);
        item.is_prefix = true;
      }
      if (item.is_prefix) {
        if (item.key == last_prefix) continue;
        last_prefix = item.key;
        DG_RETURN_IF_ERROR(visit(ListEntry{
            .key = item.key, .is_prefix = true, .size = 0, .etag = {}, .last_modified = {}}));
        continue;
      }
      DG_RETURN_IF_ERROR(VisitObject(item.key, visit));
    }
    return OkStatus();
  }

  Status Delete(std::string_view key) override {
    DG_RETURN_IF_ERROR(Checked("delete", key));
    const std::string path = PathOf(key);
    if (::unlink(path.c_str()) != 0) {
      // Missing, under a file, or a directory: no object by that key, as in S3.
      if (errno == ENOENT || errno == ENOTDIR || errno == EISDIR) return OkStatus();
      return PosixError("delete " + Uri(key), errno);
    }
    RemoveEmptyParents(key);
    return OkStatus();
  }

  Result<ObjectHead> GetRange(std::string_view key, uint64_t offset, uint64_t length,
                              ByteSink& sink) override {
    DG_ASSIGN_OR_RETURN(OpenedObject object, OpenObject("get", key));
    const uint64_t size = object.decoded.header.size;
    const uint64_t start = std::min(offset, size);
    DG_RETURN_IF_ERROR(StreamRange("get " + Uri(key), object, start,
                                   std::min(length, size - start), sink));
    return HeadOf(key, object);
  }

  // A local copy: the data is read from `from` and published under `to` like any Put.
  Result<ObjectHead> CopyObject(std::string_view from, std::string_view to,
                          const PutOptions& options) override {
    DG_ASSIGN_OR_RETURN(OpenedObject object, OpenObject("copy", from));
    ObjectDataSource data(object, "copy " + Uri(from));
    return Put(to, data, options);
  }

  // Temp files under ROOT/.dg-tmp (shared by the root's buckets) whose last
  // change is older than `older_than`: writes killed before they published.
  Status CollectLitter(TimePoint older_than, bool dry_run,
                       const std::function<void(const Litter&)>& report) override {
    const std::string dir = root_ + "/" + kTempDirName;
    std::vector<std::string> stale;
    DG_RETURN_IF_ERROR(ForEachEntry(dir, [&](const std::string& name, unsigned char) {
      const std::string path = dir + "/" + name;
      struct stat st {};
      if (::lstat(path.c_str(), &st) != 0 || !S_ISREG(st.st_mode)) return OkStatus();
      const TimePoint modified = fs_internal::ModificationTime(st);
      if (modified >= older_than) return OkStatus();
      report(Litter{.description = "temp file " + path,
                    .bytes = static_cast<uint64_t>(st.st_size),
                    .since = modified});
      stale.push_back(path);
      return OkStatus();
    }));
    if (dry_run) return OkStatus();
    for (const std::string& path : stale) {
      if (::unlink(path.c_str()) != 0 && errno != ENOENT) return PosixError("remove " + path, errno);
    }
    return OkStatus();
  }

  Capabilities capabilities() const override {
    return Capabilities{.conditional_put = true, .server_side_copy = true};
  }

 private:
  std::string Uri(std::string_view key) const { return "s3://" + bucket_ + "/" + std::string(key); }
  // The path of a validated key, or of "" (the bucket directory).
  std::string PathOf(std::string_view key) const {
    return key.empty() ? dir_ : dir_ + "/" + std::string(key);
  }

  Status CheckBucket() const {
    struct stat st {};
    if (::stat(dir_.c_str(), &st) == 0 && S_ISDIR(st.st_mode)) return OkStatus();
    return NoSuchBucket(bucket_);
  }

  // The key is valid and the bucket exists.
  Status Checked(std::string_view op, std::string_view key) const {
    if (Status valid = fs_internal::ValidateKey(key); !valid.ok()) {
      return valid.error().Wrap(std::string(op) + " s3://" + bucket_);
    }
    return CheckBucket();
  }

  Error NoSuchKey(std::string_view op, std::string_view key) const {
    return MakeError(ErrorCode::kNotFound, op, " ", Uri(key), ": no such key");
  }

  Result<OpenedObject> OpenObject(std::string_view op, std::string_view key) {
    DG_RETURN_IF_ERROR(Checked(op, key));
    const std::string what = std::string(op) + " " + Uri(key);
    auto fd = fs_internal::Open(PathOf(key), O_RDONLY | O_NOFOLLOW, what);
    if (!fd.ok()) {
      // ENOENT; ENOTDIR (a parent is an object); ELOOP (a symlink, not an object).
      const ErrorCode code = fd.code();
      if (code == ErrorCode::kNotFound || code == ErrorCode::kInvalidArgument) {
        DG_RETURN_IF_ERROR(CheckBucket());
        return NoSuchKey(op, key);
      }
      return fd.error();
    }
    DG_ASSIGN_OR_RETURN(struct stat st, fs_internal::Fstat(fd->get(), what));
    if (!S_ISREG(st.st_mode)) return NoSuchKey(op, key);  // a directory is only a prefix
    OpenedObject object{
        .fd = std::move(fd).value(), .decoded = {}, .modified = fs_internal::ModificationTime(st)};
    DG_ASSIGN_OR_RETURN(
        object.decoded,
        fs_internal::ReadObjectHeader(object.fd.get(), static_cast<uint64_t>(st.st_size), what));
    return object;
  }

  static ObjectHead HeadOf(std::string_view key, const OpenedObject& object) {
    const fs_internal::ObjectHeader& header = object.decoded.header;
    return ObjectHead{.key = std::string(key),
                      .size = header.size,
                      .etag = header.etag,
                      .last_modified = object.modified,
                      .content_type = header.content_type,
                      .metadata = header.metadata};
  }

  // Streams the object's bytes into `sink`; returns their MD5.
  Result<std::string> StreamData(std::string_view op, std::string_view key,
                                 const OpenedObject& object, ByteSink& sink) {
    HashingSink hashing(Hasher::Algorithm::kMd5, &sink);
    DG_RETURN_IF_ERROR(StreamRange(std::string(op) + " " + Uri(key), object, 0,
                                   object.decoded.header.size, hashing));
    return hashing.HexDigest();
  }

  // Streams `length` bytes of the object's data from `offset` in 1 MiB chunks.
  static Status StreamRange(const std::string& what, const OpenedObject& object, uint64_t offset,
                            uint64_t length, ByteSink& sink) {
    std::vector<std::byte> buffer(std::min<uint64_t>(kChunkBytes, length));
    uint64_t at = object.decoded.data_offset + offset;
    uint64_t left = length;
    while (left > 0) {
      const auto n = static_cast<size_t>(std::min<uint64_t>(left, buffer.size()));
      const std::span chunk(buffer.data(), n);
      DG_RETURN_IF_ERROR(fs_internal::PreadExactly(object.fd.get(), chunk, at, what));
      DG_RETURN_IF_ERROR(sink.Write(chunk));
      at += n;
      left -= n;
    }
    return OkStatus();
  }

  // Writes header and body to the temp file and makes them durable.
  Result<ObjectHead> WriteObject(TempObject& temp, std::string_view key, ByteSource& body,
                                 const PutOptions& options) {
    const std::string what = "put " + Uri(key);
    auto placeholder = fs_internal::PlaceholderHeader(options);
    if (!placeholder.ok()) return placeholder.error().Wrap(what);
    DG_RETURN_IF_ERROR(fs_internal::WriteAll(temp.fd(), AsBytes(*placeholder), what));
    DG_ASSIGN_OR_RETURN(fs_internal::ObjectHeader header, CopyBody(temp.fd(), body, what));
    header.metadata = options.metadata;
    header.content_type = options.content_type;
    auto encoded =
        fs_internal::EncodeHeader(header, fs_internal::PlaceholderJsonBytes(*placeholder));
    if (!encoded.ok()) return encoded.error().Wrap(what);
    if (encoded->size() != placeholder->size()) {
      return MakeError(ErrorCode::kInternal, what, ": header outgrew its placeholder");
    }
    if (::pwrite(temp.fd(), encoded->data(), encoded->size(), 0) !=
        static_cast<ssize_t>(encoded->size())) {
      return PosixError(what + ": write header", errno);
    }
    DG_RETURN_IF_ERROR(fs_internal::SyncFile(temp.fd(), what + ": fsync"));
    DG_ASSIGN_OR_RETURN(struct stat st, fs_internal::Fstat(temp.fd(), what));
    DG_RETURN_IF_ERROR(temp.Close(what + ": close"));
    return ObjectHead{.key = std::string(key),
                      .size = header.size,
                      .etag = header.etag,
                      .last_modified = fs_internal::ModificationTime(st),
                      .content_type = options.content_type,
                      .metadata = options.metadata};
  }

  // Appends all of `body` to `fd`; returns its size and MD5.
  static Result<fs_internal::ObjectHeader> CopyBody(int fd, ByteSource& body,
                                                    const std::string& what) {
    Hasher md5(Hasher::Algorithm::kMd5);
    std::vector<std::byte> buffer(kChunkBytes);
    fs_internal::ObjectHeader header;
    for (;;) {
      DG_ASSIGN_OR_RETURN(size_t n, body.Read(buffer));
      if (n == 0) break;
      const std::span chunk(buffer.data(), n);
      md5.Update(chunk);
      DG_RETURN_IF_ERROR(fs_internal::WriteAll(fd, chunk, what));
      header.size += n;
    }
    header.etag = md5.HexDigest();
    return header;
  }

  Error Collision(std::string_view key, std::string_view object, std::string_view directory) const {
    return MakeError(ErrorCode::kFailedPrecondition, "put ", Uri(key), ": '", object,
                     "' is an object and '", directory,
                     "' would need it to be a directory; a directory store cannot hold both");
  }

  // Moves the temp file to `key`, creating parent directories. A concurrent Delete
  // may remove a parent just created (ENOENT): then it starts again.
  Status Publish(TempObject& temp, std::string_view key, bool create_only) {
    const std::string path = PathOf(key);
    for (int attempt = 0; attempt < kPublishAttempts; ++attempt) {
      Status parents = MakeParents(key);
      if (parents.code() == ErrorCode::kUnavailable) continue;  // a parent was just removed
      DG_RETURN_IF_ERROR(parents);
      const int rc = create_only ? ::link(temp.path().c_str(), path.c_str())
                                 : ::rename(temp.path().c_str(), path.c_str());
      if (rc == 0) {
        if (!create_only) temp.Released();
        return OkStatus();
      }
      const int err = errno;
      if (err == ENOENT) continue;
      return PublishError(key, create_only, err);
    }
    return MakeError(ErrorCode::kUnavailable, "put ", Uri(key),
                     ": parent directory keeps disappearing (concurrent deletes)");
  }

  Error PublishError(std::string_view key, bool create_only, int err) const {
    const std::string path = PathOf(key);
    struct stat st {};
    const bool is_directory = ::lstat(path.c_str(), &st) == 0 && S_ISDIR(st.st_mode);
    if (is_directory && (err == EEXIST || err == EISDIR || err == ENOTEMPTY)) {
      return Collision(key, std::string(key) + "/...", key);
    }
    if (err == ENOTDIR) return Collision(key, ParentOf(key), key);  // a parent became an object
    if (create_only && err == EEXIST) {
      return MakeError(ErrorCode::kAlreadyExists, "put ", Uri(key), ": already exists");
    }
    return PosixError("put " + Uri(key), err);
  }

  // Creates the directories of `key` below the bucket directory, one by one, so a
  // segment that is an object is reported as a collision. kUnavailable when a
  // concurrent Delete removed a directory just created (the caller retries).
  Status MakeParents(std::string_view key) {
    const std::string_view parent = ParentOf(key);
    size_t end = 0;
    while (end < parent.size()) {
      end = parent.find('/', end + 1);
      if (end == std::string_view::npos) end = parent.size();
      const std::string_view sub = parent.substr(0, end);
      const std::string path = PathOf(sub);
      if (::mkdir(path.c_str(), 0777) == 0) continue;
      int err = errno;
      if (err == EEXIST) {
        struct stat st {};
        if (::stat(path.c_str(), &st) == 0) {
          if (S_ISDIR(st.st_mode)) continue;
          return Collision(key, sub, key);
        }
        err = errno;  // ENOENT: removed again since mkdir saw it
      }
      if (err == ENOTDIR) return Collision(key, sub, key);
      if (err == ENOENT) {
        DG_RETURN_IF_ERROR(CheckBucket());
        return MakeError(ErrorCode::kUnavailable, "put ", Uri(key), ": ", sub,
                         " vanished while being created");
      }
      return PosixError("put " + Uri(key) + ": create directory " + std::string(sub), err);
    }
    return OkStatus();
  }

  // Removes the now empty directories of `key`, deepest first, never the bucket.
  void RemoveEmptyParents(std::string_view key) {
    for (std::string_view parent = ParentOf(key); !parent.empty(); parent = ParentOf(parent)) {
      if (::rmdir(PathOf(parent).c_str()) != 0) return;  // ENOTEMPTY: still in use
    }
  }

  Result<std::vector<ListItem>> Collect(const ListOptions& options) {
    // Walk from the deepest directory the prefix implies; a prefix whose directory
    // part is no valid key path cannot match any key.
    const std::string base(ParentOf(options.prefix));
    if (!base.empty() && !fs_internal::ValidateKey(base).ok()) return std::vector<ListItem>{};
    KeyCollector collector(options);
    const std::string start = PathOf(base);
    DG_RETURN_IF_ERROR(collector.Walk(start, base.empty() ? base : base + "/"));
    return collector.TakeSorted();
  }

  // Reads the header of one listed object and visits it; skips it if deleted meanwhile.
  Status VisitObject(const std::string& key, const ListVisitor& visit) {
    const std::string what = "list " + Uri(key);
    auto fd = fs_internal::Open(PathOf(key), O_RDONLY | O_NOFOLLOW, what);
    if (!fd.ok() && fd.code() == ErrorCode::kNotFound) return OkStatus();
    DG_RETURN_IF_ERROR(fd.status());
    DG_ASSIGN_OR_RETURN(struct stat st, fs_internal::Fstat(fd->get(), what));
    DG_ASSIGN_OR_RETURN(DecodedObject decoded,
                        fs_internal::ReadObjectHeader(fd->get(), st.st_size, what));
    // Plain files list with an empty etag: computing it would read every byte.
    return visit(ListEntry{.key = key,
                           .is_prefix = false,
                           .size = decoded.header.size,
                           .etag = decoded.header.etag,
                           .last_modified = fs_internal::ModificationTime(st)});
  }

  std::string root_;
  std::string bucket_;
  std::string dir_;
};

class FsStorage final : public Storage {
 public:
  explicit FsStorage(std::string root) : root_(std::move(root)) {}

  std::string Describe() const override { return "file://" + root_; }

  Result<std::unique_ptr<ObjectStore>> OpenBucket(std::string_view name) override {
    DG_RETURN_IF_ERROR(ValidateBucketName(name));
    return std::unique_ptr<ObjectStore>(std::make_unique<FsObjectStore>(root_, std::string(name)));
  }

  Status CreateBucket(std::string_view name) override {
    DG_RETURN_IF_ERROR(ValidateBucketName(name));
    const std::string what = "create bucket " + std::string(name);
    std::error_code ec;
    std::filesystem::create_directories(root_, ec);
    if (ec) return PosixError(what + ": create " + root_, ec.value());
    const std::string dir = root_ + "/" + std::string(name);
    if (::mkdir(dir.c_str(), 0777) == 0) return fs_internal::SyncDirectory(root_);
    if (errno == EEXIST)
      return MakeError(ErrorCode::kBucketAlreadyExists, what, ": already exists");
    return PosixError(what, errno);
  }

  Status DeleteBucket(std::string_view name) override {
    DG_RETURN_IF_ERROR(ValidateBucketName(name));
    const std::string what = "delete bucket " + std::string(name);
    const std::string dir = root_ + "/" + std::string(name);
    struct stat st {};
    if (::stat(dir.c_str(), &st) != 0 || !S_ISDIR(st.st_mode)) return NoSuchBucket(name);
    DG_ASSIGN_OR_RETURN(std::string first, FirstObjectBelow(dir));
    if (!first.empty()) {
      return MakeError(ErrorCode::kBucketNotEmpty, what, ": not empty (holds '", first, "')");
    }
    DG_RETURN_IF_ERROR(RemoveEmptyTree(dir, what));
    return OkStatus();
  }

  Result<std::vector<BucketInfo>> ListBuckets() override {
    std::vector<BucketInfo> buckets;
    DG_RETURN_IF_ERROR(ForEachEntry(root_, [&](const std::string& name, unsigned char) {
      struct stat st {};
      const std::string dir = root_ + "/" + name;
      if (ValidateBucketName(name).ok() && ::stat(dir.c_str(), &st) == 0 && S_ISDIR(st.st_mode)) {
        buckets.push_back(BucketInfo{.name = name, .created = fs_internal::ModificationTime(st)});
      }
      return OkStatus();
    }));
    std::sort(buckets.begin(), buckets.end(),
              [](const BucketInfo& a, const BucketInfo& b) { return a.name < b.name; });
    return buckets;
  }

 private:
  // rmdir of `dir` and the (object-free) directories below it, deepest first.
  static Status RemoveEmptyTree(const std::string& dir, const std::string& what) {
    DG_RETURN_IF_ERROR(ForEachEntry(dir, [&](const std::string& name, unsigned char type) {
      return type == DT_DIR ? RemoveEmptyTree(dir + "/" + name, what) : OkStatus();
    }));
    if (::rmdir(dir.c_str()) == 0 || errno == ENOENT) return OkStatus();
    if (errno == ENOTEMPTY || errno == EEXIST) {
      return MakeError(ErrorCode::kFailedPrecondition, what, ": not empty (",
                       dir.substr(dir.rfind('/') + 1), " holds entries that are not objects)");
    }
    return PosixError(what + ": remove " + dir, errno);
  }

  std::string root_;
};

}  // namespace

Result<std::unique_ptr<Storage>> NewFilesystemStorage(const std::string& root) {
  if (root.empty()) return MakeError(ErrorCode::kInvalidArgument, "file store: empty root path");
  std::error_code ec;
  std::filesystem::path absolute = std::filesystem::absolute(root, ec).lexically_normal();
  if (ec) return PosixError("file store " + root, ec.value());
  std::string path = absolute.string();
  while (path.size() > 1 && path.back() == '/') path.pop_back();
  struct stat st {};
  if (::stat(path.c_str(), &st) == 0 && !S_ISDIR(st.st_mode)) {
    return MakeError(ErrorCode::kInvalidArgument, "file store ", path, ": not a directory");
  }
  return std::unique_ptr<Storage>(std::make_unique<FsStorage>(std::move(path)));
}

}  // namespace deltaglider
