// BlockEncoder: collects the deflater's literals and matches for one block and
// writes the block: stored, fixed-code or dynamic-code, whichever zlib would pick,
// with Huffman codes built exactly as zlib builds them (heap order with the depth
// tie-break, the bit-length overflow fix-up, the code-length run-length coding).
// Internal to the deflater. It must never choose differently from zlib for the
// same symbols: that is what makes the output reproduce real streams.
#pragma once

#include <cstdint>
#include <span>
#include <vector>

#include "codec/deflate/bit_writer.h"
#include "codec/deflate/token.h"

namespace deltaglider::deflate {

inline constexpr int kLiterals = 256;
inline constexpr int kLengthCodes = 29;
inline constexpr int kLitLenCodes = kLiterals + 1 + kLengthCodes;  // 286
inline constexpr int kDistCodes = 30;
inline constexpr int kBitLenCodes = 19;
inline constexpr int kHeapSize = 2 * kLitLenCodes + 1;  // 573
inline constexpr int kEndBlock = 256;

inline constexpr uint8_t kLengthExtra[kLengthCodes] = {0, 0, 0, 0, 0, 0, 0, 0, 1, 1, 1, 1, 2, 2, 2,
                                                       2, 3, 3, 3, 3, 4, 4, 4, 4, 5, 5, 5, 5, 0};
inline constexpr uint8_t kDistExtra[kDistCodes] = {0, 0, 0,  0,  1,  1,  2,  2,  3,  3,
                                                   4, 4, 5,  5,  6,  6,  7,  7,  8,  8,
                                                   9, 9, 10, 10, 11, 11, 12, 12, 13, 13};
// The order in which the bit-length code lengths are sent (RFC 1951 3.2.7).
inline constexpr uint8_t kBitLenOrder[kBitLenCodes] = {16, 17, 18, 0, 8,  7, 9,  6, 10, 5,
                                                       11, 4,  12, 3, 13, 2, 14, 1, 15};

// First (length - 3) and (distance - 1) of each length and distance code.
struct CodeBases {
  uint16_t length[kLengthCodes];
  uint16_t dist[kDistCodes];
  CodeBases();
};
extern const CodeBases kCodeBases;

// Code table lookups shared with the tally functions.
struct CodeTables {
  uint8_t length_code[256];  // match length - 3 -> length code 0..28
  uint8_t dist_code[512];    // distance - 1 -> code, via DistCode()
  CodeTables();
};
extern const CodeTables kCodeTables;

inline unsigned DistCode(unsigned dist_minus_one) {
  return dist_minus_one < 256 ? kCodeTables.dist_code[dist_minus_one]
                              : kCodeTables.dist_code[256 + (dist_minus_one >> 7)];
}

// One Huffman tree under construction (frequencies in, code lengths and codes out).
struct HuffmanTree {
  uint32_t freq[kHeapSize];
  uint16_t len[kHeapSize];
  uint16_t code[kHeapSize];  // bit-reversed, ready for BitWriter::Put
  int max_code = 0;          // largest code with a non-zero frequency
};

class BlockEncoder {
 public:
  // `symbol_limit`: the block ends after this many symbols (zlib's lit_bufsize - 1).
  BlockEncoder(BitWriter& out, unsigned symbol_limit);

  // Each returns true when the block is full and must be flushed.
  bool TallyLiteral(uint8_t c) {
    if (log_ != nullptr) log_->push_back(Token{0, 0});
    lit_len_[count_] = c;
    dist_[count_++] = 0;
    ltree_.freq[c]++;
    return count_ == limit_;
  }
  bool TallyMatch(unsigned distance, unsigned length) {
    if (log_ != nullptr)
      log_->push_back(Token{static_cast<uint16_t>(length), static_cast<uint16_t>(distance)});
    const unsigned lc = length - 3;
    lit_len_[count_] = static_cast<uint8_t>(lc);
    dist_[count_++] = static_cast<uint16_t>(distance);
    ltree_.freq[kCodeTables.length_code[lc] + kLiterals + 1]++;
    dtree_.freq[DistCode(distance - 1)]++;
    matches_++;
    return count_ == limit_;
  }
  unsigned symbols() const { return count_; }

  // GNU gzip's (and Info-ZIP's) early block end, given the block's input length so far:
  // fewer matches than half the symbols, and an upper bound of the compressed
  // size (8 bits per symbol plus 5 + extra bits per distance) under half the input.
  bool EarlyEndWanted(uint64_t in_length) const;

  // Writes the tallied symbols as one block. `stored` points at the block's input
  // bytes when they are still in the window (else nullptr: no stored block).
  void FlushBlock(const uint8_t* stored, uint32_t stored_len, bool last);

  // Writes the tallied symbols and the end-of-block code with the canonical codes
  // of the given code lengths (no block header: the caller wrote it), for a block
  // whose header is replayed as it was. Symbols without a code are written as
  // nothing; the caller's checksum of the result catches that.
  void SendWithCodeLengths(std::span<const uint8_t> litlen, std::span<const uint8_t> dist);

  // Appends every literal and match tallied from now on to `log` (nullptr: stop).
  void LogTokensTo(std::vector<Token>* log) { log_ = log; }

 private:
  void Reset();
  int BuildBitLengthTree();
  void SendTrees(int lcodes, int dcodes, int blcodes);
  void SendTree(const HuffmanTree& tree, int max_code);
  void SendSymbols(const HuffmanTree& ltree, const HuffmanTree& dtree);
  void SendStored(const uint8_t* data, uint32_t size, bool last);

  BitWriter& out_;
  unsigned limit_;
  unsigned count_ = 0;
  unsigned matches_ = 0;
  std::vector<uint8_t> lit_len_;
  std::vector<uint16_t> dist_;
  HuffmanTree ltree_{};
  HuffmanTree dtree_{};
  HuffmanTree bltree_{};
  uint64_t opt_len_ = 0;     // dynamic block bits, zlib's opt_len
  uint64_t static_len_ = 0;  // fixed block bits, zlib's static_len
  std::vector<Token>* log_ = nullptr;
};

}  // namespace deltaglider::deflate
