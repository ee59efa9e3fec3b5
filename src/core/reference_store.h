// ReferenceStore: finds, creates and fetches the references of deltaspaces for
// DeltaService. It creates a reference race-free (create-only write; the loser
// uses the winner's) and serves reads through the ReferenceCache, so a reference
// is downloaded once. A reference may be stored as a patch against an earlier
// one (a delta chain, bounded by its recorded depth): fetching it rebuilds the
// chain from the nearest cached link, checking every link's SHA256. It never
// deletes or overwrites a reference.
#pragma once

#include <functional>
#include <memory>
#include <string>
#include <string_view>

#include "core/hash.h"
#include "core/metadata.h"
#include "core/reference_group.h"
#include "deltaglider/codecs.h"
#include "deltaglider/ports/clock.h"
#include "deltaglider/ports/delta_codec.h"
#include "deltaglider/ports/object_store.h"
#include "deltaglider/ports/reference_cache.h"
#include "deltaglider/ports/spool.h"

namespace deltaglider {

class ReferenceStore {
 public:
  // `compressor` (may be null) reads zstd-compressed references and, with
  // `compress_new`, compresses new references when that makes them smaller.
  // `archive_compressors` (may be null) holds codecs by name ("gzip-patch") that
  // compress archive references better (their inflated content); `codecs` reads
  // references compressed by them. A compressed form is written to `spool` (may
  // be null: then memory) while it is made, so a large reference never sits in
  // memory twice.
  ReferenceStore(ObjectStore& store, ReferenceCache& cache, const DeltaCodec* compressor,
                 bool compress_new, const Clock& clock,
                 const CodecRegistry* archive_compressors = nullptr,
                 const CodecRegistry* codecs = nullptr, Spool* spool = nullptr);

  struct Loaded {
    std::string key;
    std::string sha256;
    std::shared_ptr<const Blob> blob;
    bool created = false;      // this call wrote the reference
    uint64_t stored_size = 0;  // bytes of the reference object (when created)
    int depth = 0;             // patches a read decodes to rebuild it (0: stored whole)
    int keyframe = 0;          // a patch's chain: the generation stored whole
  };

  // The existing reference at `key` (kNotFound when there is none). `fetching`
  // hears the bytes of a download into the cache (none on a cache hit).
  Result<Loaded> Load(std::string_view key, const ByteObserver& fetching = {});
  // The same for a candidate of ListReferences, without a second HEAD when its
  // head was read already.
  Result<Loaded> Load(const ReferenceCandidate& candidate, const ByteObserver& fetching = {});

  // `body` (SHA256 `digest`) as the new reference at `key`, a key ListReferences
  // just found free, compressed by the archive compressor `archive_codec`
  // ("gzip-patch"; "" for none) or zstd, whichever is smallest, or kept raw. The
  // write is create-only: when another writer took the key meanwhile, its
  // reference is loaded instead.
  Result<Loaded> CreateOrLoad(std::string_view key, ByteSource& body, const SourceDigest& digest,
                              std::string_view source_name, std::string_view archive_codec = "");

  // A reference's stored form while it is made: its bytes (spooled), their size,
  // the dg-compression value naming the codec that decodes them.
  struct Compressed {
    std::unique_ptr<ByteSource> bytes;
    uint64_t size = 0;
    std::string method;
    const DeltaCodec* codec = nullptr;  // decodes it
  };

  // `body` as a patch by `codec` against `base`; no bytes when it would be
  // more than `limit` bytes.
  Result<Compressed> MakePatch(ByteSource& body, const DeltaCodec& codec, const Loaded& base,
                               uint64_t limit);

  // `body` (SHA256 `digest`) as the new reference at `key`, stored as `patch`
  // (MakePatch against `base`, a link of the chain whose generation `keyframe`
  // is stored whole), create-only as CreateOrLoad. kResourceExhausted when the
  // patch does not decode back to `digest` (nothing written); kAlreadyExists
  // when another writer took the key. The read-back fills the cache entry of
  // `digest`; `checking` hears its bytes.
  Result<Loaded> CreatePatch(std::string_view key, Compressed& patch, const SourceDigest& digest,
                             std::string_view source_name, const Loaded& base, int keyframe,
                             const ByteObserver& checking = {});

  // After a delta against `ref` was written: true when `ref` is at its key, written
  // again from its verified bytes (create-only) if gc removed it as unused a
  // moment before; false when another reference has taken the key meanwhile (gc
  // removed `ref` and a put created a new one), so the delta must be made again.
  Result<bool> EnsurePresent(const Loaded& ref);

  // OK when the bucket holds the reference `key` whose bytes hash to `sha256` (at
  // its key or parked by gc), and every link of its chain, by their metadata:
  // the cache is not asked. kNotFound otherwise.
  Status CheckStored(std::string_view key, std::string_view sha256);

  // The bytes of the reference at `key`, checked against `sha256`.
  // kNotFound names the missing reference; kCorrupted a damaged one.
  Result<std::shared_ptr<const Blob>> Fetch(std::string_view key, std::string_view sha256,
                                            const ByteObserver& fetching = {});

 private:
  Result<Loaded> LoadHead(std::string_view key, const ObjectHead& head,
                          const ByteObserver& fetching = {});
  // The record of a new reference of `digest`, written now by this tool.
  ReferenceRecord NewRecord(const SourceDigest& digest, std::string_view source_name) const;
  // Fetch, rebuilding at most `links` more patches below this one.
  Result<std::shared_ptr<const Blob>> FetchWithin(std::string_view key, std::string_view sha256,
                                                  const ByteObserver& fetching, int links);
  // Writes `stored` (the reference's stored form, per `record`) create-only at
  // `key`; `cached` holds its raw bytes.
  Result<Loaded> Store(std::string_view key, const ReferenceRecord& record, ByteSource& stored,
                       std::shared_ptr<const Blob> cached);
  Result<Loaded> Create(std::string_view key, ByteSource& body, const SourceDigest& digest,
                        std::string_view source_name, std::string_view archive_codec);
  // The smallest compressed form and the dg-compression value naming it
  // ("gzip-patch", "zstd"); no bytes when none is smaller than the reference.
  Result<Compressed> Compress(ByteSource& body, uint64_t size, std::string_view archive_codec);
  // The compressor named by a dg-compression value ("zstd", "gzip-patch"), or null.
  const DeltaCodec* CompressorOf(std::string_view method) const;
  // Decodes `compressed` (against `base`), by the compressor that made it, into
  // the cache entry of `digest`: the read-back proof and the entry in one pass.
  // Null (nothing cached) when it does not give the bytes of `digest` back: a
  // reference is never stored in a form that does not; else the entry, with
  // `compressed` rewound for the upload. An error when the cache cannot be written.
  Result<std::shared_ptr<const Blob>> CacheReadBack(Compressed& compressed,
                                                    const SourceDigest& digest,
                                                    std::span<const std::byte> base = {},
                                                    const ByteObserver& checking = {});
  // Caches what `fill` writes as the bytes of `sha256`, hashed and written to disk
  // on another thread while `fill` goes on; `write_failure` (may be null) gets
  // the cache's own write error, if any.
  Result<std::shared_ptr<const Blob>> InsertBeside(std::string_view sha256,
                                                   const std::function<Status(ByteSink&)>& fill,
                                                   Status* write_failure = nullptr);
  // `body` compressed by `codec` (against `base`: a patch) into the spool (or
  // memory); no bytes when the result would be more than `limit` bytes.
  Result<Compressed> CompressWith(const DeltaCodec& codec, ByteSource& body, uint64_t limit,
                                  std::span<const std::byte> base = {});
  // Where the reference `key` whose bytes hash to `sha256` is: at its key, or
  // parked under ".dg-trash/" by gc (interrupted, or finding its key retaken).
  struct Found {
    std::string key;
    ObjectHead head;
  };
  Result<Found> Locate(std::string_view key, std::string_view sha256);
  Status Download(std::string_view key, std::string_view sha256, ByteSink& out,
                  const ByteObserver& fetching, int links);
  std::string Uri(std::string_view key) const;

  ObjectStore& store_;
  ReferenceCache& cache_;
  const DeltaCodec* compressor_;
  bool compress_new_;
  const Clock& clock_;
  const CodecRegistry* archive_compressors_;
  const CodecRegistry* codecs_;
  Spool* spool_;
};

}  // namespace deltaglider
