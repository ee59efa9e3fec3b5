// The RFC 3284 default instruction code table (section 5.6): what each of the 256
// opcodes of a delta's instruction section means. Only the default table exists
// here; application-defined tables (VCD_CODETABLE) are refused by the decoder.
// The table is data only: it must never encode policy or validation.
#pragma once

#include <array>
#include <cstdint>

namespace deltaglider::vcdiff {

enum class InstType : uint8_t { kNoop = 0, kAdd = 1, kRun = 2, kCopy = 3 };

// Copy address modes of the default cache: SELF, HERE, 4 NEAR, 3 SAME.
inline constexpr int kNearSlots = 4;
inline constexpr int kSameSlots = 3;
inline constexpr int kFirstNearMode = 2;
inline constexpr int kFirstSameMode = kFirstNearMode + kNearSlots;  // 6
inline constexpr int kModeCount = kFirstSameMode + kSameSlots;      // 9

// One half of an opcode. size 0 means "a size varint follows in the inst section".
struct HalfInst {
  InstType type = InstType::kNoop;
  uint8_t size = 0;
  uint8_t mode = 0;  // COPY only
};

struct CodeEntry {
  HalfInst first;
  HalfInst second;
};

using CodeTable = std::array<CodeEntry, 256>;

// The default code table, built once.
const CodeTable& DefaultCodeTable();

}  // namespace deltaglider::vcdiff
