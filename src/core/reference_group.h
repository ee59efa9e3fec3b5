// ReferenceGroup: where the references a file may delta against live, and how
// they are found without listing more than the group itself. A deltaspace group
// has the Python tool's "<dir>/reference.bin" plus rotated generations under
// "<dir>/.dg-refs/<family>/<n>/reference.bin"; a family group (versions in their
// own directories, see family.h) keeps every generation under
// "<anchor>.dg-family/<family>/<n>/reference.bin". Keys are deterministic: no
// index object to update. Never creates or deletes anything.
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "deltaglider/ports/object_store.h"
#include "deltaglider/result.h"

namespace deltaglider {

inline constexpr std::string_view kFamilyDirName = ".dg-family";
inline constexpr std::string_view kRotatedDirName = ".dg-refs";
// Where gc parks a reference between removing it and confirming no delta needs
// it: ".dg-trash/<key>". Readers look there when a reference is missing or its
// key now holds another reference (gc leaves a needed copy parked then).
inline constexpr std::string_view kTrashDirName = ".dg-trash";

inline std::string ParkedKey(std::string_view key) {
  return std::string(kTrashDirName) + "/" + std::string(key);
}

struct ReferenceGroup {
  std::string legacy_key;  // "<dir>/reference.bin"; "" for a family group
  std::string prefix;      // generations: prefix + "<n>/reference.bin"
};

// The group of a file in deltaspace `deltaspace` whose family name is `family`.
ReferenceGroup DeltaspaceGroup(std::string_view deltaspace, std::string_view family);
// The group of family `name` anchored at `anchor` ("releases/" or "").
ReferenceGroup FamilyGroup(std::string_view anchor, std::string_view name);

struct ReferenceCandidate {
  std::string key;
  int generation = 0;  // 0 for the legacy key
  // The legacy reference's head, read while looking for it (a listing gives none).
  std::optional<ObjectHead> head = std::nullopt;
};

// The group's references, best candidate first: the newest generation first,
// the legacy reference last (with its head). One HEAD (legacy key) and one small LIST.
Result<std::vector<ReferenceCandidate>> ListReferences(ObjectStore& store,
                                                       const ReferenceGroup& group);

// Where the group's next reference goes: the legacy key when the group is
// empty and has one, else the generation after the newest.
std::string NextReferenceKey(const ReferenceGroup& group,
                             const std::vector<ReferenceCandidate>& existing);

// True for a directory the listing of logical files hides (".dg-family/",
// ".dg-refs/", gc's ".dg-trash/", as a key segment).
bool IsReferenceDirectory(std::string_view segment);

}  // namespace deltaglider
