// Writing and reading the gzip-patch framing; see gzip_patch_format.h.
#include "codec/gzip/gzip_patch_format.h"

#include "codec/byte_io.h"
#include "codec/gzip/gzip_file.h"
#include "codec/patch_framing.h"

namespace deltaglider {
namespace {

constexpr PatchFraming kFraming{"gzip-patch", "DGGZ", 3};
// Header length, profile, payload size, CRC32, ISIZE: the least a member takes.
constexpr size_t kMinMemberBytes = 4 + 3 + 8 + 4 + 4 + 8 + 4;

Error Corrupted(std::string_view why) {
  return MakeError(ErrorCode::kCorrupted, "gzip-patch: ", why);
}

Result<GzipPatchMember> ReadMember(ByteReader& in, uint8_t version) {
  GzipPatchMember member;
  uint64_t header_len = 0;
  std::span<const std::byte> header;
  if (!in.Le(4, header_len) || !in.Bytes(header_len, header)) return Corrupted("truncated member");
  member.header.assign(header.begin(), header.end());
  DG_ASSIGN_OR_RETURN(member.method, ReadMethod(kFraming.codec, version, in));
  uint64_t crc = 0;
  uint64_t isize = 0;
  uint64_t stream_crc = 0;
  if (!in.Le(8, member.payload_size) || !in.Le(4, crc) || !in.Le(4, isize) ||
      !in.Le(8, member.stream_size) || !in.Le(4, stream_crc)) {
    return Corrupted("truncated member");
  }
  member.crc32 = static_cast<uint32_t>(crc);
  member.isize = static_cast<uint32_t>(isize);
  member.stream_crc32 = static_cast<uint32_t>(stream_crc);
  return member;
}

void AppendMembers(const GzipPatchHeader& header, uint8_t version, std::vector<std::byte>& out) {
  out.push_back(std::byte{header.reference_inflated ? uint8_t{1} : uint8_t{0}});
  AppendLe(out, header.members.size(), 4);
  for (const GzipPatchMember& member : header.members) {
    AppendLe(out, member.header.size(), 4);
    out.insert(out.end(), member.header.begin(), member.header.end());
    AppendMethod(member.method, version, out);
    AppendLe(out, member.payload_size, 8);
    AppendLe(out, member.crc32, 4);
    AppendLe(out, member.isize, 4);
    AppendLe(out, member.stream_size, 8);
    AppendLe(out, member.stream_crc32, 4);
  }
}

}  // namespace

void AppendGzipPatchHeader(const GzipPatchHeader& header, std::vector<std::byte>& out) {
  const size_t start = out.size();
  const uint8_t version = kFraming.version;
  AppendPreamble(kFraming, Preamble{version, static_cast<uint8_t>(header.mode)}, out);
  if (header.mode == GzipPatchHeader::Mode::kMembers) AppendMembers(header, version, out);
  AppendHeaderCrc32(start, out);
}

Result<ParsedGzipPatch> ParseGzipPatchHeader(std::span<const std::byte> delta) {
  ByteReader in(delta);
  DG_ASSIGN_OR_RETURN(const Preamble preamble, ReadPreamble(kFraming, in));
  const uint8_t mode = preamble.mode;
  ParsedGzipPatch parsed;
  if (mode == static_cast<uint8_t>(GzipPatchHeader::Mode::kRaw)) {
    DG_RETURN_IF_ERROR(ReadHeaderCrc32(kFraming.codec, in, delta));
    parsed.frame_offset = in.position();
    return parsed;
  }
  if (mode != static_cast<uint8_t>(GzipPatchHeader::Mode::kMembers))
    return Corrupted("unknown mode");
  parsed.header.mode = GzipPatchHeader::Mode::kMembers;
  uint64_t form = 0;
  uint64_t count = 0;
  if (!in.Le(1, form) || form > 1 || !in.Le(4, count)) return Corrupted("bad member list");
  if (count == 0 || count > in.remaining() / kMinMemberBytes) return Corrupted("bad member count");
  parsed.header.reference_inflated = form == 1;
  parsed.header.members.reserve(count);
  for (uint64_t i = 0; i < count; ++i) {
    DG_ASSIGN_OR_RETURN(GzipPatchMember member, ReadMember(in, preamble.version));
    parsed.header.members.push_back(std::move(member));
  }
  DG_RETURN_IF_ERROR(ReadHeaderCrc32(kFraming.codec, in, delta));
  parsed.frame_offset = in.position();
  return parsed;
}

Result<uint64_t> TotalPayload(const GzipPatchHeader& header, uint64_t cap) {
  uint64_t total = 0;
  for (const GzipPatchMember& member : header.members) {
    if (member.payload_size > cap - total) return Corrupted("payload sizes too large");
    total += member.payload_size;
  }
  return total;
}

}  // namespace deltaglider
