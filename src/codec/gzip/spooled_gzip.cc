// SpooledGzip, HoldWhole() and the gzip-patch writers; see spooled_gzip.h.
#include "codec/gzip/spooled_gzip.h"

#include <algorithm>
#include <optional>
#include <string>
#include <vector>

#include "codec/byte_io.h"
#include "codec/deflate/deflate.h"
#include "codec/deflate_rebuild.h"
#include "codec/gzip/gzip_file.h"
#include "codec/inflate_raw.h"
#include "codec/proven_streams.h"
#include "util/parallel_for.h"

namespace deltaglider::gzip_internal {
namespace {

// Deflate's two-thread runs hold every token of their input: not here.
constexpr DeflateThreads kOneThread = DeflateThreads::kOne;

Error Corrupted(std::string_view why) {
  return MakeError(ErrorCode::kCorrupted, "gzip-patch: ", why);
}

// Refuses to take more than `cap` bytes (kCorrupted: the delta lied).
class CappedSink final : public ByteSink {
 public:
  CappedSink(ByteSink& next, uint64_t cap) : next_(next), cap_(cap) {}
  Status Write(std::span<const std::byte> data) override {
    if (data.size() > cap_ - written_) return Corrupted("payload exceeds its size");
    written_ += data.size();
    return next_.Write(data);
  }

 private:
  ByteSink& next_;
  uint64_t cap_;
  uint64_t written_ = 0;
};

// Passes a rebuilt stream on while counting it and its CRC32 (at most `limit`
// bytes: a stream past its recorded size is wrong already).
class CheckedStream final : public ByteSink {
 public:
  CheckedStream(ByteSink& next, uint64_t limit) : next_(next), limit_(limit) {}
  Status Write(std::span<const std::byte> data) override {
    if (data.size() > limit_ - size_) return Mismatch();
    size_ += data.size();
    crc32_ = Crc32(data, crc32_);
    return next_.Write(data);
  }
  bool Is(uint64_t size, uint32_t crc32) const { return size_ == size && crc32_ == crc32; }
  static Error Mismatch() {
    return Corrupted("re-deflated stream does not match the recorded size/CRC32");
  }

 private:
  ByteSink& next_;
  uint64_t limit_;
  uint64_t size_ = 0;
  uint32_t crc32_ = 0;
};

// A gzip file's members and their payload, inflated onto a spool file and mapped.
struct Inflated {
  std::vector<GzipMember> members;
  std::shared_ptr<const Blob> payload;

  std::span<const std::byte> PayloadOf(const GzipMember& member) const {
    return payload->bytes().subspan(member.payload_offset, member.payload_size);
  }
  // Member `i` as a rebuild's reference: only its stream is used (a copy when
  // unchanged), never its parse.
  std::optional<ReferenceEntry> Entry(size_t i) const {
    if (i >= members.size()) return std::nullopt;
    return ReferenceEntry{members[i].stream, PayloadOf(members[i]), nullptr};
  }
};

// `gzip` inflated onto the spool; nullopt when it is not gzip (or not one we
// can read), the spool's error when the spool fails.
Result<std::optional<Inflated>> InflateOnto(Spool& spool, std::span<const std::byte> gzip) {
  DG_ASSIGN_OR_RETURN(std::unique_ptr<SpoolFile> file, spool.Create());
  WatchedSink watched(*file);
  Result<std::vector<GzipMember>> members = ScanGzip(gzip, watched);
  if (!watched.failure().ok()) return watched.failure().error();
  if (!members.ok()) return std::optional<Inflated>();
  DG_ASSIGN_OR_RETURN(std::shared_ptr<const Blob> payload, file->Map());
  return std::optional<Inflated>(Inflated{std::move(*members), std::move(payload)});
}

// The reference entry a rebuild of a stream of `size` bytes and CRC32 `crc32`
// copies, when the reference's member has them (FindReproducingProfile then
// checks the bytes).
const ReferenceEntry* CopySource(const std::optional<ReferenceEntry>& entry, uint64_t size,
                                 uint32_t crc32) {
  return entry && SameSizeAndCrc(entry->stream, size, crc32) ? &*entry : nullptr;
}

// The member list when a profile reproduces every member's stream unguided (or
// the reference's copy is it); nullopt otherwise (no recipes here: one costs
// memory in proportion to its stream). Each stream proved is remembered in
// `proven`, where it lies inside `file`.
std::optional<GzipPatchHeader> PlanMembers(const std::shared_ptr<const Blob>& file,
                                           const Inflated& target, const Inflated* reference,
                                           ProvenStreams& proven) {
  GzipPatchHeader header;
  header.mode = GzipPatchHeader::Mode::kMembers;
  for (size_t i = 0; i < target.members.size(); ++i) {
    const GzipMember& member = target.members[i];
    const std::optional<ReferenceEntry> entry =
        reference != nullptr ? reference->Entry(i) : std::nullopt;
    const std::span<const std::byte> payload = target.PayloadOf(member);
    const uint32_t stream_crc32 = Crc32(member.stream);
    const ReferenceEntry* copy = CopySource(entry, member.stream.size(), stream_crc32);
    auto profile =
        copy != nullptr
            ? FindReproducingProfile(payload, member.stream, AllDeflateProfiles(), copy)
            : FindDeflateProfileAmong(payload, member.stream, AllDeflateProfiles(), kOneThread);
    if (!profile.ok()) return std::nullopt;
    const DeflateMethod method{*profile, {}};
    proven.AddHeld(payload, method, entry ? &*entry : nullptr, member.stream, file);
    header.members.push_back(GzipPatchMember{
        std::vector<std::byte>(member.header.begin(), member.header.end()), method,
        member.payload_size, member.crc32, member.isize, member.stream.size(), stream_crc32});
  }
  return header;
}

// Writes one member: header, stream (copied from the reference's member, taken
// from what the Encode before proved, or deflated straight to `target` and
// checked after), trailer.
Status WriteMember(const GzipPatchMember& member, std::span<const std::byte> payload,
                   const std::optional<ReferenceEntry>& reference, ProvenStreams& proven,
                   ByteSink& target) {
  if (Crc32(payload) != member.crc32 || static_cast<uint32_t>(payload.size()) != member.isize) {
    return Corrupted("rebuilt payload does not match the recorded CRC32/ISIZE");
  }
  DG_RETURN_IF_ERROR(target.Write(member.header));
  const ReferenceEntry* entry = reference ? &*reference : nullptr;
  std::optional<ProvenStream> known;
  if (entry != nullptr && SameSizeAndCrc(entry->stream, member.stream_size, member.stream_crc32)) {
    DG_RETURN_IF_ERROR(target.Write(entry->stream));
  } else if (known = proven.Take(payload, member.method, entry);
             known && SameSizeAndCrc(known->bytes, member.stream_size, member.stream_crc32)) {
    DG_RETURN_IF_ERROR(target.Write(known->bytes));
  } else if (member.method.recipe.empty()) {
    CheckedStream stream(target, member.stream_size);
    DG_RETURN_IF_ERROR(Deflate(payload, member.method.profile, stream, nullptr, kOneThread));
    if (!stream.Is(member.stream_size, member.stream_crc32)) return CheckedStream::Mismatch();
  } else {  // written by the in-memory path: a recipe's rebuild is held, as there
    DG_ASSIGN_OR_RETURN(const std::vector<std::byte> stream,
                        RebuildDeflateStream("gzip-patch", payload, member.method,
                                             member.stream_size, member.stream_crc32));
    DG_RETURN_IF_ERROR(target.Write(stream));
  }
  std::vector<std::byte> trailer;
  AppendLe(trailer, member.crc32, 4);
  AppendLe(trailer, member.isize, 4);
  return target.Write(trailer);
}

}  // namespace

Result<std::shared_ptr<const Blob>> HoldWhole(ByteSource& source, Spool* spool) {
  if (spool == nullptr) {
    DG_ASSIGN_OR_RETURN(std::vector<std::byte> bytes, ReadAll(source));
    return std::shared_ptr<const Blob>(std::make_shared<VectorBlob>(std::move(bytes)));
  }
  DG_ASSIGN_OR_RETURN(std::unique_ptr<SpoolFile> file, spool->Create());
  DG_RETURN_IF_ERROR(Copy(source, *file));
  return file->Map();
}

uint64_t PayloadEstimate(std::span<const std::byte> gzip) {
  const uint64_t twice = 2 * uint64_t{gzip.size()};
  if (gzip.size() < 18 || gzip[0] != std::byte{0x1f} || gzip[1] != std::byte{0x8b})
    return gzip.size();
  ByteReader tail(gzip.last(4));
  uint64_t isize = 0;
  (void)tail.Le(4, isize);
  return std::max(twice, isize);
}

Status SpooledGzip::Encode(std::span<const std::byte> reference, std::shared_ptr<const Blob> file,
                           ByteSink& delta) const {
  const std::span<const std::byte> target = file->bytes();
  DG_ASSIGN_OR_RETURN(std::optional<Inflated> inflated, InflateOnto(spool_, target));
  if (!inflated) return EncodeRawGzipPatch(zstd_, reference, target, delta);
  DG_ASSIGN_OR_RETURN(std::optional<Inflated> old, InflateOnto(spool_, reference));
  const Inflated* old_gzip = old ? &*old : nullptr;
  const std::span<const std::byte> base = old_gzip ? old_gzip->payload->bytes() : reference;
  DG_ASSIGN_OR_RETURN(std::unique_ptr<SpoolFile> frame, spool_.Create());
  std::optional<GzipPatchHeader> plan;
  Status framed;
  RunBoth([&] { plan = PlanMembers(file, *inflated, old_gzip, proven_); },
          [&] {
            SpanSource payload(inflated->payload->bytes());
            framed = zstd_.Encode(base, payload, *frame);
          });
  if (!plan) return EncodeRawGzipPatch(zstd_, reference, target, delta);
  DG_RETURN_IF_ERROR(framed);
  plan->reference_inflated = old_gzip != nullptr;
  DG_ASSIGN_OR_RETURN(std::shared_ptr<const Blob> frame_bytes, frame->Map());
  return WriteGzipPatch(*plan, frame_bytes->bytes(), delta);
}

Status SpooledGzip::Decode(std::span<const std::byte> reference, const ParsedGzipPatch& parsed,
                           std::span<const std::byte> frame, ByteSink& target) const {
  std::optional<Inflated> old;
  if (parsed.header.reference_inflated) {
    DG_ASSIGN_OR_RETURN(old, InflateOnto(spool_, reference));
    if (!old) return Corrupted("the delta expects a gzip reference");
  }
  const std::span<const std::byte> base = old ? old->payload->bytes() : reference;
  DG_ASSIGN_OR_RETURN(const uint64_t total,
                      TotalPayload(parsed.header, kMaxSpooledGzipPayloadTotal));
  DG_ASSIGN_OR_RETURN(std::unique_ptr<SpoolFile> file, spool_.Create());
  CappedSink capped(*file, total);
  SpanSource frame_source(frame);
  DG_RETURN_IF_ERROR(zstd_.Decode(base, frame_source, capped));
  DG_ASSIGN_OR_RETURN(std::shared_ptr<const Blob> payload, file->Map());
  if (payload->bytes().size() != total) return Corrupted("payload shorter than its size");
  uint64_t offset = 0;
  for (size_t i = 0; i < parsed.header.members.size(); ++i) {
    const GzipPatchMember& member = parsed.header.members[i];
    DG_RETURN_IF_ERROR(WriteMember(member, payload->bytes().subspan(offset, member.payload_size),
                                   old ? old->Entry(i) : std::nullopt, proven_, target));
    offset += member.payload_size;
  }
  return OkStatus();
}

Status EncodeRawGzipPatch(const DeltaCodec& zstd, std::span<const std::byte> reference,
                          std::span<const std::byte> target, ByteSink& delta) {
  DG_RETURN_IF_ERROR(WriteGzipPatch(GzipPatchHeader{}, {}, delta));
  SpanSource source(target);
  return zstd.Encode(reference, source, delta);
}

Status WriteGzipPatch(const GzipPatchHeader& plan, std::span<const std::byte> frame,
                      ByteSink& delta) {
  std::vector<std::byte> head;
  AppendGzipPatchHeader(plan, head);
  DG_RETURN_IF_ERROR(delta.Write(head));
  return delta.Write(frame);
}

}  // namespace deltaglider::gzip_internal
