// GroupPolicy: which reference group a delta-eligible key belongs to, decided from
// the key alone (docs/format.md, "Reference groups, families and rotation"), and
// which group a stored reference belongs to. The write path (DeltaService), the
// savings estimate (`analyze`) and `stats` all name groups through here, so what
// `analyze` promises is grouped exactly as `sync` then stores it. Pure functions
// on names: they never touch a store. The one store-dependent rule (a version
// directory that already holds the Python tool's reference.bin keeps its own
// deltaspace) is left to the caller: see GroupChoice::family.
#pragma once

#include <string>
#include <string_view>

#include "core/reference_group.h"
#include "deltaglider/bucket_format.h"

namespace deltaglider {

enum class GroupKind { kDeltaspace, kFamily };

// A group as people read it. Deltaspace: `dir` is the key's directory ("app",
// "" at the root) and `family` the file's FamilyName (empty for a whole-deltaspace
// row in `stats`). Family: `dir` is the anchor ("releases/" or "") and `family`
// the family name ("app.zip", "linux/app.zip").
struct GroupName {
  GroupKind kind = GroupKind::kDeltaspace;
  std::string dir;
  std::string family;

  // "app/{app.zip}", "releases/*/{app.zip}", "app/", "(root)".
  std::string Label() const;
  std::string_view KindName() const;  // "deltaspace" or "family"
  auto operator<=>(const GroupName&) const = default;
};

struct GroupingOptions {
  bool families = true;    // ServiceOptions::families
  std::string deltaspace;  // ServiceOptions::deltaspace without trailing '/'; "" = none
};

struct GroupChoice {
  ReferenceGroup group;  // where the key's references live
  GroupName name;
  // True when `group` is a family group; the write path then still uses the
  // key's own deltaspace (`own`) if `<dir>/reference.bin` exists.
  bool family = false;
  ReferenceGroup own;
  GroupName own_name;
};

// The group of `key` when its directory holds no reference.bin of its own.
GroupChoice ChooseGroup(std::string_view key, const GroupingOptions& options);

// The stats row a stored reference belongs to: "releases/.dg-family/app.zip/1/
// reference.bin" -> family "app.zip" at "releases/"; "app/.dg-refs/app.zip/2/
// reference.bin" and "app/reference.bin" -> deltaspace "app" (family "").
GroupName OwnerOfReference(std::string_view reference_key);

}  // namespace deltaglider
