#include "core/analysis_plan.h"

#include <algorithm>
#include <cctype>

#include "core/key_layout.h"
#include "util/text.h"

namespace deltaglider {
namespace {

// Up to `count` indices in [1, n) spread evenly: the first, the last, between.
std::vector<size_t> SpreadMembers(size_t n, size_t count) {
  std::vector<size_t> out;
  const size_t members = n > 0 ? n - 1 : 0;
  if (members <= count) {
    for (size_t i = 1; i < n; ++i) out.push_back(i);
    return out;
  }
  for (size_t i = 0; i < count; ++i) out.push_back(1 + i * (members - 1) / (count - 1));
  return out;
}

}  // namespace

uint64_t PlannedGroup::bytes() const {
  uint64_t total = 0;
  for (const PlannedFile& file : files) total += file.size;
  return total;
}

std::string ArchiveExtension(std::string_view key) {
  const std::string name = AsciiLower(Basename(key));
  for (std::string_view compound : {".tar.gz", ".tar.bz2", ".tar.xz"}) {
    if (name.ends_with(compound)) return std::string(compound);
  }
  const size_t dot = name.rfind('.');
  return dot == std::string::npos ? "" : name.substr(dot);
}

bool IsDeltagliderObject(std::string_view key) {
  if (HasDeltaSuffix(key) || IsReferenceKey(key)) return true;
  size_t start = 0;
  for (size_t slash; (slash = key.find('/', start)) != std::string_view::npos; start = slash + 1) {
    if (IsReferenceDirectory(key.substr(start, slash - start))) return true;
  }
  return false;
}

void AnalysisPlanner::Add(const ListEntry& entry) {
  if (entry.is_prefix) return;
  if (IsDeltagliderObject(entry.key)) return plan_.already_stored.Add(entry.size);
  if (!IsDeltaEligible(entry.key)) return plan_.ineligible.Add(entry.size);
  const GroupChoice choice = ChooseGroup(entry.key, grouping_);
  PlannedGroup& group = groups_[choice.group.prefix];
  if (group.files.empty()) {
    group.name = choice.name;
    group.extension = ArchiveExtension(entry.key);
  }
  group.files.push_back({entry.key, entry.size});
}

AnalysisPlan AnalysisPlanner::Finish() {
  for (auto& [prefix, group] : groups_) plan_.groups.push_back(std::move(group));
  groups_.clear();
  std::sort(plan_.groups.begin(), plan_.groups.end(),
            [](const auto& a, const auto& b) { return a.name.Label() < b.name.Label(); });
  return std::move(plan_);
}

uint64_t ChooseSamples(AnalysisPlan& plan, const SampleLimits& limits) {
  std::vector<PlannedGroup*> order;
  for (PlannedGroup& group : plan.groups) order.push_back(&group);
  std::stable_sort(order.begin(), order.end(), [](const PlannedGroup* a, const PlannedGroup* b) {
    return a->bytes() > b->bytes();
  });
  auto cost = [&](const PlannedFile& file) { return std::min(file.size, limits.per_file); };
  uint64_t planned = 0;
  for (PlannedGroup* group : order) {
    const std::vector<size_t> members =
        SpreadMembers(group->files.size(), limits.members_per_group);
    uint64_t need = cost(group->files[0]) + (members.empty() ? 0 : cost(group->files[members[0]]));
    if (planned + need > limits.budget) continue;
    group->sampled = true;
    planned += cost(group->files[0]);
    for (size_t index : members) {
      if (planned + cost(group->files[index]) > limits.budget) break;
      group->sampled_members.push_back(index);
      planned += cost(group->files[index]);
    }
  }
  return planned;
}

}  // namespace deltaglider
