// ZipDeltaCodec: the "zip-patch" DeltaCodec. The deflated entries of a .zip/.jar
// that one of our deflate profiles reproduces are stored as their content (the
// "expanded" zip), and the expanded target is zstd-patched against the reference
// followed by its inflated entries, so unchanged and slightly changed entries cost
// next to nothing (and entries kept compressed still match the raw reference);
// every other byte (headers, central directory, stored or unreproducible entries)
// stays verbatim inside the patch. A stream no profile reproduces is rebuilt from
// a correction recipe (deflate_recipe.h) unless the reference holds the same
// compressed bytes (then keeping it verbatim costs nothing). Entries are not
// matched by name: the patch's
// long-distance matching finds each entry's content wherever it sits in the
// reference. Framing: codec/zip/zip_patch_format.h.
#include <memory>
#include <optional>
#include <string>
#include <unordered_set>
#include <vector>

#include "codec/deflate/deflate.h"
#include "codec/deflate_rebuild.h"
#include "codec/deflate_recipe.h"
#include "codec/inflate_raw.h"
#include "codec/zip/zip_patch_format.h"
#include "codec/zip/zip_scan.h"
#include "codec/zstd_delta_codec.h"
#include "deltaglider/codecs.h"

namespace deltaglider {
namespace {

using Bytes = std::vector<std::byte>;

Error Corrupted(std::string_view why) {
  return MakeError(ErrorCode::kCorrupted, "zip-patch: ", why);
}

// The profiles of the usual zip writers (zlib level 6 in Python and the JDK,
// Info-ZIP's own deflate, other levels, node's Chromium zlib), the last match
// first. Each unreproducible entry costs one short try per candidate.
std::vector<DeflateProfile> Candidates(const DeflateProfile& last) {
  using P = DeflateProfile;
  std::vector<P> list = {last};
  for (const P& p :
       {P{P::kVanilla, 6, 8}, P{P::kGzip, 6, 8}, P{P::kVanilla, 9, 8}, P{P::kGzip, 9, 8},
        P{P::kGzip, 1, 8}, P{P::kVanilla, 1, 8}, P{P::kVanilla, 5, 8}, P{P::kVanilla, 4, 8},
        P{P::kVanilla, 7, 8}, P{P::kVanilla, 8, 8}, P{P::kVanilla, 2, 8}, P{P::kVanilla, 3, 8},
        P{P::kChromiumAnzac, 9, 8}, P{P::kChromiumAnzac, 6, 8}, P{P::kChromiumCrc32c, 9, 8},
        P{P::kChromiumCrc32c, 6, 8}}) {
    if (!(p == last)) list.push_back(p);
  }
  return list;
}

// The compressed streams of the reference (size and CRC32), scanned on first use:
// a target stream among them costs nothing kept verbatim.
class ReferenceStreams {
 public:
  explicit ReferenceStreams(std::span<const std::byte> reference) : reference_(reference) {}

  bool Contains(std::span<const std::byte> stream) {
    if (!scanned_) {
      for (const ZipStream& s : ScanZip(reference_).streams)
        known_.insert(Key(reference_.subspan(s.offset, s.size)));
      scanned_ = true;
    }
    return known_.count(Key(stream)) > 0;
  }

 private:
  static uint64_t Key(std::span<const std::byte> stream) {
    return (uint64_t{stream.size()} << 32) ^ Crc32(stream);
  }

  std::span<const std::byte> reference_;
  bool scanned_ = false;
  std::unordered_set<uint64_t> known_;
};

// How to rebuild `stream`: a candidate profile (which becomes `last`), else a
// recipe; nullopt to keep it verbatim.
std::optional<DeflateMethod> MethodFor(std::span<const std::byte> payload,
                                       std::span<const std::byte> stream, DeflateProfile& last,
                                       ReferenceStreams& reference) {
  auto profile = FindDeflateProfileAmong(payload, stream, Candidates(last));
  if (profile.ok()) {
    last = *profile;
    return DeflateMethod{*profile, {}};
  }
  if (reference.Contains(stream)) return std::nullopt;
  auto recipe = MakeDeflateRecipe(payload, stream);
  if (!recipe.ok()) return std::nullopt;
  return DeflateMethod{DeflateProfile{}, std::move(*recipe)};
}

// The stream list of `target` and its expanded bytes.
struct Plan {
  ZipPatchHeader header;
  Bytes expanded;
};

Plan PlanStreams(std::span<const std::byte> target, std::span<const std::byte> reference) {
  ReferenceStreams reference_streams(reference);
  const ZipScan scan = ScanZip(target);
  Plan plan;
  plan.header.mode = ZipPatchHeader::Mode::kStreams;
  plan.header.target_size = target.size();
  DeflateProfile last{DeflateProfile::kVanilla, 6, 8};
  uint64_t cursor = 0;
  for (const ZipStream& s : scan.streams) {
    const auto payload =
        std::span<const std::byte>(scan.payload).subspan(s.payload_offset, s.payload_size);
    const auto stream = target.subspan(s.offset, s.size);
    std::optional<DeflateMethod> method = MethodFor(payload, stream, last, reference_streams);
    if (!method) continue;
    plan.expanded.insert(plan.expanded.end(), target.begin() + static_cast<std::ptrdiff_t>(cursor),
                         target.begin() + static_cast<std::ptrdiff_t>(s.offset));
    plan.expanded.insert(plan.expanded.end(), payload.begin(), payload.end());
    cursor = s.offset + s.size;
    plan.header.streams.push_back(
        ZipPatchStream{s.offset, s.size, Crc32(stream), s.payload_size, std::move(*method)});
  }
  plan.expanded.insert(plan.expanded.end(), target.begin() + static_cast<std::ptrdiff_t>(cursor),
                       target.end());
  return plan;
}

// Writes the target from its expanded bytes, re-deflating each listed stream.
Status WriteTarget(const ZipPatchHeader& header, std::span<const std::byte> expanded,
                   ByteSink& target) {
  uint64_t in_target = 0;
  uint64_t in_expanded = 0;
  for (const ZipPatchStream& s : header.streams) {
    const uint64_t gap = s.offset - in_target;
    DG_RETURN_IF_ERROR(target.Write(expanded.subspan(in_expanded, gap)));
    in_expanded += gap;
    DG_ASSIGN_OR_RETURN(
        const Bytes stream,
        RebuildDeflateStream("zip-patch", expanded.subspan(in_expanded, s.payload_size), s.method,
                             s.size, s.crc32));
    DG_RETURN_IF_ERROR(target.Write(stream));
    in_expanded += s.payload_size;
    in_target = s.offset + s.size;
  }
  return target.Write(expanded.subspan(in_expanded));
}

class ZipDeltaCodec final : public DeltaCodec {
 public:
  explicit ZipDeltaCodec(const ZipCodecOptions& options)
      : options_(options), zstd_(NewZstdDeltaCodec(options.zstd)) {}

  std::string_view name() const override { return "zip-patch"; }

  // "zip-patch -3 --long": the codec, then the zstd settings of its patch.
  std::string CommandLine(std::string_view /*target_name*/) const override {
    return zstd_internal::PatchCommandLine(name(), options_.zstd);
  }

  Status Encode(std::span<const std::byte> reference, ByteSource& target,
                ByteSink& delta) const override {
    DG_ASSIGN_OR_RETURN(const Bytes bytes, ReadAll(target));
    Plan plan = PlanStreams(bytes, reference);
    Bytes head;
    if (plan.header.streams.empty()) {
      AppendZipPatchHeader(ZipPatchHeader{}, head);
      DG_RETURN_IF_ERROR(delta.Write(head));
      SpanSource source(bytes);
      return zstd_->Encode(reference, source, delta);
    }
    const Bytes base = ZipPatchBase(reference, ZipBaseLayout::kExpandedThenRaw);
    AppendZipPatchHeader(plan.header, head);
    DG_RETURN_IF_ERROR(delta.Write(head));
    SpanSource source(plan.expanded);
    return zstd_->Encode(base, source, delta);
  }

  Status Decode(std::span<const std::byte> reference, ByteSource& delta,
                ByteSink& target) const override {
    DG_ASSIGN_OR_RETURN(const Bytes bytes, ReadAll(delta));
    DG_ASSIGN_OR_RETURN(const ParsedZipPatch parsed, ParseZipPatchHeader(bytes));
    SpanSource frame(std::span<const std::byte>(bytes).subspan(parsed.frame_offset));
    if (parsed.header.mode == ZipPatchHeader::Mode::kRaw)
      return zstd_->Decode(reference, frame, target);
    const Bytes base =
        ZipPatchBase(reference, parsed.version == 1 ? ZipBaseLayout::kRawThenPayloads
                                                    : ZipBaseLayout::kExpandedThenRaw);
    const uint64_t size = parsed.header.ExpandedSize();
    VectorSink expanded(size);
    const Status decoded = zstd_->Decode(base, frame, expanded);
    if (decoded.code() == ErrorCode::kResourceExhausted)
      return Corrupted("content exceeds its size");
    DG_RETURN_IF_ERROR(decoded);
    if (expanded.bytes().size() != size) return Corrupted("content shorter than its size");
    return WriteTarget(parsed.header, expanded.bytes(), target);
  }

 private:
  ZipCodecOptions options_;
  std::unique_ptr<DeltaCodec> zstd_;
};

}  // namespace

std::unique_ptr<DeltaCodec> NewZipDeltaCodec(const ZipCodecOptions& options) {
  return std::make_unique<ZipDeltaCodec>(options);
}

}  // namespace deltaglider
