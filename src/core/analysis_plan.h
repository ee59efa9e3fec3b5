// AnalysisPlan: what `deltaglider analyze` found under a prefix, before anything is
// downloaded. Every delta-eligible object joins the reference group the write path
// would give it (ChooseGroup in core/group_policy.h; the first file in key order
// is the group's would-be reference); other objects count at full size; objects
// deltaglider already wrote (.delta, reference.bin, its reference directories)
// are counted apart. ChooseSamples then picks, within a byte budget, which files of
// which groups are downloaded and measured. Pure bookkeeping on listed names and
// sizes: never reads a store.
#pragma once

#include <cstdint>
#include <map>
#include <string>
#include <string_view>
#include <vector>

#include "core/group_policy.h"
#include "deltaglider/types.h"

namespace deltaglider {

struct PlannedFile {
  std::string key;
  uint64_t size = 0;
};

struct PlannedGroup {
  GroupName name;
  std::string extension;                // ArchiveExtension of its first file
  std::vector<PlannedFile> files;       // key order; files[0] is the would-be reference
  bool sampled = false;                 // files[0] and `sampled_members` are measured
  std::vector<size_t> sampled_members;  // indices into files, >= 1

  uint64_t bytes() const;
};

struct FileCount {
  uint64_t files = 0;
  uint64_t bytes = 0;
  void Add(uint64_t size) {
    ++files;
    bytes += size;
  }
};

struct AnalysisPlan {
  std::vector<PlannedGroup> groups;  // sorted by label
  FileCount ineligible;              // stored direct: full size
  FileCount already_stored;          // objects deltaglider wrote (their stored bytes)
};

// ".zip", ".tar.gz", ".tgz" (lower case): the extension groups are extrapolated by.
std::string ArchiveExtension(std::string_view key);

// True for objects deltaglider writes: "*.delta", "reference.bin", anything in a
// ".dg-family/", ".dg-refs/" or ".dg-trash/" directory (IsReferenceDirectory).
bool IsDeltagliderObject(std::string_view key);

// Collects listed objects (in key order) into a plan.
class AnalysisPlanner {
 public:
  explicit AnalysisPlanner(GroupingOptions grouping) : grouping_(std::move(grouping)) {}
  void Add(const ListEntry& entry);
  AnalysisPlan Finish();

 private:
  GroupingOptions grouping_;
  AnalysisPlan plan_;
  std::map<std::string, PlannedGroup> groups_;  // by reference-group prefix
};

struct SampleLimits {
  uint64_t budget = 0;    // bytes downloaded in total (--sample-bytes)
  uint64_t per_file = 0;  // at most this many first bytes of each file
  size_t members_per_group = 3;
};

// Marks the files to measure: groups largest first, each with its reference and
// up to `members_per_group` members spread over the group (first, middle, last),
// as long as the budget (per_file-capped sizes) allows; a group whose reference
// and first chosen member do not fit is left unsampled. Returns the bytes planned.
uint64_t ChooseSamples(AnalysisPlan& plan, const SampleLimits& limits);

}  // namespace deltaglider
