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

// HEADs of `keys`, in order, run in parallel batches.
std::vector<Result<ObjectHead>> GarbageCollector::HeadAll(const std::vector<std::string>& keys) {
  std::vector<Result<ObjectHead>> heads;
  heads.reserve(keys.size());
  for (size_t begin = 0; begin < keys.size(); begin += kHeadsInFlight) {
    std::vector<std::future<Result<ObjectHead>>> batch;
    for (size_t i = begin; i < std::min(keys.size(), begin + kHeadsInFlight); ++i) {
      batch.push_back(
          std::async(std::launch::async, [this, &key = keys[i]] { return store_.Head(key); }));
    }
    for (auto& head : batch) heads.push_back(head.get());
  }
  return heads;
}

// Every reference a delta anywhere in the bucket names, by key and SHA256 (deltas
// may live far from their reference: families, --deltaspace), and every link of
// their chains.
Result<GarbageCollector::Needed> GarbageCollector::NeededReferences() {
  std::vector<std::string> deltas;
  DG_RETURN_IF_ERROR(store_.List({}, [&](const ListEntry& entry) {
    if (HasDeltaSuffix(entry.key) && !entry.key.starts_with(kTrashDirName)) deltas.push_back(entry.key);
    return OkStatus();
  }));
  Needed needed;
  std::vector<Result<ObjectHead>> heads = HeadAll(deltas);
  for (size_t i = 0; i < deltas.size(); ++i) {
    Result<ObjectHead>& head = heads[i];
    if (!head.ok() && head.code() == ErrorCode::kNotFound) continue;  // removed meanwhile
    if (!head.ok()) return head.error().Wrap("gc: " + Uri(deltas[i]));
    if (Classify(head->metadata) != ObjectKind::kDelta) continue;
    Result<DeltaRecord> record = ParseDelta(head->metadata);
    if (!record.ok()) {
      return record.error().Wrap("gc: " + Uri(deltas[i]) +
                                 " (cannot tell which reference it needs, so nothing is removed)");
    }
    needed[record->ref_key].insert(record->ref_sha256);
  }
  DG_RETURN_IF_ERROR(AddChainLinks(needed));
  return needed;
}

// Adds the base of every needed reference stored as a patch, and theirs, down
// to references stored whole. A reference that is missing adds nothing.
Status GarbageCollector::AddChainLinks(Needed& needed) {
  std::vector<std::pair<std::string, std::string>> todo;  // key, SHA256
  for (const auto& [key, sha256s] : needed) {
    for (const std::string& sha256 : sha256s) todo.emplace_back(key, sha256);
  }
  while (!todo.empty()) {
    std::vector<std::string> keys;
    for (const auto& [key, sha256] : todo) keys.push_back(key);
    std::vector<Result<ObjectHead>> heads = HeadAll(keys);
    std::vector<std::pair<std::string, std::string>> next;
    for (size_t i = 0; i < todo.size(); ++i) {
      DG_ASSIGN_OR_RETURN(std::optional<ReferenceRecord> record,
                          RecordHolding(todo[i].first, todo[i].second, heads[i]));
      if (!record || record->base_key.empty()) continue;
      if (needed[record->base_key].insert(record->base_sha256).second)
        next.emplace_back(record->base_key, record->base_sha256);
    }
    todo = std::move(next);
  }
  return OkStatus();
}

// The record of the reference `key` whose bytes hash to `sha256`: at its key
// (`head`), or parked; nullopt when neither holds it.
Result<std::optional<ReferenceRecord>> GarbageCollector::RecordHolding(
    const std::string& key, const std::string& sha256, const Result<ObjectHead>& head) {
  if (!head.ok() && head.code() != ErrorCode::kNotFound)
    return head.error().Wrap("gc: " + Uri(key));
  Result<ObjectHead> found = head;
  if (!found.ok() || ReferenceSha256Of(found->metadata) != sha256)
    found = store_.Head(ParkedKey(key));
  if (!found.ok() && found.code() != ErrorCode::kNotFound)
    return found.error().Wrap("gc: " + Uri(key));
  if (!found.ok() || ReferenceSha256Of(found->metadata) != sha256)
    return std::optional<ReferenceRecord>();
  DG_ASSIGN_OR_RETURN(ReferenceRecord record, ParseReference(found->metadata));
  return std::optional<ReferenceRecord>(std::move(record));
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
