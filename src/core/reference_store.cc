#include "core/reference_store.h"

#include "core/hash.h"
#include "core/metadata.h"
#include "core/reference_group.h"
#include "core/spooled_bytes.h"
#include "deltaglider/async_sink.h"
#include "deltaglider/client.h"

namespace deltaglider {

ReferenceStore::ReferenceStore(ObjectStore& store, ReferenceCache& cache,
                               const DeltaCodec* compressor, bool compress_new, const Clock& clock,
                               const CodecRegistry* archive_compressors,
                               const CodecRegistry* codecs, Spool* spool)
    : store_(store),
      cache_(cache),
      compressor_(compressor),
      compress_new_(compress_new && compressor != nullptr),
      clock_(clock),
      archive_compressors_(archive_compressors),
      codecs_(codecs),
      spool_(spool) {}

std::string ReferenceStore::Uri(std::string_view key) const {
  return "s3://" + store_.bucket() + "/" + std::string(key);
}

Result<ReferenceStore::Loaded> ReferenceStore::CreateOrLoad(std::string_view key, ByteSource& body,
                                                            const SourceDigest& digest,
                                                            std::string_view source_name,
                                                            std::string_view archive_codec) {
  Result<Loaded> created = Create(key, body, digest, source_name, archive_codec);
  if (created.ok() || created.code() != ErrorCode::kAlreadyExists) return created;
  Result<ObjectHead> head = store_.Head(key);  // another writer won the race: use its reference
  if (!head.ok()) return head.error().Wrap("reference " + Uri(key));
  return LoadHead(key, *head);
}

Result<ReferenceStore::Loaded> ReferenceStore::Load(std::string_view key,
                                                    const ByteObserver& fetching) {
  Result<ObjectHead> head = store_.Head(key);
  if (!head.ok()) return head.error().Wrap("reference " + Uri(key));
  return LoadHead(key, *head, fetching);
}

Result<ReferenceStore::Loaded> ReferenceStore::Load(const ReferenceCandidate& candidate,
                                                    const ByteObserver& fetching) {
  if (!candidate.head) return Load(candidate.key, fetching);
  return LoadHead(candidate.key, *candidate.head, fetching);
}

Result<ReferenceStore::Loaded> ReferenceStore::LoadHead(std::string_view key,
                                                        const ObjectHead& head,
                                                        const ByteObserver& fetching) {
  Result<ReferenceRecord> record = ParseReference(head.metadata);
  if (!record.ok()) return record.error().Wrap("reference " + Uri(key));
  DG_ASSIGN_OR_RETURN(auto blob, Fetch(key, record->sha256, fetching));
  return Loaded{std::string(key), record->sha256,  std::move(blob), false, 0,
                record->depth,    record->keyframe};
}

ReferenceRecord ReferenceStore::NewRecord(const SourceDigest& digest,
                                          std::string_view source_name) const {
  ReferenceRecord record;
  record.tool = "deltaglider-cpp/" + std::string(Version());
  record.source_name = std::string(source_name);
  record.sha256 = digest.sha256;
  record.created_at = FormatTimestamp(clock_.Now());
  return record;
}

Result<ReferenceStore::Loaded> ReferenceStore::Create(std::string_view key, ByteSource& body,
                                                      const SourceDigest& digest,
                                                      std::string_view source_name,
                                                      std::string_view archive_codec) {
  ReferenceRecord record = NewRecord(digest, source_name);
  if (compress_new_) {
    DG_ASSIGN_OR_RETURN(Compressed compressed, Compress(body, digest.size, archive_codec));
    DG_ASSIGN_OR_RETURN(std::shared_ptr<const Blob> cached, CacheReadBack(compressed, digest));
    if (cached) {
      record.compression = compressed.method;
      record.size = digest.size;  // raw size; a raw reference keeps the Python tool's exact shape
      return Store(key, record, *compressed.bytes, std::move(cached));
    }
  }
  // Not compressed, or its compressed form does not read back: stored raw.
  DG_RETURN_IF_ERROR(body.Rewind());
  auto cached =
      InsertBeside(digest.sha256, [&](ByteSink& out) { return Copy(body, out).status(); });
  if (!cached.ok()) return cached.error().Wrap("cache reference " + Uri(key));
  DG_RETURN_IF_ERROR(body.Rewind());
  return Store(key, record, body, std::move(*cached));
}

Result<ReferenceStore::Compressed> ReferenceStore::MakePatch(ByteSource& body,
                                                             const DeltaCodec& codec,
                                                             const Loaded& base, uint64_t limit) {
  return CompressWith(codec, body, limit, base.blob->bytes());
}

Result<ReferenceStore::Loaded> ReferenceStore::CreatePatch(std::string_view key, Compressed& patch,
                                                           const SourceDigest& digest,
                                                           std::string_view source_name,
                                                           const Loaded& base, int keyframe,
                                                           const ByteObserver& checking) {
  DG_ASSIGN_OR_RETURN(std::shared_ptr<const Blob> cached,
                      CacheReadBack(patch, digest, base.blob->bytes(), checking));
  if (!cached) {
    return MakeError(ErrorCode::kResourceExhausted, "the patch against ", Uri(base.key),
                     " does not read back");
  }
  ReferenceRecord record = NewRecord(digest, source_name);
  record.compression = patch.method;
  record.size = digest.size;
  record.base_key = base.key;
  record.base_sha256 = base.sha256;
  record.depth = base.depth + 1;
  record.keyframe = keyframe;
  return Store(key, record, *patch.bytes, std::move(cached));
}

Result<ReferenceStore::Loaded> ReferenceStore::Store(std::string_view key,
                                                     const ReferenceRecord& record,
                                                     ByteSource& stored,
                                                     std::shared_ptr<const Blob> cached) {
  PutOptions options;
  options.if_none_match = true;
  options.metadata = ToMetadata(record);
  Result<ObjectHead> put = store_.Put(key, stored, options);
  if (!put.ok()) {
    if (put.code() == ErrorCode::kAlreadyExists) return put.error();
    return put.error().Wrap("write reference " + Uri(key));
  }
  return Loaded{std::string(key), record.sha256, std::move(cached), true,
                put->size,        record.depth,  record.keyframe};
}

const DeltaCodec* ReferenceStore::CompressorOf(std::string_view method) const {
  if (method == "zstd") return compressor_;
  if (archive_compressors_ == nullptr) return nullptr;
  auto codec = archive_compressors_->ForCommand(method);
  return codec.ok() ? *codec : nullptr;
}

namespace {

Result<std::shared_ptr<const Blob>> NotCached() { return std::shared_ptr<const Blob>(); }

}  // namespace

Result<std::shared_ptr<const Blob>> ReferenceStore::CacheReadBack(Compressed& compressed,
                                                                  const SourceDigest& digest,
                                                                  std::span<const std::byte> base,
                                                                  const ByteObserver& checking) {
  if (compressed.bytes == nullptr || compressed.codec == nullptr) return NotCached();
  Status decoded;
  Status write_failure;
  auto cached = InsertBeside(
      digest.sha256,
      [&](ByteSink& cache_file) {
        ObservedSink observed(cache_file, checking);
        decoded = compressed.codec->Decode(
            base, *compressed.bytes, checking ? static_cast<ByteSink&>(observed) : cache_file);
        return decoded;
      },
      &write_failure);
  if (!write_failure.ok()) return write_failure.error().Wrap("cache reference");
  if (!decoded.ok() || cached.code() == ErrorCode::kCorrupted) return NotCached();  // other bytes
  if (!cached.ok()) return cached.error().Wrap("cache reference");
  DG_RETURN_IF_ERROR(compressed.bytes->Rewind());
  return cached;
}

Result<std::shared_ptr<const Blob>> ReferenceStore::InsertBeside(
    std::string_view sha256, const std::function<Status(ByteSink&)>& fill, Status* write_failure) {
  return cache_.Insert(sha256, [&](ByteSink& cache_file) -> Status {
    WatchedSink file(cache_file);
    Status filled;
    {
      AsyncSink beside(file);
      filled = fill(beside);
      if (Status finished = beside.Finish(); filled.ok()) filled = finished;
    }
    if (write_failure != nullptr) *write_failure = file.failure();
    return filled;
  });
}

Result<ReferenceStore::Compressed> ReferenceStore::Compress(ByteSource& body, uint64_t size,
                                                           std::string_view archive_codec) {
  // Worth storing only when it saves more than a little.
  const uint64_t limit = size > 64 ? size - 64 : 0;
  Compressed best;
  if (const DeltaCodec* codec = archive_codec.empty() ? nullptr : CompressorOf(archive_codec)) {
    DG_ASSIGN_OR_RETURN(best, CompressWith(*codec, body, limit));
  }
  const uint64_t zstd_limit = best.bytes == nullptr ? limit : best.size;
  DG_ASSIGN_OR_RETURN(Compressed zstd, CompressWith(*compressor_, body, zstd_limit));
  if (zstd.bytes != nullptr) {
    zstd.method = "zstd";
    return zstd;
  }
  return best;
}

Result<ReferenceStore::Compressed> ReferenceStore::CompressWith(const DeltaCodec& codec,
                                                                ByteSource& body, uint64_t limit,
                                                                std::span<const std::byte> base) {
  DG_RETURN_IF_ERROR(body.Rewind());
  SpooledBytes sink(spool_, limit);
  Status status = codec.Encode(base, body, sink);
  if (status.code() == ErrorCode::kResourceExhausted) return Compressed{};
  DG_RETURN_IF_ERROR(status);
  Compressed compressed{nullptr, sink.size(), std::string(codec.name()), &codec};
  DG_ASSIGN_OR_RETURN(compressed.bytes, sink.Read());
  return compressed;
}

namespace {

bool HoldsReference(const ObjectHead& head, std::string_view sha256) {
  return !sha256.empty() && ReferenceSha256Of(head.metadata) == sha256;
}

bool IsMissingObject(const Result<ObjectHead>& head) {
  return !head.ok() && head.code() == ErrorCode::kNotFound;
}

// Far more links than any put makes (their depth is capped), so only a damaged
// or looping chain reaches it.
constexpr int kMaxChainLinks = 64;

Error ChainTooLong(std::string_view key) {
  return MakeError(ErrorCode::kCorrupted, "the delta chain of reference ", key, " has more than ",
                   std::to_string(kMaxChainLinks), " links (damaged, or a loop)");
}

}  // namespace

Result<bool> ReferenceStore::EnsurePresent(const Loaded& ref) {
  Result<ObjectHead> head = store_.Head(ref.key);
  if (IsMissingObject(head)) {
    SpanSource bytes(ref.blob->bytes());
    const SourceDigest digest{ref.sha256, ref.blob->bytes().size(), ""};
    Result<Loaded> created = Create(ref.key, bytes, digest, "(restored)", "");
    if (created.ok()) return true;
    if (created.code() != ErrorCode::kAlreadyExists) return created.error();
    head = store_.Head(ref.key);  // a put made a new reference there first
  }
  if (!head.ok()) return head.error().Wrap("reference " + Uri(ref.key));
  return HoldsReference(*head, ref.sha256);
}

Result<std::shared_ptr<const Blob>> ReferenceStore::Fetch(std::string_view key,
                                                          std::string_view sha256,
                                                          const ByteObserver& fetching) {
  return FetchWithin(key, sha256, fetching, kMaxChainLinks);
}

Result<std::shared_ptr<const Blob>> ReferenceStore::FetchWithin(std::string_view key,
                                                                std::string_view sha256,
                                                                const ByteObserver& fetching,
                                                                int links) {
  if (auto hit = cache_.Find(sha256); hit.ok()) return hit;
  auto blob = InsertBeside(
      sha256, [&](ByteSink& out) { return Download(key, sha256, out, fetching, links); });
  if (!blob.ok() && blob.code() != ErrorCode::kNotFound) return blob.error().Wrap("reference " + Uri(key));
  return blob;
}

Result<ReferenceStore::Found> ReferenceStore::Locate(std::string_view key,
                                                     std::string_view sha256) {
  Result<ObjectHead> head = store_.Head(key);
  if (head.ok() && HoldsReference(*head, sha256)) return Found{std::string(key), std::move(*head)};
  if (!head.ok() && !IsMissingObject(head)) return head.error();
  // Parked by gc: the SHA256 check still applies; gc moves it back when it can.
  const std::string parked = ParkedKey(key);
  if (Result<ObjectHead> trashed = store_.Head(parked);
      trashed.ok() && HoldsReference(*trashed, sha256)) {
    return Found{parked, std::move(*trashed)};
  }
  if (head.ok()) return Found{std::string(key), std::move(*head)};  // the SHA256 check reports it
  return MakeError(ErrorCode::kNotFound, "reference ", Uri(key),
                   " is missing, so the deltas that need it cannot be rebuilt");
}

Status ReferenceStore::CheckStored(std::string_view key, std::string_view sha256) {
  std::string link(key);
  std::string link_sha256(sha256);
  for (int links = kMaxChainLinks; links >= 0; --links) {
    DG_ASSIGN_OR_RETURN(Found at, Locate(link, link_sha256));
    if (!HoldsReference(at.head, link_sha256)) {
      return MakeError(ErrorCode::kNotFound, "reference ", Uri(link),
                       " now holds other bytes than ", link_sha256.substr(0, 12),
                       "… the deltas naming it need");
    }
    DG_ASSIGN_OR_RETURN(ReferenceRecord record, ParseReference(at.head.metadata));
    if (record.base_key.empty()) return OkStatus();
    link = std::move(record.base_key);
    link_sha256 = std::move(record.base_sha256);
  }
  return ChainTooLong(key);
}

Status ReferenceStore::Download(std::string_view wanted, std::string_view sha256,
                                ByteSink& cache_file, const ByteObserver& fetching, int links) {
  DG_ASSIGN_OR_RETURN(Found at, Locate(wanted, sha256));
  DG_ASSIGN_OR_RETURN(ReferenceRecord record, ParseReference(at.head.metadata));
  const uint64_t total = record.size.value_or(at.head.size);  // a raw one has no dg-size
  ObservedSink observed(cache_file, [&fetching, total](uint64_t done, std::optional<uint64_t>) {
    return fetching(done, total);
  });
  ByteSink& out = fetching ? static_cast<ByteSink&>(observed) : cache_file;
  if (record.compression == "none") return store_.Get(at.key, out).status();
  const DeltaCodec* codec = record.compression == "zstd" ? compressor_ : nullptr;
  if (codec == nullptr && codecs_ != nullptr && record.compression != "zstd") {
    if (auto named = codecs_->ForCommand(record.compression); named.ok()) codec = *named;
  }
  if (codec == nullptr) {
    return MakeError(ErrorCode::kUnsupported, "unsupported dg-compression '", record.compression, "'");
  }
  std::shared_ptr<const Blob> base;
  if (!record.base_key.empty()) {
    if (links == 0) return ChainTooLong(wanted);
    DG_ASSIGN_OR_RETURN(base, FetchWithin(record.base_key, record.base_sha256, {}, links - 1));
  }
  SpooledBytes compressed(spool_);
  DG_RETURN_IF_ERROR(store_.Get(at.key, compressed).status());
  DG_ASSIGN_OR_RETURN(std::unique_ptr<ByteSource> source, compressed.Read());
  return codec->Decode(base ? base->bytes() : std::span<const std::byte>(), *source, out);
}

}  // namespace deltaglider
