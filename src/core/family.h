// Version families: which stored files are versions of one artifact, from their
// keys alone. "releases/v1.2.3/app-1.2.3.zip" and "releases/v1.2.4/app-1.2.4.zip"
// are the family "app.zip" anchored at "releases/", so they share references
// even though each lives in its own directory. Pure functions on names: they
// never touch a store and never read file contents.
#pragma once

#include <optional>
#include <string>
#include <string_view>

namespace deltaglider {

// A file name with its version-like tokens removed and the rest joined by '-':
// "app-1.2.3.zip", "app_v1.3.0-rc1.zip" -> "app.zip"; "tool-linux-x64-2.0.tgz" ->
// "tool-linux-x64.tgz"; "curl_7.88.1-10+deb12u5_amd64.deb" -> "curl-amd64.deb".
// Version-like: numbers (1, 2.0, 20251124), v1, rc1/beta2/b3, dates, commit
// hashes (7-40 hex digits with a digit and a letter), distro tags (deb12u5, el8).
// Architecture names (x86_64, x64, arm64, win32, ...) are kept. A name that is
// only a version ("1.2.3.zip") becomes "version.zip".
std::string FamilyName(std::string_view basename);

// True for a directory name that is a version: "v1.2.3", "1.2.3", "build-1234",
// "2025-11-24", "nightly-20251124", a commit hash.
bool IsVersionDirectory(std::string_view segment);

struct Family {
  std::string anchor;  // the directory above the first version directory: "releases/" or ""
  std::string name;    // the rest of the path, versions removed: "app.zip", "linux/app.zip"
};

// The family of `key`, when one of its directories is a version directory;
// nullopt otherwise (then the key's own directory is its deltaspace).
std::optional<Family> FamilyOf(std::string_view key);

}  // namespace deltaglider
