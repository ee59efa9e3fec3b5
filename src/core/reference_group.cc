#include "core/reference_group.h"

#include <algorithm>
#include <charconv>

#include "core/key_layout.h"

namespace deltaglider {
namespace {

std::string GenerationKey(const ReferenceGroup& group, int generation) {
  return group.prefix + std::to_string(generation) + "/" + std::string(kReferenceName);
}

// "<prefix><n>/reference.bin" -> n; 0 for anything else.
int GenerationOf(const ReferenceGroup& group, std::string_view key) {
  if (!key.starts_with(group.prefix)) return 0;
  std::string_view rest = key.substr(group.prefix.size());
  const std::string suffix = "/" + std::string(kReferenceName);
  if (!rest.ends_with(suffix)) return 0;
  rest.remove_suffix(suffix.size());
  int generation = 0;
  const auto [end, ec] = std::from_chars(rest.data(), rest.data() + rest.size(), generation);
  if (ec != std::errc() || end != rest.data() + rest.size() || generation < 1) return 0;
  return generation;
}

}  // namespace

ReferenceGroup DeltaspaceGroup(std::string_view deltaspace, std::string_view family) {
  const std::string dir = deltaspace.empty() ? "" : std::string(deltaspace) + "/";
  return ReferenceGroup{.legacy_key = ReferenceKey(deltaspace),
                        .prefix = dir + std::string(kRotatedDirName) + "/" + std::string(family) + "/"};
}

ReferenceGroup FamilyGroup(std::string_view anchor, std::string_view name) {
  return ReferenceGroup{.legacy_key = "",
                        .prefix = std::string(anchor) + std::string(kFamilyDirName) + "/" +
                                  std::string(name) + "/"};
}

Result<std::vector<ReferenceCandidate>> ListReferences(ObjectStore& store,
                                                       const ReferenceGroup& group) {
  std::vector<ReferenceCandidate> found;
  DG_RETURN_IF_ERROR(store.List({group.prefix, ""}, [&](const ListEntry& entry) {
    if (const int generation = GenerationOf(group, entry.key); generation > 0) {
      found.push_back(ReferenceCandidate{entry.key, generation, std::nullopt});
    }
    return OkStatus();
  }));
  std::sort(found.begin(), found.end(), [](const auto& a, const auto& b) {
    return a.generation > b.generation;
  });
  if (!group.legacy_key.empty()) {
    Result<ObjectHead> legacy = store.Head(group.legacy_key);
    if (legacy.ok()) {
      found.push_back(ReferenceCandidate{group.legacy_key, 0, std::move(*legacy)});
    } else if (legacy.code() != ErrorCode::kNotFound) {
      return legacy.error();
    }
  }
  return found;
}

std::string NextReferenceKey(const ReferenceGroup& group,
                             const std::vector<ReferenceCandidate>& existing) {
  if (existing.empty() && !group.legacy_key.empty()) return group.legacy_key;
  int newest = 0;
  for (const ReferenceCandidate& candidate : existing) newest = std::max(newest, candidate.generation);
  return GenerationKey(group, newest + 1);
}

bool IsReferenceDirectory(std::string_view segment) {
  return segment == kFamilyDirName || segment == kRotatedDirName || segment == kTrashDirName;
}

}  // namespace deltaglider
