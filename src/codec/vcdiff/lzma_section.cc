#include "codec/vcdiff/lzma_section.h"

#include <algorithm>
#include <string>

namespace deltaglider::vcdiff {
namespace {

// xdelta3 3.0.11 uses a 256 KiB dictionary (about 0.3 MiB of decoder state); a
// build honouring -9 would use 64 MiB. Anything beyond this is refused.
constexpr uint64_t kMemLimit = uint64_t{96} << 20;
// Output grows in steps of at least this, doubling with what was produced.
constexpr size_t kMinOutputStep = size_t{64} << 10;

Error LzmaError(lzma_ret ret) {
  switch (ret) {
    case LZMA_MEM_ERROR:
      return MakeError(ErrorCode::kResourceExhausted, "lzma: out of memory");
    case LZMA_MEMLIMIT_ERROR:
      return MakeError(ErrorCode::kResourceExhausted, "lzma: dictionary exceeds the memory limit");
    case LZMA_STREAM_END:
      return MakeError(ErrorCode::kCorrupted, "lzma: unexpected end of stream");
    case LZMA_BUF_ERROR:
      return MakeError(ErrorCode::kCorrupted, "lzma: section ends before its declared size");
    case LZMA_FORMAT_ERROR:
      return MakeError(ErrorCode::kCorrupted, "lzma: not an xz stream");
    case LZMA_OPTIONS_ERROR:
      return MakeError(ErrorCode::kCorrupted, "lzma: unsupported xz options");
    default:
      return MakeError(ErrorCode::kCorrupted, "lzma: corrupt data (code ",
                       std::to_string(static_cast<int>(ret)), ")");
  }
}

bool Continuing(lzma_ret ret) { return ret == LZMA_OK || ret == LZMA_NO_CHECK; }

}  // namespace

LzmaSectionDecoder::~LzmaSectionDecoder() {
  if (initialized_) lzma_end(&stream_);
}

Status LzmaSectionDecoder::Init() {
  const lzma_ret ret = lzma_stream_decoder(&stream_, kMemLimit, 0);
  if (ret != LZMA_OK) return LzmaError(ret);
  initialized_ = true;
  return OkStatus();
}

Status LzmaSectionDecoder::Decode(std::span<const std::byte> payload, size_t size,
                                  std::vector<std::byte>& out) {
  if (!initialized_) DG_RETURN_IF_ERROR(Init());
  out.clear();
  stream_.next_in = reinterpret_cast<const uint8_t*>(payload.data());
  stream_.avail_in = payload.size();
  lzma_ret ret = LZMA_OK;
  while (out.size() < size && Continuing(ret)) {
    const size_t produced = out.size();
    const size_t step = std::min(size - produced, std::max(produced, kMinOutputStep));
    out.resize(produced + step);
    stream_.next_out = reinterpret_cast<uint8_t*>(out.data() + produced);
    stream_.avail_out = step;
    do {
      ret = lzma_code(&stream_, LZMA_RUN);
    } while (Continuing(ret) && stream_.avail_out != 0);
    out.resize(produced + step - stream_.avail_out);
  }
  if (!Continuing(ret)) return LzmaError(ret);
  if (stream_.avail_in != 0) {
    return MakeError(ErrorCode::kCorrupted, "lzma: section has ", std::to_string(stream_.avail_in),
                     " unused bytes after its declared size");
  }
  return OkStatus();
}

}  // namespace deltaglider::vcdiff
