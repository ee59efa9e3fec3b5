// Builds the default code table in the order RFC 3284 section 5.6 lists it.
#include "codec/vcdiff/code_table.h"

namespace deltaglider::vcdiff {
namespace {

constexpr HalfInst Add(int size) { return {InstType::kAdd, static_cast<uint8_t>(size), 0}; }
constexpr HalfInst Copy(int size, int mode) {
  return {InstType::kCopy, static_cast<uint8_t>(size), static_cast<uint8_t>(mode)};
}

constexpr CodeTable BuildDefaultTable() {
  CodeTable table{};
  int op = 0;
  table[op++] = {{InstType::kRun, 0, 0}, {}};                            // 0: RUN, size follows
  for (int size = 0; size <= 17; ++size) table[op++] = {Add(size), {}};  // 1..18
  for (int mode = 0; mode < kModeCount; ++mode) {                        // 19..162
    table[op++] = {Copy(0, mode), {}};
    for (int size = 4; size <= 18; ++size) table[op++] = {Copy(size, mode), {}};
  }
  for (int mode = 0; mode < kFirstSameMode; ++mode) {  // 163..234: ADD 1-4 + COPY 4-6
    for (int add = 1; add <= 4; ++add) {
      for (int copy = 4; copy <= 6; ++copy) table[op++] = {Add(add), Copy(copy, mode)};
    }
  }
  for (int mode = kFirstSameMode; mode < kModeCount; ++mode) {  // 235..246: ADD 1-4 + COPY 4
    for (int add = 1; add <= 4; ++add) table[op++] = {Add(add), Copy(4, mode)};
  }
  for (int mode = 0; mode < kModeCount; ++mode) table[op++] = {Copy(4, mode), Add(1)};  // 247..255
  return table;
}

constexpr CodeTable kDefaultTable = BuildDefaultTable();

}  // namespace

const CodeTable& DefaultCodeTable() { return kDefaultTable; }

}  // namespace deltaglider::vcdiff
