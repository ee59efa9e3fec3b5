// RebuildDeflateStream(); see deflate_rebuild.h.
#include "codec/deflate_rebuild.h"

#include "codec/inflate_raw.h"
#include "deltaglider/stream.h"

namespace deltaglider {

Result<std::vector<std::byte>> RebuildDeflateStream(std::string_view codec,
                                                    std::span<const std::byte> payload,
                                                    const DeflateProfile& profile,
                                                    uint64_t stream_size, uint32_t stream_crc32) {
  VectorSink stream(stream_size);
  const Status deflated = Deflate(payload, profile, stream);
  if (!deflated.ok() || stream.bytes().size() != stream_size ||
      Crc32(stream.bytes()) != stream_crc32) {
    return MakeError(ErrorCode::kCorrupted, codec,
                     ": re-deflated stream does not match the recorded size/CRC32");
  }
  return std::move(stream.bytes());
}

}  // namespace deltaglider
