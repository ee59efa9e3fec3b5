// DeltaReader: reads a VCDIFF delta from a ByteSource in order, through a small
// buffer, so the decoder holds at most one window of delta bytes at a time. It
// knows bytes and varints only, never the VCDIFF structure; running out of input
// where more is required is kCorrupted ("truncated"), with the byte offset.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string_view>
#include <vector>

#include "deltaglider/result.h"
#include "deltaglider/stream.h"

namespace deltaglider::vcdiff {

class DeltaReader {
 public:
  explicit DeltaReader(ByteSource& source);

  // True when the source has no more bytes.
  Result<bool> AtEnd();
  // How many bytes have been consumed so far.
  uint64_t offset() const { return consumed_; }

  Result<uint8_t> ReadByte(std::string_view what);
  // An RFC 3284 integer of at most `max_bits` bits.
  Result<uint64_t> ReadVarint(int max_bits, std::string_view what);
  // Replaces `out` with the next `n` bytes. Memory grows with the bytes that
  // actually arrive, so a huge `n` on a short input fails without allocating it.
  Status ReadBytes(uint64_t n, std::vector<std::byte>& out, std::string_view what);
  // Reads and discards `n` bytes.
  Status Skip(uint64_t n, std::string_view what);

 private:
  // Makes at least one unread byte available; false at the end of the source.
  Result<bool> Fill();
  Error Truncated(std::string_view what) const;

  ByteSource& source_;
  std::vector<std::byte> buffer_;
  size_t pos_ = 0;
  size_t end_ = 0;
  uint64_t consumed_ = 0;
};

}  // namespace deltaglider::vcdiff
