// Context: what one CLI invocation works with. It turns the global options into
// the library's ClientOptions and opens a Client (deltaglider/open.h, the
// composition root) for the endpoint and, when cp/mv/sync read from another
// endpoint, one for the source. Commands get everything through it and never
// construct adapters themselves.
#pragma once

#include <memory>
#include <string>

#include "cli/aws_options.h"
#include "cli/output.h"
#include "deltaglider/open.h"

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
  int max_depth = ServiceOptions{}.max_depth;  // --max-depth
  std::string deltaspace;   // --deltaspace PREFIX
  std::string codec = "zstd-patch";
  int level = 3;            // zstd level of deltas
  int reference_level = 12;  // zstd level of references
  std::string cache_dir;    // "" = DefaultCacheDir()
  std::string memory_limit;  // --memory-limit "256MiB"; "": the library's default
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
  // Client::AnalyzeSavings on the endpoint, with its codecs at --level and
  // --reference-level and the grouping of --no-family/--deltaspace.
  Result<SavingsReport> AnalyzeSavings(const std::string& bucket, const std::string& prefix,
                                       const AnalyzeOptions& options);
  // Sessions opened from now on read every new delta back before removing the
  // object it replaces (migrate in place).
  void VerifyBeforeReplacing() { verify_before_replacing_ = true; }
  // A GET URL for `key`, valid for `expires_seconds`, signed for the endpoint's
  // S3 server; kUnsupported for a file:// store.
  Result<std::string> Presign(const std::string& bucket, const std::string& key,
                              int expires_seconds);

 private:
  Result<Client*> client();
  Result<std::unique_ptr<Client>> OpenClient(const std::string& endpoint_url) const;
  ServiceOptions Service() const;

  const GlobalOptions& options_;
  Output out_;
  bool verify_before_replacing_ = false;
  std::unique_ptr<Client> client_;
  std::unique_ptr<Client> source_client_;
};

}  // namespace deltaglider::cli
