#include "cli/filters.h"

#include <fnmatch.h>

namespace deltaglider::cli {

bool GlobMatch(std::string_view pattern, std::string_view path) {
  // fnmatch without FNM_PATHNAME lets '*' match '/'; FNM_NOESCAPE keeps '\' literal,
  // as Python's fnmatch does. Both strings need their terminating NUL.
  const std::string p(pattern);
  const std::string s(path);
  return fnmatch(p.c_str(), s.c_str(), FNM_NOESCAPE) == 0;
}

bool PathFilter::Included(std::string_view relative_path) const {
  bool included = true;
  for (const Rule& rule : rules_) {
    if (GlobMatch(rule.pattern, relative_path)) included = rule.include;
  }
  return included;
}

}  // namespace deltaglider::cli
