// Writing and reading the zip-patch framing; see zip_patch_format.h.
#include "codec/zip/zip_patch_format.h"

#include "codec/byte_io.h"
#include "codec/gzip/gzip_file.h"
#include "codec/patch_framing.h"

namespace deltaglider {
namespace {

constexpr PatchFraming kFraming{"zip-patch", "DGZP", 2};
constexpr size_t kStreamBytes = 8 + 8 + 4 + 8 + 3;

Error Corrupted(std::string_view why) {
  return MakeError(ErrorCode::kCorrupted, "zip-patch: ", why);
}

// Reads one stream entry, which must start at or after `cursor` and end within
// the target; advances `cursor` past it.
Result<ZipPatchStream> ReadStream(ByteReader& in, uint8_t version, uint64_t target_size,
                                  uint64_t& cursor) {
  ZipPatchStream s;
  uint64_t crc = 0;
  if (!in.Le(8, s.offset) || !in.Le(8, s.size) || !in.Le(4, crc) || !in.Le(8, s.payload_size)) {
    return Corrupted("truncated stream list");
  }
  DG_ASSIGN_OR_RETURN(s.method, ReadMethod(kFraming.codec, version, in));
  if (s.offset < cursor || s.offset > target_size || s.size > target_size - s.offset) {
    return Corrupted("stream outside the target");
  }
  s.crc32 = static_cast<uint32_t>(crc);
  cursor = s.offset + s.size;
  return s;
}

Status ReadStreams(ByteReader& in, uint8_t version, ZipPatchHeader& header) {
  uint64_t count = 0;
  if (!in.Le(8, header.target_size) || !in.Le(4, count)) return Corrupted("truncated header");
  if (count > in.remaining() / kStreamBytes) return Corrupted("bad stream count");
  uint64_t cursor = 0;
  uint64_t payload = 0;
  for (uint64_t i = 0; i < count; ++i) {
    DG_ASSIGN_OR_RETURN(ZipPatchStream s, ReadStream(in, version, header.target_size, cursor));
    if (s.payload_size > kMaxGzipPayloadTotal - payload) return Corrupted("payloads too large");
    payload += s.payload_size;
    header.streams.push_back(s);
  }
  return OkStatus();
}

}  // namespace

uint64_t ZipPatchHeader::ExpandedSize() const {
  uint64_t size = target_size;
  for (const ZipPatchStream& s : streams) size = size - s.size + s.payload_size;
  return size;
}

void AppendZipPatchHeader(const ZipPatchHeader& header, std::vector<std::byte>& out) {
  const size_t start = out.size();
  const uint8_t version = VersionFor(
      header.streams, [](const ZipPatchStream& s) -> const DeflateMethod& { return s.method; });
  AppendPreamble(kFraming, Preamble{version, static_cast<uint8_t>(header.mode)}, out);
  if (header.mode == ZipPatchHeader::Mode::kStreams) {
    AppendLe(out, header.target_size, 8);
    AppendLe(out, header.streams.size(), 4);
    for (const ZipPatchStream& s : header.streams) {
      AppendLe(out, s.offset, 8);
      AppendLe(out, s.size, 8);
      AppendLe(out, s.crc32, 4);
      AppendLe(out, s.payload_size, 8);
      AppendMethod(s.method, version, out);
    }
  }
  AppendHeaderCrc32(start, out);
}

Result<ParsedZipPatch> ParseZipPatchHeader(std::span<const std::byte> delta) {
  ByteReader in(delta);
  DG_ASSIGN_OR_RETURN(const Preamble preamble, ReadPreamble(kFraming, in));
  ParsedZipPatch parsed;
  if (preamble.mode == static_cast<uint8_t>(ZipPatchHeader::Mode::kStreams)) {
    parsed.header.mode = ZipPatchHeader::Mode::kStreams;
    DG_RETURN_IF_ERROR(ReadStreams(in, preamble.version, parsed.header));
  } else if (preamble.mode != static_cast<uint8_t>(ZipPatchHeader::Mode::kRaw)) {
    return Corrupted("unknown mode");
  }
  DG_RETURN_IF_ERROR(ReadHeaderCrc32(kFraming.codec, in, delta));
  parsed.frame_offset = in.position();
  return parsed;
}

}  // namespace deltaglider
