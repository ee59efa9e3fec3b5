#include "codec/vcdiff/window.h"

#include <algorithm>
#include <array>
#include <cstring>
#include <string>

#include "codec/vcdiff/code_table.h"
#include "codec/vcdiff/varint.h"

namespace deltaglider::vcdiff {
namespace {

constexpr uint64_t kMaxU32 = 0xFFFFFFFFu;

// A read position in one section.
struct Cursor {
  explicit Cursor(std::span<const std::byte> bytes)
      : pos(reinterpret_cast<const uint8_t*>(bytes.data())), end(pos + bytes.size()) {}
  bool empty() const { return pos == end; }
  size_t left() const { return static_cast<size_t>(end - pos); }

  const uint8_t* pos;
  const uint8_t* end;
};

// The RFC 3284 address cache: the last 4 addresses (NEAR) and a 768-slot hash
// of addresses (SAME), reset for every window.
class AddressCache {
 public:
  AddressCache() { same_.fill(0); }

  // Decodes the address of a COPY in `mode` at position `here`. Returns false if
  // the address section runs out or the address does not fit.
  bool Decode(int mode, uint64_t here, Cursor& addr, uint64_t* address) {
    uint64_t value = 0;
    if (mode >= kFirstSameMode) {
      if (addr.empty()) return false;
      *address = same_[(mode - kFirstSameMode) * 256 + *addr.pos++];
    } else {
      if (!DecodeVarint(&addr.pos, addr.end, 32, &value)) return false;
      if (mode == 0) {
        *address = value;
      } else if (mode == 1) {
        if (value > here) return false;
        *address = here - value;
      } else {
        *address = near_[mode - kFirstNearMode] + value;
        if (*address > kMaxU32) return false;
      }
    }
    Update(*address);
    return true;
  }

 private:
  void Update(uint64_t address) {
    near_[next_] = static_cast<uint32_t>(address);
    next_ = (next_ + 1) % kNearSlots;
    same_[address % same_.size()] = static_cast<uint32_t>(address);
  }

  std::array<uint32_t, kNearSlots> near_{};
  int next_ = 0;
  std::array<uint32_t, kSameSlots * 256> same_;
};

// Copies n bytes forward from `from` to `to` (from < to), byte by byte in effect:
// when the ranges overlap the copy repeats the pattern between them.
void CopyForward(const uint8_t* from, uint8_t* to, size_t n) {
  const size_t distance = static_cast<size_t>(to - from);
  if (distance >= n) {
    std::memcpy(to, from, n);
  } else if (distance == 1) {
    std::memset(to, *from, n);
  } else {
    while (n > 0) {  // each chunk reads bytes that are already written
      const size_t take = std::min(distance, n);
      std::memcpy(to, from, take);
      to += take;
      from += take;
      n -= take;
    }
  }
}

class Executor {
 public:
  Executor(std::span<const std::byte> source, const WindowSections& sections, uint8_t* out,
           uint32_t target_length)
      : source_(reinterpret_cast<const uint8_t*>(source.data())),
        source_size_(source.size()),
        data_(sections.data),
        inst_(sections.inst),
        addr_(sections.addr),
        out_(out),
        target_length_(target_length) {}

  Status Run() {
    const CodeTable& table = DefaultCodeTable();
    while (!inst_.empty()) {
      const CodeEntry& entry = table[*inst_.pos++];
      DG_RETURN_IF_ERROR(Step(entry.first));
      if (entry.second.type != InstType::kNoop) DG_RETURN_IF_ERROR(Step(entry.second));
    }
    if (written_ != target_length_) {
      return Fail("instructions produce " + std::to_string(written_) + " bytes, window declares " +
                  std::to_string(target_length_));
    }
    if (!data_.empty()) return Fail(std::to_string(data_.left()) + " unused data section bytes");
    if (!addr_.empty()) return Fail(std::to_string(addr_.left()) + " unused address section bytes");
    return OkStatus();
  }

 private:
  Status Step(const HalfInst& half) {
    uint64_t size = half.size;
    if (size == 0 && !DecodeVarint(&inst_.pos, inst_.end, 32, &size)) {
      return Fail("instruction size truncated or too wide");
    }
    if (size > target_length_ - written_) return Fail("instruction writes past the window's end");
    switch (half.type) {
      case InstType::kAdd:
        return Add(size);
      case InstType::kRun:
        return RunBytes(size);
      case InstType::kCopy:
        return Copy(size, half.mode);
      case InstType::kNoop:
        break;
    }
    return OkStatus();
  }

  Status Add(size_t size) {
    if (size > data_.left()) return Fail("ADD needs more bytes than the data section holds");
    if (size == 0) return OkStatus();
    std::memcpy(out_ + written_, data_.pos, size);
    data_.pos += size;
    written_ += size;
    return OkStatus();
  }

  Status RunBytes(size_t size) {
    if (data_.empty()) return Fail("RUN byte missing from the data section");
    const uint8_t byte = *data_.pos++;
    if (size > 0) std::memset(out_ + written_, byte, size);
    written_ += size;
    return OkStatus();
  }

  Status Copy(size_t size, int mode) {
    const uint64_t here = source_size_ + written_;
    uint64_t address = 0;
    if (!cache_.Decode(mode, here, addr_, &address))
      return Fail("COPY address truncated or invalid");
    if (address >= here)
      return Fail("COPY address " + std::to_string(address) + " is not yet decoded");
    if (size == 0) return OkStatus();
    uint8_t* to = out_ + written_;
    written_ += size;
    if (address < source_size_) {  // from the source segment (may run on into the target)
      const size_t from_source = std::min<uint64_t>(size, source_size_ - address);
      std::memcpy(to, source_ + address, from_source);
      to += from_source;
      size -= from_source;
      address = source_size_;
    }
    if (size > 0) CopyForward(out_ + (address - source_size_), to, size);
    return OkStatus();
  }

  Error Fail(std::string_view why) const {
    return MakeError(ErrorCode::kCorrupted, why, " (at window byte ", std::to_string(written_),
                     ")");
  }

  const uint8_t* source_;
  uint64_t source_size_;
  Cursor data_;
  Cursor inst_;
  Cursor addr_;
  uint8_t* out_;
  uint64_t target_length_;
  uint64_t written_ = 0;
  AddressCache cache_;
};

}  // namespace

Status ExecuteWindow(std::span<const std::byte> source, const WindowSections& sections,
                     uint32_t target_length, std::vector<std::byte>& out) {
  out.resize(target_length);
  Executor executor(source, sections, reinterpret_cast<uint8_t*>(out.data()), target_length);
  return executor.Run();
}

}  // namespace deltaglider::vcdiff
