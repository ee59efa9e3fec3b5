// Little-endian integers in and out of byte buffers, for the codecs' own delta
// framings (gzip-patch, zip-patch). ByteReader never reads past its span: every
// read reports whether the bytes were there, so hostile input cannot overrun.
#pragma once

#include <cstddef>
#include <cstdint>
#include <span>
#include <vector>

namespace deltaglider {

// Appends the low `bytes` bytes of `value`, least significant first.
inline void AppendLe(std::vector<std::byte>& out, uint64_t value, int bytes) {
  for (int i = 0; i < bytes; ++i) out.push_back(static_cast<std::byte>(value >> (8 * i)));
}

class ByteReader {
 public:
  explicit ByteReader(std::span<const std::byte> data) : data_(data) {}

  // Reads a `bytes`-byte little-endian integer; false (nothing read) at the end.
  bool Le(int bytes, uint64_t& value) {
    if (remaining() < static_cast<size_t>(bytes)) return false;
    value = 0;
    for (int i = 0; i < bytes; ++i) value |= static_cast<uint64_t>(data_[pos_ + i]) << (8 * i);
    pos_ += static_cast<size_t>(bytes);
    return true;
  }
  // Views the next `size` bytes; false (nothing read) if fewer remain.
  bool Bytes(uint64_t size, std::span<const std::byte>& out) {
    if (remaining() < size) return false;
    out = data_.subspan(pos_, static_cast<size_t>(size));
    pos_ += static_cast<size_t>(size);
    return true;
  }
  size_t remaining() const { return data_.size() - pos_; }
  size_t position() const { return pos_; }

 private:
  std::span<const std::byte> data_;
  size_t pos_ = 0;
};

}  // namespace deltaglider
