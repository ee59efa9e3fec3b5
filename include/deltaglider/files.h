// Local files as ByteSource / ByteSink. FileSink writes to a temp file beside
// the destination and only Commit() renames it into place, so a failed or
// interrupted download never leaves a partial file under the final name.
#pragma once

#include <memory>
#include <string>
#include <string_view>

#include "deltaglider/ports/spool.h"
#include "deltaglider/result.h"
#include "deltaglider/stream.h"

namespace deltaglider {

// kNotFound if missing, kPermissionDenied if unreadable, kInvalidArgument if a directory.
Result<std::unique_ptr<ByteSource>> OpenFileSource(const std::string& path);

// Whether Commit() makes the file durable (fsync of file and directory) before
// reporting success, or only atomic (rename: a crash of this process never leaves
// a partial file, but a power cut may lose a file nothing else has a copy of).
enum class Durability { kAtomic, kDurable };

class FileSink : public ByteSink {
 public:
  // Creates `path`.dg-tmp-XXXXXX beside `path`; kPermissionDenied / kNotFound
  // when the directory is not writable or missing.
  static Result<std::unique_ptr<FileSink>> Create(const std::string& path,
                                                  Durability durability = Durability::kDurable);

  // Renames the temp file to the destination (fsyncing first when durable).
  virtual Status Commit() = 0;
  // Removes the temp file (also done by the destructor if not committed).
  virtual void Abandon() = 0;
};

// A private directory under $TMPDIR (or /tmp), removed with everything in it when
// the object is destroyed. For spools and files handed to external programs.
class ScratchDirectory {
 public:
  // `prefix` starts the directory's name ("deltaglider-"); kIoError-class errors
  // name $TMPDIR when it cannot be created.
  static Result<std::unique_ptr<ScratchDirectory>> Create(const std::string& prefix);
  ~ScratchDirectory();
  ScratchDirectory(const ScratchDirectory&) = delete;
  ScratchDirectory& operator=(const ScratchDirectory&) = delete;

  // The path of `name` inside the directory.
  std::string Path(std::string_view name) const;

 private:
  explicit ScratchDirectory(std::string path) : path_(std::move(path)) {}
  std::string path_;
};

// Spool files (ports/spool.h) in `dir` that never have a name there (O_TMPFILE,
// else named and unlinked at once): bounded by the disk, kResourceExhausted when
// it is full. kNotFound / kPermissionDenied when `dir` cannot take them.
Result<std::unique_ptr<Spool>> NewDirectorySpool(const std::string& dir);

// A sink on an already open descriptor (stdout); never closes it.
std::unique_ptr<ByteSink> NewDescriptorSink(int fd);

}  // namespace deltaglider
