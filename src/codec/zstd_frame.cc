// CompressFrame() and DecompressFrame(); see zstd_frame.h.
#include "codec/zstd_frame.h"

#include <zstd.h>

namespace deltaglider {

std::vector<std::byte> CompressFrame(std::span<const std::byte> data, int level) {
  std::vector<std::byte> out(ZSTD_compressBound(data.size()));
  const size_t size = ZSTD_compress(out.data(), out.size(), data.data(), data.size(), level);
  // Only a bound too small could fail, and ZSTD_compressBound rules that out.
  out.resize(ZSTD_isError(size) ? 0 : size);
  return out;
}

Result<std::vector<std::byte>> DecompressFrame(std::string_view what,
                                               std::span<const std::byte> frame, uint64_t size) {
  if (ZSTD_getFrameContentSize(frame.data(), frame.size()) != size)
    return MakeError(ErrorCode::kCorrupted, what, ": frame size differs from the recorded one");
  std::vector<std::byte> data(size);
  const size_t got = ZSTD_decompress(data.data(), data.size(), frame.data(), frame.size());
  if (ZSTD_isError(got) || got != size)
    return MakeError(ErrorCode::kCorrupted, what, ": frame does not decode");
  return data;
}

}  // namespace deltaglider
