#include "core/metadata.h"

#include <algorithm>
#include <charconv>
#include <cstdio>
#include <ctime>

#include "core/hash.h"
#include "core/utc_time.h"

namespace deltaglider {
namespace {

std::string Underscored(std::string_view name) {
  std::string out(name);
  for (char& c : out) {
    if (c == '-') c = '_';
  }
  return out;
}

std::string Key(std::string_view name) { return "dg-" + std::string(name); }

Error Malformed(std::string_view name, std::string_view why) {
  return MakeError(ErrorCode::kCorrupted, "metadata dg-", name, " ", why);
}

Result<std::string> Required(const Metadata& metadata, std::string_view name) {
  std::optional<std::string> value = FindField(metadata, name);
  if (!value || value->empty()) return Malformed(name, "is missing");
  return *value;
}

Result<std::string> RequiredSha256(const Metadata& metadata, std::string_view name) {
  DG_ASSIGN_OR_RETURN(std::string value, Required(metadata, name));
  if (!IsSha256Hex(value)) return Malformed(name, "is not a sha256: '" + value + "'");
  return value;
}

constexpr uint64_t kMaxRecordedNumber = 1u << 30;

Result<uint64_t> ParseSize(const Metadata& metadata, std::string_view name) {
  DG_ASSIGN_OR_RETURN(std::string value, Required(metadata, name));
  uint64_t number = 0;
  auto [end, ec] = std::from_chars(value.data(), value.data() + value.size(), number);
  if (ec != std::errc() || end != value.data() + value.size()) {
    return Malformed(name, "is not a size: '" + value + "'");
  }
  return number;
}

// A chain depth or generation number: small, so a hostile value cannot make a
// reader loop or allocate.
Result<int> ParseDepth(const Metadata& metadata, std::string_view name) {
  DG_ASSIGN_OR_RETURN(uint64_t number, ParseSize(metadata, name));
  if (number > kMaxRecordedNumber) return Malformed(name, "is out of range");
  return static_cast<int>(number);
}

std::string Optional(const Metadata& metadata, std::string_view name,
                     std::string_view fallback = "") {
  return FindField(metadata, name).value_or(std::string(fallback));
}

void SetIfNotEmpty(Metadata& metadata, std::string_view name, const std::string& value) {
  if (!value.empty()) metadata[Key(name)] = value;
}

// The fields every file record has; file-size only when `size_required`.
Status ParseFileFields(const Metadata& metadata, bool size_required, FileRecord& record) {
  DG_ASSIGN_OR_RETURN(record.file_sha256, RequiredSha256(metadata, field::kFileSha256));
  if (size_required || FindField(metadata, field::kFileSize)) {
    DG_ASSIGN_OR_RETURN(record.file_size, ParseSize(metadata, field::kFileSize));
  }
  record.tool = Optional(metadata, field::kTool);
  record.original_name = Optional(metadata, field::kOriginalName);
  record.created_at = Optional(metadata, field::kCreatedAt);
  record.note = Optional(metadata, field::kNote);
  record.etag = Optional(metadata, field::kEtag);
  return OkStatus();
}

Metadata FileFields(const FileRecord& record) {
  Metadata m;
  m[Key(field::kTool)] = record.tool;
  m[Key(field::kOriginalName)] = record.original_name;
  m[Key(field::kFileSha256)] = record.file_sha256;
  m[Key(field::kFileSize)] = std::to_string(record.file_size);
  m[Key(field::kCreatedAt)] = record.created_at;
  SetIfNotEmpty(m, field::kNote, record.note);
  SetIfNotEmpty(m, field::kEtag, record.etag);
  return m;
}

}  // namespace

std::optional<std::string> FindField(const Metadata& metadata, std::string_view name) {
  const std::string underscored = Underscored(name);
  for (const std::string& spelling :
       {Key(name), "dg_" + underscored, underscored, std::string(name), "dg-" + underscored}) {
    auto it = metadata.find(spelling);
    if (it != metadata.end()) return it->second;
  }
  return std::nullopt;
}

ObjectKind Classify(const Metadata& metadata) {
  if (FindField(metadata, field::kRefKey)) return ObjectKind::kDelta;
  if (FindField(metadata, field::kNote) == std::string(kReferenceNote)) {
    return ObjectKind::kReference;
  }
  if (FindField(metadata, field::kFileSha256)) return ObjectKind::kDirect;
  return ObjectKind::kPlain;
}

std::string FormatTimestamp(TimePoint time, bool z) {
  using namespace std::chrono;
  const auto micros = duration_cast<microseconds>(time.time_since_epoch()).count();
  std::time_t seconds = static_cast<std::time_t>(micros / 1000000);
  long fraction = static_cast<long>(micros % 1000000);
  if (fraction < 0) {
    fraction += 1000000;
    --seconds;
  }
  std::tm tm{};
  gmtime_r(&seconds, &tm);
  char buffer[48];
  std::snprintf(buffer, sizeof(buffer), "%04d-%02d-%02dT%02d:%02d:%02d.%06ld%s",
                tm.tm_year + 1900, tm.tm_mon + 1, tm.tm_mday, tm.tm_hour, tm.tm_min,
                tm.tm_sec, fraction, z ? "Z" : "");
  return buffer;
}

Result<TimePoint> ParseTimestamp(std::string_view text) {
  std::tm tm{};
  int consumed = 0;
  const std::string copy(text);
  if (std::sscanf(copy.c_str(), "%4d-%2d-%2dT%2d:%2d:%2d%n", &tm.tm_year, &tm.tm_mon,
                  &tm.tm_mday, &tm.tm_hour, &tm.tm_min, &tm.tm_sec, &consumed) != 6 ||
      consumed != 19) {
    return MakeError(ErrorCode::kCorrupted, "bad timestamp '", text, "'");
  }
  std::string_view rest = text.substr(19);
  long micros = 0;
  if (!rest.empty() && rest.front() == '.') {
    rest.remove_prefix(1);
    int digits = 0;
    while (!rest.empty() && rest.front() >= '0' && rest.front() <= '9') {
      if (digits < 6) {
        micros = micros * 10 + (rest.front() - '0');
        ++digits;
      }
      rest.remove_prefix(1);
    }
    if (digits == 0) return MakeError(ErrorCode::kCorrupted, "bad timestamp '", text, "'");
    for (; digits < 6; ++digits) micros *= 10;
  }
  if (rest == "Z" || rest == "+00:00") rest = {};
  if (!rest.empty()) return MakeError(ErrorCode::kCorrupted, "bad timestamp '", text, "'");
  auto time = UtcTime(UtcFields{tm.tm_year, tm.tm_mon, tm.tm_mday, tm.tm_hour, tm.tm_min, tm.tm_sec});
  if (!time.ok()) return MakeError(ErrorCode::kCorrupted, "bad timestamp '", text, "'");
  return *time + std::chrono::microseconds(micros);
}

Result<ReferenceRecord> ParseReference(const Metadata& metadata) {
  ReferenceRecord record;
  DG_ASSIGN_OR_RETURN(record.sha256, RequiredSha256(metadata, field::kFileSha256));
  record.tool = Optional(metadata, field::kTool);
  record.source_name = Optional(metadata, field::kSourceName);
  record.created_at = Optional(metadata, field::kCreatedAt);
  record.compression = Optional(metadata, field::kCompression, "none");
  if (FindField(metadata, field::kFileSize)) {
    DG_ASSIGN_OR_RETURN(record.size, ParseSize(metadata, field::kFileSize));
  }
  if (FindField(metadata, field::kBaseKey)) {
    DG_ASSIGN_OR_RETURN(record.base_key, Required(metadata, field::kBaseKey));
    DG_ASSIGN_OR_RETURN(record.base_sha256, RequiredSha256(metadata, field::kBaseSha256));
    DG_ASSIGN_OR_RETURN(record.depth, ParseDepth(metadata, field::kDepth));
    DG_ASSIGN_OR_RETURN(record.keyframe, ParseDepth(metadata, field::kKeyframe));
    if (record.depth < 1)
      return MakeError(ErrorCode::kCorrupted, "dg-depth of a patch must be >= 1");
  }
  return record;
}

Result<DeltaRecord> ParseDelta(const Metadata& metadata) {
  DeltaRecord record;
  DG_RETURN_IF_ERROR(ParseFileFields(metadata, /*size_required=*/true, record));
  DG_ASSIGN_OR_RETURN(record.ref_key, Required(metadata, field::kRefKey));
  DG_ASSIGN_OR_RETURN(record.ref_sha256, RequiredSha256(metadata, field::kRefSha256));
  DG_ASSIGN_OR_RETURN(record.delta_cmd, Required(metadata, field::kDeltaCmd));
  if (FindField(metadata, field::kDeltaSize)) {
    DG_ASSIGN_OR_RETURN(record.delta_size, ParseSize(metadata, field::kDeltaSize));
  }
  if (FindField(metadata, field::kDepth)) {
    DG_ASSIGN_OR_RETURN(record.depth, ParseDepth(metadata, field::kDepth));
  }
  if (FindField(metadata, field::kLinkSize)) {
    DG_ASSIGN_OR_RETURN(record.link_size, ParseSize(metadata, field::kLinkSize));
  }
  return record;
}

Result<DirectRecord> ParseDirect(const Metadata& metadata) {
  DirectRecord record;
  DG_RETURN_IF_ERROR(ParseFileFields(metadata, /*size_required=*/false, record));
  record.compression = Optional(metadata, field::kCompression, "none");
  return record;
}

std::string ReferenceSha256Of(const Metadata& metadata) {
  Result<ReferenceRecord> record = ParseReference(metadata);
  return record.ok() ? record->sha256 : "";
}

Status ValidateUserMetadata(const Metadata& user) {
  for (const auto& [name, value] : user) {
    const bool name_ok = !name.empty() && std::all_of(name.begin(), name.end(), [](char c) {
      return (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-' || c == '_' || c == '.';
    });
    if (!name_ok) {
      return MakeError(ErrorCode::kInvalidArgument, "metadata name '", name,
                       "': use lower-case letters, digits, '-', '_' and '.'");
    }
    if (!std::all_of(value.begin(), value.end(), [](char c) { return c >= ' ' && c <= '~'; })) {
      return MakeError(ErrorCode::kInvalidArgument, "metadata '", name,
                       "': the value must be printable ASCII");
    }
  }
  return OkStatus();
}

void AddUserMetadata(const Metadata& user, Metadata& stored) {
  for (const auto& [name, value] : user) stored[std::string(kUserMetadataPrefix) + name] = value;
}

Metadata UserMetadataOf(const Metadata& stored) {
  Metadata user;
  for (auto it = stored.lower_bound(std::string(kUserMetadataPrefix));
       it != stored.end() && it->first.starts_with(kUserMetadataPrefix); ++it) {
    user[it->first.substr(kUserMetadataPrefix.size())] = it->second;
  }
  return user;
}

Metadata ToMetadata(const ReferenceRecord& record) {
  Metadata m;
  m[Key(field::kTool)] = record.tool;
  m[Key(field::kSourceName)] = record.source_name;
  m[Key(field::kFileSha256)] = record.sha256;
  m[Key(field::kCreatedAt)] = record.created_at;
  m[Key(field::kNote)] = std::string(kReferenceNote);
  if (record.compression != "none") m[Key(field::kCompression)] = record.compression;
  if (record.size) m[Key(field::kFileSize)] = std::to_string(*record.size);
  if (!record.base_key.empty()) {
    m[Key(field::kBaseKey)] = record.base_key;
    m[Key(field::kBaseSha256)] = record.base_sha256;
    m[Key(field::kDepth)] = std::to_string(record.depth);
    m[Key(field::kKeyframe)] = std::to_string(record.keyframe);
  }
  return m;
}

Metadata ToMetadata(const DeltaRecord& record) {
  Metadata m = FileFields(record);
  m[Key(field::kRefKey)] = record.ref_key;
  m[Key(field::kRefSha256)] = record.ref_sha256;
  m[Key(field::kDeltaSize)] = std::to_string(record.delta_size);
  m[Key(field::kDeltaCmd)] = record.delta_cmd;
  if (record.depth > 1) m[Key(field::kDepth)] = std::to_string(record.depth);
  if (record.link_size > 0) m[Key(field::kLinkSize)] = std::to_string(record.link_size);
  return m;
}

Metadata ToMetadata(const DirectRecord& record) {
  Metadata m = FileFields(record);
  m[Key(field::kCompression)] = record.compression;
  return m;
}

}  // namespace deltaglider
