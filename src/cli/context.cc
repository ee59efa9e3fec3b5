#include "cli/context.h"

#include <thread>

#include "cli/endpoint.h"
#include "deltaglider/cache.h"
#include "deltaglider/vcdiff.h"

namespace deltaglider::cli {

Context::Context(const GlobalOptions& options) : options_(options), out_(options.output) {}

Context::~Context() = default;

Result<Storage*> Context::storage() {
  if (!storage_) {
    const std::string url = ResolveEndpointUrl(options_.endpoint_url, options_.aws);
    out_.Debug("endpoint " + url);
    DG_ASSIGN_OR_RETURN(storage_, OpenStorage(url, options_.aws));
  }
  return storage_.get();
}

Status Context::InitServicePorts() {
  if (cache_) return OkStatus();
  DiskCacheOptions cache_options;
  cache_options.dir = options_.cache_dir.empty() ? DefaultCacheDir() : options_.cache_dir;
  out_.Debug("reference cache " + cache_options.dir);
  auto disk_cache = NewDiskReferenceCache(cache_options);
  if (disk_cache.ok()) {
    cache_ = std::move(*disk_cache);
  } else {
    // Still correct without the disk cache, only slower across runs: say so and go on.
    out_.Warning(disk_cache.error().message + "; keeping references in memory for this run");
    cache_ = NewMemoryReferenceCache();
  }
  // The codec uses workers only where they keep matches against the reference
  // (levels >= 16 with long-distance matching; see src/codec/zstd_delta_codec.h).
  const int workers = std::thread::hardware_concurrency() > 1 ? 2 : 0;
  const ZstdCodecOptions delta_level{.level = options_.level, .workers = workers, .long_distance = true};
  codecs_.Add(NewZstdDeltaCodec(delta_level));
  codecs_.Add(NewGzipDeltaCodec({.zstd = delta_level}));  // .gz/.tgz: inflated, rebuilt exactly
  codecs_.Add(NewZipDeltaCodec({.zstd = delta_level}));   // .zip/.jar: entries expanded
  codecs_.Add(NewXdelta3Codec());  // reads (in-process) and writes the Python DeltaGlider's deltas
  const ZstdCodecOptions reference_level{
      .level = options_.reference_level, .workers = 0, .long_distance = true};  // MT: larger, no faster
  reference_compressor_ = NewZstdDeltaCodec(reference_level);
  reference_codecs_.Add(NewGzipDeltaCodec({.zstd = reference_level}));
  reference_codecs_.Add(NewZipDeltaCodec({.zstd = reference_level}));
  return OkStatus();
}

Result<BucketSession> Context::Open(const std::string& bucket) {
  DG_ASSIGN_OR_RETURN(Storage * storage, storage());
  return OpenOn(*storage, bucket);
}

Result<BucketSession> Context::OpenSource(const std::string& bucket) {
  if (options_.source_endpoint_url.empty()) return Open(bucket);
  if (!source_storage_) {
    out_.Debug("source endpoint " + options_.source_endpoint_url);
    DG_ASSIGN_OR_RETURN(source_storage_, OpenStorage(options_.source_endpoint_url, options_.aws));
  }
  return OpenOn(*source_storage_, bucket);
}

Result<const DeltaCodec*> Context::Codec(std::string_view name) {
  DG_RETURN_IF_ERROR(InitServicePorts());
  return codecs_.ForCommand(name);
}

Result<const DeltaCodec*> Context::ReferenceCompressor() {
  DG_RETURN_IF_ERROR(InitServicePorts());
  return static_cast<const DeltaCodec*>(reference_compressor_.get());
}

Result<const DeltaCodec*> Context::ReferenceCodec(std::string_view name) {
  DG_RETURN_IF_ERROR(InitServicePorts());
  return reference_codecs_.ForCommand(name);
}

Result<std::string> Context::Presign(const std::string& bucket, const std::string& key,
                                     int expires_seconds) {
  const std::string url = ResolveEndpointUrl(options_.endpoint_url, options_.aws);
  return PresignUrl(url, options_.aws, bucket, key, expires_seconds);
}

Result<BucketSession> Context::OpenOn(Storage& storage, const std::string& bucket) {
  DG_RETURN_IF_ERROR(InitServicePorts());
  BucketSession session;
  DG_ASSIGN_OR_RETURN(session.store, storage.OpenBucket(bucket));
  ServicePorts ports;
  ports.store = session.store.get();
  ports.cache = cache_.get();
  ports.codecs = &codecs_;
  ports.reference_compressor = reference_compressor_.get();
  ports.reference_codecs = &reference_codecs_;
  ports.clock = &SystemClock();
  ServiceOptions service_options;
  service_options.max_ratio = options_.max_ratio;
  service_options.codec = options_.codec;
  service_options.families = !options_.no_family;
  service_options.rotate_references = !options_.no_rotate;
  service_options.deltaspace = options_.deltaspace;
  service_options.verify_before_replacing = verify_before_replacing_;
  session.service = std::make_unique<DeltaService>(ports, service_options);
  return session;
}

}  // namespace deltaglider::cli
