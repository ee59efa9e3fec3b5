// FindCommonRuns(), ParseReuse and TokenGuide; see parse_reuse.h.
#include "codec/deflate/parse_reuse.h"

#include <algorithm>
#include <cstring>
#include <limits>

#include "codec/deflate/stream_parser.h"

namespace deltaglider::deflate {
namespace {

constexpr size_t kAnchor = 32;        // bytes hashed per anchor
constexpr size_t kAnchorStep = 512;   // reference positions sampled
constexpr uint64_t kHistory = 32768;  // what the matcher looks back at
constexpr uint64_t kLookahead = 262;  // and ahead (zlib's MIN_LOOKAHEAD)
// Token starts are 32-bit.
constexpr uint64_t kPayloadLimit = std::numeric_limits<uint32_t>::max();

Error TooLarge() {
  return MakeError(ErrorCode::kInvalidArgument, "parse reuse: payload of 4 GiB or more");
}

uint64_t Load64(const std::byte* p) {
  uint64_t v;
  std::memcpy(&v, p, 8);
  return v;
}

uint64_t AnchorKey(const std::byte* p) {
  uint64_t h = 0;
  for (size_t i = 0; i < kAnchor; i += 8) {
    h = (h ^ Load64(p + i)) * 0x9E3779B97F4A7C15ULL;
    h ^= h >> 29;
  }
  return h;
}

// Bytes `a` and `b` have in common from their starts.
size_t CommonPrefix(std::span<const std::byte> a, std::span<const std::byte> b) {
  const size_t n = std::min(a.size(), b.size());
  size_t i = 0;
  while (i + 8 <= n) {
    const uint64_t diff = Load64(a.data() + i) ^ Load64(b.data() + i);
    if (diff != 0) return i + (static_cast<size_t>(__builtin_ctzll(diff)) >> 3);
    i += 8;
  }
  while (i < n && a[i] == b[i]) ++i;
  return i;
}

// Sampled reference positions by anchor key: open addressing, the first
// position wins a key.
class AnchorIndex {
 public:
  explicit AnchorIndex(std::span<const std::byte> reference) {
    const size_t count = reference.size() / kAnchorStep + 1;
    size_t slots = 16;
    while (slots < 2 * count) slots <<= 1;
    keys_.assign(slots, 0);
    positions_.assign(slots, kEmpty);
    mask_ = slots - 1;
    for (size_t q = 0; q + kAnchor <= reference.size(); q += kAnchorStep) {
      const uint64_t key = AnchorKey(reference.data() + q);
      size_t slot = key & mask_;
      while (positions_[slot] != kEmpty && keys_[slot] != key) slot = (slot + 1) & mask_;
      if (positions_[slot] == kEmpty) {
        keys_[slot] = key;
        positions_[slot] = q;
      }
    }
  }

  // A reference position whose anchor has `key`, or kEmpty.
  uint64_t Find(uint64_t key) const {
    for (size_t slot = key & mask_; positions_[slot] != kEmpty; slot = (slot + 1) & mask_) {
      if (keys_[slot] == key) return positions_[slot];
    }
    return kEmpty;
  }

  static constexpr uint64_t kEmpty = std::numeric_limits<uint64_t>::max();

 private:
  std::vector<uint64_t> keys_;
  std::vector<uint64_t> positions_;
  size_t mask_ = 0;
};

}  // namespace

std::vector<CommonRun> FindCommonRuns(std::span<const std::byte> target,
                                      std::span<const std::byte> reference) {
  std::vector<CommonRun> runs;
  if (target.size() < kAnchor || reference.size() < kAnchor) return runs;
  const AnchorIndex index(reference);
  uint64_t p = 0;
  while (p + kAnchor <= target.size()) {
    const uint64_t q = index.Find(AnchorKey(target.data() + p));
    if (q == AnchorIndex::kEmpty ||
        std::memcmp(target.data() + p, reference.data() + q, kAnchor) != 0) {
      ++p;
      continue;
    }
    uint64_t begin = p;
    uint64_t reference_begin = q;
    while (begin > 0 && reference_begin > 0 &&
           target[begin - 1] == reference[reference_begin - 1]) {
      --begin;
      --reference_begin;
    }
    const uint64_t end = p + CommonPrefix(target.subspan(p), reference.subspan(q));
    // A run found later may reach back over an earlier, shorter one at another shift.
    while (!runs.empty() && runs.back().begin >= begin) runs.pop_back();
    if (!runs.empty() && runs.back().end > begin) runs.back().end = begin;
    runs.push_back(CommonRun{begin, end, static_cast<int64_t>(q) - static_cast<int64_t>(p)});
    p = end;
  }
  return runs;
}

uint64_t CopyableBytes(std::span<const CommonRun> runs) {
  uint64_t total = 0;
  for (const CommonRun& run : runs) {
    const uint64_t history = run.begin == 0 && run.shift == 0 ? 0 : kHistory;
    const uint64_t needed = history + kLookahead;
    if (run.end - run.begin > needed) total += run.end - run.begin - needed;
  }
  return total;
}

Result<ParseReuse> ParseReuse::Make(std::span<const std::byte> reference_stream,
                                    std::span<const std::byte> reference_payload,
                                    std::span<const std::byte> target) {
  return Make(reference_stream, reference_payload, target,
              FindCommonRuns(target, reference_payload));
}

Result<ParseReuse> ParseReuse::Make(std::span<const std::byte> reference_stream,
                                    std::span<const std::byte> reference_payload,
                                    std::span<const std::byte> target,
                                    std::vector<CommonRun> runs) {
  DG_ASSIGN_OR_RETURN(ReferenceParse parse,
                      ReferenceParse::Make(reference_stream, reference_payload));
  return Make(std::make_shared<const ReferenceParse>(std::move(parse)), target, std::move(runs));
}

Result<ParseReuse> ParseReuse::Make(std::shared_ptr<const ReferenceParse> parse,
                                    std::span<const std::byte> target,
                                    std::vector<CommonRun> runs) {
  if (target.size() >= kPayloadLimit) return TooLarge();
  ParseReuse reuse;
  reuse.parse_ = std::move(parse);
  reuse.runs_ = std::move(runs);
  return reuse;
}

Result<ReferenceParse> ReferenceParse::Make(std::span<const std::byte> stream,
                                            std::span<const std::byte> payload) {
  if (payload.size() >= kPayloadLimit) return TooLarge();
  DG_ASSIGN_OR_RETURN(ParsedStream parsed, ParseDeflateStream(stream, payload));
  return FromParsed(std::move(parsed));
}

Result<ReferenceParse> ReferenceParse::FromParsed(ParsedStream parsed) {
  ReferenceParse parse;
  for (const ParsedBlock& block : parsed.blocks) {
    if (block.header.type == BlockHeader::kStored && block.token_count > 0)
      parse.stored.push_back(TokenSpan{block.first_token, block.first_token + block.token_count});
  }
  parse.tokens = std::move(parsed.tokens);
  parse.starts.reserve(parse.tokens.size() + 1);
  uint64_t at = 0;
  for (const Token& token : parse.tokens) {
    parse.starts.push_back(static_cast<uint32_t>(at));
    at += token.size();
  }
  if (at >= kPayloadLimit) return TooLarge();
  parse.starts.push_back(static_cast<uint32_t>(at));
  return parse;
}

bool ReferenceParse::ShowsDecisions(size_t first, size_t last) const {
  // The first stored span that ends after `first`.
  const auto span = std::upper_bound(stored.begin(), stored.end(), first,
                                     [](size_t at, const TokenSpan& s) { return at < s.end; });
  return span == stored.end() || span->first > last;
}

const CommonRun* TokenGuide::RunAt(uint64_t position) {
  const std::span<const CommonRun> runs = reuse_.runs();
  while (run_ < runs.size() && runs[run_].end <= position) ++run_;
  if (run_ == runs.size() || runs[run_].begin > position) return nullptr;
  return &runs[run_];
}

size_t TokenGuide::TokenAt(uint64_t at) {
  const std::span<const uint32_t> starts = reuse_.starts();
  const size_t count = starts.size() - 1;
  // Within one run the positions asked for only grow: walk on from the last
  // answer; a new run (another shift) searches afresh.
  if (cursor_run_ != run_ || cursor_ >= count || starts[cursor_] > at) {
    cursor_ = static_cast<size_t>(std::lower_bound(starts.begin(), starts.end() - 1, at) -
                                  starts.begin());
    cursor_run_ = run_;
  }
  while (cursor_ < count && starts[cursor_] < at) ++cursor_;
  return cursor_ < count && starts[cursor_] == at ? cursor_ : count;
}

bool TokenGuide::CanCopySegment(uint64_t position) {
  const CommonRun* run = RunAt(position);
  if (run == nullptr) return false;
  // The whole history must be shared too (or be empty in both at the same place).
  const bool history_shared =
      position >= run->begin + kHistory || (run->begin == 0 && run->shift == 0);
  if (!history_shared) return false;
  const std::span<const uint32_t> starts = reuse_.starts();
  const std::span<const Token> tokens = reuse_.tokens();
  const uint64_t at = position + static_cast<uint64_t>(run->shift);
  size_t k = next_;
  if (!copying_ || k >= tokens.size() || starts[k] != at) {
    k = TokenAt(at);
    if (k == tokens.size()) return false;
    // The reference must have had no match pending there either.
    if (k > 0 && tokens[k - 1].length == 0) return false;
  }
  size_t match = k;
  while (match < tokens.size() && tokens[match].length == 0) ++match;
  if (match == tokens.size() || !reuse_.parse().ShowsDecisions(k, match)) return false;
  // Its last decision is taken one position after the match starts.
  const uint64_t last = starts[match] - static_cast<uint64_t>(run->shift) + 1;
  if (last + kLookahead > run->end) return false;
  next_ = k;
  return true;
}

bool TokenGuide::Decide(uint64_t position, bool clean, unsigned& length, unsigned& distance) {
  if (clean) copying_ = CanCopySegment(position);
  if (!copying_) return false;
  length = 2;
  if (after_match_) {
    after_match_ = false;
    return true;
  }
  const Token& token = reuse_.tokens()[next_++];
  copied_ += token.size();
  if (token.length != 0) {
    length = token.length;
    distance = token.distance;
    after_match_ = true;
  }
  return true;
}

std::optional<uint64_t> TokenGuide::SplitPoint(const ParseReuse& reuse, uint64_t size) {
  constexpr uint64_t kSlack = uint64_t{16} << 10;
  const uint64_t middle = size / 2;
  const std::span<const uint32_t> starts = reuse.starts();
  const std::span<const Token> tokens = reuse.tokens();
  std::optional<uint64_t> best;
  const auto distance = [&](uint64_t p) { return p > middle ? p - middle : middle - p; };
  for (const CommonRun& run : reuse.runs()) {
    // The first run copies for 32 KiB before the split (after its own 32 KiB
    // of history); the second sees its window slide before the input ends.
    const uint64_t low = run.begin + 2 * kHistory + kSlack;
    const uint64_t high = std::min(run.end > kSlack ? run.end - kSlack : 0,
                                   size > 2 * kHistory ? size - 2 * kHistory : 0);
    if (high <= low) continue;
    const uint64_t wanted = std::clamp(middle, low, high - 1);
    // The first reference token at or after `wanted` that follows a match.
    const uint64_t at = wanted + static_cast<uint64_t>(run.shift);
    size_t k = static_cast<size_t>(std::lower_bound(starts.begin(), starts.end() - 1, at) -
                                   starts.begin());
    while (k < tokens.size() && (k == 0 || tokens[k - 1].length == 0)) ++k;
    if (k >= tokens.size()) continue;
    const uint64_t p = starts[k] - static_cast<uint64_t>(run.shift);
    if (p >= high) continue;
    if (!best || distance(p) < distance(*best)) best = p;
  }
  return best;
}

}  // namespace deltaglider::deflate
