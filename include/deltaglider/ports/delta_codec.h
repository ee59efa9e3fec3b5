// DeltaCodec: the port that turns a target into a delta against a reference and
// back. The reference is always whole in memory (usually a mapped cache file);
// target and delta stream. Encoding with an empty reference is plain compression.
//
// Decode must treat the delta as hostile: malformed input returns kCorrupted,
// never crashes, never allocates without bound. Implementations are stateless
// between calls and safe for concurrent use.
#pragma once

#include <span>
#include <string>
#include <string_view>

#include "deltaglider/result.h"
#include "deltaglider/stream.h"

namespace deltaglider {

class DeltaCodec {
 public:
  virtual ~DeltaCodec() = default;

  // The codec's name: the first word of the `dg-delta-cmd` it writes.
  virtual std::string_view name() const = 0;

  // The `dg-delta-cmd` value stored with a delta of `target_name`.
  virtual std::string CommandLine(std::string_view target_name) const = 0;

  virtual Status Encode(std::span<const std::byte> reference, ByteSource& target,
                        ByteSink& delta) const = 0;

  virtual Status Decode(std::span<const std::byte> reference, ByteSource& delta,
                        ByteSink& target) const = 0;
};

}  // namespace deltaglider
