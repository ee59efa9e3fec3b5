// Context: the CLI's composition root for one invocation. It holds the global
// options and wires the ports (storage from the endpoint, the disk reference cache,
// the codecs, the clock) into a DeltaService per bucket. Commands get everything
// through it and never construct adapters themselves.
#pragma once

#include <memory>
#include <string>

#include "cli/endpoint.h"
#include "cli/output.h"
#include "deltaglider/client.h"

namespace deltaglider::cli {

struct GlobalOptions {
  std::string endpoint_url;
  // Where the s3:// *source* of cp/mv/sync lives when it is another endpoint
  // (file:// <-> s3://, one S3 server to another); "" = endpoint_url.
  std::string source_endpoint_url;
  AwsOptions aws;
  OutputOptions output;
  double max_ratio = 0.5;
  bool no_family = false;   // --no-family
  bool no_rotate = false;   // --no-rotate
  std::string deltaspace;   // --deltaspace PREFIX
  std::string codec = "zstd-patch";
  int level = 3;            // zstd level of deltas
  int reference_level = 12;  // zstd level of references
  std::string cache_dir;    // "" = DefaultCacheDir()
};

// A DeltaService bound to one bucket, with the store it owns.
struct BucketSession {
  std::unique_ptr<ObjectStore> store;
  std::unique_ptr<DeltaService> service;
};

class Context {
 public:
  explicit Context(const GlobalOptions& options);
  ~Context();

  const GlobalOptions& options() const { return options_; }
  const Output& out() const { return out_; }

  Result<Storage*> storage();
  Result<BucketSession> Open(const std::string& bucket);
  // A bucket of the source endpoint (--source-endpoint-url, else the endpoint).
  Result<BucketSession> OpenSource(const std::string& bucket);
  // The codecs the DeltaServices of this invocation use, configured by --level and
  // --reference-level: the delta codec `name` ("zstd-patch", "zip-patch", ...),
  // the zstd compressor of references, and the archive-aware compressor of
  // references `name` ("gzip-patch", "zip-patch"). kUnsupported for an unknown name.
  Result<const DeltaCodec*> Codec(std::string_view name);
  Result<const DeltaCodec*> ReferenceCompressor();
  Result<const DeltaCodec*> ReferenceCodec(std::string_view name);
  // Sessions opened from now on read every new delta back before removing the
  // object it replaces (migrate in place).
  void VerifyBeforeReplacing() { verify_before_replacing_ = true; }
  // A GET URL for `key`, valid for `expires_seconds`, signed for the endpoint's
  // S3 server; kUnsupported for a file:// store.
  Result<std::string> Presign(const std::string& bucket, const std::string& key,
                              int expires_seconds);

 private:
  Status InitServicePorts();
  Result<BucketSession> OpenOn(Storage& storage, const std::string& bucket);

  const GlobalOptions& options_;
  Output out_;
  bool verify_before_replacing_ = false;
  std::unique_ptr<Storage> storage_;
  std::unique_ptr<Storage> source_storage_;
  std::unique_ptr<ReferenceCache> cache_;
  CodecRegistry codecs_;
  CodecRegistry reference_codecs_;  // archive-aware compressors of references
  std::unique_ptr<DeltaCodec> reference_compressor_;
};

}  // namespace deltaglider::cli
