// LzmaSectionDecoder: xdelta3's LZMA secondary compression for one section kind
// (data, inst or addr). xdelta3 writes one never-finished .xz stream per kind
// across the whole file, sync-flushed after every section, so this object keeps
// its liblzma state from window to window and must see the sections in order.
// It decodes one section's payload to exactly the size the section declares and
// must never allocate more output than that payload actually produces.
#pragma once

#include <lzma.h>

#include <cstddef>
#include <span>
#include <vector>

#include "deltaglider/result.h"

namespace deltaglider::vcdiff {

class LzmaSectionDecoder {
 public:
  LzmaSectionDecoder() = default;
  ~LzmaSectionDecoder();
  LzmaSectionDecoder(const LzmaSectionDecoder&) = delete;
  LzmaSectionDecoder& operator=(const LzmaSectionDecoder&) = delete;

  // Decodes `payload` (the section without its size varint) into `out`, which
  // must come out exactly `size` bytes long with all of `payload` consumed.
  Status Decode(std::span<const std::byte> payload, size_t size, std::vector<std::byte>& out);

 private:
  Status Init();

  lzma_stream stream_ = LZMA_STREAM_INIT;
  bool initialized_ = false;
};

}  // namespace deltaglider::vcdiff
