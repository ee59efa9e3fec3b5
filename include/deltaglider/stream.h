// ByteSource and ByteSink: how bytes flow between the core, codecs and stores
// without whole-file buffers. Memory-backed implementations live here; file-backed
// ones are in files.h. Sources and sinks are not thread-safe.
#pragma once

#include <cstddef>
#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <span>
#include <string>
#include <utility>
#include <vector>

#include "deltaglider/result.h"

namespace deltaglider {

class ByteSource {
 public:
  virtual ~ByteSource() = default;
  // Reads up to buffer.size() bytes into buffer; returns 0 only at the end.
  virtual Result<size_t> Read(std::span<std::byte> buffer) = 0;
  // Starts again at the first byte. kUnsupported if the source cannot rewind.
  virtual Status Rewind() = 0;
  // The total number of bytes, when known in advance.
  virtual std::optional<uint64_t> size() const = 0;
  // A second reader of the same bytes, from the first, that another thread may
  // read while this one is read; nullptr when the source cannot give one (a pipe).
  virtual std::unique_ptr<ByteSource> Fork() { return nullptr; }
};

class ByteSink {
 public:
  virtual ~ByteSink() = default;
  // Appends all of data or fails.
  virtual Status Write(std::span<const std::byte> data) = 0;
};

// Reads a caller-owned buffer; the buffer must outlive the source.
class SpanSource final : public ByteSource {
 public:
  explicit SpanSource(std::span<const std::byte> data) : data_(data) {}
  Result<size_t> Read(std::span<std::byte> buffer) override;
  Status Rewind() override;
  std::optional<uint64_t> size() const override { return data_.size(); }
  std::unique_ptr<ByteSource> Fork() override { return std::make_unique<SpanSource>(data_); }

 private:
  std::span<const std::byte> data_;
  size_t offset_ = 0;
};

// Collects everything written into memory. With a limit, a write that would take
// the total past `limit` bytes fails with kResourceExhausted (nothing appended).
class VectorSink final : public ByteSink {
 public:
  VectorSink() = default;
  explicit VectorSink(uint64_t limit) : limit_(limit) {}
  Status Write(std::span<const std::byte> data) override;
  std::vector<std::byte>& bytes() { return bytes_; }
  const std::vector<std::byte>& bytes() const { return bytes_; }

 private:
  std::vector<std::byte> bytes_;
  std::optional<uint64_t> limit_;
};

// Discards everything; counts bytes.
class NullSink final : public ByteSink {
 public:
  Status Write(std::span<const std::byte> data) override {
    count_ += data.size();
    return OkStatus();
  }
  uint64_t count() const { return count_; }

 private:
  uint64_t count_ = 0;
};

// Progress and cancellation for any operation that reads a source or writes a
// sink (DeltaService::Put reads its body, Get writes its sink): `observe` hears
// the bytes done so far after every read or write, and a non-ok Status it
// returns becomes the Read's or Write's, which stops the operation with that
// error (a Put then stores nothing; see DeltaService::Put).
using ByteObserver = std::function<Status(uint64_t done, std::optional<uint64_t> total)>;

// A source that reports its reads. `done` counts the current pass and starts
// again at 0 on Rewind (a Put may read its body more than once); a Fork is an
// unobserved reader of `inner`.
class ObservedSource final : public ByteSource {
 public:
  ObservedSource(ByteSource& inner, ByteObserver observe)
      : inner_(inner), observe_(std::move(observe)) {}
  Result<size_t> Read(std::span<std::byte> buffer) override;
  Status Rewind() override;
  std::optional<uint64_t> size() const override { return inner_.size(); }
  std::unique_ptr<ByteSource> Fork() override { return inner_.Fork(); }

 private:
  ByteSource& inner_;
  ByteObserver observe_;
  uint64_t done_ = 0;
};

// A sink that reports its writes (`total` is unknown to it: nullopt).
class ObservedSink final : public ByteSink {
 public:
  ObservedSink(ByteSink& inner, ByteObserver observe)
      : inner_(inner), observe_(std::move(observe)) {}
  Status Write(std::span<const std::byte> data) override;

 private:
  ByteSink& inner_;
  ByteObserver observe_;
  uint64_t done_ = 0;
};

// Passes writes on and keeps the first error of the sink behind it, so a caller
// can tell a failing destination (a full disk) from a failing producer.
class WatchedSink final : public ByteSink {
 public:
  explicit WatchedSink(ByteSink& next) : next_(next) {}
  Status Write(std::span<const std::byte> data) override;
  const Status& failure() const { return failure_; }

 private:
  ByteSink& next_;
  Status failure_;
};

// Passes bytes on to `inner` except the last `hold` bytes written so far, which
// it keeps until Release(). A Get streamed to a client (an HTTP body) through it
// and released only when Get returned ok never shows the client the end of a file
// whose SHA256 did not match: the body stops short of its Content-Length, which
// every HTTP client reports as an error.
class HoldbackSink final : public ByteSink {
 public:
  explicit HoldbackSink(ByteSink& inner, size_t hold = 64 * 1024) : inner_(inner), hold_(hold) {}
  Status Write(std::span<const std::byte> data) override;
  // Writes what is held back (call once the bytes are known to be right).
  Status Release();

 private:
  ByteSink& inner_;
  size_t hold_;
  std::vector<std::byte> held_;  // at most hold_ bytes, the newest written
};

// Copies all of `source` into `sink`; returns the number of bytes copied.
Result<uint64_t> Copy(ByteSource& source, ByteSink& sink);

// Reads all of `source` into memory.
Result<std::vector<std::byte>> ReadAll(ByteSource& source);

// The next `limit` bytes of `source`, fewer only at its end.
Result<std::vector<std::byte>> ReadUpTo(ByteSource& source, size_t limit);

// Views a string's characters as bytes (and back), for tests and metadata.
std::span<const std::byte> AsBytes(std::string_view text);
std::string_view AsChars(std::span<const std::byte> bytes);

}  // namespace deltaglider
