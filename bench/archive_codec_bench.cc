// dg_archive_codec_bench: the gzip-patch and zip-patch codecs on consecutive
// files: delta size next to `zstd -19 --long=27 --patch-from` of the compressed
// files, encode and decode time; for .tgz/.gz also our deflater's speed next to
// the system zlib's at the same level on the same payload, for .zip the share of
// deflated entries (and of their bytes) our profiles reproduce. A tool, not a
// test; it never modifies its inputs.
//
// Usage: dg_archive_codec_bench [-l ZSTD_LEVEL] [FILE...]
//   Files ending in .zip/.jar go through zip-patch, others through gzip-patch.
//   Without files: the typescript series of the corpus (scripts/fetch-corpus.sh),
//   in $DG_CORPUS_DIR or ~/.cache/deltaglider/corpus, as .tgz and then as .zip.
//   ZSTD_LEVEL: the codecs' zstd-patch level (default 3).
#include <zlib.h>

#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <string>
#include <vector>

#include "codec/deflate/deflate.h"
#include "codec/deflate/parse_reuse.h"
#include "codec/gzip/gzip_file.h"
#include "codec/zip/zip_patch_format.h"
#include "codec/zip/zip_scan.h"
#include "deltaglider/codecs.h"

namespace deltaglider {
namespace {

using Bytes = std::vector<std::byte>;
using Clock = std::chrono::steady_clock;

double Since(Clock::time_point start) {
  return std::chrono::duration<double>(Clock::now() - start).count();
}

Bytes ReadFile(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  const std::string text((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  Bytes out(text.size());
  std::memcpy(out.data(), text.data(), text.size());
  return out;
}

std::vector<std::string> DefaultFiles(const char* extension) {
  const char* env = std::getenv("DG_CORPUS_DIR");
  const char* home = std::getenv("HOME");
  const std::string dir =
      env != nullptr && *env != '\0'
          ? env
          : std::string(home != nullptr ? home : ".") + "/.cache/deltaglider/corpus";
  std::vector<std::string> files;
  for (const char* v : {"5.4.2", "5.4.3", "5.4.4", "5.4.5", "5.5.2", "5.5.3", "5.5.4", "5.6.2"}) {
    files.push_back(dir + "/typescript/typescript-" + v + extension);
  }
  return files;
}

// Seconds the system zlib takes to raw-deflate `payload` at `level`/`mem_level`.
double ZlibDeflateSeconds(const Bytes& payload, int level, int mem_level) {
  const auto start = Clock::now();
  z_stream z{};
  deflateInit2(&z, level, Z_DEFLATED, -15, mem_level, Z_DEFAULT_STRATEGY);
  std::vector<unsigned char> out(deflateBound(&z, payload.size()));
  z.next_in = reinterpret_cast<Bytef*>(const_cast<std::byte*>(payload.data()));
  z.avail_in = static_cast<uInt>(payload.size());
  z.next_out = out.data();
  z.avail_out = static_cast<uInt>(out.size());
  ::deflate(&z, Z_FINISH);
  deflateEnd(&z);
  return Since(start);
}

// Seconds our deflater takes on `payload` with `profile`.
double DeflateSeconds(const Bytes& payload, const DeflateProfile& profile) {
  const auto start = Clock::now();
  NullSink sink;
  (void)Deflate(payload, profile, sink);
  return Since(start);
}

// The same deflate guided by the reference's parse (parse_reuse.h): seconds to
// parse the reference and find the shared runs, seconds of the guided deflate,
// the share of the payload whose decisions were copied, and whether the bytes
// equal the target's stream.
struct GuidedRun {
  double parse_s = 0;
  double deflate_s = 0;
  double copied = 0;
  bool exact = false;
};
GuidedRun GuidedDeflate(const GzipFile& reference, const GzipFile& target,
                        const DeflateProfile& profile) {
  GuidedRun run;
  auto start = Clock::now();
  auto reuse =
      deflate::ParseReuse::Make(reference.members[0].stream, reference.payload, target.payload);
  run.parse_s = Since(start);
  if (!reuse.ok()) return run;
  start = Clock::now();
  deflate::TokenGuide guide(*reuse);
  VectorSink out;
  (void)Deflate(target.payload, profile, out, &guide);
  run.deflate_s = Since(start);
  run.copied =
      static_cast<double>(guide.copied_bytes()) / static_cast<double>(target.payload.size());
  run.exact = std::equal(out.bytes().begin(), out.bytes().end(), target.members[0].stream.begin(),
                         target.members[0].stream.end());
  return run;
}

// Size of `zstd -19 --long=27 --patch-from=old new` and the seconds it took.
std::pair<uint64_t, double> ZstdCliPatch(const std::string& old_file, const std::string& new_file) {
  const std::string out = (std::filesystem::temp_directory_path() / "dg_gzip_bench.zst").string();
  const std::string cmd = "zstd -q -f -19 --long=27 --patch-from='" + old_file + "' '" + new_file +
                          "' -o '" + out + "' 2>/dev/null";
  const auto start = Clock::now();
  const int rc = std::system(cmd.c_str());
  const double seconds = Since(start);
  if (rc != 0) return {0, seconds};
  const uint64_t size = std::filesystem::file_size(out);
  std::filesystem::remove(out);
  return {size, seconds};
}

// Encodes and decodes one pair; false (and a message) if the rebuild differs.
struct CodecRun {
  Bytes delta;
  double encode_s = 0;
  double decode_s = 0;
};
bool RunCodec(const DeltaCodec& codec, const Bytes& reference, const Bytes& target, CodecRun& run) {
  auto start = Clock::now();
  SpanSource source(target);
  VectorSink delta;
  if (!codec.Encode(reference, source, delta).ok()) return false;
  run.encode_s = Since(start);
  start = Clock::now();
  SpanSource delta_source(delta.bytes());
  VectorSink rebuilt;
  if (!codec.Decode(reference, delta_source, rebuilt).ok() || rebuilt.bytes() != target)
    return false;
  run.decode_s = Since(start);
  run.delta = std::move(delta.bytes());
  return true;
}

// Seconds `codec` takes to decode `delta` back into `target` (-1 if it differs).
double DecodeSeconds(const DeltaCodec& codec, const Bytes& reference, const Bytes& delta,
                     const Bytes& target) {
  const auto start = Clock::now();
  SpanSource source(delta);
  VectorSink rebuilt;
  if (!codec.Decode(reference, source, rebuilt).ok() || rebuilt.bytes() != target) return -1;
  return Since(start);
}

// The same codecs as the defaults, for the side-by-side columns: one worker, and
// the full re-deflate of every stream (one worker: the codec before #15).
struct Baselines {
  ZstdCodecOptions zstd;  // for a fresh codec: one that has kept no reference yet
  std::unique_ptr<DeltaCodec> zip_one_worker;
  std::unique_ptr<DeltaCodec> zip_full;
  std::unique_ptr<DeltaCodec> gzip_full;
};

bool IsZip(const std::string& path) {
  const std::string ext = std::filesystem::path(path).extension().string();
  return ext == ".zip" || ext == ".jar";
}

void PrintZipHeader(int level) {
  std::printf(
      "\nzip-patch (zstd-patch -%d --long inside) vs zstd -19 --long=27 --patch-from on the .zip\n"
      "entries: deflated entries reproduced / found; bytes: share of their compressed bytes;\n"
      "dec s: all cores (reference reused), the codec that just encoded (it keeps the\n"
      "reference, as put's proof and a multi-file process do); cold s: a fresh codec (one\n"
      "get per process); 1w s: one worker; full s: one worker, every stream re-deflated\n"
      "in full (the decoder before the reference's parse was reused)\n",
      level);
  std::printf("%-22s %8s %9s %6s %8s %9s %6s %6s %8s %6s %6s %6s %6s\n", "target", "zip B",
              "entries", "bytes", "delta B", "zstd19 B", "ratio", "enc s", "zstd19 s", "dec s",
              "cold s", "1w s", "full s");
}

bool ZipPair(const DeltaCodec& codec, const Baselines& baselines, const std::string& old_file,
             const std::string& new_file, const Bytes& reference, const Bytes& target) {
  CodecRun run;
  if (!RunCodec(codec, reference, target, run)) {
    std::printf("%s: rebuild failed\n", new_file.c_str());
    return false;
  }
  const ZipScan scan = ScanZip(target);
  uint64_t found_bytes = 0;
  for (const ZipStream& s : scan.streams) found_bytes += s.size;
  size_t reproduced = 0;
  uint64_t reproduced_bytes = 0;
  if (auto parsed = ParseZipPatchHeader(run.delta); parsed.ok()) {
    reproduced = parsed->header.streams.size();
    for (const ZipPatchStream& s : parsed->header.streams) reproduced_bytes += s.size;
  }
  const std::string entries =
      std::to_string(reproduced) + "/" + std::to_string(scan.streams.size());
  const double cold_s =
      DecodeSeconds(*NewZipDeltaCodec({baselines.zstd}), reference, run.delta, target);
  const double one_worker_s =
      DecodeSeconds(*baselines.zip_one_worker, reference, run.delta, target);
  const double full_s = DecodeSeconds(*baselines.zip_full, reference, run.delta, target);
  const auto [zstd_size, zstd_s] = ZstdCliPatch(old_file, new_file);
  std::printf("%-22s %8zu %9s %5.1f%% %8zu %9llu %5.0fx %6.2f %8.2f %6.2f %6.2f %6.2f %6.2f\n",
              std::filesystem::path(new_file).filename().c_str(), target.size(), entries.c_str(),
              found_bytes > 0
                  ? 100.0 * static_cast<double>(reproduced_bytes) / static_cast<double>(found_bytes)
                  : 0.0,
              run.delta.size(), static_cast<unsigned long long>(zstd_size),
              static_cast<double>(zstd_size) / static_cast<double>(run.delta.size()), run.encode_s,
              zstd_s, run.decode_s, cold_s, one_worker_s, full_s);
  std::fflush(stdout);
  return true;
}

int Run(int argc, char** argv) {
  GzipCodecOptions options;
  std::vector<std::string> files;
  for (int i = 1; i < argc; ++i) {
    if (std::strcmp(argv[i], "-l") == 0 && i + 1 < argc) {
      options.zstd.level = std::atoi(argv[++i]);
    } else {
      files.push_back(argv[i]);
    }
  }
  if (files.empty()) {
    files = DefaultFiles(".tgz");
    for (const std::string& f : DefaultFiles(".zip")) files.push_back(f);
  }
  auto codec = NewGzipDeltaCodec(options);
  auto zip_codec = NewZipDeltaCodec(ZipCodecOptions{options.zstd});
  Baselines baselines;
  baselines.zstd = options.zstd;
  baselines.zip_one_worker = NewZipDeltaCodec(ZipCodecOptions{options.zstd, 1});
  baselines.zip_full = NewZipDeltaCodec(ZipCodecOptions{options.zstd, 1, false});
  GzipCodecOptions full = options;
  full.reuse_reference = false;
  baselines.gzip_full = NewGzipDeltaCodec(full);
  std::printf(
      "gzip-patch (zstd-patch -%d --long inside) vs zstd -19 --long=27 --patch-from on the .tgz\n",
      options.zstd.level);
  std::printf(
      "ours s: our deflater, found profile; V s: ours, profile V at the same level and\n"
      "memLevel; zlib s: system zlib, same level and memLevel; x: V s / zlib s;\n"
      "profile \"recipe\": none reproduces the stream, a correction recipe rebuilds it\n");
  std::printf(
      "parse s: the reference's stream parsed and the shared runs found; guide s: our\n"
      "deflater guided by that parse; copied: share of the payload whose decisions were\n"
      "copied; the guided stream is checked to equal the target's; dec s: decode by the\n"
      "codec that just encoded (it keeps the reference, as put's proof and a multi-file\n"
      "process do); cold s: by a fresh codec (one get per process); full s: decode with\n"
      "every stream re-deflated in full (the decoder before the reference's parse was reused)\n");
  std::printf("%-22s %8s %9s %-8s %7s %8s %6s %6s %8s %6s %6s %6s %6s %6s %5s %7s %7s %6s %6s\n",
              "target", "tgz B", "payload B", "profile", "delta B", "zstd19 B", "ratio", "enc s",
              "zstd19 s", "dec s", "cold s", "ours s", "V s", "zlib s", "x", "parse s", "guide s",
              "copied", "full s");
  Bytes reference = ReadFile(files[0]);
  bool zip_header_printed = false;
  for (size_t i = 1; i < files.size(); ++i) {
    const Bytes target = ReadFile(files[i]);
    if (IsZip(files[i]) != IsZip(files[i - 1])) {  // a new series starts
      reference = target;
      continue;
    }
    if (IsZip(files[i])) {
      if (!zip_header_printed) PrintZipHeader(options.zstd.level);
      zip_header_printed = true;
      if (!ZipPair(*zip_codec, baselines, files[i - 1], files[i], reference, target)) return 1;
      reference = target;
      continue;
    }
    auto parsed = ParseGzip(target);
    if (!parsed.ok()) {
      std::printf("%s: %s\n", files[i].c_str(), parsed.error().message.c_str());
      return 1;
    }
    auto profile = FindDeflateProfile(parsed->payload, parsed->members[0].stream);
    auto start = Clock::now();
    SpanSource source(target);
    VectorSink delta;
    if (!codec->Encode(reference, source, delta).ok()) return 1;
    const double encode_s = Since(start);
    start = Clock::now();
    SpanSource delta_source(delta.bytes());
    VectorSink rebuilt;
    if (!codec->Decode(reference, delta_source, rebuilt).ok() || rebuilt.bytes() != target) {
      std::printf("%s: rebuild failed\n", files[i].c_str());
      return 1;
    }
    const double decode_s = Since(start);
    const double cold_s = DecodeSeconds(*NewGzipDeltaCodec(options), reference, delta.bytes(), target);
    const double full_s = DecodeSeconds(*baselines.gzip_full, reference, delta.bytes(), target);
    double ours_s = 0;
    double ours_v_s = 0;
    double zlib_s = 0;
    GuidedRun guided;
    if (profile.ok()) {
      if (auto old = ParseGzip(reference); old.ok())
        guided = GuidedDeflate(*old, *parsed, *profile);
      if (!guided.exact && guided.parse_s > 0)
        std::printf("%s: guided stream differs (the reference was made by another profile)\n",
                    files[i].c_str());
      ours_s = DeflateSeconds(parsed->payload, *profile);
      ours_v_s = DeflateSeconds(parsed->payload,
                                {DeflateProfile::kVanilla, profile->level, profile->mem_level});
      zlib_s = ZlibDeflateSeconds(parsed->payload, profile->level, profile->mem_level);
    }
    const auto [zstd_size, zstd_s] = ZstdCliPatch(files[i - 1], files[i]);
    std::printf(
        "%-22s %8zu %9zu %-8s %7zu %8llu %5.0fx %6.2f %8.2f %6.2f %6.2f %6.2f %6.2f %6.2f %5.2f "
        "%7.2f %7.2f %5.1f%% %6.2f\n",
        std::filesystem::path(files[i]).filename().c_str(), target.size(), parsed->payload.size(),
        profile.ok() ? DeflateProfileName(*profile).c_str() : "recipe", delta.bytes().size(),
        static_cast<unsigned long long>(zstd_size),
        static_cast<double>(zstd_size) / static_cast<double>(delta.bytes().size()), encode_s,
        zstd_s, decode_s, cold_s, ours_s, ours_v_s, zlib_s, zlib_s > 0 ? ours_v_s / zlib_s : 0.0,
        guided.parse_s, guided.deflate_s, 100.0 * guided.copied, full_s);
    std::fflush(stdout);
    reference = target;
  }
  return 0;
}

}  // namespace
}  // namespace deltaglider

int main(int argc, char** argv) { return deltaglider::Run(argc, argv); }
