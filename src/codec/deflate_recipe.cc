// MakeDeflateRecipe() and RebuildFromRecipe(); see deflate_recipe.h.
//
// Recipe: version (u8) | predictor profile (hash, level, memLevel: u8 each)
//         | body size (u64) | one zstd frame of the body
// Body:   block count (u32) | per block: flags (u8: 1 final, 2 explicit)
//         | token count (u32) | explicit only: first bit (u8), end bit (u32),
//           the header's bytes; explicit final only: tail bit count (u8), tail
//           bits (u8) | then the tokens' corrections (AppendCorrections)
// A block that is not explicit is the one our block encoder writes for its
// tokens; an explicit one replays its recorded header and codes the tokens with
// that header's code lengths.
#include "codec/deflate_recipe.h"

#include <algorithm>
#include <cstring>

#include "codec/byte_io.h"
#include "codec/deflate/bit_writer.h"
#include "codec/deflate/block_encoder.h"
#include "codec/deflate/deflate.h"
#include "codec/deflate/longest_match.h"
#include "codec/deflate/stream_parser.h"
#include "codec/profile_bytes.h"
#include "codec/zstd_frame.h"

namespace deltaglider {
namespace {

using deflate::BitWriter;
using deflate::BlockEncoder;
using deflate::BlockHeader;
using deflate::ParsedBlock;
using deflate::Token;

constexpr uint8_t kRecipeVersion = 1;
constexpr uint8_t kFinalBlock = 1;
constexpr uint8_t kExplicitBlock = 2;
// The prefix of the payload on which the candidate predictors are compared.
constexpr size_t kSampleBytes = size_t{256} << 10;
constexpr int kFrameLevel = 9;

Error Corrupted(std::string_view why) {
  return MakeError(ErrorCode::kCorrupted, "deflate recipe: ", why);
}

const uint8_t* Bytes(std::span<const std::byte> data) {
  return reinterpret_cast<const uint8_t*>(data.data());
}

// The payload bytes `tokens` stand for.
uint64_t Coverage(std::span<const Token> tokens) {
  uint64_t size = 0;
  for (const Token& token : tokens) size += token.size();
  return size;
}

// ---- corrections: the real tokens against the predicted ones --------------

// Walks a token list by payload position: the token that starts at a position.
class PredictionCursor {
 public:
  explicit PredictionCursor(std::span<const Token> tokens) : tokens_(tokens) {}

  // The token starting at `position` (positions only ever grow), or nullptr.
  const Token* At(uint64_t position) {
    while (next_ < tokens_.size() && start_ < position) start_ += tokens_[next_++].size();
    return next_ < tokens_.size() && start_ == position ? &tokens_[next_] : nullptr;
  }

 private:
  std::span<const Token> tokens_;
  size_t next_ = 0;
  uint64_t start_ = 0;
};

constexpr uint8_t kPredicted = 0;
constexpr uint8_t kLiteral = 1;
constexpr uint8_t kMatch = 2;
constexpr uint8_t kLongest = 3;

// Per real token one code (kPredicted: the token the predictor chose at the same
// payload position; kLiteral; kLongest: the longest match there, nearest first
// (LongestMatchFinder); kMatch: any other match), then for each kMatch its
// length - 3 (u8), then for each kMatch its distance - 1 (u16): three sections,
// each compressing well on its own.
void AppendCorrections(std::span<const std::byte> payload, std::span<const Token> actual,
                       std::span<const Token> predicted, std::vector<std::byte>& out) {
  std::vector<std::byte> lengths;
  std::vector<std::byte> distances;
  PredictionCursor cursor(predicted);
  deflate::LongestMatchFinder longest(std::span(Bytes(payload), payload.size()));
  uint64_t position = 0;
  for (const Token& token : actual) {
    const Token* guess = cursor.At(position);
    const uint64_t here = position;
    position += token.size();
    if (guess != nullptr && *guess == token) {
      out.push_back(std::byte{kPredicted});
    } else if (token.length == 0) {
      out.push_back(std::byte{kLiteral});
    } else if (longest.At(here) == token) {
      out.push_back(std::byte{kLongest});
    } else {
      out.push_back(std::byte{kMatch});
      lengths.push_back(static_cast<std::byte>(token.length - 3));
      AppendLe(distances, token.distance - 1u, 2);
    }
  }
  out.insert(out.end(), lengths.begin(), lengths.end());
  out.insert(out.end(), distances.begin(), distances.end());
}

// Reads `count` tokens' corrections (the rest of `in`); the tokens must cover
// `payload` exactly.
Result<std::vector<Token>> ReadCorrections(ByteReader& in, uint64_t count,
                                           std::span<const Token> predicted,
                                           std::span<const std::byte> payload) {
  deflate::LongestMatchFinder longest(std::span(Bytes(payload), payload.size()));
  std::span<const std::byte> codes;
  if (!in.Bytes(count, codes)) return Corrupted("too few token codes");
  const auto matches =
      static_cast<uint64_t>(std::count(codes.begin(), codes.end(), std::byte{kMatch}));
  std::span<const std::byte> lengths;
  std::span<const std::byte> distances;
  if (!in.Bytes(matches, lengths) || !in.Bytes(2 * matches, distances) || in.remaining() != 0)
    return Corrupted("token sections do not fit");
  std::vector<Token> tokens;
  tokens.reserve(count);
  PredictionCursor cursor(predicted);
  uint64_t position = 0;
  size_t match = 0;
  for (std::byte code : codes) {
    Token token;
    if (code == std::byte{kPredicted}) {
      const Token* guess = cursor.At(position);
      if (guess == nullptr) return Corrupted("no predicted token there");
      token = *guess;
    } else if (code == std::byte{kMatch}) {
      token.length = static_cast<uint16_t>(static_cast<uint8_t>(lengths[match]) + 3);
      token.distance = static_cast<uint16_t>((static_cast<uint8_t>(distances[2 * match]) |
                                              static_cast<uint8_t>(distances[2 * match + 1]) << 8) +
                                             1);
      ++match;
      if (token.distance > position) return Corrupted("match before the payload");
    } else if (code == std::byte{kLongest}) {
      token = longest.At(position);
      if (token.length == 0) return Corrupted("no match there");
    } else if (code != std::byte{kLiteral}) {
      return Corrupted("bad token code");
    }
    if (token.size() > payload.size() - position) return Corrupted("tokens pass the payload");
    position += token.size();
    tokens.push_back(token);
  }
  if (position != payload.size()) return Corrupted("tokens do not cover the payload");
  return tokens;
}

// The predictors tried: every level of the three zlib-family hashes and of gzip's
// deflate, at memLevel 8 (which only changes block cuts, not tokens, for zlib).
std::vector<DeflateProfile> PredictorCandidates() {
  std::vector<DeflateProfile> candidates;
  for (DeflateProfile::Hash hash : {DeflateProfile::kChromiumAnzac, DeflateProfile::kVanilla,
                                    DeflateProfile::kChromiumCrc32c, DeflateProfile::kGzip}) {
    for (int level = 9; level >= 1; --level) candidates.push_back(DeflateProfile{hash, level, 8});
  }
  return candidates;
}

// The profile whose tokens are closest to the real ones on the payload's start.
DeflateProfile ChoosePredictor(std::span<const std::byte> payload, std::span<const Token> actual) {
  static const std::vector<DeflateProfile> kCandidates = PredictorCandidates();
  size_t count = 0;
  uint64_t covered = 0;
  while (count < actual.size() && covered < kSampleBytes) covered += actual[count++].size();
  const std::span<const std::byte> sample = payload.first(covered);
  DeflateProfile best = kCandidates[0];
  size_t best_size = SIZE_MAX;
  for (const DeflateProfile& candidate : kCandidates) {
    std::vector<std::byte> corrections;
    AppendCorrections(sample, actual.first(count), DeflateTokens(sample, candidate), corrections);
    const size_t size = CompressFrame(corrections, 1).size();
    if (size != 0 && size < best_size) {
      best = candidate;
      best_size = size;
    }
  }
  return best;
}

// ---- writing blocks --------------------------------------------------------

void Tally(BlockEncoder& encoder, std::span<const Token> tokens, const uint8_t* data) {
  for (const Token& token : tokens) {
    if (token.length == 0) {
      encoder.TallyLiteral(*data++);
    } else {
      encoder.TallyMatch(token.distance, token.length);
      data += token.length;
    }
  }
}

// A block as our block encoder writes it for these tokens.
void WriteEncoderBlock(BitWriter& out, std::span<const Token> tokens, const uint8_t* data,
                       bool final) {
  BlockEncoder encoder(out, static_cast<unsigned>(tokens.size()) + 1);
  Tally(encoder, tokens, data);
  encoder.FlushBlock(data, static_cast<uint32_t>(Coverage(tokens)), final);
}

// Appends bits [first, end) of `bits`.
void PutBits(BitWriter& out, std::span<const std::byte> bits, uint64_t first, uint64_t end) {
  for (uint64_t bit = first; bit < end; ++bit) {
    out.Put((static_cast<uint8_t>(bits[bit >> 3]) >> (bit & 7)) & 1u, 1);
  }
}

// What the recipe records of an explicit block.
struct ExplicitBlock {
  uint8_t first_bit = 0;
  uint32_t end_bit = 0;
  std::span<const std::byte> header;  // the bytes holding bits [first_bit, end_bit)
  uint8_t tail_count = 0;             // final block: the padding after it
  uint8_t tail_bits = 0;
};

Status WriteExplicitBlock(BitWriter& out, const ExplicitBlock& block, bool final,
                          std::span<const Token> tokens, const uint8_t* data) {
  DG_ASSIGN_OR_RETURN(const BlockHeader header,
                      deflate::ParseBlockHeader(block.header, block.first_bit, block.end_bit));
  if (header.final != final) return Corrupted("block header disagrees on the final block");
  PutBits(out, block.header, block.first_bit, block.end_bit);
  if (header.type == BlockHeader::kStored) {
    if (Coverage(tokens) != header.stored_size || Coverage(tokens) != tokens.size())
      return Corrupted("stored block does not fit its tokens");
    for (size_t i = 0; i < tokens.size(); ++i) out.Put(data[i], 8);
  } else {
    BlockEncoder encoder(out, static_cast<unsigned>(tokens.size()) + 1);
    Tally(encoder, tokens, data);
    encoder.SendWithCodeLengths(header.litlen_lengths, header.dist_lengths);
  }
  if (final) out.Put(block.tail_bits, block.tail_count);
  return OkStatus();
}

// ---- planning (encode side) -----------------------------------------------

// True when bits [a_bit, a_bit + count) of `a` equal bits [b_bit, ...) of `b`;
// the two offsets are congruent modulo 8.
bool BitsEqual(const uint8_t* a, uint64_t a_bit, const uint8_t* b, uint64_t b_bit, uint64_t count) {
  for (; count > 0 && (a_bit & 7) != 0; ++a_bit, ++b_bit, --count) {
    if (((a[a_bit >> 3] ^ b[b_bit >> 3]) >> (a_bit & 7) & 1) != 0) return false;
  }
  if (std::memcmp(a + (a_bit >> 3), b + (b_bit >> 3), count >> 3) != 0) return false;
  a_bit += count & ~uint64_t{7};
  b_bit += count & ~uint64_t{7};
  for (count &= 7; count > 0; ++a_bit, ++b_bit, --count) {
    if (((a[a_bit >> 3] ^ b[b_bit >> 3]) >> (a_bit & 7) & 1) != 0) return false;
  }
  return true;
}

uint64_t RoundUpToByte(uint64_t bit) { return (bit + 7) & ~uint64_t{7}; }

// True when our block encoder writes exactly this block (for a final block, its
// zero padding too).
bool EncoderReproduces(std::span<const std::byte> stream, const ParsedBlock& block,
                       std::span<const Token> tokens, const uint8_t* data) {
  BitWriter candidate;
  const unsigned lead = static_cast<unsigned>(block.start_bit & 7);
  candidate.Put(0, static_cast<int>(lead));
  WriteEncoderBlock(candidate, tokens, data, block.header.final);
  const uint64_t written = candidate.bit_count() - lead;
  candidate.AlignToByte();
  const uint64_t end = block.header.final ? RoundUpToByte(block.end_bit) : block.end_bit;
  return written == end - block.start_bit &&
         BitsEqual(candidate.bytes().data(), lead, Bytes(stream), block.start_bit, written);
}

void AppendExplicit(std::span<const std::byte> stream, const ParsedBlock& block,
                    std::vector<std::byte>& out) {
  const uint64_t first_byte = block.start_bit >> 3;
  const uint64_t end_bit = block.header_end_bit - first_byte * 8;
  out.push_back(static_cast<std::byte>(block.start_bit & 7));
  AppendLe(out, end_bit, 4);
  const auto header = stream.subspan(first_byte, RoundUpToByte(end_bit) >> 3);
  out.insert(out.end(), header.begin(), header.end());
  if (!block.header.final) return;
  const uint64_t tail = RoundUpToByte(block.end_bit) - block.end_bit;
  uint8_t bits = 0;
  if (tail > 0) bits = static_cast<uint8_t>(static_cast<uint8_t>(stream.back()) >> (8 - tail));
  out.push_back(static_cast<std::byte>(tail));
  out.push_back(static_cast<std::byte>(bits));
}

std::vector<std::byte> PlanBody(std::span<const std::byte> payload,
                                std::span<const std::byte> stream,
                                const deflate::ParsedStream& parsed,
                                std::span<const Token> predicted) {
  std::vector<std::byte> body;
  AppendLe(body, parsed.blocks.size(), 4);
  for (const ParsedBlock& block : parsed.blocks) {
    const auto tokens =
        std::span<const Token>(parsed.tokens).subspan(block.first_token, block.token_count);
    const bool reproduced =
        EncoderReproduces(stream, block, tokens, Bytes(payload) + block.payload_offset);
    body.push_back(static_cast<std::byte>((block.header.final ? kFinalBlock : 0) |
                                          (reproduced ? 0 : kExplicitBlock)));
    AppendLe(body, block.token_count, 4);
    if (!reproduced) AppendExplicit(stream, block, body);
  }
  AppendCorrections(payload, parsed.tokens, predicted, body);
  return body;
}

// ---- rebuilding (decode side) -----------------------------------------------

struct BlockEntry {
  uint8_t flags = 0;
  uint32_t token_count = 0;
  ExplicitBlock explicit_block;
};

Result<BlockEntry> ReadBlockEntry(ByteReader& in) {
  BlockEntry entry;
  uint64_t flags = 0;
  uint64_t count = 0;
  if (!in.Le(1, flags) || !in.Le(4, count) || flags > 3) return Corrupted("bad block entry");
  entry.flags = static_cast<uint8_t>(flags);
  entry.token_count = static_cast<uint32_t>(count);
  if ((flags & kExplicitBlock) == 0) return entry;
  uint64_t first = 0;
  uint64_t end = 0;
  if (!in.Le(1, first) || !in.Le(4, end) || first > 7 ||
      !in.Bytes(RoundUpToByte(end) >> 3, entry.explicit_block.header)) {
    return Corrupted("bad block header record");
  }
  entry.explicit_block.first_bit = static_cast<uint8_t>(first);
  entry.explicit_block.end_bit = static_cast<uint32_t>(end);
  if ((flags & kFinalBlock) == 0) return entry;
  uint64_t tail_count = 0;
  uint64_t tail_bits = 0;
  if (!in.Le(1, tail_count) || !in.Le(1, tail_bits) || tail_count > 7)
    return Corrupted("bad final block padding");
  entry.explicit_block.tail_count = static_cast<uint8_t>(tail_count);
  entry.explicit_block.tail_bits = static_cast<uint8_t>(tail_bits);
  return entry;
}

Result<std::vector<std::byte>> WriteStream(std::span<const std::byte> payload,
                                           std::span<const BlockEntry> blocks,
                                           std::span<const Token> tokens) {
  BitWriter out;
  size_t next_token = 0;
  uint64_t position = 0;
  for (size_t i = 0; i < blocks.size(); ++i) {
    const BlockEntry& block = blocks[i];
    const bool final = (block.flags & kFinalBlock) != 0;
    if (final != (i + 1 == blocks.size())) return Corrupted("final block misplaced");
    if (block.token_count > tokens.size() - next_token) return Corrupted("too few tokens");
    const auto own = tokens.subspan(next_token, block.token_count);
    const uint8_t* data = Bytes(payload) + position;
    if ((block.flags & kExplicitBlock) == 0) {
      WriteEncoderBlock(out, own, data, final);
    } else {
      DG_RETURN_IF_ERROR(WriteExplicitBlock(out, block.explicit_block, final, own, data));
    }
    next_token += own.size();
    position += Coverage(own);
  }
  if (next_token != tokens.size()) return Corrupted("tokens left over");
  out.AlignToByte();
  const std::vector<uint8_t>& bytes = out.bytes();
  const auto* first = reinterpret_cast<const std::byte*>(bytes.data());
  return std::vector<std::byte>(first, first + bytes.size());
}

Result<std::vector<std::byte>> RebuildFromBody(std::span<const std::byte> payload,
                                               std::span<const std::byte> body,
                                               std::span<const Token> predicted) {
  ByteReader in(body);
  uint64_t count = 0;
  if (!in.Le(4, count) || count == 0 || count > in.remaining() / 5)
    return Corrupted("bad block count");
  std::vector<BlockEntry> blocks;
  blocks.reserve(count);
  uint64_t tokens_in_blocks = 0;
  for (uint64_t i = 0; i < count; ++i) {
    DG_ASSIGN_OR_RETURN(BlockEntry entry, ReadBlockEntry(in));
    tokens_in_blocks += entry.token_count;
    blocks.push_back(entry);
  }
  DG_ASSIGN_OR_RETURN(const std::vector<Token> tokens,
                      ReadCorrections(in, tokens_in_blocks, predicted, payload));
  return WriteStream(payload, blocks, tokens);
}

// What precedes a recipe's body frame.
struct RecipeHead {
  DeflateProfile predictor;
  uint64_t body_size = 0;
  std::span<const std::byte> frame;
};

Result<RecipeHead> ReadHead(std::span<const std::byte> payload, std::span<const std::byte> recipe) {
  ByteReader in(recipe);
  uint64_t version = 0;
  if (!in.Le(1, version)) return Corrupted("truncated");
  if (version != kRecipeVersion) return Corrupted("unknown version");
  RecipeHead head;
  DG_ASSIGN_OR_RETURN(head.predictor, ReadProfile("deflate recipe", in));
  if (!in.Le(8, head.body_size)) return Corrupted("truncated");
  // A token takes at most 4 bytes and stands for at least one payload byte; a
  // block entry takes at least 5.
  if (head.body_size > 4 * uint64_t{payload.size()} + (uint64_t{1} << 20))
    return Corrupted("body too large");
  in.Bytes(in.remaining(), head.frame);
  return head;
}

// The stream for `payload` from a recipe's head, given its predictor's tokens.
Result<std::vector<std::byte>> RebuildWith(std::span<const std::byte> payload,
                                           const RecipeHead& head,
                                           std::span<const Token> predicted) {
  DG_ASSIGN_OR_RETURN(const std::vector<std::byte> body,
                      DecompressFrame("deflate recipe", head.frame, head.body_size));
  return RebuildFromBody(payload, body, predicted);
}

}  // namespace

Result<std::vector<std::byte>> MakeDeflateRecipe(std::span<const std::byte> payload,
                                                 std::span<const std::byte> stream) {
  auto parsed = deflate::ParseDeflateStream(stream, payload);
  if (!parsed.ok()) {
    return MakeError(ErrorCode::kNotFound, "deflate recipe: ", parsed.error().message);
  }
  const DeflateProfile predictor = ChoosePredictor(payload, parsed->tokens);
  const std::vector<Token> predicted = DeflateTokens(payload, predictor);
  const std::vector<std::byte> body = PlanBody(payload, stream, *parsed, predicted);
  const std::vector<std::byte> frame = CompressFrame(body, kFrameLevel);
  if (frame.empty()) return MakeError(ErrorCode::kNotFound, "deflate recipe: zstd failed");
  std::vector<std::byte> recipe;
  recipe.push_back(std::byte{kRecipeVersion});
  AppendProfile(predictor, recipe);
  AppendLe(recipe, body.size(), 8);
  recipe.insert(recipe.end(), frame.begin(), frame.end());
  // The proof reads the recipe back as a decoder would, with the same prediction.
  auto head = ReadHead(payload, recipe);
  auto rebuilt = head.ok() ? RebuildWith(payload, *head, predicted) : head.error();
  if (!rebuilt.ok() || !std::equal(rebuilt->begin(), rebuilt->end(), stream.begin(), stream.end()))
    return MakeError(ErrorCode::kNotFound, "deflate recipe: the stream does not rebuild");
  return recipe;
}

Result<std::vector<std::byte>> RebuildFromRecipe(std::span<const std::byte> payload,
                                                 std::span<const std::byte> recipe) {
  DG_ASSIGN_OR_RETURN(const RecipeHead head, ReadHead(payload, recipe));
  return RebuildWith(payload, head, DeflateTokens(payload, head.predictor));
}

}  // namespace deltaglider
