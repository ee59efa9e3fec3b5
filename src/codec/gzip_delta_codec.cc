// GzipDeltaCodec: the "gzip-patch" DeltaCodec. A .gz/.tgz target is stored as its
// members' headers, the deflate profile that reproduces each member's stream
// exactly, and a zstd-patch of the inflated payloads against the (inflated)
// reference; decoding re-deflates with our own deflater (copying an unchanged
// member's stream from the reference's and guiding a changed one by its parse:
// deflate_rebuild.h) and checks CRC32/ISIZE.
// Targets that are not gzip, or whose streams no profile reproduces, fall back to
// a zstd-patch of the raw bytes. A stream no profile reproduces is rebuilt from a
// correction recipe (deflate_recipe.h); since a recipe costs bytes, such a target
// is also encoded raw and the smaller delta is kept. Framing:
// codec/gzip/gzip_patch_format.h. Archives too big for the memory limit take
// the spooled path (codec/gzip/spooled_gzip.h): same format, bounded memory.
#include <algorithm>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "codec/byte_io.h"
#include "codec/deflate/deflate.h"
#include "codec/deflate/stream_parser.h"
#include "codec/deflate_rebuild.h"
#include "codec/gzip/gzip_file.h"
#include "codec/gzip/gzip_patch_format.h"
#include "codec/gzip/spooled_gzip.h"
#include "codec/inflate_raw.h"
#include "codec/last_reference.h"
#include "codec/proven_streams.h"
#include "codec/tee_sink.h"
#include "codec/zstd_delta_codec.h"
#include "deltaglider/codecs.h"
#include "util/parallel_for.h"

namespace deltaglider {
namespace {

using gzip_internal::EncodeRawGzipPatch;
using gzip_internal::HoldWhole;
using gzip_internal::PayloadEstimate;
using gzip_internal::SpooledGzip;
using gzip_internal::WriteGzipPatch;

Error Corrupted(std::string_view why) {
  return MakeError(ErrorCode::kCorrupted, "gzip-patch: ", why);
}

std::span<const std::byte> PayloadOf(const GzipFile& file, uint64_t offset, uint64_t size) {
  return std::span<const std::byte>(file.payload).subspan(offset, size);
}

// A reference parsed once for every call that uses it (last_reference.h): its
// members inflated (at most `max_payload` bytes) and, when `with_parses`, each
// member's stream read back into tokens in the same pass (else made on a
// rebuild's first use, if any).
struct GzipReference {
  GzipReference(std::span<const std::byte> bytes, bool with_parses, uint64_t max_payload) {
    std::vector<deflate::ParsedStream> streams;
    const RawInflater inflate_and_parse = [&](std::span<const std::byte> data, uint64_t limit,
                                              std::vector<std::byte>& payload) {
      streams.emplace_back();
      return deflate::InflateAndParse(data, limit, payload, streams.back());
    };
    auto parsed = ParseGzip(bytes, with_parses ? inflate_and_parse : RawInflater(), max_payload);
    if (!parsed.ok() && with_parses) {  // what our reader refuses, zlib may still read
      streams.clear();
      parsed = ParseGzip(bytes, {}, max_payload);
    }
    too_big = parsed.code() == ErrorCode::kResourceExhausted;
    if (!parsed.ok()) return;
    file = std::move(*parsed);
    for (size_t i = 0; i < file->members.size(); ++i) {
      std::shared_ptr<const deflate::ReferenceParse> parse;
      if (i < streams.size()) {
        if (auto made = deflate::ReferenceParse::FromParsed(std::move(streams[i])); made.ok())
          parse = std::make_shared<const deflate::ReferenceParse>(std::move(*made));
      }
      parses.push_back(std::make_unique<ReferenceParseMemo>(std::move(parse)));
    }
  }

  // A gzip file parsed already (its members' spans point into the bytes it was
  // parsed from); the parses are made on first use.
  explicit GzipReference(GzipFile parsed) : file(std::move(parsed)) {
    for (size_t i = 0; i < file->members.size(); ++i)
      parses.push_back(std::make_unique<ReferenceParseMemo>());
  }

  std::optional<GzipFile> file;                             // nullopt: not gzip, or too big
  bool too_big = false;                                     // gzip past max_payload
  std::vector<std::unique_ptr<ReferenceParseMemo>> parses;  // member i's stream parse
};

// References up to this size are kept for the next call.
constexpr size_t kKeptReferenceBytes = size_t{256} << 20;
// Room made up front for the payload a delta states (a hint: never more than
// this, whatever the delta says).
constexpr uint64_t kReservedPayload = uint64_t{1} << 30;

// The reference's member `index` (its stream, payload and parse), if it has one.
std::optional<ReferenceEntry> ReferenceMember(const GzipReference* reference, size_t index) {
  if (reference == nullptr || !reference->file || index >= reference->file->members.size())
    return std::nullopt;
  const GzipMember& member = reference->file->members[index];
  return ReferenceEntry{member.stream,
                        PayloadOf(*reference->file, member.payload_offset, member.payload_size),
                        reference->parses[index].get()};
}

const ReferenceEntry* OrNull(const std::optional<ReferenceEntry>& entry) {
  return entry ? &*entry : nullptr;
}

// The member list of `target` when every member's stream is reproducible;
// nullopt when the raw fallback must be used. Member i of `reference` (when it
// is a gzip file) guides the search for member i's method, as it will its rebuild.
// Each method found is remembered in `proven` with the stream it rebuilds.
std::optional<GzipPatchHeader> PlanMembers(const GzipFile& target, const GzipReference* reference,
                                           ProvenStreams& proven) {
  GzipPatchHeader header;
  header.mode = GzipPatchHeader::Mode::kMembers;
  for (size_t i = 0; i < target.members.size(); ++i) {
    const GzipMember& member = target.members[i];
    const std::optional<ReferenceEntry> entry = ReferenceMember(reference, i);
    const auto payload = PayloadOf(target, member.payload_offset, member.payload_size);
    auto method = FindDeflateMethod(payload, member.stream, AllDeflateProfiles(), OrNull(entry));
    if (!method.ok()) return std::nullopt;
    proven.Add(payload, *method, OrNull(entry), member.stream);
    header.members.push_back(
        GzipPatchMember{std::vector<std::byte>(member.header.begin(), member.header.end()),
                        std::move(*method), member.payload_size, member.crc32, member.isize,
                        member.stream.size(), Crc32(member.stream)});
  }
  return header;
}

// Writes one member: header, re-deflated stream, trailer. The payload and the
// stream must match the sizes and CRC32s recorded at encode time, or nothing of
// the member is written.
Status WriteMember(const GzipPatchMember& member, std::span<const std::byte> payload,
                   const ReferenceEntry* reference, ProvenStreams& proven, ByteSink& target) {
  if (Crc32(payload) != member.crc32 || static_cast<uint32_t>(payload.size()) != member.isize) {
    return Corrupted("rebuilt payload does not match the recorded CRC32/ISIZE");
  }
  DG_ASSIGN_OR_RETURN(const std::vector<std::byte> stream,
                      RebuildDeflateStream("gzip-patch", payload, member.method, member.stream_size,
                                           member.stream_crc32, reference, &proven));
  DG_RETURN_IF_ERROR(target.Write(member.header));
  DG_RETURN_IF_ERROR(target.Write(stream));
  std::vector<std::byte> trailer;
  AppendLe(trailer, member.crc32, 4);
  AppendLe(trailer, member.isize, 4);
  return target.Write(trailer);
}

class GzipDeltaCodec final : public DeltaCodec {
 public:
  explicit GzipDeltaCodec(const GzipCodecOptions& options)
      : options_(options),
        zstd_(NewZstdDeltaCodec(options.zstd)),
        proven_(options.proven_stream_bytes) {}

  std::string_view name() const override { return "gzip-patch"; }

  // "gzip-patch -3 --long": the codec, then the zstd settings of its patch.
  std::string CommandLine(std::string_view /*target_name*/) const override {
    return zstd_internal::PatchCommandLine(name(), options_.zstd);
  }

  // The members' methods are searched while the payload's patch is made.
  Status Encode(std::span<const std::byte> reference, ByteSource& target,
                ByteSink& delta) const override {
    DG_ASSIGN_OR_RETURN(const std::shared_ptr<const Blob> held, HoldWhole(target, options_.spool));
    const std::span<const std::byte> bytes = held->bytes();
    if (Spooled(std::max(PayloadEstimate(bytes), PayloadEstimate(reference))))
      return OnSpool().Encode(reference, held, delta);
    std::optional<GzipFile> parsed;
    bool too_big = false;
    std::shared_ptr<const Reference::Entry> old;
    RunBoth(
        [&] {
          auto file = ParseGzip(bytes, {}, InMemoryPayloadLimit());
          too_big = file.code() == ErrorCode::kResourceExhausted;
          if (file.ok()) parsed = std::move(*file);
        },
        [&] { old = Parsed(reference); });
    // Bigger than estimated: an earlier member, or ISIZE's wrap past 4 GiB.
    if ((too_big || old->value->too_big) && options_.spool != nullptr)
      return OnSpool().Encode(reference, held, delta);
    if (!parsed) return EncodeRaw(reference, bytes, delta);
    const GzipReference* old_gzip = old->value->file ? old->value.get() : nullptr;
    std::optional<GzipPatchHeader> plan;
    VectorSink frame;
    Status framed;
    RunBoth(
        [&] {
          plan = PlanMembers(*parsed, options_.reuse_reference ? old_gzip : nullptr, proven_);
        },
        [&] {
          SpanSource source(parsed->payload);
          framed = zstd_->Encode(Base(reference, old_gzip), source, frame);
        });
    if (!plan) return EncodeRaw(reference, bytes, delta);
    DG_RETURN_IF_ERROR(framed);
    plan->reference_inflated = old_gzip != nullptr;
    if (!HasRecipe(*plan)) return WriteGzipPatch(*plan, frame.bytes(), delta);
    VectorSink members;
    VectorSink raw;
    DG_RETURN_IF_ERROR(WriteGzipPatch(*plan, frame.bytes(), members));
    DG_RETURN_IF_ERROR(EncodeRaw(reference, bytes, raw));
    return delta.Write(members.bytes().size() < raw.bytes().size() ? members.bytes() : raw.bytes());
  }

  Status Decode(std::span<const std::byte> reference, ByteSource& delta,
                ByteSink& target) const override {
    DG_ASSIGN_OR_RETURN(const std::shared_ptr<const Blob> held, HoldWhole(delta, options_.spool));
    const std::span<const std::byte> bytes = held->bytes();
    DG_ASSIGN_OR_RETURN(const ParsedGzipPatch parsed, ParseGzipPatchHeader(bytes));
    SpanSource frame(bytes.subspan(parsed.frame_offset));
    if (parsed.header.mode == GzipPatchHeader::Mode::kRaw)
      return zstd_->Decode(reference, frame, target);
    DG_ASSIGN_OR_RETURN(
        const uint64_t total,
        TotalPayload(parsed.header, options_.spool != nullptr ? kMaxSpooledGzipPayloadTotal
                                                              : kMaxGzipPayloadTotal));
    if (Spooled(std::max(total, PayloadEstimate(reference)))) {
      return OnSpool().Decode(reference, parsed, bytes.subspan(parsed.frame_offset), target);
    }

    std::shared_ptr<const Reference::Entry> old;
    const GzipReference* old_gzip = nullptr;
    if (parsed.header.reference_inflated) {
      old = Parsed(reference);
      if (old->value->too_big && options_.spool != nullptr) {
        return OnSpool().Decode(reference, parsed, bytes.subspan(parsed.frame_offset), target);
      }
      if (!old->value->file) return Corrupted("the delta expects a gzip reference");
      old_gzip = old->value.get();
    }
    const GzipReference* guide = options_.reuse_reference ? old_gzip : nullptr;
    const uint64_t file_size = FileSize(parsed.header);
    // A reference's own file (decoded against nothing) is kept, as the delta read
    // next will need it.
    const bool keep = reference.empty() && total + file_size <= kKeptReferenceBytes;
    VectorSink payload(total);
    payload.bytes().reserve(static_cast<size_t>(std::min(total, kReservedPayload)));
    const Status decoded = zstd_->Decode(Base(reference, old_gzip), frame, payload);
    if (decoded.code() == ErrorCode::kResourceExhausted)
      return Corrupted("payload exceeds its size");
    DG_RETURN_IF_ERROR(decoded);
    if (payload.bytes().size() != total) return Corrupted("payload shorter than its size");
    VectorSink raw;
    if (keep) raw.bytes().reserve(static_cast<size_t>(file_size));
    TeeSink both(target, raw);
    uint64_t offset = 0;
    for (size_t i = 0; i < parsed.header.members.size(); ++i) {
      const GzipPatchMember& member = parsed.header.members[i];
      const std::optional<ReferenceEntry> entry = ReferenceMember(guide, i);
      DG_RETURN_IF_ERROR(WriteMember(
          member, std::span<const std::byte>(payload.bytes()).subspan(offset, member.payload_size),
          OrNull(entry), proven_, keep ? static_cast<ByteSink&>(both) : target));
      offset += member.payload_size;
    }
    if (keep) KeepRebuilt(parsed.header, std::move(payload.bytes()), std::move(raw.bytes()));
    return OkStatus();
  }

 private:
  static bool HasRecipe(const GzipPatchHeader& plan) {
    return std::any_of(plan.members.begin(), plan.members.end(),
                       [](const GzipPatchMember& m) { return !m.method.recipe.empty(); });
  }

  using Reference = LastReference<GzipReference>;

  std::shared_ptr<const Reference::Entry> Parsed(std::span<const std::byte> reference) const {
    return last_reference_.Get(reference, [this](std::span<const std::byte> b) {
      return std::make_unique<GzipReference>(b, options_.reuse_reference, InMemoryPayloadLimit());
    });
  }

  // The size of the gzip file `header` rebuilds.
  static uint64_t FileSize(const GzipPatchHeader& header) {
    uint64_t size = 0;
    for (const GzipPatchMember& m : header.members) size += m.header.size() + m.stream_size + 8;
    return size;
  }

  // Keeps `raw`, a gzip file just rebuilt by `header` from `payload`, as the
  // last reference, parsed already (ParseGzip would find these members: the
  // file is them, each checked against its CRC32 and ISIZE on the way).
  void KeepRebuilt(const GzipPatchHeader& header, std::vector<std::byte> payload,
                   std::vector<std::byte> raw) const {
    // Near its limit ParseGzip might refuse the file: then it is parsed as usual.
    if (payload.size() + (uint64_t{1} << 20) >=
        std::min(MaxGzipPayload(raw.size()), InMemoryPayloadLimit()))
      return;
    last_reference_.Keep(std::move(raw), [&](std::span<const std::byte> bytes) {
      GzipFile file;
      uint64_t at = 0;
      uint64_t payload_offset = 0;
      for (const GzipPatchMember& m : header.members) {
        file.members.push_back(GzipMember{bytes.subspan(at, m.header.size()),
                                          bytes.subspan(at + m.header.size(), m.stream_size),
                                          m.crc32, m.isize, payload_offset, m.payload_size});
        at += m.header.size() + m.stream_size + 8;
        payload_offset += m.payload_size;
      }
      file.payload = std::move(payload);
      return std::make_unique<GzipReference>(std::move(file));
    });
  }

  // What the payload's patch is against: the reference inflated when it is gzip.
  static std::span<const std::byte> Base(std::span<const std::byte> reference,
                                         const GzipReference* reference_gzip) {
    return reference_gzip != nullptr ? std::span<const std::byte>(reference_gzip->file->payload)
                                     : reference;
  }

  // The spooled path (options_.spool must be set).
  SpooledGzip OnSpool() const { return SpooledGzip(*zstd_, *options_.spool, proven_); }

  // The most a payload held in memory may be: with a spool, where bigger ones
  // go, a quarter of the memory limit; never more than memory may hold at all.
  uint64_t InMemoryPayloadLimit() const {
    return options_.spool != nullptr
               ? std::min(options_.zstd.memory_limit / 4, kMaxGzipPayloadTotal)
               : kMaxGzipPayloadTotal;
  }

  // Payloads past what memory may hold are held on the spool, if any.
  bool Spooled(uint64_t payload_estimate) const {
    return options_.spool != nullptr && payload_estimate > InMemoryPayloadLimit();
  }

  Status EncodeRaw(std::span<const std::byte> reference, std::span<const std::byte> target,
                   ByteSink& delta) const {
    return EncodeRawGzipPatch(*zstd_, reference, target, delta);
  }

  GzipCodecOptions options_;
  std::unique_ptr<DeltaCodec> zstd_;
  mutable Reference last_reference_{kKeptReferenceBytes};
  mutable ProvenStreams proven_;
};

}  // namespace

std::unique_ptr<DeltaCodec> NewGzipDeltaCodec(const GzipCodecOptions& options) {
  return std::make_unique<GzipDeltaCodec>(options);
}

}  // namespace deltaglider
