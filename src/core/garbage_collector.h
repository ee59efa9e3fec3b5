// GarbageCollector: removes references no delta needs any more, and what killed
// writes left behind (ObjectStore::CollectLitter), once they are older than a
// grace period. A reference is removed in two steps so that a put racing with gc
// can never lose it: it is first moved under ".dg-trash/", the whole bucket is
// scanned again for deltas naming it, and only then is the trash emptied (a
// reference found needed is moved back; if a put has made a new reference at its
// key meanwhile, a parked copy a delta needs stays parked, where readers find it).
// Puts add the other half: after writing a delta they check that its reference
// is still the one they encoded against, re-create it from the cached bytes if it
// is gone, and start again if another took its key (ReferenceStore::EnsurePresent).
// A reference stored as a patch (a link of a delta chain) is needed when a needed
// reference is, so chains stay whole. Never removes a delta, a direct or a plain
// object, nor a reference a delta needs.
#pragma once

#include <functional>
#include <map>
#include <optional>
#include <set>
#include <string>
#include <string_view>
#include <vector>

#include "core/metadata.h"
#include "core/reference_group.h"
#include "deltaglider/client.h"
#include "deltaglider/ports/clock.h"
#include "deltaglider/ports/object_store.h"

namespace deltaglider {

class GarbageCollector {
 public:
  GarbageCollector(ObjectStore& store, const Clock& clock) : store_(store), clock_(clock) {}

  Result<GcReport> Collect(std::string_view prefix, const GcOptions& options,
                           const GcVisitor& visit);

 private:
  struct Reference {
    std::string key;
    uint64_t size = 0;
    TimePoint modified{};
  };
  // Reference key -> the SHA256s of it that deltas name.
  using Needed = std::map<std::string, std::set<std::string>>;
  Result<Needed> NeededReferences();
  Status AddChainLinks(Needed& needed);
  Result<std::optional<ReferenceRecord>> RecordHolding(const std::string& key,
                                                       const std::string& sha256,
                                                       const Result<ObjectHead>& head);
  std::vector<Result<ObjectHead>> HeadAll(const std::vector<std::string>& keys);
  Status EmptyTrash(const Needed& needed, bool dry_run, GcReport& report, const GcVisitor& visit);
  Result<bool> Unpark(const std::string& parked, const std::string& original,
                      const std::set<std::string>& needed_sha256s);
  Status Copy(const std::string& from, const std::string& to, bool create_only);
  std::string Uri(std::string_view key) const;

  ObjectStore& store_;
  const Clock& clock_;
};

}  // namespace deltaglider
