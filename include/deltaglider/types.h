// Plain value types shared by the SDK and its ports: object descriptions,
// write options and listing entries. No behaviour lives here.
#pragma once

#include <chrono>
#include <cstdint>
#include <functional>
#include <map>
#include <string>
#include <utility>

#include "deltaglider/result.h"

namespace deltaglider {

using TimePoint = std::chrono::system_clock::time_point;

// User metadata of one object. Keys are lower-case and carry no `x-amz-meta-`
// prefix ("dg-file-sha256"); values are ASCII.
using Metadata = std::map<std::string, std::string>;

// What a store knows about one stored object.
struct ObjectHead {
  std::string key;
  uint64_t size = 0;  // bytes of the stored object
  std::string etag;   // lower-case hex MD5 of the bytes for single-part writes
  TimePoint last_modified{};
  std::string content_type;
  Metadata metadata;
};

struct PutOptions {
  Metadata metadata;
  std::string content_type = "application/octet-stream";
  // Create-only write (S3 `If-None-Match: *`): fails with kAlreadyExists,
  // writing nothing, when the key already exists.
  bool if_none_match = false;
};

struct ListOptions {
  ListOptions(std::string prefix = "", std::string delimiter = "",  // NOLINT: {prefix, delimiter}
              std::string start_after = "")
      : prefix(std::move(prefix)),
        delimiter(std::move(delimiter)),
        start_after(std::move(start_after)) {}

  std::string prefix;     // only keys starting with this
  std::string delimiter;  // "" lists every key; "/" groups keys into common prefixes
  // Only keys that sort after this one (S3 `start-after`); a common prefix is
  // listed when a key after it rolls up into it.
  std::string start_after;
};

// One row of a listing: an object, or (with a delimiter) a common prefix such as
// "releases/v1/".
struct ListEntry {
  std::string key;
  bool is_prefix = false;
  uint64_t size = 0;
  std::string etag;
  TimePoint last_modified{};
};

// Called once per entry in ascending key order (UTF-8 byte order); a failed
// Status stops the listing and is returned by List().
using ListVisitor = std::function<Status(const ListEntry&)>;

// What optional behaviour a store offers, so callers can pick a safe path.
struct Capabilities {
  bool conditional_put = false;   // honours PutOptions::if_none_match atomically
  bool server_side_copy = false;  // Copy() works without streaming the bytes through us
};

// Something a store left behind outside any key: a temp file of an interrupted
// write (file://), an incomplete multipart upload (S3).
struct Litter {
  std::string description;  // "temp file ROOT/.dg-tmp/x", "multipart upload <id> of <key>"
  uint64_t bytes = 0;       // 0 when unknown
  TimePoint since{};
};

struct BucketInfo {
  std::string name;
  TimePoint created{};
};

}  // namespace deltaglider
