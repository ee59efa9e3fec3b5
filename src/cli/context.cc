#include "cli/context.h"

namespace deltaglider::cli {

namespace {

constexpr uint64_t kLeastMemoryLimit = uint64_t{64} << 20;

Result<uint64_t> ParseMemoryLimit(std::string_view text) {
  DG_ASSIGN_OR_RETURN(const uint64_t bytes, ParseByteSize("--memory-limit", text));
  if (bytes >= kLeastMemoryLimit) return bytes;
  return MakeError(ErrorCode::kInvalidArgument, "--memory-limit '", text,
                   "': at least 64MiB (8 MiB segments, one at a time)");
}

}  // namespace

Context::Context(const GlobalOptions& options) : options_(options), out_(options.output) {}

Context::~Context() = default;

ServiceOptions Context::Service() const {
  ServiceOptions service;
  service.max_ratio = options_.max_ratio;
  service.codec = options_.codec;
  service.families = !options_.no_family;
  service.rotate_references = !options_.no_rotate;
  service.max_depth = options_.max_depth;
  service.deltaspace = options_.deltaspace;
  service.verify_before_replacing = verify_before_replacing_;
  return service;
}

Result<std::unique_ptr<Client>> Context::OpenClient(const std::string& endpoint_url) const {
  ClientOptions client;
  client.endpoint_url = endpoint_url;
  DG_ASSIGN_OR_RETURN(client.s3, ToS3Access(options_.aws));
  client.service = Service();
  client.delta_level = options_.level;
  client.reference_level = options_.reference_level;
  if (!options_.memory_limit.empty()) {
    DG_ASSIGN_OR_RETURN(client.memory_limit, ParseMemoryLimit(options_.memory_limit));
  }
  client.cache_dir = options_.cache_dir;
  client.on_warning = [this](std::string_view message) { out_.Warning(std::string(message)); };
  DG_ASSIGN_OR_RETURN(std::unique_ptr<Client> opened, Client::Open(std::move(client)));
  out_.Debug("endpoint " + opened->endpoint_url());
  return opened;
}

Result<Client*> Context::client() {
  if (!client_) {
    DG_ASSIGN_OR_RETURN(client_, OpenClient(options_.endpoint_url));
  }
  return client_.get();
}

Result<Storage*> Context::storage() {
  DG_ASSIGN_OR_RETURN(Client * opened, client());
  return &opened->storage();
}

Result<BucketSession> Context::Open(const std::string& bucket) {
  DG_ASSIGN_OR_RETURN(Client * opened, client());
  return opened->OpenBucket(bucket, Service());
}

Result<BucketSession> Context::OpenSource(const std::string& bucket) {
  if (options_.source_endpoint_url.empty()) return Open(bucket);
  if (!source_client_) {
    DG_ASSIGN_OR_RETURN(source_client_, OpenClient(options_.source_endpoint_url));
  }
  return source_client_->OpenBucket(bucket, Service());
}

Result<SavingsReport> Context::AnalyzeSavings(const std::string& bucket, const std::string& prefix,
                                              const AnalyzeOptions& options) {
  DG_ASSIGN_OR_RETURN(Client * opened, client());
  return opened->AnalyzeSavings(bucket, prefix, options);
}

Result<std::string> Context::Presign(const std::string& bucket, const std::string& key,
                                     int expires_seconds) {
  DG_ASSIGN_OR_RETURN(Client * opened, client());
  return opened->PresignGet(bucket, key, expires_seconds);
}

}  // namespace deltaglider::cli
