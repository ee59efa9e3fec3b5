#include "core/garbage_collector.h"

#include <future>
#include <vector>

#include "core/key_layout.h"
#include "core/metadata.h"

namespace deltaglider {
namespace {

constexpr size_t kHeadsInFlight = 16;

}  // namespace

std::string GarbageCollector::Uri(std::string_view key) const {
  return "s3://" + store_.bucket() + "/" + std::string(key);
}

// Every reference a delta anywhere in the bucket names, by key and SHA256 (deltas
// may live far from their reference: families, --deltaspace). HEADs run in
// parallel batches.
Result<GarbageCollector::Needed> GarbageCollector::NeededReferences() {
  std::vector<std::string> deltas;
  DG_RETURN_IF_ERROR(store_.List({}, [&](const ListEntry& entry) {
    if (HasDeltaSuffix(entry.key) && !entry.key.starts_with(kTrashDirName)) deltas.push_back(entry.key);
    return OkStatus();
  }));
  Needed needed;
  for (size_t begin = 0; begin < deltas.size(); begin += kHeadsInFlight) {
    std::vector<std::future<Result<ObjectHead>>> heads;
    for (size_t i = begin; i < std::min(deltas.size(), begin + kHeadsInFlight); ++i) {
      heads.push_back(std::async(std::launch::async, [this, &key = deltas[i]] { return store_.Head(key); }));
    }
    for (size_t i = 0; i < heads.size(); ++i) {
      Result<ObjectHead> head = heads[i].get();
      if (!head.ok() && head.code() == ErrorCode::kNotFound) continue;  // removed meanwhile
      if (!head.ok()) return head.error().Wrap("gc: " + Uri(deltas[begin + i]));
      if (Classify(head->metadata) != ObjectKind::kDelta) continue;
      Result<DeltaRecord> record = ParseDelta(head->metadata);
      if (!record.ok()) {
        return record.error().Wrap("gc: " + Uri(deltas[begin + i]) +
                                   " (cannot tell which reference it needs, so nothing is removed)");
      }
      needed[record->ref_key].insert(record->ref_sha256);
    }
  }
  return needed;
}

Status GarbageCollector::Copy(const std::string& from, const std::string& to, bool create_only) {
  DG_ASSIGN_OR_RETURN(ObjectHead head, store_.Head(from));
  PutOptions options;
  options.metadata = head.metadata;
  options.content_type = head.content_type;
  options.if_none_match = create_only;
  Result<ObjectHead> copied = store_.CopyObject(from, to, options);
  if (copied.code() == ErrorCode::kUnsupported) {
    VectorSink bytes;
    DG_RETURN_IF_ERROR(store_.Get(from, bytes));
    SpanSource source(bytes.bytes());
    copied = store_.Put(to, source, options);
  }
  return copied.status();
}

// Puts a parked reference that deltas name back at its key. When a put has made
// a new reference there meanwhile and a delta needs the parked bytes, the parked
// copy must stay (readers find it there): returns true then.
Result<bool> GarbageCollector::Unpark(const std::string& parked, const std::string& original,
                                      const std::set<std::string>& needed_sha256s) {
  Status copied = Copy(parked, original, /*create_only=*/true);
  if (copied.code() != ErrorCode::kAlreadyExists)
    return copied.ok() ? Result<bool>(false) : copied.error();
  DG_ASSIGN_OR_RETURN(ObjectHead there, store_.Head(original));
  DG_ASSIGN_OR_RETURN(ObjectHead kept, store_.Head(parked));
  const std::string parked_sha256 = ReferenceSha256Of(kept.metadata);
  return parked_sha256 != ReferenceSha256Of(there.metadata) &&
         needed_sha256s.contains(parked_sha256);
}

// Trash left by an interrupted gc, or by this one: a needed reference goes back,
// the rest is removed.
Status GarbageCollector::EmptyTrash(const Needed& needed, bool dry_run, GcReport& report,
                                    const GcVisitor& visit) {
  std::vector<std::string> trash;
  DG_RETURN_IF_ERROR(store_.List({std::string(kTrashDirName) + "/", ""}, [&](const ListEntry& e) {
    trash.push_back(e.key);
    return OkStatus();
  }));
  std::vector<std::string> removed;
  for (const std::string& key : trash) {
    const std::string original = key.substr(kTrashDirName.size() + 1);
    const auto wanted = needed.find(original);
    bool keep = false;
    if (wanted != needed.end() && !dry_run) {
      DG_ASSIGN_OR_RETURN(keep, Unpark(key, original, wanted->second));
    }
    if (keep) {
      ++report.kept_parked;
      visit(GcEvent{GcEvent::Kind::kKeptParked, key, 0});
    } else if (wanted != needed.end()) {
      ++report.restored;
      visit(GcEvent{GcEvent::Kind::kRestored, original, 0});
    }
    if (!keep) removed.push_back(key);
  }
  if (dry_run) return OkStatus();
  return store_.DeleteKeys(removed);
}

Result<GcReport> GarbageCollector::Collect(std::string_view prefix, const GcOptions& options,
                                           const GcVisitor& visit) {
  GcReport report;
  const TimePoint cutoff = clock_.Now() - options.grace;
  std::vector<Reference> references;
  DG_RETURN_IF_ERROR(store_.List({std::string(prefix), ""}, [&](const ListEntry& entry) {
    if (IsReferenceKey(entry.key) && !entry.key.starts_with(kTrashDirName)) {
      references.push_back(Reference{entry.key, entry.size, entry.last_modified});
    }
    return OkStatus();
  }));
  DG_ASSIGN_OR_RETURN(Needed needed, NeededReferences());
  DG_RETURN_IF_ERROR(EmptyTrash(needed, options.dry_run, report, visit));

  std::vector<std::string> moved;
  for (const Reference& ref : references) {
    ++report.references;
    if (needed.contains(ref.key)) continue;
    if (ref.modified > cutoff) {  // a put may be about to write its first delta
      ++report.young;
      visit(GcEvent{GcEvent::Kind::kYoungReference, ref.key, ref.size});
      continue;
    }
    ++report.unused;
    report.unused_bytes += ref.size;
    visit(GcEvent{GcEvent::Kind::kUnusedReference, ref.key, ref.size});
    if (options.dry_run) continue;
    DG_RETURN_IF_ERROR(Copy(ref.key, ParkedKey(ref.key), /*create_only=*/false));
    DG_RETURN_IF_ERROR(store_.Delete(ref.key));
    moved.push_back(ref.key);
  }
  if (!moved.empty()) {
    // A put may have chosen one of them between the scan and the move: scan again.
    DG_ASSIGN_OR_RETURN(Needed again, NeededReferences());
    for (const std::string& key : moved) {
      if (again.contains(key)) --report.unused;
    }
    DG_RETURN_IF_ERROR(EmptyTrash(again, false, report, visit));
  }
  DG_RETURN_IF_ERROR(store_.CollectLitter(cutoff, options.dry_run, [&](const Litter& litter) {
    ++report.litter;
    report.litter_bytes += litter.bytes;
    visit(GcEvent{GcEvent::Kind::kLitter, litter.description, litter.bytes});
  }));
  return report;
}

}  // namespace deltaglider
