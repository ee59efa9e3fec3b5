#include "core/file_description.h"

namespace deltaglider {
namespace {

// What a delta or direct object records about the file it holds.
void DescribeFile(const FileRecord& record, const ObjectHead& head, FileInfo& info) {
  info.sha256 = record.file_sha256;
  info.note = record.note;
  if (Result<TimePoint> created = ParseTimestamp(record.created_at); created.ok()) {
    info.created_at = *created;
  }
  info.etag = record.etag;  // empty if written before ETags were recorded, or by the Python tool
  info.user_metadata = UserMetadataOf(head.metadata);
}

}  // namespace

FileInfo DescribePlain(std::string_view key, const ObjectHead& head) {
  FileInfo info;
  info.key = std::string(key);
  info.stored_key = head.key;
  info.stored_as = StoredAs::kPlain;
  info.size = head.size;
  info.stored_size = head.size;
  info.created_at = head.last_modified;
  info.etag = head.etag;
  info.content_type = head.content_type;
  info.user_metadata = head.metadata;
  return info;
}

Result<FileInfo> Describe(std::string_view key, const ObjectHead& head, ObjectKind kind) {
  FileInfo info = DescribePlain(key, head);
  if (kind == ObjectKind::kDelta) {
    DG_ASSIGN_OR_RETURN(DeltaRecord record, ParseDelta(head.metadata));
    info.stored_as = StoredAs::kDelta;
    info.size = record.file_size;
    info.ref_key = record.ref_key;
    info.depth = record.depth;
    info.stored_size += record.link_size;
    info.codec = std::string(CodecNameOf(record.delta_cmd));
    DescribeFile(record, head, info);
  } else if (kind == ObjectKind::kDirect) {
    DG_ASSIGN_OR_RETURN(DirectRecord record, ParseDirect(head.metadata));
    info.stored_as = StoredAs::kDirect;
    DescribeFile(record, head, info);
    if (info.etag.empty() && record.compression == "none") info.etag = head.etag;  // its own bytes
  }
  return info;
}

FileInfo DescribeListed(const ListEntry& entry) {
  ObjectHead head;
  head.key = entry.key;
  head.size = entry.size;
  head.etag = entry.etag;
  head.last_modified = entry.last_modified;
  FileInfo info = DescribePlain(entry.key, head);
  info.stored_as = StoredAs::kDirect;
  return info;
}

}  // namespace deltaglider
