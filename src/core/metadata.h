// The dg-* metadata of the bucket format (docs/format.md) in one place: field
// names, the legacy spellings older releases wrote, timestamps, and typed records
// for references, deltas and direct objects. Never touches a store.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "deltaglider/bucket_format.h"
#include "deltaglider/result.h"
#include "deltaglider/types.h"

namespace deltaglider {

// Canonical field names, without the "dg-" prefix.
namespace field {
inline constexpr std::string_view kTool = "tool";
inline constexpr std::string_view kSourceName = "source-name";
inline constexpr std::string_view kOriginalName = "original-name";
inline constexpr std::string_view kFileSha256 = "file-sha256";
inline constexpr std::string_view kFileSize = "file-size";
inline constexpr std::string_view kCreatedAt = "created-at";
inline constexpr std::string_view kRefKey = "ref-key";
inline constexpr std::string_view kRefSha256 = "ref-sha256";
inline constexpr std::string_view kDeltaSize = "delta-size";
inline constexpr std::string_view kDeltaCmd = "delta-cmd";
inline constexpr std::string_view kNote = "note";
inline constexpr std::string_view kCompression = "compression";
inline constexpr std::string_view kEtag = "etag";
inline constexpr std::string_view kBaseKey = "base-key";
inline constexpr std::string_view kBaseSha256 = "base-sha256";
inline constexpr std::string_view kDepth = "depth";
inline constexpr std::string_view kKeyframe = "keyframe";
inline constexpr std::string_view kLinkSize = "link-size";
}  // namespace field

inline constexpr std::string_view kReferenceNote = "reference";
inline constexpr std::string_view kZeroDiffNote = "zero-diff (reference identical)";

// The value of `name` under any spelling a release ever wrote: "dg-file-sha256",
// "dg_file_sha256", "file_sha256", "file-sha256" (and the same for every field).
std::optional<std::string> FindField(const Metadata& metadata, std::string_view name);

// What an object is, judged by its metadata alone (as the Python tool does).
enum class ObjectKind {
  kPlain,      // no file-sha256: written by something else, served as is
  kReference,  // note "reference" and no ref-key
  kDelta,      // has ref-key
  kDirect,     // file-sha256 without ref-key
};
ObjectKind Classify(const Metadata& metadata);

struct ReferenceRecord {
  std::string tool;
  std::string source_name;
  std::string sha256;  // of the raw reference bytes
  std::string created_at;
  std::string compression = "none";  // "none", "zstd", an archive codec, or a patch codec
  std::optional<uint64_t> size;      // raw size, when recorded
  // A generation stored as a patch against an earlier one (delta chains, ours):
  // `compression` names the patch codec, `base_key`/`base_sha256` the reference
  // it decodes against. `depth`: the patches a read decodes to rebuild it (0 for
  // a reference stored whole); `keyframe`: the generation number of the chain's
  // whole reference.
  std::string base_key;
  std::string base_sha256;
  int depth = 0;
  int keyframe = 0;
};

// What deltas and direct objects both record about the original file.
struct FileRecord {
  std::string tool;
  std::string original_name;
  std::string file_sha256;
  uint64_t file_size = 0;
  std::string created_at;
  std::string note;
  std::string etag;  // what S3 would have answered the upload: MD5 hex of the file
};

struct DeltaRecord : FileRecord {
  std::string ref_key;
  std::string ref_sha256;
  uint64_t delta_size = 0;
  std::string delta_cmd;
  // Deltas a read decodes (this one and its reference's chain); 1 when unrecorded.
  int depth = 1;
  // Bytes of the chain link (reference) this file's put made of it, if any.
  uint64_t link_size = 0;
};

struct DirectRecord : FileRecord {
  std::string compression = "none";
};

// Parsers fail with kCorrupted naming the missing or malformed field.
Result<ReferenceRecord> ParseReference(const Metadata& metadata);
Result<DeltaRecord> ParseDelta(const Metadata& metadata);
Result<DirectRecord> ParseDirect(const Metadata& metadata);

// The SHA256 a reference object's metadata gives its raw bytes; "" when the
// metadata is not a readable reference record.
std::string ReferenceSha256Of(const Metadata& metadata);

// A client's own metadata (x-amz-meta-NAME) is stored as "dg-user-NAME", so no
// name a client picks can pass for a dg-* field (readers accept bare legacy
// spellings such as "note"). Names are lower-case letters, digits, '-', '_' and
// '.'; values printable ASCII (they travel as HTTP headers). kInvalidArgument
// naming the first offender.
inline constexpr std::string_view kUserMetadataPrefix = "dg-user-";
Status ValidateUserMetadata(const Metadata& user);
void AddUserMetadata(const Metadata& user, Metadata& stored);
Metadata UserMetadataOf(const Metadata& stored);

// Writers emit the canonical "dg-" spellings only.
Metadata ToMetadata(const ReferenceRecord& record);
Metadata ToMetadata(const DeltaRecord& record);
Metadata ToMetadata(const DirectRecord& record);

}  // namespace deltaglider
