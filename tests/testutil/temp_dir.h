// TempDir: a fresh directory under $TMPDIR for one test, removed afterwards.
#pragma once

#include <map>
#include <string>

namespace deltaglider::testing {

class TempDir {
 public:
  TempDir();
  ~TempDir();
  TempDir(const TempDir&) = delete;
  TempDir& operator=(const TempDir&) = delete;

  const std::string& path() const { return path_; }
  // path() + "/" + name
  std::string Sub(const std::string& name) const { return path_ + "/" + name; }

 private:
  std::string path_;
};

// Writes `content` to `path`, creating parent directories.
void WriteFile(const std::string& path, const std::string& content);
// Reads a whole file; fails the test if it cannot.
std::string ReadFile(const std::string& path);
// Every regular file under `root`: path relative to it -> bytes ({} if `root` is missing).
std::map<std::string, std::string> ReadTree(const std::string& root);

}  // namespace deltaglider::testing
