// ObjectStore: the port through which the core reads and writes the objects of
// one bucket; Storage: the endpoint that holds buckets.
//
// Implementations are safe for concurrent use from several threads and processes.
// Error contract, checked by tests/conformance/object_store_conformance.h:
//   missing key                -> kNotFound
//   missing bucket             -> kBucketNotFound (NoSuchBucket())
//   create-only write lost     -> kAlreadyExists, nothing written
//   CreateBucket of one that exists -> kBucketAlreadyExists
//   DeleteBucket of one that holds objects -> kBucketNotEmpty
//   malformed or unsafe key    -> kInvalidArgument
//   transient failure          -> kUnavailable
// A Put is atomic: readers see the old object or the whole new one, never a part.
#pragma once

#include <functional>
#include <memory>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "deltaglider/result.h"
#include "deltaglider/stream.h"
#include "deltaglider/types.h"

namespace deltaglider {

// The error every adapter returns for an operation on a missing bucket
// (kBucketNotFound, "no such bucket 'NAME'"); a missing key is kNotFound.
Error NoSuchBucket(std::string_view bucket);

// S3's bucket naming rules, which every Storage enforces in CreateBucket and
// OpenBucket: 3-63 characters of lower-case letters, digits, '-' and '.', starting
// and ending with a letter or digit, no "..". kInvalidArgument naming the rule.
inline Status ValidateBucketName(std::string_view name) {
  auto bad = [name](std::string_view rule) {
    return MakeError(ErrorCode::kInvalidArgument, "invalid bucket name '", name, "': ", rule);
  };
  auto alnum = [](char c) { return (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9'); };
  if (name.size() < 3 || name.size() > 63) return bad("must be 3 to 63 characters");
  for (char c : name) {
    if (!alnum(c) && c != '-' && c != '.') {
      return bad("only lower-case letters, digits, '-' and '.' are allowed");
    }
  }
  if (!alnum(name.front()) || !alnum(name.back())) {
    return bad("must start and end with a letter or digit");
  }
  if (name.find("..") != std::string_view::npos) return bad("must not contain \"..\"");
  return OkStatus();
}

// For stores that group keys themselves: the common prefix ("dir/") `key` rolls
// up into under `options.delimiter`, or "" when the key is listed on its own.
std::string CommonPrefixOf(std::string_view key, const ListOptions& options);

class ObjectStore {
 public:
  virtual ~ObjectStore() = default;

  // The bucket this store reads and writes, for messages ("s3://<bucket>/<key>").
  virtual const std::string& bucket() const = 0;

  virtual Result<ObjectHead> Head(std::string_view key) = 0;

  // Streams the object's bytes into `sink` and returns its head. On error `sink`
  // may hold a partial body; callers that must not expose it write to a temp.
  virtual Result<ObjectHead> Get(std::string_view key, ByteSink& sink) = 0;

  // Writes the whole of `body` under `key` with `options.metadata`.
  virtual Result<ObjectHead> Put(std::string_view key, ByteSource& body,
                                 const PutOptions& options) = 0;

  virtual Status List(const ListOptions& options, const ListVisitor& visit) = 0;

  // Removes `key`. A missing key is success, as in S3.
  virtual Status Delete(std::string_view key) = 0;

  // Streams bytes [offset, offset + length) of `key` into `sink` (fewer when the
  // object ends first; none when offset is past its end) and returns its head.
  // The default reads the whole object and keeps the range; S3 and file:// read
  // only the range.
  virtual Result<ObjectHead> GetRange(std::string_view key, uint64_t offset, uint64_t length,
                                      ByteSink& sink);

  // Removes every key in `keys` (missing ones are success), in batches where the
  // store can (S3 DeleteObjects: 1000 per request). On failure the error names
  // the first key that could not be removed and how many failed; the others
  // were still attempted.
  virtual Status DeleteKeys(std::span<const std::string> keys);

  // Copies `from` to `to` inside this bucket without moving the bytes through
  // the caller, replacing the metadata with `options.metadata` (if_none_match is
  // honoured). kUnsupported where the store cannot (capabilities().server_side_copy).
  virtual Result<ObjectHead> CopyObject(std::string_view from, std::string_view to,
                                  const PutOptions& options);

  // Finds what interrupted writes left behind that is older than `older_than`,
  // calls `report` for each, and removes it unless `dry_run`. Never touches a
  // key or anything a write in progress may still use. Default: nothing.
  virtual Status CollectLitter(TimePoint older_than, bool dry_run,
                               const std::function<void(const Litter&)>& report);

  virtual Capabilities capabilities() const = 0;
};

class Storage {
 public:
  virtual ~Storage() = default;

  // A human description of where the buckets live ("file:///srv/dg").
  virtual std::string Describe() const = 0;

  // Opens a bucket without checking that it exists: operations on a missing
  // bucket fail with kBucketNotFound.
  virtual Result<std::unique_ptr<ObjectStore>> OpenBucket(std::string_view name) = 0;

  // kBucketAlreadyExists if it exists; kInvalidArgument for a name S3 would refuse.
  virtual Status CreateBucket(std::string_view name) = 0;

  // kBucketNotFound if missing; kBucketNotEmpty if it still holds objects.
  virtual Status DeleteBucket(std::string_view name) = 0;

  virtual Result<std::vector<BucketInfo>> ListBuckets() = 0;
};

}  // namespace deltaglider
