// Writing and reading the gzip-patch framing; see gzip_patch_format.h.
#include "codec/gzip/gzip_patch_format.h"

#include <cstring>
#include <string>

#include "codec/inflate_raw.h"

namespace deltaglider {
namespace {

constexpr char kMagic[4] = {'D', 'G', 'G', 'Z'};
constexpr uint8_t kVersion = 1;
// Header length, profile, payload size, CRC32, ISIZE: the least a member takes.
constexpr size_t kMinMemberBytes = 4 + 3 + 8 + 4 + 4 + 8 + 4;

void PutLe(std::vector<std::byte>& out, uint64_t value, int bytes) {
  for (int i = 0; i < bytes; ++i) out.push_back(static_cast<std::byte>(value >> (8 * i)));
}

Error Corrupted(std::string_view why) {
  return MakeError(ErrorCode::kCorrupted, "gzip-patch: ", why);
}

// Reads the delta front to back; every read is bounds-checked.
class Reader {
 public:
  explicit Reader(std::span<const std::byte> data) : data_(data) {}
  bool Le(int bytes, uint64_t& value) {
    if (remaining() < static_cast<size_t>(bytes)) return false;
    value = 0;
    for (int i = 0; i < bytes; ++i) value |= static_cast<uint64_t>(data_[pos_ + i]) << (8 * i);
    pos_ += static_cast<size_t>(bytes);
    return true;
  }
  bool Bytes(size_t size, std::span<const std::byte>& out) {
    if (remaining() < size) return false;
    out = data_.subspan(pos_, size);
    pos_ += size;
    return true;
  }
  size_t remaining() const { return data_.size() - pos_; }
  size_t position() const { return pos_; }

 private:
  std::span<const std::byte> data_;
  size_t pos_ = 0;
};

Result<GzipPatchMember> ReadMember(Reader& in) {
  GzipPatchMember member;
  uint64_t header_len = 0;
  std::span<const std::byte> header;
  if (!in.Le(4, header_len) || !in.Bytes(header_len, header)) return Corrupted("truncated member");
  member.header.assign(header.begin(), header.end());
  uint64_t hash = 0;
  uint64_t level = 0;
  uint64_t mem_level = 0;
  uint64_t crc = 0;
  uint64_t isize = 0;
  uint64_t stream_crc = 0;
  if (!in.Le(1, hash) || !in.Le(1, level) || !in.Le(1, mem_level) ||
      !in.Le(8, member.payload_size) || !in.Le(4, crc) || !in.Le(4, isize) ||
      !in.Le(8, member.stream_size) || !in.Le(4, stream_crc)) {
    return Corrupted("truncated member");
  }
  member.profile = DeflateProfile{static_cast<DeflateProfile::Hash>(hash), static_cast<int>(level),
                                  static_cast<int>(mem_level)};
  if (hash > DeflateProfile::kChromiumAnzac || !IsValidDeflateProfile(member.profile)) {
    return Corrupted("unknown deflate profile");
  }
  member.crc32 = static_cast<uint32_t>(crc);
  member.isize = static_cast<uint32_t>(isize);
  member.stream_crc32 = static_cast<uint32_t>(stream_crc);
  return member;
}

// Checks the CRC32 that ends the header at the reader's position.
Status ReadHeaderCrc(Reader& in, std::span<const std::byte> delta) {
  const uint32_t expected = Crc32(delta.first(in.position()));
  uint64_t stored = 0;
  if (!in.Le(4, stored)) return Corrupted("truncated header");
  if (stored != expected) return Corrupted("header CRC32 mismatch");
  return OkStatus();
}

void AppendMembers(const GzipPatchHeader& header, std::vector<std::byte>& out) {
  out.push_back(std::byte{header.reference_inflated ? uint8_t{1} : uint8_t{0}});
  PutLe(out, header.members.size(), 4);
  for (const GzipPatchMember& member : header.members) {
    PutLe(out, member.header.size(), 4);
    out.insert(out.end(), member.header.begin(), member.header.end());
    out.push_back(static_cast<std::byte>(member.profile.hash));
    out.push_back(static_cast<std::byte>(member.profile.level));
    out.push_back(static_cast<std::byte>(member.profile.mem_level));
    PutLe(out, member.payload_size, 8);
    PutLe(out, member.crc32, 4);
    PutLe(out, member.isize, 4);
    PutLe(out, member.stream_size, 8);
    PutLe(out, member.stream_crc32, 4);
  }
}

}  // namespace

void AppendGzipPatchHeader(const GzipPatchHeader& header, std::vector<std::byte>& out) {
  const size_t start = out.size();
  for (char c : kMagic) out.push_back(static_cast<std::byte>(c));
  out.push_back(std::byte{kVersion});
  out.push_back(static_cast<std::byte>(header.mode));
  if (header.mode == GzipPatchHeader::Mode::kMembers) AppendMembers(header, out);
  PutLe(out, Crc32(std::span<const std::byte>(out).subspan(start)), 4);
}

Result<ParsedGzipPatch> ParseGzipPatchHeader(std::span<const std::byte> delta) {
  Reader in(delta);
  std::span<const std::byte> magic;
  uint64_t version = 0;
  uint64_t mode = 0;
  if (!in.Bytes(4, magic) || std::memcmp(magic.data(), kMagic, 4) != 0) {
    return Corrupted("not a gzip-patch delta (bad magic)");
  }
  if (!in.Le(1, version) || !in.Le(1, mode)) return Corrupted("truncated header");
  if (version != kVersion) {
    return MakeError(ErrorCode::kUnsupported, "gzip-patch: format version ",
                     std::to_string(version), " is newer than this reader");
  }
  ParsedGzipPatch parsed;
  if (mode == static_cast<uint64_t>(GzipPatchHeader::Mode::kRaw)) {
    DG_RETURN_IF_ERROR(ReadHeaderCrc(in, delta));
    parsed.frame_offset = in.position();
    return parsed;
  }
  if (mode != static_cast<uint64_t>(GzipPatchHeader::Mode::kMembers))
    return Corrupted("unknown mode");
  parsed.header.mode = GzipPatchHeader::Mode::kMembers;
  uint64_t form = 0;
  uint64_t count = 0;
  if (!in.Le(1, form) || form > 1 || !in.Le(4, count)) return Corrupted("bad member list");
  if (count == 0 || count > in.remaining() / kMinMemberBytes) return Corrupted("bad member count");
  parsed.header.reference_inflated = form == 1;
  parsed.header.members.reserve(count);
  for (uint64_t i = 0; i < count; ++i) {
    DG_ASSIGN_OR_RETURN(GzipPatchMember member, ReadMember(in));
    parsed.header.members.push_back(std::move(member));
  }
  DG_RETURN_IF_ERROR(ReadHeaderCrc(in, delta));
  parsed.frame_offset = in.position();
  return parsed;
}

}  // namespace deltaglider
