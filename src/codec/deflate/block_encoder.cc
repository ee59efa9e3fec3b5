// Deflate blocks as zlib writes them; see block_encoder.h. The algorithm follows
// RFC 1951 and zlib's documented rules for a block's type (stored, fixed or
// dynamic, whichever is shortest) and its length-limited Huffman trees; it is
// written from that description, not from zlib's source, and held to zlib bit
// for bit by deflate_test.cc (the system zlib) and deflate_golden_test.cc (node).
#include "codec/deflate/block_encoder.h"

#include <algorithm>
#include <array>

namespace deltaglider::deflate {
namespace {

constexpr int kMaxBits = 15;
constexpr int kMaxBitLenBits = 7;
constexpr int kRep3To6 = 16;
constexpr int kZeros3To10 = 17;
constexpr int kZeros11To138 = 18;

constexpr uint8_t kBitLenExtra[kBitLenCodes] = {0, 0, 0, 0, 0, 0, 0, 0, 0, 0,
                                                0, 0, 0, 0, 0, 0, 2, 3, 7};

uint16_t Reverse(unsigned code, int len) {
  unsigned r = 0;
  for (int i = 0; i < len; ++i) {
    r = (r << 1) | (code & 1);
    code >>= 1;
  }
  return static_cast<uint16_t>(r);
}

// Canonical codes for the lengths in tree.len[0..max_code].
void AssignCodes(HuffmanTree& tree, int max_code, const uint16_t* bl_count) {
  uint16_t next[kMaxBits + 1];
  unsigned code = 0;
  for (int bits = 1; bits <= kMaxBits; ++bits) {
    code = (code + bl_count[bits - 1]) << 1;
    next[bits] = static_cast<uint16_t>(code);
  }
  for (int n = 0; n <= max_code; ++n) {
    const int len = tree.len[n];
    if (len != 0) tree.code[n] = Reverse(next[len]++, len);
  }
}

// The fixed trees of RFC 1951 3.2.6 (literal/length with 288 entries).
struct StaticTrees {
  HuffmanTree ltree{};
  HuffmanTree dtree{};
  StaticTrees() {
    uint16_t count[kMaxBits + 1] = {};
    for (int n = 0; n < 288; ++n) {
      const int len = n < 144 ? 8 : n < 256 ? 9 : n < 280 ? 7 : 8;
      ltree.len[n] = static_cast<uint16_t>(len);
      count[len]++;
    }
    AssignCodes(ltree, 287, count);
    uint16_t dcount[kMaxBits + 1] = {};
    for (int n = 0; n < kDistCodes; ++n) dtree.len[n] = 5;
    dcount[5] = kDistCodes;
    AssignCodes(dtree, kDistCodes - 1, dcount);
  }
};
const StaticTrees kStatic;

// One tree's parameters for BuildTree.
struct TreeSpec {
  int elems;
  const uint16_t* static_len;  // nullptr for the bit-length tree
  const uint8_t* extra;
  int extra_base;
  int max_length;
};

// The priority queue of BuildTree: a 1-based min-heap of node numbers ordered by
// frequency, then depth (zlib's order: equal frequencies put the shallower first).
class NodeHeap {
 public:
  NodeHeap(const uint32_t* freq, const uint8_t* depth) : freq_(freq), depth_(depth) {}
  int heap[kHeapSize];
  int size = 0;

  bool Smaller(int n, int m) const {
    return freq_[n] < freq_[m] || (freq_[n] == freq_[m] && depth_[n] <= depth_[m]);
  }
  void SiftDown(int k) {
    const int v = heap[k];
    int j = k << 1;
    while (j <= size) {
      if (j < size && Smaller(heap[j + 1], heap[j])) j++;
      if (Smaller(v, heap[j])) break;
      heap[k] = heap[j];
      k = j;
      j <<= 1;
    }
    heap[k] = v;
  }

 private:
  const uint32_t* freq_;
  const uint8_t* depth_;
};

// Sets tree.len from the finished tree (`order` lists nodes from the root down,
// `order_begin` is the root), limiting lengths to spec.max_length as zlib does,
// and adds the block costs. Returns the count of codes per length in bl_count.
void AssignLengths(HuffmanTree& tree, const TreeSpec& spec, const int* order, int order_begin,
                   const int* dad, uint16_t* bl_count, uint64_t& opt_len, uint64_t& static_len) {
  std::fill(bl_count, bl_count + kMaxBits + 1, 0);
  uint16_t node_len[kHeapSize];
  node_len[order[order_begin]] = 0;
  int overflow = 0;
  for (int h = order_begin + 1; h < kHeapSize; ++h) {
    const int n = order[h];
    int bits = node_len[dad[n]] + 1;
    if (bits > spec.max_length) {
      bits = spec.max_length;
      overflow++;
    }
    node_len[n] = static_cast<uint16_t>(bits);
    if (n > tree.max_code) continue;  // not a leaf
    tree.len[n] = static_cast<uint16_t>(bits);
    bl_count[bits]++;
    const int xbits = n >= spec.extra_base ? spec.extra[n - spec.extra_base] : 0;
    const uint64_t f = tree.freq[n];
    opt_len += f * static_cast<uint64_t>(bits + xbits);
    if (spec.static_len != nullptr)
      static_len += f * static_cast<uint64_t>(spec.static_len[n] + xbits);
  }
  if (overflow == 0) return;
  do {
    int bits = spec.max_length - 1;
    while (bl_count[bits] == 0) bits--;
    bl_count[bits]--;
    bl_count[bits + 1] += 2;
    bl_count[spec.max_length]--;
    overflow -= 2;
  } while (overflow > 0);
  // Hand the corrected lengths back to the leaves in order of decreasing frequency.
  int h = kHeapSize;
  for (int bits = spec.max_length; bits != 0; --bits) {
    int n = bl_count[bits];
    while (n != 0) {
      const int m = order[--h];
      if (m > tree.max_code) continue;
      if (tree.len[m] != bits) {
        opt_len += (static_cast<uint64_t>(bits) - tree.len[m]) * tree.freq[m];
        tree.len[m] = static_cast<uint16_t>(bits);
      }
      n--;
    }
  }
}

// Builds a Huffman tree for tree.freq (zlib's build_tree): sets len, code and
// max_code, adds the dynamic cost to opt_len and the fixed-code cost to static_len.
void BuildTree(HuffmanTree& tree, const TreeSpec& spec, uint64_t& opt_len, uint64_t& static_len) {
  uint8_t depth[kHeapSize];
  int dad[kHeapSize];
  int order[kHeapSize];  // zlib's heap[heap_max..]: nodes by decreasing frequency
  NodeHeap heap(tree.freq, depth);
  int order_begin = kHeapSize;
  int max_code = -1;
  for (int n = 0; n < spec.elems; ++n) {
    if (tree.freq[n] != 0) {
      heap.heap[++heap.size] = max_code = n;
      depth[n] = 0;
    } else {
      tree.len[n] = 0;
    }
  }
  // At least two codes of non-zero frequency, so every symbol gets a length >= 1.
  while (heap.size < 2) {
    const int node = heap.heap[++heap.size] = max_code < 2 ? ++max_code : 0;
    tree.freq[node] = 1;
    depth[node] = 0;
    opt_len--;
    if (spec.static_len != nullptr) static_len -= spec.static_len[node];
  }
  tree.max_code = max_code;
  for (int n = heap.size / 2; n >= 1; --n) heap.SiftDown(n);
  int node = spec.elems;
  do {
    const int n = heap.heap[1];
    heap.heap[1] = heap.heap[heap.size--];
    heap.SiftDown(1);
    const int m = heap.heap[1];
    order[--order_begin] = n;
    order[--order_begin] = m;
    tree.freq[node] = tree.freq[n] + tree.freq[m];
    depth[node] = static_cast<uint8_t>(std::max(depth[n], depth[m]) + 1);
    dad[n] = dad[m] = node;
    heap.heap[1] = node++;
    heap.SiftDown(1);
  } while (heap.size >= 2);
  order[--order_begin] = heap.heap[1];
  uint16_t bl_count[kMaxBits + 1];
  AssignLengths(tree, spec, order, order_begin, dad, bl_count, opt_len, static_len);
  AssignCodes(tree, max_code, bl_count);
}

// Walks the run-length coding of tree.len[0..max_code] (RFC 1951 3.2.7 with zlib's
// run limits), calling emit(symbol, repeat_extra) for each code-length symbol:
// symbol 0-15 a length (repeat_extra unused), 16/17/18 a run with its extra value.
template <typename Emit>
void ForEachLengthSymbol(const HuffmanTree& tree, int max_code, Emit emit) {
  int prevlen = -1;
  int nextlen = tree.len[0];
  int count = 0;
  int max_count = nextlen == 0 ? 138 : 7;
  int min_count = nextlen == 0 ? 3 : 4;
  for (int n = 0; n <= max_code; ++n) {
    const int curlen = nextlen;
    nextlen = n + 1 <= max_code ? tree.len[n + 1] : 0xffff;
    if (++count < max_count && curlen == nextlen) continue;
    if (count < min_count) {
      for (int i = 0; i < count; ++i) emit(curlen, 0);
    } else if (curlen != 0) {
      if (curlen != prevlen) {
        emit(curlen, 0);
        count--;
      }
      emit(kRep3To6, count - 3);
    } else if (count <= 10) {
      emit(kZeros3To10, count - 3);
    } else {
      emit(kZeros11To138, count - 11);
    }
    count = 0;
    prevlen = curlen;
    if (nextlen == 0) {
      max_count = 138;
      min_count = 3;
    } else if (curlen == nextlen) {
      max_count = 6;
      min_count = 3;
    } else {
      max_count = 7;
      min_count = 4;
    }
  }
}

}  // namespace

CodeTables::CodeTables() {
  int lc = 0;
  for (int code = 0; code < kLengthCodes - 1; ++code) {
    for (int i = 0; i < (1 << kLengthExtra[code]); ++i)
      length_code[lc++] = static_cast<uint8_t>(code);
  }
  // Length 258 (lc 255) has its own code; 257 stays the last value of code 27.
  length_code[255] = kLengthCodes - 1;
  int dist = 0;
  int code = 0;
  for (; code < 16; ++code) {
    for (int i = 0; i < (1 << kDistExtra[code]); ++i)
      dist_code[dist++] = static_cast<uint8_t>(code);
  }
  dist >>= 7;
  for (; code < kDistCodes; ++code) {
    for (int i = 0; i < (1 << (kDistExtra[code] - 7)); ++i) {
      dist_code[256 + dist++] = static_cast<uint8_t>(code);
    }
  }
}
const CodeTables kCodeTables;

CodeBases::CodeBases() {
  int lc = 0;
  for (int code = 0; code < kLengthCodes - 1; ++code) {
    length[code] = static_cast<uint16_t>(lc);
    lc += 1 << kLengthExtra[code];
  }
  length[kLengthCodes - 1] = 255;
  int d = 0;
  for (int code = 0; code < kDistCodes; ++code) {
    dist[code] = static_cast<uint16_t>(d);
    d += 1 << kDistExtra[code];
  }
}
const CodeBases kCodeBases;

BlockEncoder::BlockEncoder(BitWriter& out, unsigned symbol_limit)
    : out_(out), limit_(symbol_limit), lit_len_(symbol_limit), dist_(symbol_limit) {
  Reset();
}

void BlockEncoder::Reset() {
  std::fill(std::begin(ltree_.freq), std::end(ltree_.freq), 0);
  std::fill(std::begin(dtree_.freq), std::end(dtree_.freq), 0);
  std::fill(std::begin(bltree_.freq), std::end(bltree_.freq), 0);
  ltree_.freq[kEndBlock] = 1;
  opt_len_ = static_len_ = 0;
  count_ = 0;
  matches_ = 0;
}

bool BlockEncoder::EarlyEndWanted(uint64_t in_length) const {
  uint64_t out_length = uint64_t{count_} * 8;
  for (int code = 0; code < kDistCodes; ++code) {
    out_length += uint64_t{dtree_.freq[code]} * (5 + kDistExtra[code]);
  }
  out_length >>= 3;
  return matches_ < count_ / 2 && out_length < in_length / 2;
}

int BlockEncoder::BuildBitLengthTree() {
  for (const HuffmanTree* tree : {&ltree_, &dtree_}) {
    ForEachLengthSymbol(*tree, tree->max_code, [&](int symbol, int) { bltree_.freq[symbol]++; });
  }
  uint64_t unused_static = 0;
  BuildTree(bltree_, TreeSpec{kBitLenCodes, nullptr, kBitLenExtra, 0, kMaxBitLenBits}, opt_len_,
            unused_static);
  int max_blindex = kBitLenCodes - 1;
  for (; max_blindex >= 3; --max_blindex) {
    if (bltree_.len[kBitLenOrder[max_blindex]] != 0) break;
  }
  opt_len_ += 3 * (static_cast<uint64_t>(max_blindex) + 1) + 5 + 5 + 4;
  return max_blindex;
}

void BlockEncoder::SendTree(const HuffmanTree& tree, int max_code) {
  ForEachLengthSymbol(tree, max_code, [&](int symbol, int extra) {
    out_.Put(bltree_.code[symbol], bltree_.len[symbol]);
    if (symbol == kRep3To6) out_.Put(static_cast<uint32_t>(extra), 2);
    if (symbol == kZeros3To10) out_.Put(static_cast<uint32_t>(extra), 3);
    if (symbol == kZeros11To138) out_.Put(static_cast<uint32_t>(extra), 7);
  });
}

void BlockEncoder::SendTrees(int lcodes, int dcodes, int blcodes) {
  out_.Put(static_cast<uint32_t>(lcodes - 257), 5);
  out_.Put(static_cast<uint32_t>(dcodes - 1), 5);
  out_.Put(static_cast<uint32_t>(blcodes - 4), 4);
  for (int rank = 0; rank < blcodes; ++rank) out_.Put(bltree_.len[kBitLenOrder[rank]], 3);
  SendTree(ltree_, lcodes - 1);
  SendTree(dtree_, dcodes - 1);
}

void BlockEncoder::SendSymbols(const HuffmanTree& ltree, const HuffmanTree& dtree) {
  for (unsigned i = 0; i < count_; ++i) {
    const unsigned dist = dist_[i];
    const unsigned lc = lit_len_[i];
    if (dist == 0) {
      out_.Put(ltree.code[lc], ltree.len[lc]);
      continue;
    }
    const unsigned code = kCodeTables.length_code[lc];
    const unsigned sym = code + kLiterals + 1;
    out_.Put(ltree.code[sym], ltree.len[sym]);
    if (kLengthExtra[code] != 0) out_.Put(lc - kCodeBases.length[code], kLengthExtra[code]);
    const unsigned d = dist - 1;
    const unsigned dcode = DistCode(d);
    out_.Put(dtree.code[dcode], dtree.len[dcode]);
    if (kDistExtra[dcode] != 0) out_.Put(d - kCodeBases.dist[dcode], kDistExtra[dcode]);
  }
  out_.Put(ltree.code[kEndBlock], ltree.len[kEndBlock]);
}

void BlockEncoder::SendStored(const uint8_t* data, uint32_t size, bool last) {
  out_.Put(last ? 1 : 0, 3);
  out_.AlignToByte();
  const uint16_t len = static_cast<uint16_t>(size);
  const uint16_t nlen = static_cast<uint16_t>(~len);
  const uint8_t header[4] = {static_cast<uint8_t>(len), static_cast<uint8_t>(len >> 8),
                             static_cast<uint8_t>(nlen), static_cast<uint8_t>(nlen >> 8)};
  out_.PutBytes(header, 4);
  out_.PutBytes(data, size);
}

void BlockEncoder::FlushBlock(const uint8_t* stored, uint32_t stored_len, bool last) {
  BuildTree(ltree_,
            TreeSpec{kLitLenCodes, kStatic.ltree.len, kLengthExtra, kLiterals + 1, kMaxBits},
            opt_len_, static_len_);
  BuildTree(dtree_, TreeSpec{kDistCodes, kStatic.dtree.len, kDistExtra, 0, kMaxBits}, opt_len_,
            static_len_);
  const int max_blindex = BuildBitLengthTree();
  uint64_t opt_lenb = (opt_len_ + 3 + 7) >> 3;
  const uint64_t static_lenb = (static_len_ + 3 + 7) >> 3;
  if (static_lenb <= opt_lenb) opt_lenb = static_lenb;
  if (static_cast<uint64_t>(stored_len) + 4 <= opt_lenb && stored != nullptr) {
    SendStored(stored, stored_len, last);
  } else if (static_lenb == opt_lenb) {
    out_.Put((1 << 1) + (last ? 1 : 0), 3);
    SendSymbols(kStatic.ltree, kStatic.dtree);
  } else {
    out_.Put((2 << 1) + (last ? 1 : 0), 3);
    SendTrees(ltree_.max_code + 1, dtree_.max_code + 1, max_blindex + 1);
    SendSymbols(ltree_, dtree_);
  }
  Reset();
  if (last) out_.AlignToByte();
}

void BlockEncoder::SendWithCodeLengths(std::span<const uint8_t> litlen,
                                       std::span<const uint8_t> dist) {
  HuffmanTree trees[2]{};
  const std::span<const uint8_t> lengths[2] = {litlen, dist};
  for (int t = 0; t < 2; ++t) {
    uint16_t count[kMaxBits + 1] = {};
    const int n = static_cast<int>(std::min<size_t>(lengths[t].size(), kHeapSize));
    for (int i = 0; i < n; ++i) {
      const int len = std::min<int>(lengths[t][i], kMaxBits);
      trees[t].len[i] = static_cast<uint16_t>(len);
      count[len]++;
    }
    count[0] = 0;
    AssignCodes(trees[t], n - 1, count);
  }
  SendSymbols(trees[0], trees[1]);
  Reset();
}

}  // namespace deltaglider::deflate
