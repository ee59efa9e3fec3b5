// MakeDeflateRecipe() and RebuildFromRecipe(); see deflate_recipe.h.
//
// Recipe: version (u8) | predictor profile (hash, level, memLevel: u8 each)
//         | body size (u64) | zstd-patch frame of the body against the
//         predicted token list (tokens as bytes, below)
// Body:   block count (u32) | per block: flags (u8: 1 final, 2 explicit)
//         | token count (u32) | explicit only: first bit (u8), end bit (u32),
//           the header's bytes; explicit final only: tail bit count (u8), tail
//           bits (u8) | then the stream's tokens as bytes
// Tokens as bytes: a literal is 0 (its byte is the payload's); a match is 1,
//         length - 3, distance - 1 (u16). A block that is not explicit is the one our block
//         encoder writes for its tokens; an explicit one replays its recorded
//         header and codes the tokens with that header's code lengths.
#include "codec/deflate_recipe.h"

#include <algorithm>
#include <cstring>

#include "codec/byte_io.h"
#include "codec/deflate/bit_writer.h"
#include "codec/deflate/block_encoder.h"
#include "codec/deflate/deflate.h"
#include "codec/deflate/stream_parser.h"
#include "deltaglider/codecs.h"
#include "deltaglider/stream.h"

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
constexpr size_t kSampleBytes = size_t{1} << 20;
constexpr int kPatchLevel = 6;

Error Corrupted(std::string_view why) {
  return MakeError(ErrorCode::kCorrupted, "deflate recipe: ", why);
}

const uint8_t* Bytes(std::span<const std::byte> data) {
  return reinterpret_cast<const uint8_t*>(data.data());
}

// ---- token lists as bytes ------------------------------------------------

void AppendTokens(std::span<const Token> tokens, std::vector<std::byte>& out) {
  for (const Token& token : tokens) {
    if (token.length == 0) {
      out.push_back(std::byte{0});
      continue;
    }
    out.push_back(std::byte{1});
    out.push_back(static_cast<std::byte>(token.length - 3));
    AppendLe(out, token.distance - 1u, 2);
  }
}

std::vector<std::byte> TokenBytes(std::span<const Token> tokens) {
  std::vector<std::byte> out;
  out.reserve(tokens.size() * 2);
  AppendTokens(tokens, out);
  return out;
}

// Reads tokens to the end of `in`; they must cover `payload` exactly.
Result<std::vector<Token>> ReadTokens(ByteReader& in, std::span<const std::byte> payload) {
  std::vector<Token> tokens;
  uint64_t position = 0;
  while (in.remaining() > 0) {
    uint64_t tag = 0;
    in.Le(1, tag);
    if (tag == 0) {
      if (position == payload.size()) return Corrupted("literal past the payload");
      tokens.push_back(Token{0, 0});
      ++position;
      continue;
    }
    uint64_t length = 0;
    uint64_t distance = 0;
    if (tag != 1 || !in.Le(1, length) || !in.Le(2, distance)) return Corrupted("bad token");
    length += 3;
    distance += 1;
    if (length > 258 || distance > position || length > payload.size() - position)
      return Corrupted("match does not fit the payload");
    tokens.push_back(Token{static_cast<uint16_t>(length), static_cast<uint16_t>(distance)});
    position += length;
  }
  if (position != payload.size()) return Corrupted("tokens do not cover the payload");
  return tokens;
}

// The payload bytes `tokens` stand for.
uint64_t Coverage(std::span<const Token> tokens) {
  uint64_t size = 0;
  for (const Token& token : tokens) size += token.length == 0 ? 1 : token.length;
  return size;
}

// ---- the zstd patch of a token list against the predicted one ------------

std::unique_ptr<DeltaCodec> PatchCodec(int level = kPatchLevel) {
  return NewZstdDeltaCodec(ZstdCodecOptions{level, 0, true});
}

Result<std::vector<std::byte>> Patch(std::span<const std::byte> predicted,
                                     std::span<const std::byte> actual, int level = kPatchLevel) {
  VectorSink out;
  SpanSource source(actual);
  DG_RETURN_IF_ERROR(PatchCodec(level)->Encode(predicted, source, out));
  return std::move(out.bytes());
}

// The profile whose tokens are closest to the real ones on the payload's start.
DeflateProfile ChoosePredictor(std::span<const std::byte> payload, std::span<const Token> actual) {
  using P = DeflateProfile;
  static constexpr P kCandidates[] = {{P::kChromiumAnzac, 9, 8}, {P::kVanilla, 6, 8},
                                      {P::kVanilla, 9, 8},       {P::kChromiumCrc32c, 9, 8},
                                      {P::kGzip, 6, 8},          {P::kGzip, 9, 8},
                                      {P::kVanilla, 4, 8},       {P::kVanilla, 1, 8}};
  size_t count = 0;
  uint64_t covered = 0;
  while (count < actual.size() && covered < kSampleBytes)
    covered += Coverage(actual.subspan(count++, 1));
  const std::span<const std::byte> sample = payload.first(covered);
  const std::vector<std::byte> real = TokenBytes(actual.first(count));
  P best = kCandidates[0];
  size_t best_size = SIZE_MAX;
  for (const P& candidate : kCandidates) {
    const std::vector<std::byte> predicted = TokenBytes(DeflateTokens(sample, candidate));
    auto patch = Patch(predicted, real, 1);
    if (patch.ok() && patch->size() < best_size) {
      best = candidate;
      best_size = patch->size();
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
                                const deflate::ParsedStream& parsed) {
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
  AppendTokens(parsed.tokens, body);
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
                                               std::span<const std::byte> body) {
  ByteReader in(body);
  uint64_t count = 0;
  if (!in.Le(4, count) || count == 0 || count > in.remaining() / 5)
    return Corrupted("bad block count");
  std::vector<BlockEntry> blocks;
  blocks.reserve(count);
  for (uint64_t i = 0; i < count; ++i) {
    DG_ASSIGN_OR_RETURN(BlockEntry entry, ReadBlockEntry(in));
    blocks.push_back(entry);
  }
  DG_ASSIGN_OR_RETURN(const std::vector<Token> tokens, ReadTokens(in, payload));
  return WriteStream(payload, blocks, tokens);
}

}  // namespace

Result<std::vector<std::byte>> MakeDeflateRecipe(std::span<const std::byte> payload,
                                                 std::span<const std::byte> stream) {
  auto parsed = deflate::ParseDeflateStream(stream, payload);
  if (!parsed.ok()) {
    return MakeError(ErrorCode::kNotFound, "deflate recipe: ", parsed.error().message);
  }
  const DeflateProfile predictor = ChoosePredictor(payload, parsed->tokens);
  const std::vector<std::byte> body = PlanBody(payload, stream, *parsed);
  const std::vector<std::byte> predicted = TokenBytes(DeflateTokens(payload, predictor));
  DG_ASSIGN_OR_RETURN(const std::vector<std::byte> patch, Patch(predicted, body));
  std::vector<std::byte> recipe;
  recipe.push_back(std::byte{kRecipeVersion});
  recipe.push_back(static_cast<std::byte>(predictor.hash));
  recipe.push_back(static_cast<std::byte>(predictor.level));
  recipe.push_back(static_cast<std::byte>(predictor.mem_level));
  AppendLe(recipe, body.size(), 8);
  recipe.insert(recipe.end(), patch.begin(), patch.end());
  auto rebuilt = RebuildFromRecipe(payload, recipe);
  if (!rebuilt.ok() || !std::equal(rebuilt->begin(), rebuilt->end(), stream.begin(), stream.end()))
    return MakeError(ErrorCode::kNotFound, "deflate recipe: the stream does not rebuild");
  return recipe;
}

Result<std::vector<std::byte>> RebuildFromRecipe(std::span<const std::byte> payload,
                                                 std::span<const std::byte> recipe) {
  ByteReader in(recipe);
  uint64_t version = 0;
  uint64_t hash = 0;
  uint64_t level = 0;
  uint64_t mem_level = 0;
  uint64_t body_size = 0;
  if (!in.Le(1, version) || !in.Le(1, hash) || !in.Le(1, level) || !in.Le(1, mem_level) ||
      !in.Le(8, body_size)) {
    return Corrupted("truncated");
  }
  if (version != kRecipeVersion) return Corrupted("unknown version");
  const DeflateProfile predictor{static_cast<DeflateProfile::Hash>(hash), static_cast<int>(level),
                                 static_cast<int>(mem_level)};
  if (hash > DeflateProfile::kGzip || !IsValidDeflateProfile(predictor))
    return Corrupted("bad predictor");
  // Tokens take at most 4 bytes per 3 payload bytes; a block entry at least 5.
  if (body_size > 4 * uint64_t{payload.size()} + (uint64_t{1} << 20))
    return Corrupted("body too large");
  const std::vector<std::byte> predicted = TokenBytes(DeflateTokens(payload, predictor));
  std::span<const std::byte> patch;
  in.Bytes(in.remaining(), patch);
  SpanSource source(patch);
  VectorSink body(body_size);
  if (!PatchCodec()->Decode(predicted, source, body).ok() || body.bytes().size() != body_size)
    return Corrupted("token patch does not decode");
  return RebuildFromBody(payload, body.bytes());
}

}  // namespace deltaglider
