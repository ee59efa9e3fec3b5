#include "core/garbage_collector.h"

#include <future>
#include <vector>

#include "core/key_layout.h"
#include "core/metadata.h"

namespace deltaglider {
namespace {

constexpr size_t kHeadsInFlight = 16;

std::string TrashKey(std::string_view key) {
  return std::string(kTrashDirName) + "/" + std::string(key);
}

}  // namespace

std::string GarbageCollector::Uri(std::string_view key) const {
  return "s3://" + store_.bucket() + "/" + std::string(key);
}

// Every reference key a delta anywhere in the bucket names (deltas may live far
// from their reference: families, --deltaspace). HEADs run in parallel batches.
Result<std::set<std::string>> GarbageCollector::NeededReferences() {
  std::vector<std::string> deltas;
  DG_RETURN_IF_ERROR(store_.List({}, [&](const ListEntry& entry) {
    if (HasDeltaSuffix(entry.key) && !entry.key.starts_with(kTrashDirName)) deltas.push_back(entry.key);
    return OkStatus();
  }));
  std::set<std::string> needed;
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
      needed.insert(record->ref_key);
    }
  }
  return needed;
}

Status GarbageCollector::Move(const std::string& from, const std::string& to, bool create_only) {
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
  if (!copied.ok() && !(create_only && copied.code() == ErrorCode::kAlreadyExists)) {
    return copied.error();
  }
  return store_.Delete(from);
}

// Trash left by an interrupted gc: a needed reference that is missing goes back,
// the rest is removed.
Status GarbageCollector::EmptyTrash(const std::set<std::string>& needed, bool dry_run,
                                    GcReport& report, const GcVisitor& visit) {
  std::vector<std::string> trash;
  DG_RETURN_IF_ERROR(store_.List({std::string(kTrashDirName) + "/", ""}, [&](const ListEntry& e) {
    trash.push_back(e.key);
    return OkStatus();
  }));
  for (const std::string& key : trash) {
    const std::string original = key.substr(kTrashDirName.size() + 1);
    if (!needed.contains(original)) continue;
    ++report.restored;
    visit(GcEvent{GcEvent::Kind::kRestored, original, 0});
    if (!dry_run) DG_RETURN_IF_ERROR(Move(key, original, /*create_only=*/true));
  }
  if (dry_run) return OkStatus();
  return store_.DeleteKeys(trash);
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
  DG_ASSIGN_OR_RETURN(std::set<std::string> needed, NeededReferences());
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
    DG_RETURN_IF_ERROR(Move(ref.key, TrashKey(ref.key), /*create_only=*/false));
    moved.push_back(ref.key);
  }
  if (!moved.empty()) {
    // A put may have chosen one of them between the scan and the move: scan again.
    DG_ASSIGN_OR_RETURN(std::set<std::string> again, NeededReferences());
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
