// How many store requests a put and a get cost, by kind: a series of synthetic
// 8 MB .tar releases (one random base, a few edits per version) put one after
// another into an in-memory bucket through DeltaService, then read back with a
// warm and a cold reference cache. Prints one row per step; the "steady put" row
// is the mean over the versions after the first two. The figures #17 asks for
// ("store requests per steady-state put and get, before/after").
//
//   build/src/client/dg_store_requests_bench [VERSIONS]   default 8
#include <algorithm>
#include <cstdio>
#include <cstdlib>
#include <map>
#include <memory>
#include <random>
#include <string>
#include <utility>

#include "deltaglider/cache.h"
#include "deltaglider/client.h"
#include "deltaglider/codecs.h"
#include "deltaglider/memory.h"

namespace deltaglider {
namespace {

// Counts every request that reaches the inner store, by kind.
class RequestCounter final : public ObjectStore {
 public:
  explicit RequestCounter(ObjectStore& inner) : inner_(inner) {}
  const std::string& bucket() const override { return inner_.bucket(); }
  Result<ObjectHead> Head(std::string_view key) override { return Count("HEAD", inner_.Head(key)); }
  Result<ObjectHead> Get(std::string_view key, ByteSink& sink) override {
    return Count("GET", inner_.Get(key, sink));
  }
  Result<ObjectHead> Put(std::string_view key, ByteSource& body,
                         const PutOptions& options) override {
    return Count("PUT", inner_.Put(key, body, options));
  }
  Status List(const ListOptions& options, const ListVisitor& visit) override {
    return Count("LIST", inner_.List(options, visit));
  }
  Status Delete(std::string_view key) override { return Count("DELETE", inner_.Delete(key)); }
  Capabilities capabilities() const override { return inner_.capabilities(); }

  std::map<std::string, int> Take() { return std::exchange(counts_, {}); }

 private:
  template <typename R>
  R Count(const char* kind, R result) {
    ++counts_[kind];
    return result;
  }
  ObjectStore& inner_;
  std::map<std::string, int> counts_;
};

std::string Release(int version) {
  std::mt19937 rng(42);
  std::string bytes(8 << 20, '\0');
  for (char& c : bytes) c = static_cast<char>(rng() & 0x3f);  // compressible, like a tar
  std::mt19937 edits(static_cast<unsigned>(version));
  for (int i = 0; i < 4 * version; ++i) bytes[edits() % bytes.size()] ^= 1;
  return bytes;
}

// Counts every byte read from a body, by it and by the readers forked from it
// (the put's MD5 runs on one): bytes read / file size = passes over the body.
class ReadCounter final : public ByteSource {
 public:
  ReadCounter(ByteSource& inner, std::shared_ptr<uint64_t> bytes) : inner_(inner), bytes_(bytes) {}
  ReadCounter(std::unique_ptr<ByteSource> owned, std::shared_ptr<uint64_t> bytes)
      : owned_(std::move(owned)), inner_(*owned_), bytes_(bytes) {}
  Result<size_t> Read(std::span<std::byte> buffer) override {
    Result<size_t> n = inner_.Read(buffer);
    if (n.ok()) *bytes_ += *n;
    return n;
  }
  Status Rewind() override { return inner_.Rewind(); }
  std::optional<uint64_t> size() const override { return inner_.size(); }
  std::unique_ptr<ByteSource> Fork() override {
    std::unique_ptr<ByteSource> fork = inner_.Fork();
    if (!fork) return nullptr;
    return std::make_unique<ReadCounter>(std::move(fork), bytes_);
  }

 private:
  std::unique_ptr<ByteSource> owned_;
  ByteSource& inner_;
  std::shared_ptr<uint64_t> bytes_;
};

// One row: requests by kind (per put when `divisor` > 1) and, for puts, the
// passes over the body (bytes read / file size; < 0 for none).
void Row(const char* step, std::map<std::string, int> counts, double divisor = 1,
         double passes = -1) {
  int total = 0;
  for (const auto& [kind, n] : counts) total += n;
  std::printf("%-22s", step);
  for (const char* kind : {"HEAD", "GET", "PUT", "LIST", "DELETE"}) {
    std::printf(" %6.1f", counts[kind] / divisor);
  }
  std::printf(" %7.1f", total / divisor);
  if (passes >= 0) std::printf(" %7.1f", passes);
  std::printf("\n");
}

std::span<const std::byte> AsBytes(const std::string& text) {
  return std::as_bytes(std::span(text.data(), text.size()));
}

}  // namespace
}  // namespace deltaglider

int main(int argc, char** argv) {
  using namespace deltaglider;
  const int versions = argc > 1 ? std::max(3, std::atoi(argv[1])) : 8;
  auto storage = NewMemoryStorage();
  (void)storage->CreateBucket("bench");
  auto bucket = std::move(storage->OpenBucket("bench")).value();
  RequestCounter counter(*bucket);
  CodecRegistry codecs;
  codecs.Add(NewZstdDeltaCodec({}));
  auto compressor = NewZstdDeltaCodec({.level = 12, .workers = 0, .long_distance = true});
  auto cache = NewMemoryReferenceCache();
  ServicePorts ports{&counter, cache.get(), &codecs, compressor.get(), &SystemClock()};
  DeltaService service(ports, ServiceOptions{});

  std::printf("%-22s %6s %6s %6s %6s %6s %7s %7s\n", "step", "HEAD", "GET", "PUT", "LIST", "DELETE",
              "total", "passes");
  std::map<std::string, int> steady;
  double steady_passes = 0;
  for (int v = 1; v <= versions; ++v) {
    const std::string bytes = Release(v);
    SpanSource span(AsBytes(bytes));
    auto read = std::make_shared<uint64_t>(0);
    ReadCounter body(span, read);
    const std::string key = "releases/app-" + std::to_string(v) + ".tar";
    if (!service.Put(key, body, key).ok()) return 1;
    std::map<std::string, int> counts = counter.Take();
    const double passes = static_cast<double>(*read) / static_cast<double>(bytes.size());
    if (v == 1) Row("first put (reference)", counts, 1, passes);
    if (v == 2) Row("second put", counts, 1, passes);
    if (v > 2) steady_passes += passes;
    for (const auto& [kind, n] : counts) {
      if (v > 2) steady[kind] += n;
    }
  }
  Row("steady put (mean)", steady, versions - 2, steady_passes / (versions - 2));
  NullSink discard;
  if (!service.Get("releases/app-2.tar", discard).ok()) return 1;
  Row("get, warm cache", counter.Take());
  auto cold_cache = NewMemoryReferenceCache();
  ServicePorts cold_ports{&counter, cold_cache.get(), &codecs, compressor.get(), &SystemClock()};
  DeltaService cold(cold_ports, ServiceOptions{});
  if (!cold.Get("releases/app-2.tar", discard).ok()) return 1;
  Row("get, cold cache", counter.Take());
  return 0;
}
