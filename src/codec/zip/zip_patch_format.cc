// Writing and reading the zip-patch framing; see zip_patch_format.h.
#include "codec/zip/zip_patch_format.h"

#include <cstring>
#include <string>

#include "codec/byte_io.h"
#include "codec/gzip/gzip_file.h"

namespace deltaglider {
namespace {

constexpr char kMagic[4] = {'D', 'G', 'Z', 'P'};
constexpr uint8_t kVersion = 1;
constexpr size_t kStreamBytes = 8 + 8 + 4 + 8 + 3;

Error Corrupted(std::string_view why) {
  return MakeError(ErrorCode::kCorrupted, "zip-patch: ", why);
}

// Reads one stream entry, which must start at or after `cursor` and end within
// the target; advances `cursor` past it.
Result<ZipPatchStream> ReadStream(ByteReader& in, uint64_t target_size, uint64_t& cursor) {
  ZipPatchStream s;
  uint64_t crc = 0;
  uint64_t hash = 0;
  uint64_t level = 0;
  uint64_t mem_level = 0;
  if (!in.Le(8, s.offset) || !in.Le(8, s.size) || !in.Le(4, crc) || !in.Le(8, s.payload_size) ||
      !in.Le(1, hash) || !in.Le(1, level) || !in.Le(1, mem_level)) {
    return Corrupted("truncated stream list");
  }
  if (s.offset < cursor || s.offset > target_size || s.size > target_size - s.offset) {
    return Corrupted("stream outside the target");
  }
  s.crc32 = static_cast<uint32_t>(crc);
  s.profile = DeflateProfile{static_cast<DeflateProfile::Hash>(hash), static_cast<int>(level),
                             static_cast<int>(mem_level)};
  if (!IsValidDeflateProfile(s.profile)) {
    return Corrupted("unknown deflate profile");
  }
  cursor = s.offset + s.size;
  return s;
}

Status ReadStreams(ByteReader& in, ZipPatchHeader& header) {
  uint64_t count = 0;
  if (!in.Le(8, header.target_size) || !in.Le(4, count)) return Corrupted("truncated header");
  if (count > in.remaining() / kStreamBytes) return Corrupted("bad stream count");
  uint64_t cursor = 0;
  uint64_t payload = 0;
  for (uint64_t i = 0; i < count; ++i) {
    DG_ASSIGN_OR_RETURN(ZipPatchStream s, ReadStream(in, header.target_size, cursor));
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
  for (char c : kMagic) out.push_back(static_cast<std::byte>(c));
  out.push_back(std::byte{kVersion});
  out.push_back(static_cast<std::byte>(header.mode));
  if (header.mode == ZipPatchHeader::Mode::kStreams) {
    AppendLe(out, header.target_size, 8);
    AppendLe(out, header.streams.size(), 4);
    for (const ZipPatchStream& s : header.streams) {
      AppendLe(out, s.offset, 8);
      AppendLe(out, s.size, 8);
      AppendLe(out, s.crc32, 4);
      AppendLe(out, s.payload_size, 8);
      out.push_back(static_cast<std::byte>(s.profile.hash));
      out.push_back(static_cast<std::byte>(s.profile.level));
      out.push_back(static_cast<std::byte>(s.profile.mem_level));
    }
  }
  AppendLe(out, Crc32(std::span<const std::byte>(out).subspan(start)), 4);
}

Result<ParsedZipPatch> ParseZipPatchHeader(std::span<const std::byte> delta) {
  ByteReader in(delta);
  std::span<const std::byte> magic;
  uint64_t version = 0;
  uint64_t mode = 0;
  if (!in.Bytes(4, magic) || std::memcmp(magic.data(), kMagic, 4) != 0) {
    return Corrupted("not a zip-patch delta (bad magic)");
  }
  if (!in.Le(1, version) || !in.Le(1, mode)) return Corrupted("truncated header");
  if (version != kVersion) {
    return MakeError(ErrorCode::kUnsupported, "zip-patch: format version ", std::to_string(version),
                     " is newer than this reader");
  }
  ParsedZipPatch parsed;
  if (mode == static_cast<uint64_t>(ZipPatchHeader::Mode::kStreams)) {
    parsed.header.mode = ZipPatchHeader::Mode::kStreams;
    DG_RETURN_IF_ERROR(ReadStreams(in, parsed.header));
  } else if (mode != static_cast<uint64_t>(ZipPatchHeader::Mode::kRaw)) {
    return Corrupted("unknown mode");
  }
  if (!ReadPrefixCrc32(in, delta)) return Corrupted("header CRC32 mismatch");
  parsed.frame_offset = in.position();
  return parsed;
}

}  // namespace deltaglider
