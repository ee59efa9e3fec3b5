// ParseDeflateStream() and ParseBlockHeader(); see stream_parser.h. Written from
// RFC 1951: canonical Huffman decoding through a table of the codes of up to 10
// bits (filled only from the lengths' own canonical codes, so no input can
// overflow it), and one bit at a time (counts per length, then the symbols in
// code order) for longer or unused codes.
#include "codec/deflate/stream_parser.h"

#include <algorithm>
#include <array>
#include <cstring>
#include <string>

#include "codec/deflate/block_encoder.h"

namespace deltaglider::deflate {
namespace {

constexpr int kMaxCodeBits = 15;

Error Malformed(std::string_view why) {
  return MakeError(ErrorCode::kInvalidArgument, "deflate stream: ", why);
}

// Least-significant-bit-first reader over the first `bit_limit` bits of a span.
class BitReader {
 public:
  BitReader(std::span<const std::byte> data, uint64_t first_bit, uint64_t bit_limit)
      : data_(data),
        limit_(std::min<uint64_t>(bit_limit, uint64_t{data.size()} * 8)),
        position_(std::min(first_bit, limit_)) {}

  // The next `count` (fewer than 32) bits without consuming them, zeros past the
  // limit; `available` is how many of them are real.
  uint32_t Peek(int count, int& available) const {
    const uint64_t left = limit_ - position_;
    available = left < static_cast<uint64_t>(count) ? static_cast<int>(left) : count;
    const size_t byte = position_ >> 3;
    uint64_t word = 0;
    const size_t n = std::min<size_t>(8, data_.size() - byte);
    if (n != 0) std::memcpy(&word, data_.data() + byte, n);
    word >>= position_ & 7;
    return static_cast<uint32_t>(word) & ((uint32_t{1} << available) - 1);
  }
  void Skip(int count) { position_ += static_cast<uint64_t>(count); }

  bool Bits(int count, uint32_t& value) {
    int available = 0;
    value = Peek(count, available);
    if (available < count) return false;
    Skip(count);
    return true;
  }
  void AlignToByte() { position_ = std::min(limit_, (position_ + 7) & ~uint64_t{7}); }
  uint64_t position() const { return position_; }
  uint64_t limit() const { return limit_; }

 private:
  std::span<const std::byte> data_;
  uint64_t limit_;
  uint64_t position_;
};

// A canonical Huffman code read back from its code lengths.
class HuffmanDecoder {
 public:
  // False for a set of lengths zlib's inflate refuses: over-subscribed, or
  // incomplete unless it has no code at all (then any symbol read is an error)
  // or, outside the code-length code, its only codes are one bit long.
  bool Build(std::span<const uint8_t> lengths, bool code_length_code = false) {
    count_.fill(0);
    for (uint8_t len : lengths) count_[len]++;
    count_[0] = 0;
    int left = 1;
    int longest = 0;
    for (int len = 1; len <= kMaxCodeBits; ++len) {
      left = (left << 1) - count_[len];
      if (left < 0) return false;
      if (count_[len] != 0) longest = len;
    }
    if (left > 0 && longest != 0 && (code_length_code || longest != 1)) return false;
    std::array<uint16_t, kMaxCodeBits + 2> offset{};
    for (int len = 1; len <= kMaxCodeBits; ++len) offset[len + 1] = offset[len] + count_[len];
    symbols_.assign(lengths.size(), 0);
    for (size_t symbol = 0; symbol < lengths.size(); ++symbol) {
      if (lengths[symbol] != 0) symbols_[offset[lengths[symbol]]++] = static_cast<uint16_t>(symbol);
    }
    BuildFastTable(lengths);
    return true;
  }

  // The next symbol, or -1 at the end of the bits or on an unused code.
  int Decode(BitReader& in) const {
    int available = 0;
    const FastEntry entry = fast_[in.Peek(kFastBits, available)];
    if (entry.length != 0 && entry.length <= available) {
      in.Skip(entry.length);
      return entry.symbol;
    }
    return DecodeBitByBit(in);
  }

 private:
  // Codes of up to kFastBits bits, indexed by the next kFastBits stream bits
  // (length 0: longer or unused, decoded bit by bit).
  static constexpr int kFastBits = 10;
  struct FastEntry {
    uint16_t symbol = 0;
    uint8_t length = 0;
  };

  void BuildFastTable(std::span<const uint8_t> lengths) {
    fast_.assign(size_t{1} << kFastBits, FastEntry{});
    std::array<uint32_t, kMaxCodeBits + 2> next_code{};
    uint32_t code = 0;
    for (int len = 1; len <= kMaxCodeBits; ++len) {
      code = (code + count_[len - 1]) << 1;
      next_code[len] = code;
    }
    for (size_t symbol = 0; symbol < lengths.size(); ++symbol) {
      const int len = lengths[symbol];
      if (len == 0) continue;
      const uint32_t canonical = next_code[len]++;
      if (len > kFastBits) continue;
      uint32_t reversed = 0;
      for (int i = 0; i < len; ++i) reversed |= ((canonical >> i) & 1u) << (len - 1 - i);
      for (uint32_t index = reversed; index < fast_.size(); index += uint32_t{1} << len)
        fast_[index] = FastEntry{static_cast<uint16_t>(symbol), static_cast<uint8_t>(len)};
    }
  }

  int DecodeBitByBit(BitReader& in) const {
    int code = 0;
    int first = 0;
    int index = 0;
    for (int len = 1; len <= kMaxCodeBits; ++len) {
      uint32_t bit = 0;
      if (!in.Bits(1, bit)) return -1;
      code |= static_cast<int>(bit);
      const int count = count_[len];
      if (code - first < count) return symbols_[index + code - first];
      index += count;
      first = (first + count) << 1;
      code <<= 1;
    }
    return -1;
  }

  std::array<uint16_t, kMaxCodeBits + 1> count_{};
  std::vector<uint16_t> symbols_;
  std::vector<FastEntry> fast_;
};

// The code lengths of a dynamic block, run-length coded with the code-length code.
Result<std::vector<uint8_t>> ReadCodeLengths(BitReader& in, const HuffmanDecoder& code,
                                             size_t total) {
  std::vector<uint8_t> lengths;
  lengths.reserve(total);
  while (lengths.size() < total) {
    const int symbol = code.Decode(in);
    if (symbol < 0) return Malformed("bad code-length code");
    if (symbol < 16) {
      lengths.push_back(static_cast<uint8_t>(symbol));
      continue;
    }
    uint32_t extra = 0;
    uint8_t value = 0;
    size_t repeat = 0;
    if (symbol == 16) {
      if (lengths.empty() || !in.Bits(2, extra)) return Malformed("bad length repeat");
      value = lengths.back();
      repeat = 3 + extra;
    } else if (symbol == 17) {
      if (!in.Bits(3, extra)) return Malformed("truncated header");
      repeat = 3 + extra;
    } else {
      if (!in.Bits(7, extra)) return Malformed("truncated header");
      repeat = 11 + extra;
    }
    if (repeat > total - lengths.size()) return Malformed("code lengths overrun");
    lengths.insert(lengths.end(), repeat, value);
  }
  return lengths;
}

Status ReadDynamicTables(BitReader& in, BlockHeader& header) {
  uint32_t hlit = 0;
  uint32_t hdist = 0;
  uint32_t hclen = 0;
  if (!in.Bits(5, hlit) || !in.Bits(5, hdist) || !in.Bits(4, hclen))
    return Malformed("truncated header");
  if (hlit + 257 > 286 || hdist + 1 > 30) return Malformed("too many codes");
  std::array<uint8_t, kBitLenCodes> code_lengths{};
  for (uint32_t i = 0; i < hclen + 4; ++i) {
    uint32_t len = 0;
    if (!in.Bits(3, len)) return Malformed("truncated header");
    code_lengths[kBitLenOrder[i]] = static_cast<uint8_t>(len);
  }
  HuffmanDecoder code;
  if (!code.Build(code_lengths, true)) return Malformed("bad code-length code");
  DG_ASSIGN_OR_RETURN(std::vector<uint8_t> lengths,
                      ReadCodeLengths(in, code, size_t{hlit} + 257 + hdist + 1));
  if (lengths[kEndBlock] == 0) return Malformed("no end-of-block code");
  header.litlen_lengths.assign(lengths.begin(), lengths.begin() + hlit + 257);
  header.dist_lengths.assign(lengths.begin() + hlit + 257, lengths.end());
  return OkStatus();
}

void SetFixedTables(BlockHeader& header) {
  header.litlen_lengths.assign(288, 8);
  std::fill(header.litlen_lengths.begin() + 144, header.litlen_lengths.begin() + 256, 9);
  std::fill(header.litlen_lengths.begin() + 256, header.litlen_lengths.begin() + 280, 7);
  header.dist_lengths.assign(30, 5);
}

Status ReadStoredLength(BitReader& in, BlockHeader& header) {
  in.AlignToByte();
  uint32_t len = 0;
  uint32_t nlen = 0;
  if (!in.Bits(16, len) || !in.Bits(16, nlen)) return Malformed("truncated stored block");
  if ((len ^ 0xFFFF) != nlen) return Malformed("stored block length check fails");
  header.stored_size = len;
  return OkStatus();
}

Result<BlockHeader> ReadHeader(BitReader& in) {
  BlockHeader header;
  uint32_t final = 0;
  uint32_t type = 0;
  if (!in.Bits(1, final) || !in.Bits(2, type)) return Malformed("truncated block header");
  header.final = final != 0;
  if (type == 3) return Malformed("reserved block type");
  header.type = static_cast<BlockHeader::Type>(type);
  if (type == BlockHeader::kStored) {
    DG_RETURN_IF_ERROR(ReadStoredLength(in, header));
  } else if (type == BlockHeader::kFixed) {
    SetFixedTables(header);
  } else {
    DG_RETURN_IF_ERROR(ReadDynamicTables(in, header));
  }
  return header;
}

// Reads the symbols of a stream's blocks into `out`: checked against a payload
// given, or written onto one (inflating).
class SymbolReader {
 public:
  // Checks every literal against `payload` and every length against its size.
  SymbolReader(std::span<const std::byte> payload, ParsedStream& out)
      : payload_(payload), out_(out) {}
  // Appends the bytes the symbols stand for to `*written`, which may then hold
  // at most `limit` bytes.
  SymbolReader(std::vector<std::byte>* written, uint64_t limit, ParsedStream& out)
      : written_(written), limit_(limit), out_(out) {}

  Status ReadStored(BitReader& in, uint32_t size) {
    DG_RETURN_IF_ERROR(Room(size));
    for (uint32_t i = 0; i < size; ++i) {
      uint32_t byte = 0;
      if (!in.Bits(8, byte)) return Malformed("truncated stored block");
      DG_RETURN_IF_ERROR(Literal(static_cast<uint8_t>(byte)));
    }
    return OkStatus();
  }

  Status ReadHuffman(BitReader& in, const BlockHeader& header) {
    HuffmanDecoder litlen;
    HuffmanDecoder dist;
    // The fixed distance code has 32 five-bit codes, of which 30 are used.
    static constexpr std::array<uint8_t, 32> kFixedDistances = [] {
      std::array<uint8_t, 32> lengths{};
      lengths.fill(5);
      return lengths;
    }();
    const std::span<const uint8_t> distances = header.type == BlockHeader::kFixed
                                                   ? std::span<const uint8_t>(kFixedDistances)
                                                   : std::span<const uint8_t>(header.dist_lengths);
    if (!litlen.Build(header.litlen_lengths) || !dist.Build(distances))
      return Malformed("over-subscribed or incomplete code");
    for (;;) {
      const int symbol = litlen.Decode(in);
      if (symbol < 0) return Malformed("bad literal/length code");
      if (symbol == kEndBlock) return OkStatus();
      if (symbol < kEndBlock) {
        DG_RETURN_IF_ERROR(Literal(static_cast<uint8_t>(symbol)));
      } else {
        DG_RETURN_IF_ERROR(Match(in, symbol - kEndBlock - 1, dist));
      }
    }
  }

  uint64_t position() const { return position_; }

 private:
  // Whether `size` more bytes fit.
  Status Room(uint64_t size) const {
    if (written_ == nullptr) {
      if (size > payload_.size() - position_) return Malformed("longer than its payload");
    } else if (size > limit_ - written_->size()) {
      return MakeError(ErrorCode::kResourceExhausted, "deflate stream: payload past its limit");
    }
    return OkStatus();
  }

  Status Literal(uint8_t value) {
    DG_RETURN_IF_ERROR(Room(1));
    if (written_ != nullptr) {
      written_->push_back(static_cast<std::byte>(value));
    } else if (static_cast<uint8_t>(payload_[position_]) != value) {
      return Malformed("differs from its payload");
    }
    out_.tokens.push_back(Token{0, 0});
    ++position_;
    return OkStatus();
  }

  Status Match(BitReader& in, int length_code, const HuffmanDecoder& dist) {
    if (length_code >= kLengthCodes) return Malformed("bad length code");
    uint32_t extra = 0;
    if (!in.Bits(kLengthExtra[length_code], extra)) return Malformed("truncated");
    const uint32_t length = kCodeBases.length[length_code] + extra + 3;
    const int dist_code = dist.Decode(in);
    if (dist_code < 0 || dist_code >= kDistCodes) return Malformed("bad distance code");
    if (!in.Bits(kDistExtra[dist_code], extra)) return Malformed("truncated");
    const uint32_t distance = kCodeBases.dist[dist_code] + extra + 1;
    if (distance > position_) return Malformed("distance before the start");
    DG_RETURN_IF_ERROR(Room(length));
    if (written_ != nullptr) Copy(distance, length);
    out_.tokens.push_back(Token{static_cast<uint16_t>(length), static_cast<uint16_t>(distance)});
    position_ += length;
    return OkStatus();
  }

  // Appends `length` bytes from `distance` back (overlapping: a repeat).
  void Copy(uint32_t distance, uint32_t length) {
    const size_t end = written_->size();
    written_->resize(end + length);
    std::byte* to = written_->data() + end;
    const std::byte* from = to - distance;
    if (distance >= length) {
      std::memcpy(to, from, length);
    } else {
      for (uint32_t i = 0; i < length; ++i) to[i] = from[i];
    }
  }

  std::span<const std::byte> payload_;
  std::vector<std::byte>* written_ = nullptr;
  uint64_t limit_ = 0;
  ParsedStream& out_;
  uint64_t position_ = 0;
};

// Reads blocks until the final one.
Status ReadBlocks(BitReader& in, SymbolReader& symbols, ParsedStream& parsed) {
  bool final = false;
  while (!final) {
    ParsedBlock block;
    block.start_bit = in.position();
    block.first_token = parsed.tokens.size();
    block.payload_offset = symbols.position();
    DG_ASSIGN_OR_RETURN(block.header, ReadHeader(in));
    block.header_end_bit = in.position();
    if (block.header.type == BlockHeader::kStored) {
      DG_RETURN_IF_ERROR(symbols.ReadStored(in, block.header.stored_size));
    } else {
      DG_RETURN_IF_ERROR(symbols.ReadHuffman(in, block.header));
    }
    block.end_bit = in.position();
    block.token_count = parsed.tokens.size() - block.first_token;
    final = block.header.final;
    parsed.blocks.push_back(std::move(block));
  }
  return OkStatus();
}

}  // namespace

Result<ParsedStream> ParseDeflateStream(std::span<const std::byte> stream,
                                        std::span<const std::byte> payload) {
  ParsedStream parsed;
  BitReader in(stream, 0, uint64_t{stream.size()} * 8);
  SymbolReader symbols(payload, parsed);
  DG_RETURN_IF_ERROR(ReadBlocks(in, symbols, parsed));
  if (symbols.position() != payload.size()) return Malformed("shorter than its payload");
  return parsed;
}

Result<size_t> InflateAndParse(std::span<const std::byte> data, uint64_t limit,
                               std::vector<std::byte>& payload, ParsedStream& parsed) {
  parsed = ParsedStream{};
  BitReader in(data, 0, uint64_t{data.size()} * 8);
  const size_t before = payload.size();
  SymbolReader symbols(&payload, limit, parsed);
  if (Status read = ReadBlocks(in, symbols, parsed); !read.ok()) {
    payload.resize(before);
    return read.error();
  }
  return static_cast<size_t>((in.position() + 7) / 8);
}

Result<BlockHeader> ParseBlockHeader(std::span<const std::byte> bits, uint64_t first_bit,
                                     uint64_t end_bit) {
  BitReader in(bits, first_bit, end_bit);
  if (in.limit() != end_bit || first_bit > end_bit) return Malformed("header outside its bytes");
  DG_ASSIGN_OR_RETURN(BlockHeader header, ReadHeader(in));
  if (in.position() != end_bit) return Malformed("header length differs from recorded");
  return header;
}

}  // namespace deltaglider::deflate
