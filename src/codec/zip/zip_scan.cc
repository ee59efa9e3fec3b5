// ScanZip() and ZipPatchBase(); see zip_scan.h. Local file header (APPNOTE 4.3.7):
// signature PK\3\4, version, flags, method, time, date, CRC-32, sizes, name and
// extra lengths at offsets 26 and 28, then name and extra; the data follows.
#include "codec/zip/zip_scan.h"

#include <algorithm>
#include <cstring>

#include "codec/gzip/gzip_file.h"
#include "codec/inflate_raw.h"

namespace deltaglider {
namespace {

constexpr size_t kLocalHeaderSize = 30;
constexpr uint16_t kMethodDeflate = 8;
constexpr uint16_t kFlagEncrypted = 0x0001;
constexpr std::byte kSignature[4] = {std::byte{'P'}, std::byte{'K'}, std::byte{3}, std::byte{4}};

uint16_t Le16(std::span<const std::byte> b, size_t at) {
  return static_cast<uint16_t>(static_cast<unsigned>(b[at]) | static_cast<unsigned>(b[at + 1])
                                                                  << 8);
}

// The next local header signature at or after `from`, or file.size().
size_t FindSignature(std::span<const std::byte> file, size_t from) {
  if (from >= file.size()) return file.size();
  const auto it = std::search(file.begin() + static_cast<std::ptrdiff_t>(from), file.end(),
                              std::begin(kSignature), std::end(kSignature));
  return static_cast<size_t>(it - file.begin());
}

// Where the data of the deflated, unencrypted entry whose header is at `pos`
// starts, or 0 if the header is not one (or runs off the end).
size_t DeflatedDataStart(std::span<const std::byte> file, size_t pos) {
  if (file.size() - pos < kLocalHeaderSize) return 0;
  const std::span<const std::byte> header = file.subspan(pos, kLocalHeaderSize);
  if ((Le16(header, 6) & kFlagEncrypted) != 0 || Le16(header, 8) != kMethodDeflate) return 0;
  const size_t data = pos + kLocalHeaderSize + Le16(header, 26) + Le16(header, 28);
  return data < file.size() ? data : 0;
}

}  // namespace

ZipScan ScanZip(std::span<const std::byte> file) {
  ZipScan scan;
  const uint64_t limit = MaxGzipPayload(file.size());
  size_t pos = FindSignature(file, 0);
  while (pos < file.size()) {
    const size_t data = DeflatedDataStart(file, pos);
    if (data == 0) {
      pos = FindSignature(file, pos + 1);
      continue;
    }
    const size_t before = scan.payload.size();
    auto stream_size = InflateRaw(file.subspan(data), limit, scan.payload);
    if (!stream_size.ok()) {
      scan.payload.resize(before);
      if (stream_size.code() == ErrorCode::kResourceExhausted) break;
      pos = FindSignature(file, pos + 1);
      continue;
    }
    scan.streams.push_back(ZipStream{data, *stream_size, before, scan.payload.size() - before});
    pos = FindSignature(file, data + *stream_size);
  }
  return scan;
}

std::string_view LocalHeaderName(std::span<const std::byte> bytes, uint64_t from,
                                 uint64_t stream_offset) {
  constexpr uint64_t kLongestHeader = kLocalHeaderSize + 2 * 0xFFFF;
  if (stream_offset > bytes.size() || stream_offset < from + kLocalHeaderSize) return {};
  const uint64_t lowest =
      std::max(from, stream_offset > kLongestHeader ? stream_offset - kLongestHeader : 0);
  for (uint64_t h = stream_offset - kLocalHeaderSize + 1; h-- > lowest;) {
    if (std::memcmp(bytes.data() + h, kSignature, sizeof kSignature) != 0) continue;
    const uint16_t name_size = Le16(bytes, h + 26);
    if (h + kLocalHeaderSize + name_size + Le16(bytes, h + 28) != stream_offset) continue;
    return std::string_view(reinterpret_cast<const char*>(bytes.data() + h + kLocalHeaderSize),
                            name_size);
  }
  return {};
}

std::vector<std::byte> ZipPatchBase(std::span<const std::byte> file, const ZipScan& scan,
                                    ZipBaseLayout layout) {
  std::vector<std::byte> out;
  out.reserve(file.size() * 2 + scan.payload.size());
  if (layout == ZipBaseLayout::kRawThenPayloads) {
    out.insert(out.end(), file.begin(), file.end());
    out.insert(out.end(), scan.payload.begin(), scan.payload.end());
    return out;
  }
  uint64_t cursor = 0;
  for (const ZipStream& s : scan.streams) {
    out.insert(out.end(), file.begin() + static_cast<std::ptrdiff_t>(cursor),
               file.begin() + static_cast<std::ptrdiff_t>(s.offset));
    const auto payload =
        std::span<const std::byte>(scan.payload).subspan(s.payload_offset, s.payload_size);
    out.insert(out.end(), payload.begin(), payload.end());
    cursor = s.offset + s.size;
  }
  out.insert(out.end(), file.begin() + static_cast<std::ptrdiff_t>(cursor), file.end());
  out.insert(out.end(), file.begin(), file.end());
  return out;
}

}  // namespace deltaglider
