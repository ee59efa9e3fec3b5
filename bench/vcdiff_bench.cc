// dg_vcdiff_bench: decodes one xdelta3 delta in-process and reports the output
// throughput, for comparison with `xdelta3 -d` on the same files. A measuring
// tool only (not a test); it writes the output only when asked to.
//   dg_vcdiff_bench REFERENCE DELTA [OUTPUT]
#include <chrono>
#include <cstdio>
#include <fstream>
#include <vector>

#include "deltaglider/vcdiff.h"

namespace {

std::vector<std::byte> Slurp(const char* path) {
  std::ifstream in(path, std::ios::binary | std::ios::ate);
  std::vector<std::byte> bytes(static_cast<size_t>(in.tellg()));
  in.seekg(0);
  in.read(reinterpret_cast<char*>(bytes.data()), static_cast<std::streamsize>(bytes.size()));
  return bytes;
}

// Writes to a file, or only counts the bytes.
class FileSink final : public deltaglider::ByteSink {
 public:
  explicit FileSink(const char* path) {
    if (path != nullptr) out_.open(path, std::ios::binary);
  }
  deltaglider::Status Write(std::span<const std::byte> data) override {
    if (out_.is_open()) out_.write(reinterpret_cast<const char*>(data.data()), data.size());
    count_ += data.size();
    return deltaglider::OkStatus();
  }
  uint64_t count() const { return count_; }

 private:
  std::ofstream out_;
  uint64_t count_ = 0;
};

}  // namespace

int main(int argc, char** argv) {
  if (argc < 3) {
    std::fprintf(stderr, "usage: %s REFERENCE DELTA [OUTPUT]\n", argv[0]);
    return 2;
  }
  const auto reference = Slurp(argv[1]);
  const auto delta = Slurp(argv[2]);
  auto codec = deltaglider::NewVcdiffDeltaCodec();
  deltaglider::SpanSource source(delta);
  FileSink sink(argc > 3 ? argv[3] : nullptr);
  const auto start = std::chrono::steady_clock::now();
  deltaglider::Status status = codec->Decode(reference, source, sink);
  const double seconds =
      std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  if (!status.ok()) {
    std::fprintf(stderr, "decode failed: %s\n", status.message().c_str());
    return 1;
  }
  std::printf("%llu bytes in %.3f s: %.1f MB/s\n", static_cast<unsigned long long>(sink.count()),
              seconds, sink.count() / seconds / 1e6);
  return 0;
}
