// PathFilter: the aws CLI's ordered --exclude / --include rules of the recursive
// commands (cp -r, mv -r, rm -r, sync). Every file is included by default; the
// rules are applied in the order given and the last one that matches decides.
// Patterns are fnmatch globs (`*` also matches '/', `?` one byte, `[...]` a class;
// no escapes) matched against the path relative to the source root ("dir/a.zip").
// Pure: it never looks at the disk or a store.
#pragma once

#include <string>
#include <string_view>
#include <vector>

namespace deltaglider::cli {

// Python fnmatch semantics (what the aws CLI uses): '*' crosses '/'.
bool GlobMatch(std::string_view pattern, std::string_view path);

class PathFilter {
 public:
  void Exclude(std::string pattern) { rules_.push_back({false, std::move(pattern)}); }
  void Include(std::string pattern) { rules_.push_back({true, std::move(pattern)}); }

  // Whether `relative_path` takes part in the command.
  bool Included(std::string_view relative_path) const;

 private:
  struct Rule {
    bool include;
    std::string pattern;
  };
  std::vector<Rule> rules_;
};

}  // namespace deltaglider::cli
