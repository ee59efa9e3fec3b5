// ZipDeltaCodec: the "zip-patch" DeltaCodec. The deflated entries of a .zip/.jar
// that one of our deflate profiles reproduces are stored as their content (the
// "expanded" zip), and the expanded target is zstd-patched against the reference
// followed by its inflated entries, so unchanged and slightly changed entries cost
// next to nothing (and entries kept compressed still match the raw reference);
// every other byte (headers, central directory, stored or unreproducible entries)
// stays verbatim inside the patch. A stream no profile reproduces is rebuilt from
// a correction recipe (deflate_recipe.h) unless the reference holds the same
// compressed bytes (then keeping it verbatim costs nothing). The patch's
// long-distance matching finds each entry's content wherever it sits in the
// reference; names only pair a target stream with the reference's entry of the
// same name, which the rebuild copies when unchanged and otherwise uses to guide
// the re-deflate (deflate_rebuild.h). Entries are planned and rebuilt on all
// cores. Framing: codec/zip/zip_patch_format.h.
#include <algorithm>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <unordered_map>
#include <unordered_set>
#include <vector>

#include "codec/deflate/deflate.h"
#include "codec/deflate_rebuild.h"
#include "codec/deflate_recipe.h"
#include "codec/inflate_raw.h"
#include "codec/last_reference.h"
#include "codec/proven_streams.h"
#include "codec/tee_sink.h"
#include "codec/zip/zip_patch_format.h"
#include "codec/zip/zip_scan.h"
#include "codec/zstd_delta_codec.h"
#include "deltaglider/codecs.h"
#include "util/parallel_for.h"

namespace deltaglider {
namespace {

using Bytes = std::vector<std::byte>;

// The archive's profile is settled on its smallest stream of at least this
// payload (or its largest): smaller streams have too few symbols to tell the
// block rules of zlib and gzip apart, and are reproduced by many profiles.
constexpr uint64_t kSettlingPayload = uint64_t{64} << 10;
// Payload bytes of the streams rebuilt together before they are written.
constexpr uint64_t kBatchPayload = uint64_t{64} << 20;

Error Corrupted(std::string_view why) {
  return MakeError(ErrorCode::kCorrupted, "zip-patch: ", why);
}

// The entry name of each of `streams` in `file` (empty where none is found).
std::vector<std::string_view> StreamNames(std::span<const std::byte> file,
                                          std::span<const ZipStream> streams) {
  std::vector<std::string_view> names;
  uint64_t previous_end = 0;
  for (const ZipStream& s : streams) {
    names.push_back(LocalHeaderName(file, previous_end, s.offset));
    previous_end = s.offset + s.size;
  }
  return names;
}

// The profiles of the usual zip writers (zlib level 6 in Python and the JDK,
// Info-ZIP's own deflate, other levels, node's Chromium zlib), `first` first.
// Each unreproducible entry costs one short try per candidate.
std::vector<DeflateProfile> Candidates(const DeflateProfile& first) {
  using P = DeflateProfile;
  std::vector<P> list = {first};
  for (const P& p :
       {P{P::kVanilla, 6, 8}, P{P::kGzip, 6, 8}, P{P::kVanilla, 9, 8}, P{P::kGzip, 9, 8},
        P{P::kGzip, 1, 8}, P{P::kVanilla, 1, 8}, P{P::kVanilla, 5, 8}, P{P::kVanilla, 4, 8},
        P{P::kVanilla, 7, 8}, P{P::kVanilla, 8, 8}, P{P::kVanilla, 2, 8}, P{P::kVanilla, 3, 8},
        P{P::kChromiumAnzac, 9, 8}, P{P::kChromiumAnzac, 6, 8}, P{P::kChromiumCrc32c, 9, 8},
        P{P::kChromiumCrc32c, 6, 8}}) {
    if (!(p == first)) list.push_back(p);
  }
  return list;
}

// A reference scanned once for every call that uses it (last_reference.h): the
// base the expanded target is patched against, and its streams by size and CRC32
// (a target stream among them costs nothing kept verbatim) and by entry name
// (the entry that guides a target stream's method search and rebuild, with its
// parse kept for the next one).
class ReferenceStreams {
 public:
  // `by_name`: whether Entry() finds the entries by name (else never);
  // `workers`: threads that inflate its entries.
  ReferenceStreams(std::span<const std::byte> reference, bool by_name, unsigned workers)
      : ReferenceStreams(reference, ScanZip(reference, workers, reference.size()), by_name) {}

  // From `scan`, ScanZip(reference) made already.
  ReferenceStreams(std::span<const std::byte> reference, ZipScan scan, bool by_name)
      : reference_(reference), scan_(std::move(scan)), use_names_(by_name) {
    // The expanded reference becomes the base in place (kExpandedThenRaw).
    scan_.expanded.insert(scan_.expanded.end(), reference.begin(), reference.end());
    const std::vector<std::string_view> names = StreamNames(reference_, scan_.streams);
    for (size_t i = 0; i < scan_.streams.size(); ++i) {
      const ZipStream& s = scan_.streams[i];
      known_.insert(Key(reference_.subspan(s.offset, s.size)));
      if (!names[i].empty()) by_name_.emplace(names[i], i);
      parses_.push_back(std::make_unique<ReferenceParseMemo>());
    }
  }

  // The expanded reference followed by the reference (ZipBaseLayout::kExpandedThenRaw).
  std::span<const std::byte> base() const { return scan_.expanded; }
  // The base of format version 1 (ZipBaseLayout::kRawThenPayloads).
  Bytes FirstVersionBase() const {
    return ZipPatchBase(reference_, scan_.streams, scan_.expanded, ZipBaseLayout::kRawThenPayloads);
  }

  bool Contains(std::span<const std::byte> stream) const { return known_.count(Key(stream)) > 0; }

  // The entry called `name`, if the reference has a deflated one.
  std::optional<ReferenceEntry> Entry(std::string_view name) const {
    const auto it = name.empty() || !use_names_ ? by_name_.end() : by_name_.find(name);
    if (it == by_name_.end()) return std::nullopt;
    const ZipStream& s = scan_.streams[it->second];
    return ReferenceEntry{
        reference_.subspan(s.offset, s.size),
        std::span<const std::byte>(scan_.expanded).subspan(s.payload_offset, s.payload_size),
        parses_[it->second].get()};
  }

 private:
  static uint64_t Key(std::span<const std::byte> stream) {
    return (uint64_t{stream.size()} << 32) ^ Crc32(stream);
  }

  std::span<const std::byte> reference_;
  ZipScan scan_;  // its `expanded` followed by the reference: the base
  bool use_names_;
  std::unordered_set<uint64_t> known_;
  std::unordered_map<std::string_view, size_t> by_name_;  // index in scan_.streams
  std::vector<std::unique_ptr<ReferenceParseMemo>> parses_;
};

// References up to this size are kept for the next call.
constexpr size_t kKeptReferenceBytes = size_t{256} << 20;
// Room made up front for expanded content of the size a delta states (a hint:
// never more than this, whatever the delta says).
constexpr uint64_t kReservedOutput = uint64_t{1} << 30;

const ReferenceEntry* OrNull(const std::optional<ReferenceEntry>& entry) {
  return entry ? &*entry : nullptr;
}

// How to rebuild `stream`: a candidate profile, else a recipe; nullopt to keep
// it verbatim. `entry`: the reference's stream of the same name.
std::optional<DeflateMethod> MethodFor(std::span<const std::byte> payload,
                                       std::span<const std::byte> stream,
                                       std::span<const DeflateProfile> candidates,
                                       const ReferenceStreams& reference,
                                       const ReferenceEntry* entry) {
  auto profile = FindReproducingProfile(payload, stream, candidates, entry);
  if (profile.ok()) return DeflateMethod{*profile, {}};
  if (profile.code() == ErrorCode::kFailedPrecondition || reference.Contains(stream))
    return std::nullopt;
  auto recipe = MakeDeflateRecipe(payload, stream);
  if (!recipe.ok()) return std::nullopt;
  return DeflateMethod{DeflateProfile{}, std::move(*recipe)};
}

// The stream list of `target` and its expanded bytes.
struct Plan {
  ZipPatchHeader header;
  Bytes expanded;
};

// The profile most of the archive's streams are likely made with, and the stream
// it was found on (whose method it is, so it need not be searched again).
struct ArchiveProfile {
  DeflateProfile profile{DeflateProfile::kVanilla, 6, 8};  // zlib's default if none found
  std::optional<size_t> settled;
};

// The stream that settles the archive's profile: its largest stream that differs
// from the reference's entry of the same name (a guided search, so cheap), else
// its probe stream (kSettlingPayload).
struct Probe {
  size_t index = 0;
  std::optional<ReferenceEntry> entry;  // set when the stream differs from it
};
std::optional<Probe> ProbeStream(std::span<const std::byte> target, const ZipScan& scan,
                                 std::span<const std::string_view> names,
                                 const ReferenceStreams& reference) {
  std::optional<Probe> changed;
  std::optional<size_t> probe;
  const auto better_probe = [](const ZipStream& s, const ZipStream& than) {
    const bool big = s.payload_size >= kSettlingPayload;
    const bool than_big = than.payload_size >= kSettlingPayload;
    if (big != than_big) return big;
    return big ? s.payload_size < than.payload_size : s.payload_size > than.payload_size;
  };
  for (size_t i = 0; i < scan.streams.size(); ++i) {
    const ZipStream& s = scan.streams[i];
    if (!probe || better_probe(s, scan.streams[*probe])) probe = i;
    if (changed && s.payload_size <= scan.streams[changed->index].payload_size) continue;
    std::optional<ReferenceEntry> entry = reference.Entry(names[i]);
    const auto stream = target.subspan(s.offset, s.size);
    if (entry && !std::ranges::equal(stream, entry->stream)) changed = Probe{i, entry};
  }
  if (changed) return changed;
  if (probe) return Probe{*probe, std::nullopt};
  return std::nullopt;
}

// A probe without a differing entry is either unpaired or unchanged (then copied,
// with the first candidate as its profile), so in both cases the profile found is
// the stream's method when that profile is tried first.
ArchiveProfile SettleProfile(std::span<const std::byte> target, const ZipScan& scan,
                             std::span<const std::string_view> names,
                             const ReferenceStreams& reference) {
  ArchiveProfile archive;
  const std::optional<Probe> probe = ProbeStream(target, scan, names, reference);
  if (!probe) return archive;
  const ZipStream& s = scan.streams[probe->index];
  const auto found = FindReproducingProfile(
      std::span<const std::byte>(scan.expanded).subspan(s.payload_offset, s.payload_size),
      target.subspan(s.offset, s.size), Candidates(archive.profile),
      probe->entry ? &*probe->entry : nullptr);
  if (!found.ok()) return archive;
  return ArchiveProfile{*found, probe->index};
}

// The methods of `scan`'s streams, found on all cores with the archive's
// profile tried first; each one is remembered in `proven` with its stream.
std::vector<std::optional<DeflateMethod>> Methods(std::span<const std::byte> target,
                                                  const ZipScan& scan,
                                                  const ReferenceStreams& reference,
                                                  unsigned workers, ProvenStreams& proven) {
  const std::vector<std::string_view> names = StreamNames(target, scan.streams);
  const ArchiveProfile archive = SettleProfile(target, scan, names, reference);
  const std::vector<DeflateProfile> candidates = Candidates(archive.profile);
  std::vector<std::optional<DeflateMethod>> methods(scan.streams.size());
  ParallelFor(scan.streams.size(), workers, [&](size_t i) {
    const ZipStream& s = scan.streams[i];
    const std::optional<ReferenceEntry> entry = reference.Entry(names[i]);
    const auto payload =
        std::span<const std::byte>(scan.expanded).subspan(s.payload_offset, s.payload_size);
    const auto stream = target.subspan(s.offset, s.size);
    methods[i] = archive.settled == i
                     ? DeflateMethod{archive.profile, {}}
                     : MethodFor(payload, stream, candidates, reference, OrNull(entry));
    if (methods[i]) proven.Add(payload, *methods[i], OrNull(entry), stream);
  });
  return methods;
}

Plan PlanStreams(std::span<const std::byte> target, ZipScan scan, const ReferenceStreams& reference,
                 unsigned workers, ProvenStreams& proven) {
  std::vector<std::optional<DeflateMethod>> methods =
      Methods(target, scan, reference, workers, proven);
  Plan plan;
  plan.header.mode = ZipPatchHeader::Mode::kStreams;
  plan.header.target_size = target.size();
  for (size_t i = 0; i < scan.streams.size(); ++i) {
    const ZipStream& s = scan.streams[i];
    if (!methods[i]) continue;
    plan.header.streams.push_back(ZipPatchStream{s.offset, s.size,
                                                 Crc32(target.subspan(s.offset, s.size)),
                                                 s.payload_size, std::move(*methods[i])});
  }
  if (plan.header.streams.size() == scan.streams.size()) {  // every stream expanded
    plan.expanded = std::move(scan.expanded);
    return plan;
  }
  uint64_t cursor = 0;  // streams kept compressed stay among the target's bytes
  for (const ZipPatchStream& s : plan.header.streams) {
    const auto it = std::ranges::find(scan.streams, s.offset, &ZipStream::offset);
    const auto payload =
        std::span<const std::byte>(scan.expanded).subspan(it->payload_offset, it->payload_size);
    plan.expanded.insert(plan.expanded.end(), target.begin() + static_cast<std::ptrdiff_t>(cursor),
                         target.begin() + static_cast<std::ptrdiff_t>(s.offset));
    plan.expanded.insert(plan.expanded.end(), payload.begin(), payload.end());
    cursor = s.offset + s.size;
  }
  plan.expanded.insert(plan.expanded.end(), target.begin() + static_cast<std::ptrdiff_t>(cursor),
                       target.end());
  return plan;
}

// Where each listed stream's payload starts in the expanded target.
std::vector<uint64_t> PayloadOffsets(const ZipPatchHeader& header) {
  std::vector<uint64_t> offsets;
  uint64_t in_target = 0;
  uint64_t in_expanded = 0;
  for (const ZipPatchStream& s : header.streams) {
    in_expanded += s.offset - in_target;
    offsets.push_back(in_expanded);
    in_expanded += s.payload_size;
    in_target = s.offset + s.size;
  }
  return offsets;
}

// Writes the target from its expanded bytes, re-deflating the listed streams on
// all cores a batch at a time (so memory stays near one batch of streams).
Status WriteTarget(const ZipPatchHeader& header, std::span<const std::byte> expanded,
                   const ReferenceStreams& reference, unsigned workers, ProvenStreams& proven,
                   ByteSink& target) {
  const std::vector<uint64_t> offsets = PayloadOffsets(header);
  std::vector<std::string_view> names(header.streams.size());
  for (size_t i = 0; i < header.streams.size(); ++i) {
    const uint64_t gap_start = i == 0 ? 0 : offsets[i - 1] + header.streams[i - 1].payload_size;
    names[i] = LocalHeaderName(expanded, gap_start, offsets[i]);
  }
  uint64_t written = 0;  // of the expanded bytes
  for (size_t batch = 0; batch < header.streams.size();) {
    size_t end = batch;
    uint64_t batch_bytes = 0;
    while (end < header.streams.size() && (end == batch || batch_bytes < kBatchPayload))
      batch_bytes += header.streams[end++].payload_size;
    std::vector<Result<Bytes>> streams(end - batch, Bytes{});
    ParallelFor(end - batch, workers, [&](size_t k) {
      const size_t i = batch + k;
      const ZipPatchStream& s = header.streams[i];
      const std::optional<ReferenceEntry> entry = reference.Entry(names[i]);
      streams[k] = RebuildDeflateStream("zip-patch", expanded.subspan(offsets[i], s.payload_size),
                                        s.method, s.size, s.crc32, OrNull(entry), &proven);
    });
    for (size_t i = batch; i < end; ++i) {
      DG_RETURN_IF_ERROR(target.Write(expanded.subspan(written, offsets[i] - written)));
      DG_RETURN_IF_ERROR(streams[i - batch].status());
      DG_RETURN_IF_ERROR(target.Write(*streams[i - batch]));
      written = offsets[i] + header.streams[i].payload_size;
    }
    batch = end;
  }
  return target.Write(expanded.subspan(written));
}

class ZipDeltaCodec final : public DeltaCodec {
 public:
  explicit ZipDeltaCodec(const ZipCodecOptions& options)
      : options_(options),
        zstd_(NewZstdDeltaCodec(options.zstd)),
        proven_(options.proven_stream_bytes) {}

  std::string_view name() const override { return "zip-patch"; }

  // "zip-patch -3 --long": the codec, then the zstd settings of its patch.
  std::string CommandLine(std::string_view /*target_name*/) const override {
    return zstd_internal::PatchCommandLine(name(), options_.zstd);
  }

  Status Encode(std::span<const std::byte> reference, ByteSource& target,
                ByteSink& delta) const override {
    DG_ASSIGN_OR_RETURN(const Bytes bytes, ReadAll(target));
    std::shared_ptr<const Reference::Entry> old;
    ZipScan scan;
    RunBoth([&] { old = Scanned(reference); }, [&] { scan = ScanZip(bytes, options_.workers); });
    Plan plan = PlanStreams(bytes, std::move(scan), *old->value, options_.workers, proven_);
    Bytes head;
    if (plan.header.streams.empty()) {
      AppendZipPatchHeader(ZipPatchHeader{}, head);
      DG_RETURN_IF_ERROR(delta.Write(head));
      SpanSource source(bytes);
      return zstd_->Encode(reference, source, delta);
    }
    AppendZipPatchHeader(plan.header, head);
    DG_RETURN_IF_ERROR(delta.Write(head));
    SpanSource source(plan.expanded);
    return zstd_->Encode(old->value->base(), source, delta);
  }

  Status Decode(std::span<const std::byte> reference, ByteSource& delta,
                ByteSink& target) const override {
    DG_ASSIGN_OR_RETURN(const Bytes bytes, ReadAll(delta));
    DG_ASSIGN_OR_RETURN(const ParsedZipPatch parsed, ParseZipPatchHeader(bytes));
    SpanSource frame(std::span<const std::byte>(bytes).subspan(parsed.frame_offset));
    if (parsed.header.mode == ZipPatchHeader::Mode::kRaw)
      return zstd_->Decode(reference, frame, target);
    const auto old = Scanned(reference);
    const ReferenceStreams& reference_streams = *old->value;
    const Bytes first_base = parsed.version == 1 ? reference_streams.FirstVersionBase() : Bytes{};
    const uint64_t size = parsed.header.ExpandedSize();
    // A reference's own archive (decoded against nothing) is kept, as the delta
    // read next will need it: room for the raw bytes after the expanded ones.
    const bool keep = reference.empty() && size + parsed.header.target_size <= kKeptReferenceBytes;
    VectorSink expanded(size);
    expanded.bytes().reserve(static_cast<size_t>(
        std::min(size + (keep ? parsed.header.target_size : 0), kReservedOutput)));
    const Status decoded = zstd_->Decode(
        parsed.version == 1 ? std::span<const std::byte>(first_base) : reference_streams.base(),
        frame, expanded);
    if (decoded.code() == ErrorCode::kResourceExhausted)
      return Corrupted("content exceeds its size");
    DG_RETURN_IF_ERROR(decoded);
    if (expanded.bytes().size() != size) return Corrupted("content shorter than its size");
    if (!keep) {
      return WriteTarget(parsed.header, expanded.bytes(), reference_streams, options_.workers,
                         proven_, target);
    }
    VectorSink raw;
    raw.bytes().reserve(static_cast<size_t>(parsed.header.target_size));
    TeeSink both(target, raw);
    DG_RETURN_IF_ERROR(WriteTarget(parsed.header, expanded.bytes(), reference_streams,
                                   options_.workers, proven_, both));
    KeepRebuilt(parsed.header, std::move(expanded.bytes()), std::move(raw.bytes()));
    return OkStatus();
  }

 private:
  using Reference = LastReference<ReferenceStreams>;

  // Keeps `raw`, a zip just rebuilt from `expanded` by `header`, as the last
  // reference, scanned already, when ScanZip would find exactly its streams.
  void KeepRebuilt(const ZipPatchHeader& header, Bytes expanded, Bytes raw) const {
    ZipScan scan;
    const std::vector<uint64_t> offsets = PayloadOffsets(header);
    for (size_t i = 0; i < header.streams.size(); ++i) {
      const ZipPatchStream& s = header.streams[i];
      scan.streams.push_back(ZipStream{s.offset, s.size, offsets[i], s.payload_size});
    }
    if (!ScanFinds(raw, scan.streams)) return;
    scan.expanded = std::move(expanded);
    last_reference_.Keep(std::move(raw), [&](std::span<const std::byte> bytes) {
      return std::make_unique<ReferenceStreams>(bytes, std::move(scan), options_.reuse_reference);
    });
  }

  std::shared_ptr<const Reference::Entry> Scanned(std::span<const std::byte> reference) const {
    return last_reference_.Get(reference, [this](std::span<const std::byte> b) {
      return std::make_unique<ReferenceStreams>(b, options_.reuse_reference, options_.workers);
    });
  }

  ZipCodecOptions options_;
  std::unique_ptr<DeltaCodec> zstd_;
  mutable Reference last_reference_{kKeptReferenceBytes};
  mutable ProvenStreams proven_;
};

}  // namespace

std::unique_ptr<DeltaCodec> NewZipDeltaCodec(const ZipCodecOptions& options) {
  return std::make_unique<ZipDeltaCodec>(options);
}

}  // namespace deltaglider
