// A minimal zip writer for the zip tests: local headers, entries deflated by the
// system zlib (or stored), optional data descriptors, central directory, end
// record. Tests only.
#pragma once

#include <zlib.h>

#include <cstddef>
#include <string>
#include <vector>

namespace deltaglider::testing {

struct ZipEntry {
  std::string name;
  std::vector<std::byte> data;
  bool deflate = true;
  int level = 6;
  int strategy = Z_DEFAULT_STRATEGY;
  bool data_descriptor = false;
};

inline std::vector<std::byte> RawDeflate(const std::vector<std::byte>& data, int level,
                                         int strategy) {
  z_stream z{};
  deflateInit2(&z, level, Z_DEFLATED, -15, 8, strategy);
  std::vector<std::byte> out(deflateBound(&z, data.size()) + 16);
  z.next_in = reinterpret_cast<Bytef*>(const_cast<std::byte*>(data.data()));
  z.avail_in = static_cast<uInt>(data.size());
  z.next_out = reinterpret_cast<Bytef*>(out.data());
  z.avail_out = static_cast<uInt>(out.size());
  ::deflate(&z, Z_FINISH);
  out.resize(z.total_out);
  deflateEnd(&z);
  return out;
}

inline std::vector<std::byte> MakeZip(const std::vector<ZipEntry>& entries) {
  std::vector<std::byte> out;
  std::vector<std::byte> central;
  auto le = [](std::vector<std::byte>& v, uint32_t x, int n) {
    for (int i = 0; i < n; ++i) v.push_back(static_cast<std::byte>(x >> (8 * i)));
  };
  for (const ZipEntry& e : entries) {
    const uint32_t offset = static_cast<uint32_t>(out.size());
    const std::vector<std::byte> body =
        e.deflate ? RawDeflate(e.data, e.level, e.strategy) : e.data;
    const uint32_t crc = static_cast<uint32_t>(
        crc32(0, reinterpret_cast<const Bytef*>(e.data.data()), static_cast<uInt>(e.data.size())));
    const uint16_t flags = e.data_descriptor ? 0x0008 : 0;
    const uint16_t method = e.deflate ? 8 : 0;
    le(out, 0x04034b50, 4);
    le(out, 20, 2);
    le(out, flags, 2);
    le(out, method, 2);
    le(out, 0, 4);  // time, date
    le(out, e.data_descriptor ? 0 : crc, 4);
    le(out, e.data_descriptor ? 0 : static_cast<uint32_t>(body.size()), 4);
    le(out, e.data_descriptor ? 0 : static_cast<uint32_t>(e.data.size()), 4);
    le(out, static_cast<uint32_t>(e.name.size()), 2);
    le(out, 0, 2);
    for (char c : e.name) out.push_back(static_cast<std::byte>(c));
    out.insert(out.end(), body.begin(), body.end());
    if (e.data_descriptor) {
      le(out, 0x08074b50, 4);
      le(out, crc, 4);
      le(out, static_cast<uint32_t>(body.size()), 4);
      le(out, static_cast<uint32_t>(e.data.size()), 4);
    }
    le(central, 0x02014b50, 4);
    le(central, 20, 2);
    le(central, 20, 2);
    le(central, flags, 2);
    le(central, method, 2);
    le(central, 0, 4);
    le(central, crc, 4);
    le(central, static_cast<uint32_t>(body.size()), 4);
    le(central, static_cast<uint32_t>(e.data.size()), 4);
    le(central, static_cast<uint32_t>(e.name.size()), 2);
    le(central, 0, 2);  // extra
    le(central, 0, 2);  // comment
    le(central, 0, 2);  // disk
    le(central, 0, 2);  // internal attributes
    le(central, 0, 4);  // external attributes
    le(central, offset, 4);
    for (char c : e.name) central.push_back(static_cast<std::byte>(c));
  }
  const uint32_t cd_offset = static_cast<uint32_t>(out.size());
  out.insert(out.end(), central.begin(), central.end());
  le(out, 0x06054b50, 4);
  le(out, 0, 4);
  le(out, static_cast<uint32_t>(entries.size()), 2);
  le(out, static_cast<uint32_t>(entries.size()), 2);
  le(out, static_cast<uint32_t>(central.size()), 4);
  le(out, cd_offset, 4);
  le(out, 0, 2);
  return out;
}

}  // namespace deltaglider::testing
