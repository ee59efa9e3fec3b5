#include "cli/tree_walk.h"

#include <sys/stat.h>

#include <algorithm>
#include <filesystem>
#include <system_error>
#include <vector>

namespace deltaglider::cli {
namespace {

namespace fs = std::filesystem;

Error WalkError(const fs::path& path, const std::error_code& ec) {
  const ErrorCode code = ec == std::errc::no_such_file_or_directory ? ErrorCode::kNotFound
                         : ec == std::errc::permission_denied       ? ErrorCode::kPermissionDenied
                                                                    : ErrorCode::kIoError;
  return MakeError(code, "read ", path.string(), ": ", ec.message());
}

struct DirEntry {
  std::string sort_key;  // the name, plus '/' for a directory: S3's order of the keys below
  std::string name;
  bool directory = false;
};

// The directories being walked, outermost first, by device and inode: a symbolic
// link back to one of them would make the walk endless.
using DirectoryChain = std::vector<std::pair<dev_t, ino_t>>;

Status WalkDirectory(const fs::path& dir, const std::string& relative_dir, const TreeVisitor& visit,
                     DirectoryChain& chain) {
  struct stat info {};
  if (::stat(dir.c_str(), &info) == 0) {
    const std::pair<dev_t, ino_t> id{info.st_dev, info.st_ino};
    if (std::find(chain.begin(), chain.end(), id) != chain.end()) return OkStatus();  // a loop
    chain.push_back(id);
  } else {
    chain.emplace_back(0, 0);
  }
  std::error_code ec;
  std::vector<DirEntry> entries;
  for (fs::directory_iterator it(dir, ec), end; !ec && it != end; it.increment(ec)) {
    const std::string name = it->path().filename().string();
    std::error_code type_ec;
    const fs::file_status status = it->status(type_ec);  // follows symlinks
    if (type_ec) continue;                               // a dangling link
    if (fs::is_directory(status)) {
      entries.push_back({name + "/", name, true});
    } else if (fs::is_regular_file(status)) {
      entries.push_back({name, name, false});
    }
  }
  if (ec) return WalkError(dir, ec);
  std::sort(entries.begin(), entries.end(),
            [](const DirEntry& a, const DirEntry& b) { return a.sort_key < b.sort_key; });
  for (const DirEntry& entry : entries) {
    const fs::path path = dir / entry.name;
    const std::string relative = relative_dir + entry.name;
    if (entry.directory) {
      DG_RETURN_IF_ERROR(WalkDirectory(path, relative + "/", visit, chain));
      continue;
    }
    TreeFile file;
    file.relative = relative;
    file.stamp.size = fs::file_size(path, ec);
    if (ec) return WalkError(path, ec);
    const fs::file_time_type mtime = fs::last_write_time(path, ec);
    if (ec) return WalkError(path, ec);
    file.stamp.time =
        std::chrono::time_point_cast<TimePoint::duration>(std::chrono::file_clock::to_sys(mtime));
    DG_RETURN_IF_ERROR(visit(file));
  }
  chain.pop_back();
  return OkStatus();
}

}  // namespace

bool IsLocalDirectory(const std::string& path) {
  std::error_code ec;
  return fs::is_directory(path, ec);
}

bool LocalPathExists(const std::string& path) {
  std::error_code ec;
  return fs::exists(path, ec);
}

Status WalkLocalTree(const std::string& root, const TreeVisitor& visit) {
  if (!IsLocalDirectory(root)) {
    const bool exists = LocalPathExists(root);
    return MakeError(exists ? ErrorCode::kInvalidArgument : ErrorCode::kNotFound, root,
                     exists ? ": not a directory" : ": no such directory");
  }
  DirectoryChain chain;
  return WalkDirectory(root, "", visit, chain);
}

Status WalkStoreTree(DeltaService& service, const std::string& prefix, int head_concurrency,
                     const TreeVisitor& visit) {
  return service.List(
      prefix, /*recursive=*/true,
      [&](const ListedEntry& entry) -> Status {
        if (entry.is_prefix || entry.file.key.ends_with('/')) return OkStatus();
        TreeFile file;
        file.relative = entry.file.key.substr(prefix.size());
        file.stamp.size = entry.file.size;
        file.stamp.time = entry.file.created_at;
        return visit(file);
      },
      head_concurrency);
}

std::string DirectoryPrefix(const std::string& key) {
  return key.empty() || key.ends_with('/') ? key : key + "/";
}

}  // namespace deltaglider::cli
