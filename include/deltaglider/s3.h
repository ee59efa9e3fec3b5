// S3 Storage: buckets on an S3-compatible endpoint (AWS S3, MinIO, R2, Ceph RGW,
// Garage, moto, ...), requests signed with AWS Signature Version 4, over libcurl.
//
// What it does today: HeadObject, GetObject (streamed), PutObject (signed payload;
// create-only with `If-None-Match: *`), multipart upload for bodies of at least
// `multipart_threshold` bytes, ListObjectsV2 (paged, delimiter, encoding-type=url),
// DeleteObject, and CreateBucket / DeleteBucket / ListBuckets / HeadBucket.
// Transient failures (no connection, timeouts, 5xx, SlowDown) are retried up to
// `max_attempts` times with jittered exponential backoff; a request body is
// rewound and resent. capabilities().conditional_put comes from a one-time probe
// of the bucket (a fresh key under .deltaglider/probe/ put twice with
// If-None-Match: *); where the endpoint ignores the header, create-only Puts
// check themselves with HEAD before and after (docs/s3.md: "Conditional writes").
// Server-side encryption (S3Config::sse) is requested on every write. The AWS
// credential chain is ResolveCredentials() below; its
// result goes into S3Config, either as fixed keys or as a CredentialProvider that
// re-resolves temporary credentials shortly before they expire.
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
#include <cstdint>
#include <functional>
#include <memory>
#include <mutex>
#include <optional>
#include <string>

#include "deltaglider/ports/object_store.h"

namespace deltaglider {

class CredentialProvider;

// How a bucket appears in request URLs.
enum class AddressingStyle {
  // Virtual host for AWS endpoints (host ending in .amazonaws.com) when the
  // bucket name is a valid host label (no '.' over https, where the wildcard
  // certificate would not match); path style for everything else: IP
  // addresses, localhost and custom endpoints (MinIO, R2, Ceph, moto, ...).
  kAuto,
  kPath,     // http://endpoint/bucket/key
  kVirtual,  // http://bucket.endpoint/key; needs a host name, not an IP address
};

struct S3Config {
  // "http://127.0.0.1:9000", "https://s3.eu-west-1.amazonaws.com"; may carry a
  // base path. Empty: https://s3.<region>.amazonaws.com.
  std::string endpoint_url;
  std::string region = "us-east-1";
  std::string access_key_id;
  std::string secret_access_key;
  std::string session_token;  // for temporary credentials; empty otherwise
  // When set, every signed request asks it for the current credentials and the
  // three fields above are ignored (CredentialProvider below).
  std::shared_ptr<CredentialProvider> credentials;
  AddressingStyle addressing_style = AddressingStyle::kAuto;
  // false: accept any certificate (--no-verify-ssl; for self-signed test servers).
  bool verify_tls = true;
  std::string ca_bundle;  // PEM file of trusted CAs; empty: the system's
  std::chrono::milliseconds connect_timeout{10000};
  int max_attempts = 3;  // per request, first try included
  // A Put whose body is known to hold at least `multipart_threshold` bytes goes
  // as a multipart upload of `multipart_part_size` parts (grown when needed to
  // stay within S3's 10,000 parts), two parts in flight. The parts are read from
  // the body in order, so the body need not rewind. A failed upload is aborted.
  // The part size must be 5 MiB to 5 GiB (S3's limits).
  uint64_t multipart_threshold = 8ull << 20;
  uint64_t multipart_part_size = 8ull << 20;
  // Server-side encryption asked for on every object written (PutObject and
  // CreateMultipartUpload, as signed x-amz-server-side-encryption headers): "" (the
  // bucket's default), "AES256" (SSE-S3), "aws:kms" or "aws:kms:dsse" (SSE-KMS,
  // with `sse_kms_key_id` or the account's default KMS key). Reads need nothing.
  std::string sse;
  std::string sse_kms_key_id;  // only with aws:kms / aws:kms:dsse
};

// Checks the configuration (endpoint URL, region, key pair, addressing style,
// part size, server-side encryption) without contacting
// the endpoint: kInvalidArgument naming the bad field. With neither an access key
// id nor a secret the requests go unsigned (anonymous access).
Result<std::unique_ptr<Storage>> NewS3Storage(const S3Config& config);

// A presigned GET URL for `key` in `bucket` (SigV4 query signing, only the host
// header signed, UNSIGNED-PAYLOAD), valid for `expires_seconds` from `now`: anyone
// holding it can download the stored object's bytes as they are. Addressing as
// for requests (config.addressing_style). Without credentials the plain URL is
// returned. kInvalidArgument for a bad configuration or expiry outside 1 s..7 days;
// the credential provider's errors when it cannot refresh.
Result<std::string> PresignS3GetUrl(
    const S3Config& config, std::string_view bucket, std::string_view key, int expires_seconds,
    std::chrono::system_clock::time_point now = std::chrono::system_clock::now());

// ---- The AWS credential and configuration chain, as the aws CLI walks it ----

struct AwsCredentials {
  std::string access_key_id;  // empty: anonymous (requests go unsigned)
  std::string secret_access_key;
  std::string session_token;  // empty unless temporary
  std::optional<std::chrono::system_clock::time_point> expiration;
  // Where they came from: "no-sign-request", "environment",
  // "shared-credentials-file", "credential_process", "config-file",
  // "container", "imds".
  std::string source;
};

// An environment variable's value, or nullopt when it is unset.
using EnvLookup = std::function<std::optional<std::string>(const std::string& name)>;

struct CredentialOptions {
  // --profile. Wins over $AWS_PROFILE and, as in the aws CLI, makes the chain
  // skip $AWS_ACCESS_KEY_ID. Empty: $AWS_PROFILE, else "default".
  std::string profile;
  bool no_sign_request = false;  // --no-sign-request: anonymous, nothing is read
  EnvLookup env;                 // nullptr: the process environment
  // Per request to the container credential endpoint and to EC2 metadata.
  std::chrono::milliseconds metadata_timeout{1000};
};

// Walks the chain and returns the first credentials found:
//   1. $AWS_ACCESS_KEY_ID + $AWS_SECRET_ACCESS_KEY [+ $AWS_SESSION_TOKEN]
//      (skipped when options.profile is set);
//   2. the profile in $AWS_SHARED_CREDENTIALS_FILE (~/.aws/credentials), then its
//      `credential_process` (run without a shell; JSON Version 1 on stdout), then
//      its keys in $AWS_CONFIG_FILE (~/.aws/config, "[profile NAME]"/"[default]");
//   3. the container endpoint: $AWS_CONTAINER_CREDENTIALS_RELATIVE_URI (under
//      http://169.254.170.2) or $AWS_CONTAINER_CREDENTIALS_FULL_URI (http only to
//      loopback or the ECS/EKS addresses), with $AWS_CONTAINER_AUTHORIZATION_TOKEN
//      or the token in $AWS_CONTAINER_AUTHORIZATION_TOKEN_FILE;
//   4. EC2 instance metadata, IMDSv2 (token, role, credentials), at
//      $AWS_EC2_METADATA_SERVICE_ENDPOINT or http://169.254.169.254, skipped when
//      $AWS_EC2_METADATA_DISABLED=true; unreachable metadata counts as "none".
// Errors: kNotFound for a named profile that exists in neither file;
// kFailedPrecondition when no source has credentials (the message says how to
// configure them); kCorrupted for unreadable files or answers; kInvalidArgument
// for half a key pair; kUnsupported for profiles that need assume-role or SSO;
// kPermissionDenied / kUnavailable from a failing credential_process or endpoint.
Result<AwsCredentials> ResolveCredentials(const CredentialOptions& options);

// Holds the current credentials and, when they carry an expiration, re-resolves
// them once less than kRefreshMargin remains (or they have expired). A failed
// refresh keeps the old credentials until they actually expire; after that the
// refresh error is returned. Credentials without an expiration (environment or
// profile keys) never refresh. Thread-safe; at most one refresh runs at a time
// (callers needing credentials meanwhile wait for it).
class CredentialProvider {
 public:
  static constexpr std::chrono::minutes kRefreshMargin{5};
  using Resolver = std::function<Result<AwsCredentials>()>;
  using Clock = std::function<std::chrono::system_clock::time_point()>;

  // `resolver` yields fresh credentials; `clock` nullptr: the system clock.
  CredentialProvider(AwsCredentials initial, Resolver resolver, Clock clock = nullptr);

  // Resolves the chain once now (errors as ResolveCredentials) and keeps
  // `options` for later refreshes.
  static Result<std::shared_ptr<CredentialProvider>> FromChain(const CredentialOptions& options);

  // The credentials to sign with now, refreshed first when due.
  Result<AwsCredentials> Current();

 private:
  std::mutex mutex_;
  AwsCredentials current_;  // guarded by mutex_
  Resolver resolver_;
  Clock clock_;
};

// The profile's non-secret settings with the aws CLI's precedence.
struct AwsSettings {
  std::string profile;  // the profile in effect
  // $AWS_REGION, else $AWS_DEFAULT_REGION, else the profile's `region`; "" if none.
  std::string region;
  // $AWS_ENDPOINT_URL_S3, else $AWS_ENDPOINT_URL, else the profile's
  // `endpoint_url`; "" if none.
  std::string endpoint_url;
};
// Errors as ResolveCredentials for the profile files.
Result<AwsSettings> ResolveSettings(const CredentialOptions& options);

}  // namespace deltaglider
