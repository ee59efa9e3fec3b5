// ParseDeflateStream: reads a raw deflate stream (RFC 1951) back into its blocks
// and tokens (literals and matches), for the correction coder that rebuilds
// streams none of our deflater profiles reproduces. Our own decoder: the choice
// of tokens and block cuts is exactly what the system zlib's inflate hides.
// Treats its input as hostile: it never reads past its span, never allocates
// more than the payload it is checked against, and rejects any stream that does
// not inflate to exactly that payload's size with literals equal to its bytes.
#pragma once

#include <cstddef>
#include <cstdint>
#include <span>
#include <vector>

#include "codec/deflate/token.h"
#include "deltaglider/result.h"

namespace deltaglider::deflate {

// A block's header: its type and, for Huffman blocks, its code lengths.
struct BlockHeader {
  enum Type : uint8_t { kStored = 0, kFixed = 1, kDynamic = 2 };
  Type type = kStored;
  bool final = false;
  uint32_t stored_size = 0;             // kStored: LEN
  std::vector<uint8_t> litlen_lengths;  // kFixed/kDynamic: 257..288 entries
  std::vector<uint8_t> dist_lengths;    // kFixed/kDynamic: 1..32 entries
};

struct ParsedBlock {
  BlockHeader header;
  uint64_t start_bit = 0;       // where BFINAL is
  uint64_t header_end_bit = 0;  // where the first symbol (stored: data byte) is
  uint64_t end_bit = 0;         // just past the end-of-block code (stored: the data)
  size_t first_token = 0;
  size_t token_count = 0;       // stored: one literal per byte
  uint64_t payload_offset = 0;  // the block's first payload byte
};

struct ParsedStream {
  std::vector<ParsedBlock> blocks;
  std::vector<Token> tokens;
};

// Parses `stream` (which must end with its final block) against `payload`, the
// bytes it inflates to. kInvalidArgument, naming the reason, for anything else.
Result<ParsedStream> ParseDeflateStream(std::span<const std::byte> stream,
                                        std::span<const std::byte> payload);

// Inflates the raw deflate stream at the start of `data` (which may go on past
// it) onto the end of `payload`, and reads its blocks and tokens back into
// `parsed` in the same pass (payload offsets from the stream's own first byte):
// for a stream whose parse is wanted anyway, one pass instead of an inflate and
// a parse. Returns the stream's size in bytes. kInvalidArgument for anything
// malformed (a match reaching before the stream's own first byte included),
// kResourceExhausted when `payload` would pass `limit` bytes; on error
// `payload` is as it was.
Result<size_t> InflateAndParse(std::span<const std::byte> data, uint64_t limit,
                               std::vector<std::byte>& payload, ParsedStream& parsed);

// Reads one block header from bits [first_bit, end_bit) of `bits` (a header the
// correction coder recorded; first_bit is where it started within its byte, which
// a stored block's alignment depends on). kInvalidArgument when it is malformed or
// does not end exactly at `end_bit`.
Result<BlockHeader> ParseBlockHeader(std::span<const std::byte> bits, uint64_t first_bit,
                                     uint64_t end_bit);

}  // namespace deltaglider::deflate
