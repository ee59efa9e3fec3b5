// Writing and reading the zip-patch framing; see zip_patch_format.h.
#include "codec/zip/zip_patch_format.h"

#include "codec/byte_io.h"
#include "codec/gzip/gzip_file.h"
#include "codec/patch_framing.h"
#include "codec/zstd_frame.h"

namespace deltaglider {
namespace {

constexpr PatchFraming kFraming{"zip-patch", "DGZP", 3};
constexpr size_t kStreamBytes = 8 + 8 + 4 + 8 + 3;
constexpr int kTableLevel = 9;
// A stream table's raw size may be at most this many times its frame's size (a
// real one compresses 3-5x; the bound keeps a hostile frame from inflating).
constexpr uint64_t kMaxTableExpansion = 1024;

Error Corrupted(std::string_view why) {
  return MakeError(ErrorCode::kCorrupted, "zip-patch: ", why);
}

// Reads one stream entry, which must start at or after `cursor` and end within
// the target; advances `cursor` past it. Version 1 records the stream's offset,
// version 2 its distance from the end of the previous stream.
Result<ZipPatchStream> ReadStream(ByteReader& in, uint8_t version, uint64_t target_size,
                                  uint64_t& cursor) {
  ZipPatchStream s;
  uint64_t crc = 0;
  if (!in.Le(8, s.offset) || !in.Le(8, s.size) || !in.Le(4, crc) || !in.Le(8, s.payload_size)) {
    return Corrupted("truncated stream list");
  }
  if (version >= 2) {
    if (s.offset > target_size - cursor) return Corrupted("stream outside the target");
    s.offset += cursor;
  }
  DG_ASSIGN_OR_RETURN(s.method, ReadMethod(kFraming.codec, version, in));
  if (s.offset < cursor || s.offset > target_size || s.size > target_size - s.offset) {
    return Corrupted("stream outside the target");
  }
  s.crc32 = static_cast<uint32_t>(crc);
  cursor = s.offset + s.size;
  return s;
}

Status ReadStreamTable(ByteReader& in, uint64_t count, uint8_t version, ZipPatchHeader& header) {
  if (count > in.remaining() / kStreamBytes) return Corrupted("bad stream count");
  uint64_t cursor = 0;
  uint64_t payload = 0;
  for (uint64_t i = 0; i < count; ++i) {
    DG_ASSIGN_OR_RETURN(ZipPatchStream s, ReadStream(in, version, header.target_size, cursor));
    if (s.payload_size > kMaxGzipPayloadTotal - payload) return Corrupted("payloads too large");
    payload += s.payload_size;
    header.streams.push_back(s);
  }
  if (in.remaining() != 0) return Corrupted("stream table has bytes left over");
  return OkStatus();
}

// Version 1: the table inline. Version 2: its raw size (u64), then one zstd
// frame of it (its size: u32).
Status ReadStreams(ByteReader& in, uint8_t version, ZipPatchHeader& header) {
  uint64_t count = 0;
  if (!in.Le(8, header.target_size) || !in.Le(4, count)) return Corrupted("truncated header");
  if (version < 2) {
    std::span<const std::byte> rest;
    in.Bytes(count * kStreamBytes <= in.remaining() ? count * kStreamBytes : in.remaining(), rest);
    ByteReader table(rest);
    return ReadStreamTable(table, count, version, header);
  }
  uint64_t table_size = 0;
  uint64_t frame_size = 0;
  std::span<const std::byte> frame;
  if (!in.Le(8, table_size) || !in.Le(4, frame_size) || !in.Bytes(frame_size, frame))
    return Corrupted("truncated stream table");
  if (table_size > frame_size * kMaxTableExpansion) return Corrupted("stream table too large");
  DG_ASSIGN_OR_RETURN(const std::vector<std::byte> table,
                      DecompressFrame("zip-patch stream table", frame, table_size));
  ByteReader table_in(table);
  return ReadStreamTable(table_in, count, version, header);
}

std::vector<std::byte> StreamTable(const ZipPatchHeader& header, uint8_t version) {
  std::vector<std::byte> table;
  uint64_t cursor = 0;
  for (const ZipPatchStream& s : header.streams) {
    AppendLe(table, s.offset - cursor, 8);
    AppendLe(table, s.size, 8);
    AppendLe(table, s.crc32, 4);
    AppendLe(table, s.payload_size, 8);
    AppendMethod(s.method, version, table);
    cursor = s.offset + s.size;
  }
  return table;
}

}  // namespace

uint64_t ZipPatchHeader::ExpandedSize() const {
  uint64_t size = target_size;
  for (const ZipPatchStream& s : streams) size = size - s.size + s.payload_size;
  return size;
}

void AppendZipPatchHeader(const ZipPatchHeader& header, std::vector<std::byte>& out) {
  const size_t start = out.size();
  const uint8_t version = kFraming.version;
  AppendPreamble(kFraming, Preamble{version, static_cast<uint8_t>(header.mode)}, out);
  if (header.mode == ZipPatchHeader::Mode::kStreams) {
    AppendLe(out, header.target_size, 8);
    AppendLe(out, header.streams.size(), 4);
    const std::vector<std::byte> table = StreamTable(header, version);
    const std::vector<std::byte> frame = CompressFrame(table, kTableLevel);
    AppendLe(out, table.size(), 8);
    AppendLe(out, frame.size(), 4);
    out.insert(out.end(), frame.begin(), frame.end());
  }
  AppendHeaderCrc32(start, out);
}

Result<ParsedZipPatch> ParseZipPatchHeader(std::span<const std::byte> delta) {
  ByteReader in(delta);
  DG_ASSIGN_OR_RETURN(const Preamble preamble, ReadPreamble(kFraming, in));
  ParsedZipPatch parsed;
  parsed.version = preamble.version;
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
