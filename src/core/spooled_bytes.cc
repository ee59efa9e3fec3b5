#include "core/spooled_bytes.h"

#include <utility>
#include <vector>

namespace deltaglider {
namespace {

// Bytes in memory as a source that owns them.
class OwnedSource final : public ByteSource {
 public:
  explicit OwnedSource(std::vector<std::byte> bytes) : bytes_(std::move(bytes)), source_(bytes_) {}
  Result<size_t> Read(std::span<std::byte> buffer) override { return source_.Read(buffer); }
  Status Rewind() override { return source_.Rewind(); }
  std::optional<uint64_t> size() const override { return bytes_.size(); }

 private:
  std::vector<std::byte> bytes_;
  SpanSource source_;
};

}  // namespace

SpooledBytes::SpooledBytes(Spool* spool, std::optional<uint64_t> limit, uint64_t memory_bytes)
    : spool_(spool), limit_(limit), memory_bytes_(memory_bytes) {}

Status SpooledBytes::Write(std::span<const std::byte> data) {
  if (limit_ && data.size() > *limit_ - size_) {
    return MakeError(ErrorCode::kResourceExhausted, "output exceeds ", std::to_string(*limit_),
                     " bytes");
  }
  if (file_ == nullptr && spool_ != nullptr && memory_.size() + data.size() > memory_bytes_) {
    DG_ASSIGN_OR_RETURN(file_, spool_->Create());
    DG_RETURN_IF_ERROR(file_->Write(memory_));
    memory_ = std::vector<std::byte>();
  }
  if (file_ != nullptr) {
    DG_RETURN_IF_ERROR(file_->Write(data));
  } else {
    memory_.insert(memory_.end(), data.begin(), data.end());
  }
  size_ += data.size();
  return OkStatus();
}

Result<std::unique_ptr<ByteSource>> SpooledBytes::Read() {
  if (file_ != nullptr) return file_->Read();
  return std::unique_ptr<ByteSource>(std::make_unique<OwnedSource>(std::move(memory_)));
}

}  // namespace deltaglider
