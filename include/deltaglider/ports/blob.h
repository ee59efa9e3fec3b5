// Blob: immutable bytes held for as long as someone needs them, usually a
// mapped file (a cached reference, a spooled payload), or a VectorBlob's own
// copy. Never writable: a Blob's bytes do not change while it lives.
#pragma once

#include <cstddef>
#include <span>
#include <utility>
#include <vector>

namespace deltaglider {

// Immutable bytes that stay valid while the Blob lives (even if evicted).
class Blob {
 public:
  virtual ~Blob() = default;
  virtual std::span<const std::byte> bytes() const = 0;
};

// A Blob over bytes it holds in memory.
class VectorBlob final : public Blob {
 public:
  explicit VectorBlob(std::vector<std::byte> bytes) : bytes_(std::move(bytes)) {}
  std::span<const std::byte> bytes() const override { return bytes_; }

 private:
  std::vector<std::byte> bytes_;
};

}  // namespace deltaglider
