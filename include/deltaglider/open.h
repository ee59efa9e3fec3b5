// Client::Open: one call from an endpoint URL and options to working
// DeltaServices, the way leveldb's DB::Open turns a path into a database. It is
// the composition root every front end shares (the CLI, and the S3 gateway and
// Python module on top of the same library): storage from the URL (a local
// directory, or an S3 server reached with the AWS credential chain), the
// reference cache, the codecs at their levels and the clock, wired the one right
// way. It never parses a command line and never prints: warnings go to a hook.
#pragma once

#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <string_view>

#include "deltaglider/analysis.h"
#include "deltaglider/client.h"
#include "deltaglider/ports/object_store.h"
#include "deltaglider/result.h"
#include "deltaglider/s3.h"

namespace deltaglider {

// How an S3 endpoint is reached: the aws CLI's options of the same names. The
// environment fills what is left unset ($AWS_PROFILE, $AWS_REGION,
// $AWS_DEFAULT_REGION, $AWS_MAX_ATTEMPTS, $AWS_CA_BUNDLE, the profile's files).
struct S3Access {
  std::string profile;           // "" = $AWS_PROFILE, else "default"
  std::string region;            // "" = $AWS_REGION, $AWS_DEFAULT_REGION, the profile's, us-east-1
  bool no_sign_request = false;  // anonymous requests (public buckets)
  AddressingStyle addressing_style = AddressingStyle::kAuto;
  bool verify_tls = true;
  std::string sse;                   // "AES256", "aws:kms", "aws:kms:dsse"; "" = none
  std::string sse_kms_key_id;        // with sse "aws:kms"; "" = the account's aws/s3 key
  int max_attempts = 0;              // tries per request; 0 = $AWS_MAX_ATTEMPTS, else 3
  uint64_t multipart_threshold = 0;  // bytes; 0 = 8 MiB
  uint64_t multipart_part_size = 0;  // bytes; 0 = 8 MiB
};

enum class CacheKind {
  kDisk,    // shared by processes, kept across runs (falls back to memory, with a warning)
  kMemory,  // this Client's life only
};

struct ClientOptions {
  // "file:///abs/dir", "file://rel/dir" or a plain path: a local directory store
  // whose subdirectories are buckets. "http(s)://host:port": an S3 server.
  // "": $AWS_ENDPOINT_URL_S3, else $AWS_ENDPOINT_URL, else the AWS profile's
  // endpoint_url.
  std::string endpoint_url;
  S3Access s3;
  // How new deltas are made and stored (codec name, max-ratio, families, ...).
  ServiceOptions service;
  int delta_level = 3;       // zstd level of deltas
  int reference_level = 12;  // zstd level of references
  // The codecs' working set for large files (see ZstdCodecOptions::memory_limit).
  uint64_t memory_limit = ZstdCodecOptions{}.memory_limit;
  CacheKind cache = CacheKind::kDisk;
  std::string cache_dir;  // kDisk: "" = DefaultCacheDir()
  // Where bodies that cannot be read twice (pipes) and copies are spooled, in
  // files that have no name there: "" = $TMPDIR, else /tmp.
  std::string spool_dir;
  // Called with a one-line message for what is worth knowing but not an error
  // (e.g. the disk cache cannot be used). May be empty.
  std::function<void(std::string_view)> on_warning;
};

// A DeltaService bound to one bucket, with the bucket's store it works through.
struct BucketSession {
  std::unique_ptr<ObjectStore> store;
  std::unique_ptr<DeltaService> service;
};

class Client {
 public:
  // kInvalidArgument when no endpoint is configured anywhere or an option is
  // malformed; kUnsupported for a URL scheme this build cannot reach; the AWS
  // credential chain's errors for an S3 endpoint. Nothing is contacted yet.
  static Result<std::unique_ptr<Client>> Open(ClientOptions options);
  ~Client();
  Client(const Client&) = delete;
  Client& operator=(const Client&) = delete;

  // The endpoint in effect ("file:///srv/dg", "http://127.0.0.1:9000").
  const std::string& endpoint_url() const;
  // Buckets: create, delete, list, open raw.
  Storage& storage();

  // A DeltaService on `bucket` with the options given at Open (or `options`).
  // Opens the reference cache on first use. A session must not outlive this
  // Client: it borrows the Client's cache and codecs.
  Result<BucketSession> OpenBucket(std::string_view bucket);
  Result<BucketSession> OpenBucket(std::string_view bucket, const ServiceOptions& options);

  // The codecs the sessions use, at the levels given at Open: a delta codec by
  // name ("zstd-patch", "gzip-patch", "zip-patch", "xdelta3"), the zstd
  // compressor of references, and an archive-aware compressor of references by
  // name ("gzip-patch", "zip-patch"). kUnsupported for an unknown name.
  Result<const DeltaCodec*> Codec(std::string_view name);
  Result<const DeltaCodec*> ReferenceCompressor();
  Result<const DeltaCodec*> ReferenceCodec(std::string_view name);

  // Predicts what deltaglider would store for the plain objects under `prefix`
  // of `bucket` (docs/cli.md, analyze): lists them, groups them as puts would
  // (the service options' families and deltaspace), measures a sample of at
  // most options.sample_bytes with this client's codecs, extrapolates the rest.
  // kNotFound when the prefix holds no object. Reads only.
  Result<SavingsReport> AnalyzeSavings(std::string_view bucket, std::string_view prefix,
                                       const AnalyzeOptions& options);

  // A GET URL for the stored object `key`, valid for `expires_seconds`, signed
  // for this S3 endpoint; kUnsupported for a local directory store.
  Result<std::string> PresignGet(std::string_view bucket, std::string_view key,
                                 int expires_seconds);

 private:
  struct Parts;
  explicit Client(std::unique_ptr<Parts> parts);
  std::unique_ptr<Parts> parts_;
};

}  // namespace deltaglider
