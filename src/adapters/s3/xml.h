// The few S3 XML documents the adapter reads (ListObjectsV2, ListAllMyBuckets,
// Error), parsed by a small XML reader written for hostile input: no DTDs (so no
// entity expansion), only the five predefined entities and numeric references,
// nesting capped at kMaxXmlDepth, every malformed document -> kCorrupted, never a
// crash or an unbounded allocation beyond the input's size. Namespace prefixes
// are dropped from element names; attributes are skipped. XmlEscape serves the
// few documents the adapter writes. Thread-safe (pure).
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "deltaglider/result.h"
#include "deltaglider/types.h"

namespace deltaglider::s3 {

inline constexpr int kMaxXmlDepth = 32;

struct XmlElement {
  std::string name;  // local name, without a namespace prefix
  std::string text;  // character data directly inside, entities decoded
  std::vector<XmlElement> children;

  // The first child called `child_name`, or nullptr.
  const XmlElement* Child(std::string_view child_name) const;
  // That child's text, or "" when absent.
  std::string ChildText(std::string_view child_name) const;
};

// Parses a whole document and returns its root element.
Result<XmlElement> ParseXml(std::string_view document);

// `text` with &, <, > and " escaped, as element text of a document we send.
std::string XmlEscape(std::string_view text);

// One page of a ListObjectsV2 result. With <EncodingType>url</EncodingType> in the
// document, keys and prefixes are URL-decoded ('+' read as a space too).
struct ListObjectsPage {
  std::vector<ListEntry> entries;  // objects and common prefixes, in key order
  bool is_truncated = false;
  std::string next_continuation_token;
};
Result<ListObjectsPage> ParseListObjectsV2(std::string_view document);

// ListAllMyBucketsResult, sorted by name.
Result<std::vector<BucketInfo>> ParseListBuckets(std::string_view document);

// An S3 <Error> document.
struct S3ErrorBody {
  std::string code;     // "NoSuchKey"
  std::string message;  // "The specified key does not exist."
};
Result<S3ErrorBody> ParseErrorBody(std::string_view document);

// One <Error> entry of a DeleteObjects result.
struct DeleteFailure {
  std::string key;
  std::string code;
  std::string message;
};
// The failures listed in a <DeleteResult> (empty when every key was removed).
Result<std::vector<DeleteFailure>> ParseDeleteResult(std::string_view document);

// One page of ListMultipartUploads.
struct MultipartUpload {
  std::string key;
  std::string upload_id;
  TimePoint initiated{};
};
struct MultipartUploadsPage {
  std::vector<MultipartUpload> uploads;
  bool is_truncated = false;
  std::string next_key_marker;
  std::string next_upload_id_marker;
};
Result<MultipartUploadsPage> ParseListMultipartUploads(std::string_view document);

// "2009-10-12T17:50:30.000Z" (fraction and 'Z' optional) -> time point; kCorrupted
// if malformed.
Result<TimePoint> ParseIso8601(std::string_view text);

}  // namespace deltaglider::s3
