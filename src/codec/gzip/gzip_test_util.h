// Gzip files made by the system zlib for the gzip tests. Tests only.
#pragma once

#include <zlib.h>

#include <cstddef>
#include <string>
#include <vector>

namespace deltaglider::testing {

struct GzipOptions {
  int level = 6;
  int mem_level = 8;
  int strategy = Z_DEFAULT_STRATEGY;
  std::string name;     // FNAME when not empty
  std::string comment;  // FCOMMENT when not empty
  std::string extra;    // FEXTRA when not empty
  bool header_crc = false;
  size_t sync_flush_at = 0;  // a Z_SYNC_FLUSH after this many bytes (0: none)
};

inline GzipOptions AtLevel(int level, int mem_level = 8) {
  GzipOptions options;
  options.level = level;
  options.mem_level = mem_level;
  return options;
}

inline std::vector<std::byte> ZlibGzip(const std::vector<std::byte>& data, const GzipOptions& o) {
  z_stream z{};
  deflateInit2(&z, o.level, Z_DEFLATED, 15 + 16, o.mem_level, o.strategy);
  gz_header header{};
  header.os = 3;
  header.name =
      o.name.empty() ? nullptr : reinterpret_cast<Bytef*>(const_cast<char*>(o.name.c_str()));
  header.comment =
      o.comment.empty() ? nullptr : reinterpret_cast<Bytef*>(const_cast<char*>(o.comment.c_str()));
  header.extra =
      o.extra.empty() ? nullptr : reinterpret_cast<Bytef*>(const_cast<char*>(o.extra.data()));
  header.extra_len = static_cast<uInt>(o.extra.size());
  header.hcrc = o.header_crc ? 1 : 0;
  deflateSetHeader(&z, &header);
  std::vector<std::byte> out(deflateBound(&z, data.size()) + 1024);
  z.next_in = reinterpret_cast<Bytef*>(const_cast<std::byte*>(data.data()));
  z.next_out = reinterpret_cast<Bytef*>(out.data());
  z.avail_out = static_cast<uInt>(out.size());
  if (o.sync_flush_at > 0 && o.sync_flush_at < data.size()) {
    z.avail_in = static_cast<uInt>(o.sync_flush_at);
    ::deflate(&z, Z_SYNC_FLUSH);
    z.avail_in = static_cast<uInt>(data.size() - o.sync_flush_at);
  } else {
    z.avail_in = static_cast<uInt>(data.size());
  }
  ::deflate(&z, Z_FINISH);
  out.resize(z.total_out);
  deflateEnd(&z);
  return out;
}

}  // namespace deltaglider::testing
