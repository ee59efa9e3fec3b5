// DeltaService: the deltaglider SDK. Stores files in one bucket as a reference
// plus small deltas (bucket format: docs/format.md) and gives every byte back,
// SHA256-verified.
//
// Thread-safety: one DeltaService may be used from several threads at once if its
// ports are (all shipped adapters are). Every failure is a Result error whose
// message names the object and the cause; nothing is thrown.
#pragma once

#include <chrono>
#include <cstdint>
#include <functional>
#include <optional>
#include <span>
#include <string>
#include <string_view>

#include "deltaglider/codecs.h"
#include "deltaglider/ports/clock.h"
#include "deltaglider/ports/object_store.h"
#include "deltaglider/ports/reference_cache.h"
#include "deltaglider/ports/spool.h"
#include "deltaglider/progress.h"
#include "deltaglider/result.h"
#include "deltaglider/stream.h"
#include "deltaglider/types.h"

namespace deltaglider {

// The version stamped into `dg-tool` as "deltaglider-cpp/<version>".
std::string_view Version();

struct ServiceOptions {
  // Codec for new deltas, by name: "zstd-patch", or "xdelta3" for deltas and raw
  // references the Python DeltaGlider can read.
  std::string codec = "zstd-patch";
  // With codec "zstd-patch": .gz/.tgz files use "gzip-patch" and .zip/.jar-like
  // files "zip-patch" when the registry has them (deltas of the inflated content,
  // the compressed bytes rebuilt exactly).
  bool archive_codecs = true;
  // A delta must be smaller than max_ratio x file size, or the file is stored
  // direct with the reason in `dg-note`.
  double max_ratio = 0.5;
  // Store references zstd-compressed when that is smaller (never with "xdelta3").
  bool compress_references = true;
  // Files in version directories ("releases/v1.2.3/app-1.2.3.zip") share the
  // references of their family ("app.zip" under "releases/") when their own
  // directory has none.
  bool families = true;
  // When no reference of a file's group gives a delta within max_ratio, the file
  // becomes a new reference of the group instead of being stored direct.
  bool rotate_references = true;
  // Delta chains (codec "zstd-patch" only): a new file becomes the next
  // generation of its group, stored as a patch against an earlier generation
  // chosen so that a read decodes at most `max_depth` deltas (skip-deltas:
  // about log2(versions) + 1). 1: every file is one delta against a reference
  // stored whole (the layout of releases before 2026-12-05).
  int max_depth = 8;
  // When set, every file uses this deltaspace ("releases/app") instead of its
  // own directory or family.
  std::string deltaspace;
  // Read a new delta back from the store and rebuild it before removing the
  // object it replaces (migrate in place: the plain original).
  bool verify_before_replacing = false;
};

// The borrowed parts a DeltaService works through; all must outlive it.
struct ServicePorts {
  ObjectStore* store = nullptr;
  ReferenceCache* cache = nullptr;
  const CodecRegistry* codecs = nullptr;
  // Compresses references (used with an empty reference); "zstd-patch".
  const DeltaCodec* reference_compressor = nullptr;
  const Clock* clock = nullptr;
  // Optional: codecs by name ("gzip-patch", "zip-patch") that store archive
  // references as their inflated content plus a rebuild recipe when smaller.
  const CodecRegistry* reference_codecs = nullptr;
  // Optional: where a body that cannot be read twice (a pipe) is spooled on
  // Put, and where Copy holds the file between its Get and its Put. Without
  // it such a Put and every Copy fail with kFailedPrecondition.
  Spool* spool = nullptr;
};

// How a logical file is held in the bucket.
enum class StoredAs {
  kDelta,   // <key>.delta against a reference
  kDirect,  // under its own key, with dg-* metadata
  kPlain,   // under its own key, written by something else (no dg-* metadata)
};
std::string_view StoredAsName(StoredAs kind);

// One logical file: what `ls` shows and `head` returns.
struct FileInfo {
  std::string key;         // logical key
  std::string stored_key;  // the object that holds it
  StoredAs stored_as = StoredAs::kPlain;
  uint64_t size = 0;         // original bytes
  // Bytes stored for this file: stored_key's, plus, for a file that made a link
  // of a delta chain (its own version, as a patch), that link's.
  uint64_t stored_size = 0;
  std::string sha256;        // of the original bytes; empty for plain objects
  std::string ref_key;       // deltas only
  int depth = 0;             // deltas only: how many deltas a read decodes (1 without chains)
  TimePoint created_at{};    // as recorded (dg-created-at), else the object's Last-Modified
  std::string codec;         // deltas only: first word of dg-delta-cmd
  std::string note;          // dg-note, if any
  // What S3 would answer for the file as uploaded: MD5 hex of its bytes (a plain
  // object: the store's ETag). Empty for files stored before ETags were recorded
  // and for deltas the Python tool wrote.
  std::string etag;
  std::string content_type;  // as given at put ("application/octet-stream" if none)
  Metadata user_metadata;    // as given at put (a plain object: all of its metadata)
};

// What S3 keeps about an object besides its bytes, as a client gives it.
struct ObjectAttributes {
  std::string content_type;  // "" = application/octet-stream
  // x-amz-meta-NAME without the prefix: names of lower-case letters, digits,
  // '-', '_' and '.'; printable ASCII values.
  Metadata user_metadata;
};

// Which bytes of a file a ranged Get returns, as an HTTP Range header names
// them: "bytes=FIRST-LAST" (LAST inclusive, clamped to the file's end),
// "bytes=FIRST-" and the suffix form "bytes=-LENGTH" (the last LENGTH bytes).
struct ByteRange {
  uint64_t first = 0;
  std::optional<uint64_t> last;  // none: to the end
  bool suffix = false;           // the last `suffix_length` bytes; `first`/`last` unused
  uint64_t suffix_length = 0;
};

// Parses an HTTP Range header value ("bytes=0-99", "bytes=100-", "bytes=-500").
// kInvalidArgument when malformed (HTTP then serves the whole file);
// kUnsupported for several ranges at once ("bytes=0-1,5-9").
Result<ByteRange> ParseByteRange(std::string_view header);

// What a ranged Get returned: bytes [offset, offset + length) of the file.
struct RangeRead {
  FileInfo file;  // file.size is the whole file's size (Content-Range: .../size)
  uint64_t offset = 0;
  uint64_t length = 0;
};

// How Copy treats what S3 keeps besides the bytes (its MetadataDirective).
struct CopyOptions {
  // false: the copy keeps the source's content type and user metadata (COPY);
  // true: it gets `attributes` instead (REPLACE).
  bool replace_attributes = false;
  ObjectAttributes attributes;
};

struct MigrateOptions {
  // The source is this service's own bucket and the key stays: the object is
  // replaced by its new representation (only once that is stored, and with
  // ServiceOptions::verify_before_replacing read back and rebuilt first).
  bool in_place = false;
  bool dry_run = false;  // decide, store nothing
};

struct PutResult {
  FileInfo file;
  // Set when this put created the deltaspace's reference.
  bool created_reference = false;
  std::string reference_key;
  uint64_t reference_stored_size = 0;
};

// What MigrateFrom did with one object.
struct MigrateResult {
  enum class Outcome {
    kMigrated,      // stored here; `put` says how
    kWouldMigrate,  // a dry run: it would have been
    kNotPlain,      // already deltaglider's (a delta, direct file or reference): left alone
    kInvalidKey,    // no logical file may have the destination key (`reason`): left alone
    kNotArchive,    // in place, and not a file deltas are made for: left alone
    kAlreadyThere,  // the destination holds the same bytes (SHA256) already
  };
  Outcome outcome = Outcome::kMigrated;
  std::string reason;  // kInvalidKey: why
  PutResult put;       // kMigrated
};

struct ListedEntry {
  bool is_prefix = false;  // a "directory" (non-recursive listings)
  FileInfo file;           // for a prefix only file.key is set
};
using FileVisitor = std::function<Status(const ListedEntry&)>;

// One page of a listing, shaped like S3's ListObjectsV2.
struct ListRequest {
  std::string prefix;  // only logical keys starting with this
  // "" lists every file under `prefix`; "/" rolls keys up to the next "/" after
  // the prefix into one prefix entry ("releases/v1/"), as S3's delimiter does.
  // (Another delimiter is applied to the stored keys, so a delimiter that occurs
  // in ".delta" would roll deltas up by their suffix; S3 clients use "/".)
  std::string delimiter;
  // Only entries whose key sorts after this one: S3's start-after, or a
  // ListPage's next_start_after to continue a listing.
  std::string start_after;
  uint64_t max_keys = 0;  // at most this many entries (files and prefixes); 0 = all
  // Deltas' original sizes need a HEAD each: up to this many run at once.
  int head_concurrency = 1;
};

struct ListPage {
  uint64_t entries = 0;          // how many the visitor saw
  bool truncated = false;        // more entries follow (only with max_keys)
  std::string next_start_after;  // when truncated: the last key seen, to continue after
};

// One row of `stats`: a reference group. "deltaspace": the files of one directory
// (plus the deltas against its references). "family": versions in their own
// directories sharing references (docs/format.md); `deltaspace` is then the
// anchor ("releases", "" at the root) and `family` the family name ("app.zip").
struct DeltaspaceStats {
  std::string deltaspace;  // "" for the bucket root
  std::string kind = "deltaspace";  // or "family"
  std::string family;
  std::string label;  // as printed: "app/", "releases/*/{app.zip}", "(root)", "total"
  uint64_t files = 0;
  uint64_t deltas = 0;
  uint64_t directs = 0;
  uint64_t references = 0;  // links of delta chains included
  uint64_t original_bytes = 0;
  uint64_t stored_bytes = 0;  // every object, references included
  int max_depth = 0;          // the most deltas a read of one of its files decodes
};

struct BucketStats {
  DeltaspaceStats total;
  std::vector<DeltaspaceStats> deltaspaces;  // sorted by label
};

struct GcOptions {
  // Nothing younger than this is removed: a put may be between creating a
  // reference and writing the delta that needs it.
  std::chrono::seconds grace = std::chrono::hours(24);
  bool dry_run = true;  // report only
};

struct GcEvent {
  enum class Kind {
    kUnusedReference,  // no delta names it: removed (or would be, in a dry run)
    kYoungReference,   // unused but younger than the grace period: kept
    kRestored,         // found needed after all (a racing put): put back
    kKeptParked,       // needed, but a newer reference took its key: stays in .dg-trash/
    kLitter,           // a temp file or incomplete upload of a killed write
  };
  Kind kind;
  std::string what;  // a key, or the litter's description
  uint64_t bytes = 0;
};
using GcVisitor = std::function<void(const GcEvent&)>;

struct GcReport {
  uint64_t references = 0;  // references under the prefix
  uint64_t unused = 0;      // removed (would be, in a dry run)
  uint64_t unused_bytes = 0;
  uint64_t young = 0;       // unused but kept: younger than the grace period
  uint64_t restored = 0;
  uint64_t kept_parked = 0;  // needed copies left under .dg-trash/ (see kKeptParked)
  uint64_t litter = 0;
  uint64_t litter_bytes = 0;
};

class DeltaService {
 public:
  DeltaService(const ServicePorts& ports, ServiceOptions options);

  // Stores `body` as the logical file `key`. `original_name` is recorded as
  // dg-original-name (usually the local basename). The delta is decoded and
  // checked against the input's SHA256 before anything is reported stored.
  // A body that cannot rewind (a pipe, a request body) is read once into the
  // spool (ServicePorts::spool) and stored from there. `attributes` come back in
  // FileInfo from Head, Get and List. An error from `body` (an ObservedSource
  // cancelling, a dropped connection) stops the put: no file is stored (a
  // reference it created first may remain, unused, for gc).
  // `progress` (optional) hears each phase (hashing, storing a reference,
  // encoding, checking, uploading) and its bytes.
  Result<PutResult> Put(std::string_view key, ByteSource& body, std::string_view original_name,
                        const ObjectAttributes& attributes = {},
                        const PhaseObserver& progress = {});

  // Describes the logical file `key` without reading its bytes. kNotFound if absent.
  Result<FileInfo> Head(std::string_view key);

  // Writes the original bytes of `key` into `sink`, in order, checking the
  // reference and the result against their SHA256 (kCorrupted on mismatch). The
  // verdict comes after the last byte was written, so on error `sink` may hold a
  // partial or wrong body: pass a FileSink and commit only on success, or stream
  // through a HoldbackSink and Release() only on success.
  // `progress` (optional) hears a reference's download and the bytes written.
  Result<FileInfo> Get(std::string_view key, ByteSink& sink, const PhaseObserver& progress = {});

  // Writes the bytes `range` names of `key` into `sink`. kOutOfRange when the
  // range starts at or past the end (and for any range of an empty file), as S3
  // answers 416. A delta is rebuilt whole and checked against its SHA256 as Get
  // does, the bytes outside the range discarded; a direct or plain object is read
  // for the range only (a range of the whole file is read and checked as Get).
  Result<RangeRead> GetRange(std::string_view key, const ByteRange& range, ByteSink& sink);

  // Rebuilds `key` and checks it, writing nothing.
  Result<FileInfo> Verify(std::string_view key);

  // Logical files (and, with a delimiter, prefix entries) in ascending order of
  // their logical keys (UTF-8 byte order, as S3 lists), one page of at most
  // request.max_keys. References and a .delta shadowed by a direct object of its
  // logical key are hidden. A delta's original size needs a HEAD of its object:
  // with head_concurrency > 1 up to that many run at once (on short-lived
  // threads) over a window of listed entries; the visitor still sees every entry
  // in order, on the calling thread. Memory stays bounded however many keys the
  // listing passes: where a delta could still list after the keys it sorts
  // before ("app.zip.delta" after "app.zip-2"), it is looked up by HEAD instead
  // of holding every entry back. Entries written while the listing runs may or
  // may not be seen, as in S3.
  Result<ListPage> List(const ListRequest& request, const FileVisitor& visit);

  // Every logical file under `prefix`; with recursive=false, keys below the next
  // "/" are rolled up into one prefix entry. As List(ListRequest) without a limit.
  Status List(std::string_view prefix, bool recursive, const FileVisitor& visit,
              int head_concurrency = 1);

  // Stores a copy of the logical file `from` as `to` in the same bucket, as a
  // Put of its bytes would (so the copy joins the reference group of `to`):
  // rebuilt and checked into the spool, then put. S3's CopyObject.
  Result<PutResult> Copy(std::string_view from, std::string_view to,
                         const CopyOptions& options = {});
  // The same from another service's bucket (another bucket or endpoint): rebuilt
  // and checked by `source`, spooled and put here.
  Result<PutResult> CopyFrom(DeltaService& source, std::string_view from, std::string_view to,
                             const CopyOptions& options = {});

  // Converts the plain object `from` of `source`'s bucket (written by aws s3 cp,
  // rclone, ...) into the logical file `to` here: rebuilt into the spool, then
  // put with its content type and metadata. Resumable: an object the
  // destination already holds (same SHA256) is not stored again. Never deletes
  // the source, except in place, where the put itself replaces it.
  Result<MigrateResult> MigrateFrom(DeltaService& source, std::string_view from,
                                    std::string_view to, const MigrateOptions& options);

  // The reference group a put of `key` would use, as a label ("app/",
  // "releases/*/{app.zip}"; families and ServiceOptions::deltaspace applied), or
  // "" for a file no delta is made for. No store access. The first put of a
  // group makes its reference, so a scheduler lets it run alone.
  std::string ReferenceGroupOf(std::string_view key) const;

  // Removes the logical file `key` (its delta or direct object). References are
  // never removed here. kNotFound if absent.
  Result<FileInfo> Delete(std::string_view key);

  // Delete for many keys at once (S3's DeleteObjects): each key is located, then
  // the stored objects are removed in batches (ObjectStore::DeleteKeys). One
  // result per key, in order: the file removed, or why not (kNotFound if absent).
  std::vector<Result<FileInfo>> DeleteMany(std::span<const std::string> keys);

  // Removes references under `prefix` that no delta in the bucket names, and the
  // store's litter, once older than `options.grace` (see
  // src/core/garbage_collector.h for how a racing put stays safe). A dry run
  // only reports. Never removes a logical file.
  Result<GcReport> CollectGarbage(std::string_view prefix, const GcOptions& options,
                                  const GcVisitor& visit);

  // Logical vs stored bytes under `prefix`, per reference group: a delta counts
  // in the group of the reference it names, a reference in the group its key
  // names, anything else in its directory. Sizes come from the listing; each
  // .delta needs a HEAD for its original size: with head_concurrency > 1 up to
  // that many run at once, as in List().
  Result<BucketStats> Stats(std::string_view prefix, int head_concurrency = 1);

 private:
  class Impl;
  std::shared_ptr<Impl> impl_;
};

}  // namespace deltaglider
