// NewMemorySpool (memory.h): spool files held in the process, for tests and for
// callers that know their streams are small.
#include <memory>
#include <vector>

#include "deltaglider/memory.h"

namespace deltaglider {
namespace {

using Bytes = std::vector<std::byte>;

// Reads bytes it shares with the spool file and its other readers.
class SharedBytesSource final : public ByteSource {
 public:
  explicit SharedBytesSource(std::shared_ptr<const Bytes> bytes)
      : bytes_(std::move(bytes)), reader_(*bytes_) {}
  Result<size_t> Read(std::span<std::byte> buffer) override { return reader_.Read(buffer); }
  Status Rewind() override { return reader_.Rewind(); }
  std::optional<uint64_t> size() const override { return bytes_->size(); }
  std::unique_ptr<ByteSource> Fork() override {
    return std::make_unique<SharedBytesSource>(bytes_);
  }

 private:
  std::shared_ptr<const Bytes> bytes_;
  SpanSource reader_;
};

// The spool file's bytes, shared with it and its readers.
class SharedBytesBlob final : public Blob {
 public:
  explicit SharedBytesBlob(std::shared_ptr<const Bytes> bytes) : bytes_(std::move(bytes)) {}
  std::span<const std::byte> bytes() const override { return *bytes_; }

 private:
  std::shared_ptr<const Bytes> bytes_;
};

class MemorySpoolFile final : public SpoolFile {
 public:
  Status Write(std::span<const std::byte> data) override {
    if (read_)
      return MakeError(ErrorCode::kFailedPrecondition, "memory spool: written after Read()");
    bytes_->insert(bytes_->end(), data.begin(), data.end());
    return OkStatus();
  }
  Result<std::unique_ptr<ByteSource>> Read() override {
    read_ = true;
    return std::unique_ptr<ByteSource>(std::make_unique<SharedBytesSource>(bytes_));
  }
  Result<std::shared_ptr<const Blob>> Map() override {
    read_ = true;
    return std::shared_ptr<const Blob>(std::make_shared<SharedBytesBlob>(bytes_));
  }

 private:
  std::shared_ptr<Bytes> bytes_ = std::make_shared<Bytes>();
  bool read_ = false;
};

class MemorySpool final : public Spool {
 public:
  Result<std::unique_ptr<SpoolFile>> Create() override {
    return std::unique_ptr<SpoolFile>(std::make_unique<MemorySpoolFile>());
  }
};

}  // namespace

std::unique_ptr<Spool> NewMemorySpool() { return std::make_unique<MemorySpool>(); }

}  // namespace deltaglider
