#include <algorithm>
#include <chrono>
#include <future>
#include <map>
#include <optional>
#include <vector>

#include "core/byte_range.h"
#include "core/delta_heads.h"
#include "core/family.h"
#include "core/file_description.h"
#include "core/garbage_collector.h"
#include "core/group_policy.h"
#include "core/hash.h"
#include "core/key_layout.h"
#include "core/logical_listing.h"
#include "core/metadata.h"
#include "core/reference_group.h"
#include "core/reference_store.h"
#include "core/spooled_bytes.h"
#include "deltaglider/client.h"

namespace deltaglider {

std::string_view Version() { return DG_VERSION; }

std::string_view StoredAsName(StoredAs kind) {
  switch (kind) {
    case StoredAs::kDelta: return "delta";
    case StoredAs::kDirect: return "direct";
    case StoredAs::kPlain: return "plain";
  }
  return "unknown";
}

namespace {

// The one codec that makes delta chains (ServiceOptions::max_depth).
constexpr std::string_view kChainCodec = "zstd-patch";
// How many of a group's references a put tries before the file becomes a new one.
constexpr size_t kReferencesTried = 2;
// How many times a put starts again when gc and another put replace the
// reference its delta was made against.
constexpr int kPutPasses = 3;

std::string Tool() { return "deltaglider-cpp/" + std::string(Version()); }

std::string Percent(uint64_t part, uint64_t whole) {
  const double pct = whole == 0 ? 0.0 : 100.0 * static_cast<double>(part) / static_cast<double>(whole);
  char buffer[32];
  std::snprintf(buffer, sizeof(buffer), "%.1f%%", pct);
  return buffer;
}

// A stored object that holds a logical file, found by Locate().
struct Located {
  std::string stored_key;
  ObjectHead head;
  ObjectKind kind = ObjectKind::kPlain;
};

// Checks what came out of a rebuild against what the metadata promised.
Status CheckOutput(HashingSink& output, const std::string& sha256, uint64_t size) {
  if (output.count() != size) {
    return MakeError(ErrorCode::kCorrupted, "rebuilt ", std::to_string(output.count()),
                     " bytes, expected ", std::to_string(size));
  }
  const std::string actual = output.HexDigest();
  if (actual != sha256) {
    return MakeError(ErrorCode::kCorrupted, "sha256 mismatch: expected ", sha256, ", got ", actual);
  }
  return OkStatus();
}

}  // namespace

class DeltaService::Impl {
 public:
  Impl(const ServicePorts& ports, ServiceOptions options)
      : ports_(ports),
        options_(Normalized(std::move(options))),
        store_(*ports.store),
        refs_(*ports.store, *ports.cache, ports.reference_compressor,
              options_.compress_references && options_.codec != "xdelta3", *ports.clock,
              ports.reference_codecs, ports.codecs, ports.spool) {}

  Result<PutResult> Put(std::string_view key, ByteSource& body, std::string_view name,
                        const ObjectAttributes& attributes, const PhaseObserver& progress = {}) {
    const std::string context = "put " + Uri(key);
    Result<PutResult> result = PutUnwrapped(key, body, name, attributes, progress);
    if (!result.ok()) return result.error().Wrap(context);
    return result;
  }

  Result<FileInfo> Head(std::string_view key) {
    DG_ASSIGN_OR_RETURN(Located located, Locate(key));
    Result<FileInfo> info = Describe(key, located.head, located.kind);
    if (!info.ok()) return info.error().Wrap("head " + Uri(located.stored_key));
    return info;
  }

  Result<FileInfo> Get(std::string_view key, ByteSink& sink, const PhaseObserver& progress = {}) {
    DG_ASSIGN_OR_RETURN(Located located, Locate(key));
    ObservedSink observed(sink, PhaseBytes(progress, TransferPhase::kRebuilding, SizeOf(located)));
    Result<FileInfo> info = Rebuild(key, located, observed, progress);
    if (!info.ok()) return info.error().Wrap("get " + Uri(located.stored_key));
    return info;
  }

  Result<RangeRead> GetRange(std::string_view key, const ByteRange& range, ByteSink& sink) {
    DG_ASSIGN_OR_RETURN(Located located, Locate(key));
    Result<RangeRead> read = ReadRange(key, located, range, sink);
    if (!read.ok()) return read.error().Wrap("get " + Uri(located.stored_key));
    return read;
  }

  Result<PutResult> Copy(DeltaService& from_service, std::string_view from, std::string_view to,
                         const CopyOptions& options) {
    Result<PutResult> copied = CopyUnwrapped(from_service, from, to, options);
    if (!copied.ok()) return copied.error().Wrap("copy to " + Uri(to));
    return copied;
  }

  Result<MigrateResult> Migrate(DeltaService& source, std::string_view from, std::string_view to,
                                const MigrateOptions& options) {
    MigrateResult result;
    if (Status valid = ValidateLogicalKey(to); !valid.ok()) {
      result.outcome = MigrateResult::Outcome::kInvalidKey;
      result.reason = valid.message();
      return result;
    }
    Result<FileInfo> found = source.Head(from);
    if (!found.ok() && found.code() != ErrorCode::kInvalidArgument) return found.error();
    if (!found.ok() || found->stored_as != StoredAs::kPlain) {  // kInvalidArgument: a reference
      result.outcome = MigrateResult::Outcome::kNotPlain;
      return result;
    }
    if (options.in_place && !IsDeltaEligible(from)) {
      result.outcome = MigrateResult::Outcome::kNotArchive;
      return result;
    }
    if (options.dry_run) {
      result.outcome = MigrateResult::Outcome::kWouldMigrate;
      return result;
    }
    DG_ASSIGN_OR_RETURN(SpooledFile spooled, SpoolFrom(source, from, "a migration is spooled"));
    ByteSource& bytes = *spooled.bytes;
    if (!options.in_place) {
      DG_ASSIGN_OR_RETURN(SourceDigest digest, DigestOfSource(bytes, /*md5=*/false));
      if (Result<FileInfo> there = Head(to);
          there.ok() && there->size == digest.size && there->sha256 == digest.sha256) {
        result.outcome = MigrateResult::Outcome::kAlreadyThere;
        return result;
      }
    }
    DG_ASSIGN_OR_RETURN(result.put, Put(to, bytes, Basename(to), AttributesOf(spooled.file)));
    return result;
  }

  std::string ReferenceGroupOf(std::string_view key) const {
    if (!IsDeltaEligible(key)) return "";
    GroupingOptions grouping;
    grouping.families = options_.families;
    grouping.deltaspace = options_.deltaspace;
    return ChooseGroup(key, grouping).name.Label();
  }

  Result<FileInfo> Verify(std::string_view key) {
    NullSink sink;
    DG_ASSIGN_OR_RETURN(FileInfo info, Get(key, sink));
    if (info.stored_as == StoredAs::kDelta) {
      // The rebuild may have come from the cache: the bucket must still hold the reference.
      Status stored = ReferenceStored(info.stored_key);
      if (!stored.ok()) return stored.error().Wrap("verify " + Uri(info.stored_key));
    }
    return info;
  }

  Result<ListPage> List(const ListRequest& request, const FileVisitor& visit) {
    return LogicalListing(store_, request, visit).Run();
  }

  Result<FileInfo> Delete(std::string_view key) {
    DG_ASSIGN_OR_RETURN(FileInfo info, Head(key));
    Status status = store_.Delete(info.stored_key);
    if (!status.ok()) return status.error().Wrap("rm " + Uri(info.stored_key));
    return info;
  }

  std::vector<Result<FileInfo>> DeleteMany(std::span<const std::string> keys) {
    std::vector<Result<FileInfo>> results;
    std::vector<std::string> stored;
    for (const std::string& key : keys) {
      results.push_back(Head(key));
      if (results.back().ok()) stored.push_back(results.back()->stored_key);
    }
    if (stored.empty() || store_.DeleteKeys(stored).ok()) return results;
    // The batch failed somewhere: one by one, so each key gets its own verdict.
    for (Result<FileInfo>& result : results) {
      if (!result.ok()) continue;
      if (Status removed = store_.Delete(result->stored_key); !removed.ok()) {
        result = removed.error().Wrap("rm " + Uri(result->stored_key));
      }
    }
    return results;
  }

  Result<BucketStats> Stats(std::string_view prefix, int head_concurrency) {
    std::map<GroupName, DeltaspaceStats> rows;
    std::vector<ListEntry> batch;
    auto flush = [&]() -> Status {
      std::vector<std::optional<Result<ObjectHead>>> heads =
          HeadDeltas(store_, batch, head_concurrency);
      for (size_t i = 0; i < batch.size(); ++i)
        DG_RETURN_IF_ERROR(CountStored(batch[i], heads[i], rows));
      batch.clear();
      return OkStatus();
    };
    const size_t window = HeadWindow(head_concurrency);
    Status status = store_.List({std::string(prefix), ""}, [&](const ListEntry& entry) -> Status {
      batch.push_back(entry);
      return batch.size() >= window ? flush() : OkStatus();
    });
    if (status.ok()) status = flush();
    if (!status.ok()) return status.error().Wrap("stats " + Uri(prefix));
    return Summed(rows);
  }

  Result<GcReport> CollectGarbage(std::string_view prefix, const GcOptions& options,
                                  const GcVisitor& visit) {
    Result<GcReport> report = GarbageCollector(store_, *ports_.clock).Collect(prefix, options, visit);
    if (!report.ok()) return report.error().Wrap("gc " + Uri(prefix));
    return report;
  }

 private:
  static ServiceOptions Normalized(ServiceOptions options) {
    while (options.deltaspace.ends_with('/')) options.deltaspace.pop_back();
    return options;
  }

  std::string Uri(std::string_view key) const {
    return "s3://" + store_.bucket() + "/" + std::string(key);
  }

  // Adds one stored object to the row of its reference group: a reference to the
  // group its key names, a delta to the group of the reference it names
  // (dg-ref-key), anything else to its own directory.
  Status CountStored(const ListEntry& entry, const std::optional<Result<ObjectHead>>& head,
                     std::map<GroupName, DeltaspaceStats>& rows) {
    if (IsReferenceKey(entry.key)) {
      DeltaspaceStats& row = rows[OwnerOfReference(entry.key)];
      row.stored_bytes += entry.size;
      ++row.references;
      return OkStatus();
    }
    if (head.has_value() && head->ok() && Classify((*head)->metadata) == ObjectKind::kDelta) {
      Result<DeltaRecord> record = ParseDelta((*head)->metadata);
      if (!record.ok()) return record.error().Wrap(Uri(entry.key));
      DeltaspaceStats& row = rows[OwnerOfReference(record->ref_key)];
      ++row.files;
      ++row.deltas;
      row.max_depth = std::max(row.max_depth, record->depth);
      row.original_bytes += record->file_size;
      row.stored_bytes += entry.size;
      return OkStatus();
    }
    DeltaspaceStats& row = rows[GroupName{GroupKind::kDeltaspace, std::string(Deltaspace(entry.key)), ""}];
    ++row.files;
    ++row.directs;
    row.original_bytes += entry.size;
    row.stored_bytes += entry.size;
    return OkStatus();
  }

  // The rows sorted by label, and their total.
  static BucketStats Summed(std::map<GroupName, DeltaspaceStats>& rows) {
    BucketStats stats;
    for (auto& [name, row] : rows) {
      row.kind = std::string(name.KindName());
      row.deltaspace = name.dir;
      if (name.kind == GroupKind::kFamily && row.deltaspace.ends_with('/')) row.deltaspace.pop_back();
      row.family = name.family;
      row.label = name.Label();
      stats.total.files += row.files;
      stats.total.deltas += row.deltas;
      stats.total.directs += row.directs;
      stats.total.references += row.references;
      stats.total.original_bytes += row.original_bytes;
      stats.total.max_depth = std::max(stats.total.max_depth, row.max_depth);
      stats.total.stored_bytes += row.stored_bytes;
      stats.deltaspaces.push_back(row);
    }
    std::sort(stats.deltaspaces.begin(), stats.deltaspaces.end(),
              [](const DeltaspaceStats& a, const DeltaspaceStats& b) { return a.label < b.label; });
    stats.total.label = "total";
    return stats;
  }

  using PendingDigest = std::shared_future<Result<SourceDigest>>;

  // One file on its way in.
  struct Upload {
    std::string_view key;
    ByteSource& body;
    uint64_t size = 0;
    // SHA256 (and MD5 for the ETag), maybe still being computed beside the encode.
    PendingDigest digest;
    std::string_view name;
    const ObjectAttributes& attributes;
    const PhaseObserver& progress;
    const DeltaCodec* codec = nullptr;  // for files that may become deltas

    // Waits for the digest; every caller needs it before it writes.
    Result<SourceDigest> Digest() const { return digest.get(); }
  };

  Result<PutResult> PutUnwrapped(std::string_view key, ByteSource& body, std::string_view name,
                                 const ObjectAttributes& attributes,
                                 const PhaseObserver& progress = {}) {
    DG_RETURN_IF_ERROR(ValidateLogicalKey(key));
    DG_RETURN_IF_ERROR(ValidateUserMetadata(attributes.user_metadata));
    if (Status rewound = body.Rewind(); !rewound.ok()) {
      if (rewound.code() != ErrorCode::kUnsupported) return rewound.error();
      ObservedSource spooling(body, PhaseBytes(progress, TransferPhase::kSpooling));
      DG_ASSIGN_OR_RETURN(std::unique_ptr<ByteSource> spooled, Spooled(spooling));
      return PutRewindable(key, *spooled, name, attributes, progress);
    }
    return PutRewindable(key, body, name, attributes, progress);
  }

  // `body`, read once into a spool file, as a source that can be read again.
  Result<std::unique_ptr<ByteSource>> Spooled(ByteSource& body) {
    DG_ASSIGN_OR_RETURN(std::unique_ptr<SpoolFile> file, NewSpoolFile("the body cannot rewind"));
    DG_RETURN_IF_ERROR(deltaglider::Copy(body, *file));
    return file->Read();
  }

  Result<std::unique_ptr<SpoolFile>> NewSpoolFile(std::string_view why) {
    if (ports_.spool == nullptr) {
      return MakeError(ErrorCode::kFailedPrecondition, why,
                       " and the service has no spool (ServicePorts::spool)");
    }
    return ports_.spool->Create();
  }

  // A file of `source` rebuilt and checked into a spool file, readable again.
  struct SpooledFile {
    FileInfo file;
    std::unique_ptr<ByteSource> bytes;
  };
  Result<SpooledFile> SpoolFrom(DeltaService& source, std::string_view key, std::string_view why) {
    DG_ASSIGN_OR_RETURN(std::unique_ptr<SpoolFile> file, NewSpoolFile(why));
    SpooledFile spooled;
    DG_ASSIGN_OR_RETURN(spooled.file, source.Get(key, *file));
    DG_ASSIGN_OR_RETURN(spooled.bytes, file->Read());
    return spooled;
  }

  // What a stored file carries besides its bytes, to go along with a copy of it.
  static ObjectAttributes AttributesOf(const FileInfo& file) {
    ObjectAttributes attributes;
    attributes.content_type = file.content_type;
    attributes.user_metadata = file.user_metadata;
    return attributes;
  }

  Result<PutResult> CopyUnwrapped(DeltaService& from_service, std::string_view from,
                                  std::string_view to, const CopyOptions& options) {
    DG_ASSIGN_OR_RETURN(SpooledFile spooled, SpoolFrom(from_service, from, "a copy is spooled"));
    const ObjectAttributes attributes =
        options.replace_attributes ? options.attributes : AttributesOf(spooled.file);
    return PutUnwrapped(to, *spooled.bytes, Basename(to), attributes);
  }

  // A put whose body can be read again (Rewind works).
  Result<PutResult> PutRewindable(std::string_view key, ByteSource& body, std::string_view name,
                                  const ObjectAttributes& attributes,
                                  const PhaseObserver& progress) {
    // `--codec xdelta3` writes exactly the Python tool's fields: no ETag.
    const bool etag = options_.codec != "xdelta3";
    Upload upload{key, body, 0, DigestBeside(body, etag), name, attributes, progress};
    if (!upload.digest.valid()) {
      ObservedSource hashing(body, PhaseBytes(progress, TransferPhase::kHashing));
      DG_ASSIGN_OR_RETURN(SourceDigest digest, DigestOfSource(hashing, etag));
      upload.digest = Ready(std::move(digest));
    }
    DG_ASSIGN_OR_RETURN(upload.size, SizeOf(upload));
    if (!IsDeltaEligible(key)) return PutDirect(upload, "");
    DG_ASSIGN_OR_RETURN(upload.codec, ports_.codecs->ForCommand(CodecFor(key)));
    DG_ASSIGN_OR_RETURN(ReferenceGroup group, GroupFor(key));
    for (int pass = 1;; ++pass) {
      Result<PutResult> put = PutInGroup(upload, group);
      if (put.code() != ErrorCode::kAlreadyExists) return put;
      if (pass == kPutPasses) return AbandonDelta(upload, put.error());
    }
  }

  // The digest of `body` over a second reader on its own thread, so that it takes
  // no wall time beside the encode, which reads the body once more; none (the
  // caller hashes first) for a small body, one of unknown size or one that cannot
  // give a second reader.
  static PendingDigest DigestBeside(ByteSource& body, bool md5) {
    if (!body.size() || *body.size() <= kSmallSource) return {};
    std::unique_ptr<ByteSource> second = body.Fork();
    if (!second) return {};
    return std::async(std::launch::async,
                      [reader = std::move(second), md5] { return DigestOfSource(*reader, md5); })
        .share();
  }

  static PendingDigest Ready(SourceDigest digest) {
    std::promise<Result<SourceDigest>> ready;
    ready.set_value(std::move(digest));
    return ready.get_future().share();
  }

  // Reports reads of `upload`'s body as `phase`, of its size.
  static ByteObserver Phase(const Upload& upload, TransferPhase phase) {
    return PhaseBytes(upload.progress, phase, upload.size);
  }
  static ByteObserver Fetching(const Upload& upload) {
    return PhaseBytes(upload.progress, TransferPhase::kFetchingReference);
  }

  // The size of the file `located` holds, from its metadata (nullopt if unreadable).
  static std::optional<uint64_t> SizeOf(const Located& located) {
    if (located.kind != ObjectKind::kDelta) return located.head.size;
    Result<DeltaRecord> record = ParseDelta(located.head.metadata);
    return record.ok() ? std::optional<uint64_t>(record->file_size) : std::nullopt;
  }

  // The body's size as it claims it (a digest beside the encode is only started
  // for a body that does), else as its digest counted.
  static Result<uint64_t> SizeOf(const Upload& upload) {
    if (upload.body.size()) return *upload.body.size();
    DG_ASSIGN_OR_RETURN(SourceDigest digest, upload.Digest());
    return digest.size;
  }

  // The last pass's delta names a reference that is gone: it is removed unless its
  // reference is there after all (a racing put of the same key wrote a good one).
  Status AbandonDelta(const Upload& upload, const Error& why) {
    if (!ReferenceStored(DeltaKey(upload.key)).ok()) {
      Status removed = store_.Delete(DeltaKey(upload.key));
      if (!removed.ok() && removed.code() != ErrorCode::kNotFound) return removed;
    }
    return MakeError(ErrorCode::kUnavailable, why.message, " ", std::to_string(kPutPasses),
                     " times (gc and other puts at once); nothing stored, try again");
  }

  // One pass of a put of a delta-eligible file: a delta against one of the
  // group's references, else a new reference, else direct. kAlreadyExists when a
  // reference was replaced under the delta just written (the caller starts again).
  Result<PutResult> PutInGroup(const Upload& upload, const ReferenceGroup& group) {
    DG_ASSIGN_OR_RETURN(std::vector<ReferenceCandidate> candidates, ListReferences(store_, group));
    if (ChainsApply(upload, candidates)) {
      DG_ASSIGN_OR_RETURN(std::optional<PutResult> linked, PutAsLink(upload, group, candidates));
      if (linked) return std::move(*linked);
    }
    std::string why;  // why the last reference tried did not give a small enough delta
    const size_t tries = std::min(candidates.size(), kReferencesTried);
    for (size_t i = 0; i < tries; ++i) {
      DG_ASSIGN_OR_RETURN(ReferenceStore::Loaded ref, refs_.Load(candidates[i], Fetching(upload)));
      DG_ASSIGN_OR_RETURN(std::optional<PutResult> stored, TryDelta(upload, ref, why));
      if (stored) return std::move(*stored);
    }
    if (!candidates.empty() && !options_.rotate_references) {
      return PutDirect(upload, why + "; stored direct");
    }
    // No reference is close enough, or there is none yet: this file becomes the
    // group's next reference (or, if another writer just made one, a delta
    // against that).
    DG_ASSIGN_OR_RETURN(SourceDigest digest, upload.Digest());
    ObservedSource storing(upload.body, Phase(upload, TransferPhase::kStoringReference));
    DG_ASSIGN_OR_RETURN(ReferenceStore::Loaded ref,
                        refs_.CreateOrLoad(NextReferenceKey(group, candidates), storing, digest,
                                           upload.name, ArchiveCodecFor(upload.key)));
    DG_ASSIGN_OR_RETURN(std::optional<PutResult> stored, TryDelta(upload, ref, why));
    if (stored) return std::move(*stored);
    PutResult result;
    result.created_reference = ref.created;
    result.reference_key = ref.key;
    result.reference_stored_size = ref.stored_size;
    return PutDirectInstead(upload, std::move(result), why + "; stored direct");
  }

  // Delta chains are made by the zstd-patch codec alone (the archive codecs'
  // references are rebuilt by re-deflating, too slow to chain; xdelta3 deltas
  // must be one level for the Python tool), in a group that has a chain to
  // extend and may grow.
  bool ChainsApply(const Upload& upload, const std::vector<ReferenceCandidate>& candidates) const {
    return options_.max_depth > 1 && options_.rotate_references && !candidates.empty() &&
           upload.codec->name() == kChainCodec;
  }

  // Stores `upload` as its group's next generation, a patch against the earlier
  // one ChainBase chooses, and the file as a zero-diff delta against it; a file
  // the base already holds is only that delta. nullopt when no base gives a
  // patch within max-ratio or a racing put took the next generation (the caller
  // goes on as without chains).
  Result<std::optional<PutResult>> PutAsLink(const Upload& upload, const ReferenceGroup& group,
                                             const std::vector<ReferenceCandidate>& candidates) {
    DG_ASSIGN_OR_RETURN(std::optional<ChainBase> base, FindChainBase(upload, candidates));
    if (!base) return std::optional<PutResult>();
    const auto limit = static_cast<uint64_t>(options_.max_ratio * static_cast<double>(upload.size));
    DG_RETURN_IF_ERROR(upload.body.Rewind());
    ObservedSource encoding(upload.body, Phase(upload, TransferPhase::kEncoding));
    DG_ASSIGN_OR_RETURN(ReferenceStore::Compressed patch,
                        refs_.MakePatch(encoding, *upload.codec, base->link, limit));
    DG_ASSIGN_OR_RETURN(SourceDigest digest, upload.Digest());  // hashed beside the encode
    std::string why;
    if (digest.sha256 == base->link.sha256) return TryDelta(upload, base->link, why);
    if (digest.sha256 == base->newest_sha256) {  // a second upload of the newest version
      DG_ASSIGN_OR_RETURN(ReferenceStore::Loaded newest,
                          refs_.Load(candidates.front(), Fetching(upload)));
      return TryDelta(upload, newest, why);
    }
    Result<ReferenceStore::Loaded> link =
        refs_.CreatePatch(NextReferenceKey(group, candidates), patch, digest, upload.name,
                          base->link, base->keyframe, Phase(upload, TransferPhase::kChecking));
    // Over max-ratio, or another put took the generation number: the rules
    // without chains place this file (a delta against the newest references).
    if (link.code() == ErrorCode::kResourceExhausted || link.code() == ErrorCode::kAlreadyExists)
      return std::optional<PutResult>();
    DG_RETURN_IF_ERROR(link.status());
    DG_ASSIGN_OR_RETURN(std::optional<PutResult> stored, TryDelta(upload, *link, why));
    // Only now that a delta needs the new link does gc keep its base: check it is there.
    DG_ASSIGN_OR_RETURN(bool base_kept, refs_.EnsurePresent(base->link));
    if (!base_kept) {
      return MakeError(ErrorCode::kAlreadyExists, "reference ", Uri(base->link.key),
                       " was replaced by another while a link of its chain was written");
    }
    return stored;
  }

  struct ChainBase {
    ReferenceStore::Loaded link;
    int keyframe = 0;           // the generation number of the chain's reference stored whole
    std::string newest_sha256;  // of the group's newest reference
  };

  // The generation a new link is encoded against: skip-deltas over the newest
  // chain. Position p after the chain's keyframe (generation k) is encoded
  // against position p with its lowest set bit cleared, so a read decodes about
  // log2(p) + 1 links while most links are against their predecessor or close;
  // further bits are cleared while the base is missing or too deep for
  // max_depth. nullopt when the chain's keyframe is gone.
  Result<std::optional<ChainBase>> FindChainBase(
      const Upload& upload, const std::vector<ReferenceCandidate>& candidates) {
    const ReferenceCandidate& newest = candidates.front();
    DG_ASSIGN_OR_RETURN(ObjectHead newest_head, HeadOf(newest));
    DG_ASSIGN_OR_RETURN(ReferenceRecord record, ParseReference(newest_head.metadata));
    const int keyframe = record.base_key.empty() ? newest.generation : record.keyframe;
    for (int position = newest.generation + 1 - keyframe; position > 0;) {
      position &= position - 1;
      const auto found = std::find_if(candidates.begin(), candidates.end(), [&](const auto& c) {
        return c.generation == keyframe + position;
      });
      if (found == candidates.end()) continue;
      Result<ObjectHead> head = HeadOf(*found);
      if (!head.ok() && head.code() == ErrorCode::kNotFound) continue;  // gc took it meanwhile
      DG_RETURN_IF_ERROR(head.status());
      DG_ASSIGN_OR_RETURN(ReferenceRecord base, ParseReference(head->metadata));
      if (base.depth + 2 > options_.max_depth) continue;  // its links, the new one and the delta
      DG_ASSIGN_OR_RETURN(
          ReferenceStore::Loaded link,
          refs_.Load(ReferenceCandidate{found->key, found->generation, *head}, Fetching(upload)));
      return std::optional<ChainBase>(ChainBase{std::move(link), keyframe, record.sha256});
    }
    return std::optional<ChainBase>();
  }

  // A candidate's head: the one its listing read already, else a HEAD.
  Result<ObjectHead> HeadOf(const ReferenceCandidate& candidate) {
    return candidate.head ? Result<ObjectHead>(*candidate.head) : store_.Head(candidate.key);
  }

  // The codec for new deltas of `key`: the archive-aware one for its kind when
  // enabled and registered, else the configured one.
  std::string CodecFor(std::string_view key) const {
    std::string name = DeltaCodecNameFor(key, options_.codec, options_.archive_codecs);
    return ports_.codecs->ForCommand(name).ok() ? name : options_.codec;
  }

  // The references `key` may delta against: its family's when it lives in a
  // version directory whose deltaspace has no reference of its own (the Python
  // tool's layout wins), else its deltaspace's; --deltaspace overrides both.
  Result<ReferenceGroup> GroupFor(std::string_view key) {
    const GroupChoice choice =
        ChooseGroup(key, {.families = options_.families, .deltaspace = options_.deltaspace});
    if (!choice.family) return choice.group;
    Result<ObjectHead> own = store_.Head(choice.own.legacy_key);
    if (own.ok()) return choice.own;
    if (own.code() != ErrorCode::kNotFound) return own.error();
    return choice.group;
  }

  // Stores `upload` as a delta against `ref` when the delta is within max-ratio
  // and decodes back to the input; nullopt (with the reason in `why`) otherwise.
  Result<std::optional<PutResult>> TryDelta(const Upload& upload, const ReferenceStore::Loaded& ref,
                                            std::string& why) {
    const DeltaCodec& codec = *upload.codec;
    const auto limit = static_cast<uint64_t>(options_.max_ratio * static_cast<double>(upload.size));
    SpooledBytes delta(ports_.spool, limit);
    if (!IsKnownCopyOf(upload, ref)) {
      DG_RETURN_IF_ERROR(upload.body.Rewind());
      ObservedSource encoding(upload.body, Phase(upload, TransferPhase::kEncoding));
      Status encoded = codec.Encode(ref.blob->bytes(), encoding, delta);
      if (encoded.code() == ErrorCode::kResourceExhausted) {
        why = "delta against " + ref.key + " exceeds max-ratio " + Percent(limit, upload.size) +
              " of the file";
        return std::optional<PutResult>();
      }
      DG_RETURN_IF_ERROR(encoded);
    }
    DG_ASSIGN_OR_RETURN(SourceDigest digest, upload.Digest());
    DG_ASSIGN_OR_RETURN(std::unique_ptr<ByteSource> delta_source, delta.Read());
    if (Status proof = ProveDelta(codec, ref, *delta_source, digest, upload.progress);
        !proof.ok()) {
      why = "delta failed its read-back check (" + proof.message() + ")";
      return std::optional<PutResult>();
    }
    DG_RETURN_IF_ERROR(delta_source->Rewind());
    DeltaRecord record;
    DG_ASSIGN_OR_RETURN(static_cast<FileRecord&>(record), NewFileRecord(upload));
    record.ref_key = ref.key;
    record.ref_sha256 = ref.sha256;
    record.delta_size = delta.size();
    record.delta_cmd = codec.CommandLine(upload.name);
    record.depth = ref.depth + 1;
    if (ref.created && ref.depth > 0) record.link_size = ref.stored_size;  // made for this file
    if (digest.sha256 == ref.sha256) record.note = std::string(kZeroDiffNote);
    DG_ASSIGN_OR_RETURN(ObjectHead stored,
                        store_.Put(DeltaKey(upload.key), *delta_source,
                                   StoredObjectOptions(upload, ToMetadata(record))));
    DG_ASSIGN_OR_RETURN(bool reference_kept,
                        refs_.EnsurePresent(ref));  // gc may have just taken it
    if (!reference_kept) {
      return MakeError(ErrorCode::kAlreadyExists, "reference ", Uri(ref.key),
                       " was replaced by another while a delta against it was written");
    }
    if (options_.verify_before_replacing) DG_RETURN_IF_ERROR(VerifyStoredDelta(upload.key));
    DG_RETURN_IF_ERROR(RemoveShadowed(upload.key, ObjectKind::kDirect));
    PutResult result;
    result.created_reference = ref.created && record.link_size == 0;  // a link is the file's
    result.reference_key = ref.key;
    result.reference_stored_size = result.created_reference ? ref.stored_size : 0;
    DG_ASSIGN_OR_RETURN(result.file, Describe(upload.key, stored, ObjectKind::kDelta));
    return std::optional<PutResult>(std::move(result));
  }

  // OK when the bucket holds the exact reference the delta at `delta_key` names.
  Status ReferenceStored(const std::string& delta_key) {
    DG_ASSIGN_OR_RETURN(ObjectHead head, store_.Head(delta_key));
    DG_ASSIGN_OR_RETURN(DeltaRecord record, ParseDelta(head.metadata));
    return refs_.CheckStored(record.ref_key, record.ref_sha256);
  }

  // Rebuilds `key` from the delta object the store now holds, writing nothing.
  Status VerifyStoredDelta(std::string_view key) {
    const std::string delta_key = DeltaKey(key);
    DG_ASSIGN_OR_RETURN(ObjectHead written, store_.Head(delta_key));
    NullSink discard;
    Result<FileInfo> rebuilt =
        RebuildDelta(key, Located{delta_key, std::move(written), ObjectKind::kDelta}, discard);
    if (!rebuilt.ok()) return rebuilt.error().Wrap("read-back of " + Uri(delta_key));
    return OkStatus();
  }

  Result<FileRecord> NewFileRecord(const Upload& upload) const {
    FileRecord record;
    record.tool = Tool();
    record.original_name = std::string(upload.name);
    DG_ASSIGN_OR_RETURN(SourceDigest digest, upload.Digest());
    record.file_sha256 = std::move(digest.sha256);
    record.file_size = digest.size;
    record.etag = std::move(digest.md5);
    record.created_at = FormatTimestamp(ports_.clock->Now());
    return record;
  }

  // True when `upload` is known to hold exactly the bytes of `ref` (its digest is
  // in) and its codec writes such a file as an empty zero-diff delta, which a
  // read answers with the reference itself (no encode, no decode). The
  // xdelta3 codec never does: the Python tool must be able to decode it.
  static bool IsKnownCopyOf(const Upload& upload, const ReferenceStore::Loaded& ref) {
    if (upload.codec->name() != kChainCodec) return false;
    if (upload.digest.wait_for(std::chrono::seconds(0)) != std::future_status::ready) return false;
    const Result<SourceDigest>& digest = upload.digest.get();
    return digest.ok() && digest->sha256 == ref.sha256 && digest->size == ref.blob->bytes().size();
  }

  // Decodes the delta and checks it gives back the input, before it is stored.
  // An empty delta is a zero-diff: the reference must then be the input.
  Status ProveDelta(const DeltaCodec& codec, const ReferenceStore::Loaded& ref, ByteSource& delta,
                    const SourceDigest& digest, const PhaseObserver& progress) {
    if (delta.size() == 0 && ref.sha256 == digest.sha256) return OkStatus();
    HashingSink output(Hasher::Algorithm::kSha256, nullptr);
    ObservedSink checking(output, PhaseBytes(progress, TransferPhase::kChecking, digest.size));
    DG_RETURN_IF_ERROR(codec.Decode(ref.blob->bytes(), delta, checking));
    return CheckOutput(output, digest.sha256, digest.size);
  }

  Result<PutResult> PutDirectInstead(const Upload& upload, PutResult result,
                                     const std::string& note) {
    DG_ASSIGN_OR_RETURN(PutResult direct, PutDirect(upload, note));
    result.file = std::move(direct.file);
    return result;
  }

  Result<PutResult> PutDirect(const Upload& upload, const std::string& note) {
    DirectRecord record;
    DG_ASSIGN_OR_RETURN(static_cast<FileRecord&>(record), NewFileRecord(upload));
    record.note = note;
    DG_RETURN_IF_ERROR(upload.body.Rewind());
    ObservedSource uploading(upload.body, Phase(upload, TransferPhase::kUploading));
    DG_ASSIGN_OR_RETURN(
        ObjectHead stored,
        store_.Put(upload.key, uploading, StoredObjectOptions(upload, ToMetadata(record))));
    DG_RETURN_IF_ERROR(RemoveShadowed(DeltaKey(upload.key), ObjectKind::kDelta));
    PutResult result;
    DG_ASSIGN_OR_RETURN(result.file, Describe(upload.key, stored, ObjectKind::kDirect));
    return result;
  }

  // How the object holding `upload` is written: its dg-* `metadata`, and the
  // client's content type and own metadata (docs/format.md).
  static PutOptions StoredObjectOptions(const Upload& upload, Metadata metadata) {
    PutOptions options;
    AddUserMetadata(upload.attributes.user_metadata, metadata);
    options.metadata = std::move(metadata);
    if (!upload.attributes.content_type.empty())
      options.content_type = upload.attributes.content_type;
    return options;
  }

  // After a write, removes the other representation of the same logical file (a
  // direct object replaced by a delta, or the reverse) so reads see the new one.
  Status RemoveShadowed(std::string_view stored_key, ObjectKind kind) {
    Result<ObjectHead> head = store_.Head(stored_key);
    if (!head.ok()) return head.code() == ErrorCode::kNotFound ? OkStatus() : head.status();
    const ObjectKind found = Classify(head->metadata);
    const bool replaceable = kind == ObjectKind::kDelta ? found == ObjectKind::kDelta
                                                        : found != ObjectKind::kReference;
    return replaceable ? store_.Delete(stored_key) : OkStatus();
  }

  // Finds the object holding `key`: the key itself, else `key`.delta.
  Result<Located> Locate(std::string_view key) {
    Result<ObjectHead> head = store_.Head(key);
    if (head.ok()) {
      const ObjectKind kind = Classify(head->metadata);
      if (kind == ObjectKind::kReference) {
        return MakeError(ErrorCode::kInvalidArgument, Uri(key),
                         " is a deltaglider reference, not a stored file");
      }
      return Located{std::string(key), std::move(*head), kind};
    }
    if (head.code() != ErrorCode::kNotFound) return head.error().Wrap(Uri(key));
    const std::string delta_key = DeltaKey(key);
    Result<ObjectHead> delta = store_.Head(delta_key);
    if (delta.ok() && Classify(delta->metadata) == ObjectKind::kDelta) {
      return Located{delta_key, std::move(*delta), ObjectKind::kDelta};
    }
    if (!delta.ok() && delta.code() != ErrorCode::kNotFound)
      return delta.error().Wrap(Uri(delta_key));
    return MakeError(ErrorCode::kNotFound, Uri(key), ": no such file");
  }

  // `progress` hears a reference's download into the cache (the caller watches `sink`).
  Result<FileInfo> Rebuild(std::string_view key, const Located& located, ByteSink& sink,
                           const PhaseObserver& progress = {}) {
    switch (located.kind) {
      case ObjectKind::kPlain: {
        DG_ASSIGN_OR_RETURN(ObjectHead head, store_.Get(located.stored_key, sink));
        return DescribePlain(key, head);
      }
      case ObjectKind::kDirect: return RebuildDirect(key, located, sink);
      case ObjectKind::kDelta:
        return RebuildDelta(key, located, sink, progress);
      case ObjectKind::kReference: break;
    }
    return MakeError(ErrorCode::kInternal, "unexpected object kind");
  }

  // A delta is rebuilt whole (and checked) with the bytes outside the range
  // dropped; a stored file's range is read from the store alone.
  Result<RangeRead> ReadRange(std::string_view key, const Located& located, const ByteRange& range,
                              ByteSink& sink) {
    DG_ASSIGN_OR_RETURN(FileInfo info, Describe(key, located.head, located.kind));
    DG_ASSIGN_OR_RETURN(ByteSpan span, ResolveRange(range, info.size));
    RangeRead read;
    read.offset = span.offset;
    read.length = span.length;
    if (span.length == info.size) {
      DG_ASSIGN_OR_RETURN(read.file, Rebuild(key, located, sink));
    } else if (located.kind == ObjectKind::kDelta) {
      SpanFilterSink window(sink, span);
      DG_ASSIGN_OR_RETURN(read.file, Rebuild(key, located, window));
    } else {
      DG_ASSIGN_OR_RETURN(ObjectHead head,
                          store_.GetRange(located.stored_key, span.offset, span.length, sink));
      DG_ASSIGN_OR_RETURN(read.file, Describe(key, head, located.kind));
    }
    return read;
  }

  Result<FileInfo> RebuildDirect(std::string_view key, const Located& located, ByteSink& sink) {
    DG_ASSIGN_OR_RETURN(DirectRecord expected, ParseDirect(located.head.metadata));
    if (expected.compression != "none") {
      return MakeError(ErrorCode::kUnsupported, "unsupported dg-compression '",
                       expected.compression, "'");
    }
    HashingSink output(Hasher::Algorithm::kSha256, &sink);
    DG_ASSIGN_OR_RETURN(ObjectHead head, store_.Get(located.stored_key, output));
    DG_ASSIGN_OR_RETURN(DirectRecord record, ParseDirect(head.metadata));
    const std::string actual = output.HexDigest();
    if (actual != record.file_sha256) {
      return MakeError(ErrorCode::kCorrupted, "sha256 mismatch: expected ", record.file_sha256,
                       ", got ", actual);
    }
    return Describe(key, head, ObjectKind::kDirect);
  }

  Result<FileInfo> RebuildDelta(std::string_view key, const Located& located, ByteSink& sink,
                                const PhaseObserver& progress = {}) {
    DG_ASSIGN_OR_RETURN(DeltaRecord expected, ParseDelta(located.head.metadata));
    DG_ASSIGN_OR_RETURN(const DeltaCodec* codec, ports_.codecs->ForCommand(expected.delta_cmd));
    SpooledBytes delta(ports_.spool, located.head.size + (1 << 20));
    DG_ASSIGN_OR_RETURN(ObjectHead head, store_.Get(located.stored_key, delta));
    DG_ASSIGN_OR_RETURN(DeltaRecord record, ParseDelta(head.metadata));
    if (record.delta_size != 0 && record.delta_size != delta.size()) {
      return MakeError(ErrorCode::kCorrupted, "delta has ", std::to_string(delta.size()),
                       " bytes but dg-delta-size says ", std::to_string(record.delta_size),
                       " (truncated or replaced)");
    }
    DG_ASSIGN_OR_RETURN(auto reference,
                        refs_.Fetch(record.ref_key, record.ref_sha256,
                                    PhaseBytes(progress, TransferPhase::kFetchingReference)));
    HashingSink output(Hasher::Algorithm::kSha256, &sink);
    if (record.file_sha256 == record.ref_sha256) {
      // A zero-diff delta: the reference (checked as it was fetched) is the file.
      DG_RETURN_IF_ERROR(output.Write(reference->bytes()));
    } else {
      DG_ASSIGN_OR_RETURN(std::unique_ptr<ByteSource> source, delta.Read());
      DG_RETURN_IF_ERROR(codec->Decode(reference->bytes(), *source, output));
    }
    DG_RETURN_IF_ERROR(CheckOutput(output, record.file_sha256, record.file_size));
    return Describe(key, head, ObjectKind::kDelta);
  }

  ServicePorts ports_;
  ServiceOptions options_;
  ObjectStore& store_;
  ReferenceStore refs_;
};

DeltaService::DeltaService(const ServicePorts& ports, ServiceOptions options)
    : impl_(std::make_shared<Impl>(ports, std::move(options))) {}

Result<PutResult> DeltaService::Put(std::string_view key, ByteSource& body,
                                    std::string_view original_name,
                                    const ObjectAttributes& attributes,
                                    const PhaseObserver& progress) {
  return impl_->Put(key, body, original_name, attributes, progress);
}
Result<FileInfo> DeltaService::Head(std::string_view key) { return impl_->Head(key); }
Result<FileInfo> DeltaService::Get(std::string_view key, ByteSink& sink,
                                   const PhaseObserver& progress) {
  return impl_->Get(key, sink, progress);
}
Result<RangeRead> DeltaService::GetRange(std::string_view key, const ByteRange& range,
                                         ByteSink& sink) {
  return impl_->GetRange(key, range, sink);
}
Result<FileInfo> DeltaService::Verify(std::string_view key) { return impl_->Verify(key); }
Result<ListPage> DeltaService::List(const ListRequest& request, const FileVisitor& visit) {
  return impl_->List(request, visit);
}

Status DeltaService::List(std::string_view prefix, bool recursive, const FileVisitor& visit,
                          int head_concurrency) {
  ListRequest request;
  request.prefix = std::string(prefix);
  request.delimiter = recursive ? "" : "/";
  request.head_concurrency = head_concurrency;
  return impl_->List(request, visit).status();
}
Result<PutResult> DeltaService::Copy(std::string_view from, std::string_view to,
                                     const CopyOptions& options) {
  return impl_->Copy(*this, from, to, options);
}
Result<PutResult> DeltaService::CopyFrom(DeltaService& source, std::string_view from,
                                         std::string_view to, const CopyOptions& options) {
  return impl_->Copy(source, from, to, options);
}
Result<MigrateResult> DeltaService::MigrateFrom(DeltaService& source, std::string_view from,
                                                std::string_view to,
                                                const MigrateOptions& options) {
  return impl_->Migrate(source, from, to, options);
}
std::string DeltaService::ReferenceGroupOf(std::string_view key) const {
  return impl_->ReferenceGroupOf(key);
}
Result<FileInfo> DeltaService::Delete(std::string_view key) { return impl_->Delete(key); }
std::vector<Result<FileInfo>> DeltaService::DeleteMany(std::span<const std::string> keys) {
  return impl_->DeleteMany(keys);
}
Result<GcReport> DeltaService::CollectGarbage(std::string_view prefix, const GcOptions& options,
                                              const GcVisitor& visit) {
  return impl_->CollectGarbage(prefix, options, visit);
}
Result<BucketStats> DeltaService::Stats(std::string_view prefix, int head_concurrency) {
  return impl_->Stats(prefix, head_concurrency);
}

}  // namespace deltaglider
