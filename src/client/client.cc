#include <cstdlib>
#include <mutex>
#include <thread>

#include "client/endpoint.h"
#include "client/savings_analysis.h"
#include "deltaglider/cache.h"
#include "deltaglider/codecs.h"
#include "deltaglider/files.h"
#include "deltaglider/memory.h"
#include "deltaglider/open.h"
#include "deltaglider/vcdiff.h"

namespace deltaglider {

struct Client::Parts {
  ClientOptions options;
  std::string endpoint_url;
  std::unique_ptr<Storage> storage;
  // Made on first use (a listing needs neither).
  std::unique_ptr<ReferenceCache> cache;
  CodecRegistry codecs;
  CodecRegistry reference_codecs;  // archive-aware compressors of references
  std::unique_ptr<DeltaCodec> reference_compressor;
  std::unique_ptr<Spool> spool;
  std::once_flag made;

  void Warn(std::string_view message) const {
    if (options.on_warning) options.on_warning(message);
  }
  void OpenCache();
  void OpenSpool();
  void MakeCodecs();
  // The cache, spool and codecs, made once whichever thread asks first.
  void Ready() {
    std::call_once(made, [this] {
      OpenCache();
      OpenSpool();
      MakeCodecs();
    });
  }
};

void Client::Parts::OpenCache() {
  if (options.cache == CacheKind::kMemory) {
    cache = NewMemoryReferenceCache();
    return;
  }
  DiskCacheOptions cache_options;
  cache_options.dir = options.cache_dir.empty() ? DefaultCacheDir() : options.cache_dir;
  auto disk_cache = NewDiskReferenceCache(cache_options);
  if (disk_cache.ok()) {
    cache = std::move(*disk_cache);
    return;
  }
  // Still correct without the disk cache, only slower across runs: say so and go on.
  Warn(disk_cache.error().message + "; keeping references in memory for this run");
  cache = NewMemoryReferenceCache();
}

void Client::Parts::OpenSpool() {
  std::string dir = options.spool_dir;
  if (dir.empty()) {
    const char* tmpdir = std::getenv("TMPDIR");
    dir = tmpdir != nullptr && *tmpdir != '\0' ? tmpdir : "/tmp";
  }
  auto on_disk = NewDirectorySpool(dir);
  if (on_disk.ok()) {
    spool = std::move(*on_disk);
    return;
  }
  Warn(on_disk.error().message + "; spooling streams in memory for this run");
  spool = NewMemorySpool();
}

void Client::Parts::MakeCodecs() {
  // The codec uses workers only where they keep matches against the reference
  // (levels >= 16 with long-distance matching; see src/codec/zstd_delta_codec.h).
  const int workers = std::thread::hardware_concurrency() > 1 ? 2 : 0;
  const ZstdCodecOptions delta{.level = options.delta_level,
                               .workers = workers,
                               .long_distance = true,
                               .memory_limit = options.memory_limit};
  codecs.Add(NewZstdDeltaCodec(delta));
  codecs.Add(NewGzipDeltaCodec(
      {.zstd = delta, .spool = spool.get()}));     // .gz/.tgz: inflated, rebuilt exactly
  codecs.Add(NewZipDeltaCodec({.zstd = delta}));   // .zip/.jar: entries expanded
  codecs.Add(NewXdelta3Codec());  // reads (in-process) and writes the Python DeltaGlider's deltas
  const ZstdCodecOptions reference{.level = options.reference_level,
                                   .workers = 0,  // MT: larger, no faster
                                   .long_distance = true,
                                   .memory_limit = options.memory_limit};
  reference_compressor = NewZstdDeltaCodec(reference);
  reference_codecs.Add(NewGzipDeltaCodec({.zstd = reference, .spool = spool.get()}));
  reference_codecs.Add(NewZipDeltaCodec({.zstd = reference}));
}

Result<std::unique_ptr<Client>> Client::Open(ClientOptions options) {
  auto parts = std::make_unique<Parts>();
  parts->endpoint_url = ResolveEndpointUrl(options.endpoint_url, options.s3);
  DG_ASSIGN_OR_RETURN(parts->storage, OpenStorage(parts->endpoint_url, options.s3));
  parts->options = std::move(options);
  return std::unique_ptr<Client>(new Client(std::move(parts)));
}

Client::Client(std::unique_ptr<Parts> parts) : parts_(std::move(parts)) {}

Client::~Client() = default;

const std::string& Client::endpoint_url() const { return parts_->endpoint_url; }

Storage& Client::storage() { return *parts_->storage; }

Result<BucketSession> Client::OpenBucket(std::string_view bucket) {
  return OpenBucket(bucket, parts_->options.service);
}

Result<BucketSession> Client::OpenBucket(std::string_view bucket, const ServiceOptions& options) {
  parts_->Ready();
  BucketSession session;
  DG_ASSIGN_OR_RETURN(session.store, parts_->storage->OpenBucket(bucket));
  ServicePorts ports;
  ports.store = session.store.get();
  ports.cache = parts_->cache.get();
  ports.codecs = &parts_->codecs;
  ports.reference_compressor = parts_->reference_compressor.get();
  ports.reference_codecs = &parts_->reference_codecs;
  ports.clock = &SystemClock();
  ports.spool = parts_->spool.get();
  session.service = std::make_unique<DeltaService>(ports, options);
  return session;
}

Result<SavingsReport> Client::AnalyzeSavings(std::string_view bucket, std::string_view prefix,
                                             const AnalyzeOptions& options) {
  parts_->Ready();
  DG_ASSIGN_OR_RETURN(std::unique_ptr<ObjectStore> store, parts_->storage->OpenBucket(bucket));
  AnalysisCodecs codecs;
  codecs.codec = [this](std::string_view name) { return Codec(name); };
  codecs.reference_codec = [this](std::string_view name) { return ReferenceCodec(name); };
  codecs.reference_compressor = parts_->reference_compressor.get();
  return deltaglider::AnalyzeSavings(*store, prefix, codecs, parts_->options.service, options);
}

Result<const DeltaCodec*> Client::Codec(std::string_view name) {
  parts_->Ready();
  return parts_->codecs.ForCommand(name);
}

Result<const DeltaCodec*> Client::ReferenceCompressor() {
  parts_->Ready();
  return static_cast<const DeltaCodec*>(parts_->reference_compressor.get());
}

Result<const DeltaCodec*> Client::ReferenceCodec(std::string_view name) {
  parts_->Ready();
  return parts_->reference_codecs.ForCommand(name);
}

Result<std::string> Client::PresignGet(std::string_view bucket, std::string_view key,
                                       int expires_seconds) {
  return PresignUrl(parts_->endpoint_url, parts_->options.s3, bucket, key, expires_seconds);
}

}  // namespace deltaglider
