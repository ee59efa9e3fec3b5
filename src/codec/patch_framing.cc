// The shared pieces of the archive-patch framings; see patch_framing.h.
#include "codec/patch_framing.h"

#include <string>

#include "codec/inflate_raw.h"

namespace deltaglider {
namespace {

Error Corrupted(std::string_view codec, std::string_view why) {
  return MakeError(ErrorCode::kCorrupted, codec, ": ", why);
}

}  // namespace

void AppendPreamble(const PatchFraming& framing, const Preamble& preamble,
                    std::vector<std::byte>& out) {
  for (char c : framing.magic) out.push_back(static_cast<std::byte>(c));
  out.push_back(std::byte{preamble.version});
  out.push_back(std::byte{preamble.mode});
}

Result<Preamble> ReadPreamble(const PatchFraming& framing, ByteReader& in) {
  std::span<const std::byte> magic;
  if (!in.Bytes(framing.magic.size(), magic) || AsChars(magic) != framing.magic) {
    return Corrupted(framing.codec,
                     std::string("not a ") + std::string(framing.codec) + " delta (bad magic)");
  }
  uint64_t version = 0;
  uint64_t mode = 0;
  if (!in.Le(1, version) || !in.Le(1, mode)) return Corrupted(framing.codec, "truncated header");
  if (version == 0 || version > framing.version) {
    return MakeError(ErrorCode::kUnsupported, framing.codec, ": format version ",
                     std::to_string(version), " is newer than this reader");
  }
  return Preamble{static_cast<uint8_t>(version), static_cast<uint8_t>(mode)};
}

void AppendMethod(const DeflateMethod& method, uint8_t version, std::vector<std::byte>& out) {
  AppendProfile(method.profile, out);
  if (version < 2) return;
  AppendLe(out, method.recipe.size(), 4);
  out.insert(out.end(), method.recipe.begin(), method.recipe.end());
}

Result<DeflateMethod> ReadMethod(std::string_view codec, uint8_t version, ByteReader& in) {
  DeflateMethod method;
  DG_ASSIGN_OR_RETURN(method.profile, ReadProfile(codec, in));
  if (version < 2) return method;
  uint64_t size = 0;
  std::span<const std::byte> recipe;
  if (!in.Le(4, size) || !in.Bytes(size, recipe)) return Corrupted(codec, "truncated recipe");
  method.recipe.assign(recipe.begin(), recipe.end());
  return method;
}

void AppendHeaderCrc32(size_t start, std::vector<std::byte>& out) {
  AppendLe(out, Crc32(std::span<const std::byte>(out).subspan(start)), 4);
}

Status ReadHeaderCrc32(std::string_view codec, ByteReader& in, std::span<const std::byte> data) {
  const uint32_t expected = Crc32(data.first(in.position()));
  uint64_t stored = 0;
  if (!in.Le(4, stored) || stored != expected) return Corrupted(codec, "header CRC32 mismatch");
  return OkStatus();
}

}  // namespace deltaglider
