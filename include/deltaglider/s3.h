// S3 Storage: buckets on an S3-compatible endpoint (AWS S3, MinIO, R2, Ceph RGW,
// Garage, moto, ...), requests signed with AWS Signature Version 4, over libcurl.
//
// What it does today: HeadObject, GetObject (streamed), PutObject (signed payload;
// create-only with `If-None-Match: *`), ListObjectsV2 (paged, delimiter,
// encoding-type=url), DeleteObject, and CreateBucket / DeleteBucket / ListBuckets /
// HeadBucket. Transient failures (no connection, timeouts, 5xx, SlowDown) are
// retried up to `max_attempts` times with jittered exponential backoff; a request
// body is rewound and resent. Not yet: multipart upload, virtual-host addressing,
// the AWS credential chain (pass the keys here), server-side encryption.
//
// Metadata values travel as ASCII: a value holding bytes outside printable ASCII
// (or leading/trailing spaces, or looking like an encoded word itself) is sent as
// one RFC 2047 encoded word, "=?UTF-8?B?<base64>?=" -- the form S3 itself uses
// when it returns non-ASCII metadata -- and decoded again on read.
//
// Safe for concurrent use from several threads; stores opened from one Storage
// share its connection pool and may outlive it.
#pragma once

#include <chrono>
#include <memory>
#include <string>

#include "deltaglider/ports/object_store.h"

namespace deltaglider {

struct S3Config {
  // "http://127.0.0.1:9000", "https://s3.eu-west-1.amazonaws.com"; may carry a
  // base path. Empty: https://s3.<region>.amazonaws.com.
  std::string endpoint_url;
  std::string region = "us-east-1";
  std::string access_key_id;
  std::string secret_access_key;
  std::string session_token;  // for temporary credentials; empty otherwise
  // Path-style addressing (http://endpoint/bucket/key). Only path style is
  // implemented so far; false is refused with kUnsupported.
  bool path_style = true;
  bool verify_tls = true;
  std::string ca_bundle;  // PEM file of trusted CAs; empty: the system's
  std::chrono::milliseconds connect_timeout{10000};
  int max_attempts = 3;  // per request, first try included
};

// Checks the configuration (endpoint URL, region, key pair) without contacting
// the endpoint: kInvalidArgument naming the bad field. With neither an access key
// id nor a secret the requests go unsigned (anonymous access).
Result<std::unique_ptr<Storage>> NewS3Storage(const S3Config& config);

}  // namespace deltaglider
