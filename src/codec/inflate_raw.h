// InflateRaw: the system zlib's raw inflate, bounded, for codecs that look inside
// deflate-compressed containers (.gz, .zip). Inflate is fully determined by the
// format, so any zlib gives the same bytes. Never writes past its limit and never
// guesses: a truncated or malformed stream is an error.
#pragma once

#include <cstddef>
#include <cstdint>
#include <span>
#include <vector>

#include "deltaglider/result.h"
#include "deltaglider/stream.h"

namespace deltaglider {

// Inflates the raw deflate stream at the start of `data`, appending its bytes to
// `out` while out.size() stays <= `limit`; returns the stream's length in `data`.
// kInvalidArgument for bad or truncated deflate data; kResourceExhausted when the
// payload would pass `limit`.
Result<size_t> InflateRaw(std::span<const std::byte> data, uint64_t limit,
                          std::vector<std::byte>& out);

// What InflateRawTo() read and wrote.
struct InflatedStream {
  uint64_t stream_size = 0;   // the deflate stream's bytes in `data`
  uint64_t payload_size = 0;  // bytes written
  uint32_t crc32 = 0;         // of the bytes written
};

// InflateRaw() into a sink, a chunk at a time (bounded memory, whatever the
// payload's size); at most `limit` bytes. The sink's errors are returned as is.
Result<InflatedStream> InflateRawTo(std::span<const std::byte> data, uint64_t limit,
                                    ByteSink& payload);

// The gzip/zip CRC-32 of `data` continuing from `crc` (0 to start).
uint32_t Crc32(std::span<const std::byte> data, uint32_t crc = 0);

}  // namespace deltaglider
