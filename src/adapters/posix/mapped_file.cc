// MapFile(); see mapped_file.h.
#include "adapters/posix/mapped_file.h"

#include <sys/mman.h>

#include <cerrno>
#include <string>

#include "adapters/posix/posix_error.h"

namespace deltaglider::posix {
namespace {

class MappedBlob final : public Blob {
 public:
  MappedBlob(void* address, size_t size) : address_(address), size_(size) {}
  ~MappedBlob() override {
    if (address_ != nullptr) ::munmap(address_, size_);
  }
  MappedBlob(const MappedBlob&) = delete;
  MappedBlob& operator=(const MappedBlob&) = delete;
  std::span<const std::byte> bytes() const override {
    return {static_cast<const std::byte*>(address_), size_};
  }

 private:
  void* address_;
  size_t size_;
};

}  // namespace

Result<std::shared_ptr<const Blob>> MapFile(int fd, uint64_t size, std::string_view what) {
  if (size == 0) return std::shared_ptr<const Blob>(std::make_shared<MappedBlob>(nullptr, 0));
  void* address = ::mmap(nullptr, size, PROT_READ, MAP_PRIVATE, fd, 0);
  if (address == MAP_FAILED) return PosixError("mmap " + std::string(what), errno);
  return std::shared_ptr<const Blob>(std::make_shared<MappedBlob>(address, size));
}

}  // namespace deltaglider::posix
