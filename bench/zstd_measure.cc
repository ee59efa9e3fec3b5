// dg_zstd_measure: prints delta sizes and speeds of the zstd-patch codec on the npm
// corpus (scripts/fetch-corpus.sh), for choosing the codec's defaults. A tool, not
// a test: it needs the corpus and minutes of CPU, and it must never modify it.
//
// Usage: dg_zstd_measure [corpus_dir] [quick]
//   corpus_dir defaults to $DG_CORPUS_DIR, else ~/.cache/deltaglider/corpus.
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <fstream>
#include <iterator>
#include <string>
#include <vector>

#include "codec/zstd_delta_codec.h"

namespace deltaglider {
namespace {

using Bytes = std::vector<std::byte>;
using zstd_internal::FrameParams;

std::string CorpusDir(int argc, char** argv) {
  if (argc > 1) return argv[1];
  if (const char* dir = std::getenv("DG_CORPUS_DIR"); dir != nullptr && *dir != '\0') return dir;
  const char* home = std::getenv("HOME");
  return std::string(home != nullptr ? home : ".") + "/.cache/deltaglider/corpus";
}

bool Load(const std::string& path, Bytes& out) {
  std::ifstream in(path, std::ios::binary);
  if (!in) return false;
  std::vector<char> chars((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  out.resize(chars.size());
  std::memcpy(out.data(), chars.data(), chars.size());
  return true;
}

double Seconds(std::chrono::steady_clock::time_point start) {
  return std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
}

double MBps(size_t bytes, double seconds) { return bytes / 1e6 / seconds; }

// Encodes with explicit parameters, decodes with the codec and checks the result.
void Measure(const char* label, const FrameParams& params, const Bytes& reference,
             const Bytes& target) {
  SpanSource source(target);
  VectorSink delta;
  auto start = std::chrono::steady_clock::now();
  Status status = zstd_internal::EncodeFrame(params, reference, source, delta);
  const double encode_s = Seconds(start);
  if (!status.ok()) {
    std::printf("%s: encode failed: %s\n", label, status.message().c_str());
    return;
  }
  auto codec = NewZstdDeltaCodec({});
  SpanSource delta_source(delta.bytes());
  VectorSink decoded;
  start = std::chrono::steady_clock::now();
  status = codec->Decode(reference, delta_source, decoded);
  const double decode_s = Seconds(start);
  const bool same = status.ok() && decoded.bytes() == target;
  std::printf(
      "%-22s L%-2d wlog=%d ldm=%d w=%d  %10zu bytes (%6.3f%%)  enc %6.2fs %7.1f MB/s"
      "  dec %7.1f MB/s  %s\n",
      label, params.level, params.window_log, params.long_distance, params.workers,
      delta.bytes().size(), 100.0 * delta.bytes().size() / target.size(), encode_s,
      MBps(target.size(), encode_s), MBps(target.size(), decode_s),
      same ? "ok" : ("ROUND TRIP FAILED " + status.message()).c_str());
  std::fflush(stdout);
}

int Main(int argc, char** argv) {
  const std::string dir = CorpusDir(argc, argv) + "/typescript";
  const bool quick = argc > 2;
  Bytes v542, v543, v562;
  if (!Load(dir + "/typescript-5.4.2.tar", v542) || !Load(dir + "/typescript-5.4.3.tar", v543) ||
      !Load(dir + "/typescript-5.6.2.tar", v562)) {
    std::fprintf(stderr, "corpus not found under %s (run scripts/fetch-corpus.sh)\n", dir.c_str());
    return 2;
  }
  struct Pair {
    const char* label;
    const Bytes* reference;
    const Bytes* target;
  };
  const Pair pairs[] = {{"5.4.2->5.4.3", &v542, &v543}, {"5.4.2->5.6.2", &v542, &v562}};
  const std::vector<int> levels = quick ? std::vector<int>{3} : std::vector<int>{3, 9, 19};
  for (const Pair& pair : pairs) {
    for (int level : levels) {
      for (bool ldm : {false, true}) {
        for (int workers : {0, 2}) {
          FrameParams params =
              zstd_internal::ChooseFrameParams({.level = level, .workers = 0, .long_distance = ldm},
                                               pair.reference->size(), pair.target->size());
          params.long_distance = ldm;
          params.workers = workers;
          Measure(pair.label, params, *pair.reference, *pair.target);
        }
      }
    }
    // What the codec picks (long, workers 2 requested).
    for (int level : levels) {
      Measure(
          (std::string(pair.label) + " codec").c_str(),
          zstd_internal::ChooseFrameParams({.level = level, .workers = 2, .long_distance = true},
                                           pair.reference->size(), pair.target->size()),
          *pair.reference, *pair.target);
    }
  }
  for (int level : quick ? std::vector<int>{9} : std::vector<int>{9, 19}) {
    for (int workers : {0, 2}) {
      FrameParams params = zstd_internal::ChooseFrameParams(
          {.level = level, .workers = workers, .long_distance = true}, 0, v542.size());
      Measure("plain 5.4.2", params, {}, v542);
    }
  }
  return 0;
}

}  // namespace
}  // namespace deltaglider

int main(int argc, char** argv) { return deltaglider::Main(argc, argv); }
