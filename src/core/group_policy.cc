#include "core/group_policy.h"

#include <optional>

#include "core/family.h"
#include "core/key_layout.h"

namespace deltaglider {
namespace {

// The position of directory `segment` in `key` ("a/.dg-family/..." -> 2), if any.
std::optional<size_t> FindSegment(std::string_view key, std::string_view segment) {
  const std::string needle = std::string(segment) + "/";
  if (key.starts_with(needle)) return 0;
  const size_t at = key.find("/" + needle);
  if (at == std::string_view::npos) return std::nullopt;
  return at + 1;
}

// "app.zip/1/reference.bin" -> "app.zip": drops the reference name and generation.
std::string_view WithoutGeneration(std::string_view rest) {
  for (int i = 0; i < 2; ++i) {
    const size_t slash = rest.rfind('/');
    if (slash == std::string_view::npos) return rest;
    rest = rest.substr(0, slash);
  }
  return rest;
}

}  // namespace

std::string GroupName::Label() const {
  if (kind == GroupKind::kFamily) return dir + "*/{" + family + "}";
  if (dir.empty() && family.empty()) return "(root)";
  return (dir.empty() ? "" : dir + "/") + (family.empty() ? "" : "{" + family + "}");
}

std::string_view GroupName::KindName() const {
  return kind == GroupKind::kFamily ? "family" : "deltaspace";
}

GroupChoice ChooseGroup(std::string_view key, const GroupingOptions& options) {
  const std::string family = FamilyName(Basename(key));
  const std::string deltaspace =
      options.deltaspace.empty() ? std::string(Deltaspace(key)) : options.deltaspace;
  GroupChoice choice;
  choice.own = DeltaspaceGroup(deltaspace, family);
  choice.own_name = GroupName{GroupKind::kDeltaspace, deltaspace, family};
  choice.group = choice.own;
  choice.name = choice.own_name;
  if (!options.deltaspace.empty() || !options.families) return choice;
  const std::optional<Family> found = FamilyOf(key);
  if (!found) return choice;
  choice.family = true;
  choice.group = FamilyGroup(found->anchor, found->name);
  choice.name = GroupName{GroupKind::kFamily, found->anchor, found->name};
  return choice;
}

GroupName OwnerOfReference(std::string_view reference_key) {
  if (std::optional<size_t> at = FindSegment(reference_key, kFamilyDirName)) {
    const std::string_view rest = reference_key.substr(*at + kFamilyDirName.size() + 1);
    return GroupName{GroupKind::kFamily, std::string(reference_key.substr(0, *at)),
                     std::string(WithoutGeneration(rest))};
  }
  std::string_view dir = Deltaspace(reference_key);
  if (std::optional<size_t> at = FindSegment(reference_key, kRotatedDirName)) {
    dir = reference_key.substr(0, *at == 0 ? 0 : *at - 1);
  }
  return GroupName{GroupKind::kDeltaspace, std::string(dir), ""};
}

std::string ReferenceGroupLabel(std::string_view reference_key) {
  return OwnerOfReference(reference_key).Label();
}

}  // namespace deltaglider
