// SpooledBytes: a sink for results of unknown size (a delta being encoded, an
// object being fetched for a decoder) that keeps them in memory while they are
// small and moves them to a spool file once they pass `memory_bytes`, so a
// multi-gigabyte delta or compressed reference never sits in memory. With a
// limit, a write that takes the total past it fails with kResourceExhausted, as
// VectorSink(limit) does. It must never lose or reorder a byte at the move.
#pragma once

#include <cstdint>
#include <memory>
#include <optional>

#include "deltaglider/ports/spool.h"
#include "deltaglider/result.h"
#include "deltaglider/stream.h"

namespace deltaglider {

class SpooledBytes final : public ByteSink {
 public:
  // Results past 16 MiB go to the spool.
  static constexpr uint64_t kDefaultMemoryBytes = uint64_t{16} << 20;

  // Without a spool everything stays in memory.
  explicit SpooledBytes(Spool* spool, std::optional<uint64_t> limit = std::nullopt,
                        uint64_t memory_bytes = kDefaultMemoryBytes);

  Status Write(std::span<const std::byte> data) override;
  uint64_t size() const { return size_; }
  bool in_memory() const { return file_ == nullptr; }

  // Everything written, from the first byte, as a rewindable source; nothing
  // may be written after it.
  Result<std::unique_ptr<ByteSource>> Read();

 private:
  Spool* spool_;
  std::optional<uint64_t> limit_;
  uint64_t memory_bytes_;
  uint64_t size_ = 0;
  std::vector<std::byte> memory_;
  std::unique_ptr<SpoolFile> file_;
};

}  // namespace deltaglider
