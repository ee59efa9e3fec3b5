// One body written to S3 as a multipart upload through an S3Client:
// CreateMultipartUpload, UploadPart (parts read in order, a few uploading at
// once), CompleteMultipartUpload, and AbortMultipartUpload after any failure
// once the upload exists, so no parts are left behind. It never decides whether
// a put goes multipart and never reads the object back: S3ObjectStore does both
// (the latter through the `verify` it passes).
#pragma once

#include <cstdint>
#include <functional>
#include <string>
#include <string_view>
#include <vector>

#include "adapters/s3/http_client.h"
#include "adapters/s3/s3_client.h"
#include "deltaglider/result.h"
#include "deltaglider/stream.h"

namespace deltaglider::s3 {

// S3's limits: 5 MiB to 5 GiB a part, at most 10,000 parts.
inline constexpr uint64_t kMinPartSize = 5ull << 20;
inline constexpr uint64_t kMaxPartSize = 5ull << 30;
inline constexpr uint64_t kMaxParts = 10000;

// What a completed upload stored, next to what was sent.
struct StoredUpload {
  std::string etag;       // as CompleteMultipartUpload answered it, unquoted
  std::string sent_etag;  // MultipartEtag (stored_etag.h) of the parts sent
  std::string sha256;     // hex SHA256 of the whole body sent
  uint64_t size = 0;      // bytes sent
};

// Checks a completed upload before it counts as written; an error fails the put.
using VerifyUpload = std::function<Status(const StoredUpload&)>;

class MultipartUploader {
 public:
  // `object_headers` (content type, metadata, encryption) go with
  // CreateMultipartUpload; `if_none_match` makes the completion create-only
  // (If-None-Match: *).
  MultipartUploader(S3Client& client, std::string_view bucket, std::string_view key,
                    const HeaderList& object_headers, bool if_none_match);

  // Uploads `body` and completes the upload; any failure after the upload was
  // created aborts it. `size_hint` only sizes the parts: the client's part size,
  // larger when the body would otherwise need more than kMaxParts.
  Result<StoredUpload> Put(ByteSource& body, uint64_t size_hint, const VerifyUpload& verify);

 private:
  struct Parts {
    std::vector<std::string> etags;  // as the server sent them (quoted), in order
    std::vector<std::string> md5s;   // raw 16-byte MD5 of each part
    std::string sha256;              // hex SHA256 of all parts
    uint64_t size = 0;
  };

  Result<std::string> Create();
  Result<StoredUpload> UploadAndComplete(ByteSource& body, uint64_t part_size,
                                         const std::string& upload_id, const VerifyUpload& verify);
  Result<Parts> UploadParts(ByteSource& body, uint64_t part_size, const std::string& upload_id);
  Result<std::string> UploadPart(const std::string& upload_id, uint64_t number,
                                 const std::vector<std::byte>& part);
  Result<std::string> Complete(const std::string& upload_id, const std::vector<std::string>& etags);
  Error Abort(const std::string& upload_id, Error failure);

  S3Client& client_;
  const std::string bucket_;
  const std::string key_;
  const HeaderList object_headers_;
  const bool if_none_match_;
  const std::string context_;  // "put s3://bucket/key"
};

}  // namespace deltaglider::s3
