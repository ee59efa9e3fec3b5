// FindDeflateMethod() and RebuildDeflateStream(); see deflate_rebuild.h.
#include "codec/deflate_rebuild.h"

#include "codec/deflate_recipe.h"
#include "codec/inflate_raw.h"
#include "deltaglider/stream.h"

namespace deltaglider {

Result<DeflateMethod> FindDeflateMethod(std::span<const std::byte> payload,
                                        std::span<const std::byte> stream,
                                        std::span<const DeflateProfile> candidates) {
  auto profile = FindDeflateProfileAmong(payload, stream, candidates);
  if (profile.ok()) return DeflateMethod{*profile, {}};
  DG_ASSIGN_OR_RETURN(std::vector<std::byte> recipe, MakeDeflateRecipe(payload, stream));
  return DeflateMethod{DeflateProfile{}, std::move(recipe)};
}

Result<std::vector<std::byte>> RebuildDeflateStream(std::string_view codec,
                                                    std::span<const std::byte> payload,
                                                    const DeflateMethod& method,
                                                    uint64_t stream_size, uint32_t stream_crc32) {
  VectorSink stream(stream_size);
  Status rebuilt;
  if (method.recipe.empty()) {
    rebuilt = Deflate(payload, method.profile, stream);
  } else {
    auto bytes = RebuildFromRecipe(payload, method.recipe);
    rebuilt = bytes.ok() ? stream.Write(*bytes) : Status(bytes.error());
  }
  if (!rebuilt.ok() || stream.bytes().size() != stream_size ||
      Crc32(stream.bytes()) != stream_crc32) {
    return MakeError(ErrorCode::kCorrupted, codec,
                     ": re-deflated stream does not match the recorded size/CRC32");
  }
  return std::move(stream.bytes());
}

}  // namespace deltaglider
