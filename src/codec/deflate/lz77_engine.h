// Lz77Engine: zlib's match finder and block driver (deflate_fast for levels 1-3,
// deflate_slow with lazy evaluation for levels 4-9) for one whole input given at
// once, templated on the insert hash so the inner loops have no indirect calls.
// Window, refill, slide, hash chains, TOO_FAR and the block-end rule follow zlib
// exactly, including the zero-initialised window whose stale bytes past the end
// of the data feed the hash and the match comparison. Internal to the deflater;
// it must never make a choice zlib would not make.
#pragma once

#include <algorithm>
#include <cstdint>
#include <cstring>
#include <span>
#include <vector>

#include "codec/deflate/bit_writer.h"
#include "codec/deflate/block_encoder.h"
#include "codec/deflate/parse_reuse.h"

namespace deltaglider::deflate {

// Receives the compressed bytes as blocks complete; returns false to stop early.
class OutputConsumer {
 public:
  virtual ~OutputConsumer() = default;
  virtual bool Consume(const uint8_t* data, size_t size) = 0;
};

// One row of zlib's per-level configuration table.
struct LevelConfig {
  uint16_t good_length;
  uint16_t max_lazy;  // levels 1-3: max_insert_length
  uint16_t nice_length;
  uint16_t max_chain;
  bool fast;
};

const LevelConfig& ConfigForLevel(int level);

template <typename HashFn>
class Lz77Engine {
 public:
  static constexpr unsigned kWSize = 32768;
  static constexpr unsigned kWMask = kWSize - 1;
  static constexpr unsigned kWindowSize = 2 * kWSize;
  static constexpr unsigned kMinMatch = 3;
  static constexpr unsigned kMaxMatch = 258;
  static constexpr unsigned kMinLookahead = kMaxMatch + kMinMatch + 1;
  static constexpr unsigned kMaxDist = kWSize - kMinLookahead;
  static constexpr unsigned kTooFar = 4096;

  // `symbol_limit`: symbols per block (zlib: 2^(memLevel+6) - 1). `early_block_end`:
  // gzip's (and Info-ZIP's) extra rule (BlockEncoder::EarlyEndWanted), checked every 4096 symbols.
  Lz77Engine(std::span<const uint8_t> input, const LevelConfig& config, HashFn hash, int hash_bits,
             unsigned symbol_limit, bool early_block_end, OutputConsumer& consumer)
      : input_(input),
        config_(config),
        hash_(hash),
        // 8 bytes of zeroed padding: the 4-byte hashes read one byte past the window.
        window_(kWindowSize + 8, 0),
        head_(size_t{1} << hash_bits, 0),
        prev_(kWSize, 0),
        blocks_(bits_, symbol_limit),
        early_block_end_(early_block_end),
        consumer_(consumer) {}

  // Appends every literal and match chosen to `log` (nullptr: off).
  void LogTokensTo(std::vector<Token>* log) { blocks_.LogTokensTo(log); }

  // Lets `guide` take the lazy matcher's decisions where it can (nullptr: off;
  // deflate_fast is never guided).
  void GuideWith(TokenGuide* guide) { guide_ = guide; }

  // Compresses everything; false if the consumer stopped early.
  bool Run() { return config_.fast ? RunFast() : RunLazy(); }

  // Split runs (lazy levels, guided): two engines choose the tokens of two
  // halves of the input at once and a third codes them into blocks.
  //
  // Only appends the tokens chosen to `tokens`; no block is cut or written.
  void RecordTokensOnly(std::vector<Token>* tokens) { tokens_only_ = tokens; }
  // Stops at input position `position` if from there a second engine started
  // by StartCopyingAt(position) decides exactly as this one would: no match
  // pending and the guide deciding for at least the last 32 KiB (so the chains
  // a later search walks are rebuilt from the window alone). Else runs on.
  void StopAt(uint64_t position) { stop_at_ = position; }
  bool stopped() const { return stopped_; }
  // Starts at input position `position` (at least 32 KiB in) with the 32 KiB
  // before it as history and the guide deciding since then: the state StopAt
  // asks of the first engine.
  void StartCopyingAt(uint64_t position) {
    in_pos_ = position - kWSize;
    window_base_ = in_pos_;
    FillWindow();
    strstart_ = kWSize;
    lookahead_ -= kWSize;
    block_start_ = strstart_;
    copying_ = true;
    copy_start_ = window_base_;
  }
  // Unguided split runs (lazy levels): the second engine starts at `position`
  // (StartCopyingAt, no guide: it fills the chains from the 32 KiB before and
  // searches from there as if no match were pending); the first one pauses there
  // (PauseAt: Run returns, and a later Run goes on), then runs on until it
  // stands, with no match pending, at one of the second engine's positions where
  // none was pending either (JoinAt): from there both see the same window and
  // chains in the same state, so they choose the same tokens, and the first
  // stops (stopped()). If they never meet it runs to the end alone.
  void PauseAt(uint64_t position) { pause_at_ = position; }
  // `tokens`: what the second engine chose from input position `start` on. Its
  // positions with no match pending are `start` and the end of every match.
  void JoinAt(std::span<const Token> tokens, uint64_t start) {
    join_tokens_ = tokens;
    join_index_ = 0;
    join_position_ = start;
    joining_ = true;
  }
  // After stopped(): the second engine's token that starts where this one stopped.
  size_t joined_index() const { return join_index_; }
  // Whether the last recorded token is the literal left pending at the end
  // (tallied without asking whether its block is full).
  bool ends_with_pending_literal() const { return pending_literal_at_end_; }

  // Codes `tokens` (all of the input's, as recording runs chose them) into
  // blocks cut exactly where the loop that chose them would have cut them.
  // Whether a block could be stored depends on the window that loop would have
  // had at its end; that is worked out from where its window slides, which
  // near the end of the input can be off by a position: callers check the
  // stream as they check every rebuild.
  bool CodeTokens(std::span<const Token> tokens, bool pending_literal_at_end) {
    uint64_t pos = 0;
    uint64_t block_start = 0;
    for (size_t i = 0; i < tokens.size(); ++i) {
      const Token& token = tokens[i];
      const bool full = token.length == 0 ? blocks_.TallyLiteral(input_[pos])
                                          : blocks_.TallyMatch(token.distance, token.length);
      if (pending_literal_at_end && i + 1 == tokens.size()) {
        ++pos;
        break;
      }
      // The loop asks with its position one past the token's start.
      const bool end = full || EarlyEndAfter(pos + 1 - block_start);
      pos += token.size();
      if (end) {
        if (!CodeBlock(block_start, pos, pos - token.size() + 1, false)) return false;
        block_start = pos;
      }
    }
    return CodeBlock(block_start, pos, pos, true);
  }

 private:
  unsigned Insert(unsigned pos) {
    const uint32_t h = hash_(window_.data() + pos);
    const unsigned chain = head_[h];
    prev_[pos & kWMask] = static_cast<uint16_t>(chain);
    head_[h] = static_cast<uint16_t>(pos);
    return chain;
  }

  void SlideTables() {
    for (auto& p : head_) p = static_cast<uint16_t>(p >= kWSize ? p - kWSize : 0);
    for (auto& p : prev_) p = static_cast<uint16_t>(p >= kWSize ? p - kWSize : 0);
  }

  void FillWindow() {
    do {
      unsigned more = kWindowSize - lookahead_ - strstart_;
      if (strstart_ >= kWSize + kMaxDist) {
        std::memcpy(window_.data(), window_.data() + kWSize, kWSize - more);
        match_start_ -= kWSize;
        strstart_ -= kWSize;
        block_start_ -= kWSize;
        window_base_ += kWSize;
        if (CopiedAWholeWindow()) {
          tables_stale_ = true;  // SetCopying(false) rebuilds them
        } else {
          SlideTables();
        }
        more += kWSize;
      }
      const size_t available = input_.size() - in_pos_;
      if (available == 0) break;
      const unsigned n = available < more ? static_cast<unsigned>(available) : more;
      std::memcpy(window_.data() + strstart_ + lookahead_, input_.data() + in_pos_, n);
      in_pos_ += n;
      lookahead_ += n;
    } while (lookahead_ < kMinLookahead && in_pos_ < input_.size());
  }

  static unsigned CommonLength(const uint8_t* scan, const uint8_t* match, unsigned from) {
    unsigned i = from;
    while (i < kMaxMatch) {
      uint64_t a;
      uint64_t b;
      std::memcpy(&a, scan + i, 8);
      std::memcpy(&b, match + i, 8);
      const uint64_t diff = a ^ b;
      if (diff != 0) {
        i += static_cast<unsigned>(__builtin_ctzll(diff)) >> 3;
        break;
      }
      i += 8;
    }
    return i < kMaxMatch ? i : kMaxMatch;
  }

  // zlib's longest_match: walks the chain from cur_match; sets match_start_.
  // Byte 2 of a candidate is not compared (zlib assumes the hash implies it).
  unsigned LongestMatch(unsigned cur_match) {
    unsigned chain_length = config_.max_chain;
    const uint8_t* const window = window_.data();
    const uint8_t* const scan = window + strstart_;
    unsigned best_len = prev_length_;
    unsigned nice_match = config_.nice_length;
    const unsigned limit = strstart_ > kMaxDist ? strstart_ - kMaxDist : 0;
    uint8_t scan_end1 = scan[best_len - 1];
    uint8_t scan_end = scan[best_len];
    if (prev_length_ >= config_.good_length) chain_length >>= 2;
    if (nice_match > lookahead_) nice_match = lookahead_;
    do {
      const uint8_t* match = window + cur_match;
      if (match[best_len] != scan_end || match[best_len - 1] != scan_end1 || match[0] != scan[0] ||
          match[1] != scan[1]) {
        continue;
      }
      const unsigned len = CommonLength(scan, match, 3);
      if (len > best_len) {
        match_start_ = cur_match;
        best_len = len;
        if (len >= nice_match) break;
        scan_end1 = scan[best_len - 1];
        scan_end = scan[best_len];
      }
    } while ((cur_match = prev_[cur_match & kWMask]) > limit && --chain_length != 0);
    return best_len <= lookahead_ ? best_len : lookahead_;
  }

  // gzip's rule, tested after each tally (strstart_ not yet advanced), on the
  // input bytes since the block began.
  bool EarlyEndAfter(uint64_t block_bytes) const {
    return early_block_end_ && blocks_.symbols() % 4096 == 0 && blocks_.EarlyEndWanted(block_bytes);
  }
  bool EarlyEnd() const {
    return EarlyEndAfter(static_cast<uint64_t>(static_cast<long>(strstart_) - block_start_));
  }

  // The tallies of the loops: into the block, or only recorded.
  bool TallyMatch(unsigned distance, unsigned length) {
    if (tokens_only_ != nullptr) {
      tokens_only_->push_back(
          Token{static_cast<uint16_t>(length), static_cast<uint16_t>(distance)});
      return false;
    }
    return blocks_.TallyMatch(distance, length) || EarlyEnd();
  }
  bool TallyLiteral(uint8_t c) {
    if (tokens_only_ != nullptr) {
      tokens_only_->push_back(Token{});
      return false;
    }
    return blocks_.TallyLiteral(c) || EarlyEnd();
  }

  // Where the loop's window would start when it is at input position `at`: it
  // slides by 32 KiB at the first position at least 32 KiB + kMaxDist + 1 past
  // the window's start (the lookahead then runs short).
  static uint64_t WindowBaseAt(uint64_t at) {
    uint64_t base = 0;
    while (at - base >= kWSize + kMaxDist + 1) base += kWSize;
    return base;
  }

  // Codes input [begin, end) as one block; `at` is the loop's position then.
  bool CodeBlock(uint64_t begin, uint64_t end, uint64_t at, bool last) {
    const uint8_t* stored = begin >= WindowBaseAt(at) ? input_.data() + begin : nullptr;
    blocks_.FlushBlock(stored, static_cast<uint32_t>(end - begin), last);
    return HandOverBytes();
  }

  // Gives the consumer the bytes completed so far; false if it stops.
  bool HandOverBytes() {
    std::vector<uint8_t>& bytes = bits_.bytes();
    const bool go_on = consumer_.Consume(bytes.data(), bytes.size());
    bytes.clear();
    return go_on;
  }

  // True at the position PauseAt named (once).
  bool PauseHere() {
    if (pause_at_ == kNever || window_base_ + strstart_ < pause_at_) return false;
    pause_at_ = kNever;
    return true;
  }

  // Moves JoinAt's cursor to the second engine's next position with no match
  // pending (past its next match); false when it has none left.
  bool NextJoinPosition() {
    while (join_index_ < join_tokens_.size()) {
      const Token& token = join_tokens_[join_index_++];
      join_position_ += token.size();
      if (token.length != 0) return true;
    }
    return false;
  }

  // True (and stopped_) where JoinAt's engine had the same clean state.
  bool JoinHere() {
    if (!joining_ || match_available_) return false;
    const uint64_t here = window_base_ + strstart_;
    while (join_position_ < here) {
      if (!NextJoinPosition()) {
        joining_ = false;  // no such position left: run to the end alone
        return false;
      }
    }
    stopped_ = join_position_ == here;
    return stopped_;
  }

  // True (and stopped_) at the position StopAt named, if the state holds.
  bool StopHere() {
    if (stop_at_ == kNever) return false;
    const uint64_t here = window_base_ + strstart_;
    if (here < stop_at_) return false;
    stopped_ = here == stop_at_ && copying_ && !match_available_ && copy_start_ + kWSize <= here;
    stop_at_ = kNever;
    return stopped_;
  }

  bool FlushBlock(bool last) {
    const uint8_t* stored = block_start_ >= 0 ? window_.data() + block_start_ : nullptr;
    blocks_.FlushBlock(stored, static_cast<uint32_t>(static_cast<long>(strstart_) - block_start_),
                       last);
    block_start_ = strstart_;
    return HandOverBytes();
  }

  // The top of both loops: refills the window when the lookahead runs low.
  // False when the input is used up.
  bool Refill() {
    if (lookahead_ < kMinLookahead) {
      FillWindow();
      if (lookahead_ == 0) return false;
    }
    return true;
  }

  // Inserts the current position; the chain it starts (0 for none).
  unsigned InsertCurrent() { return lookahead_ >= kMinMatch ? Insert(strstart_) : 0; }

  // True while the guide has decided for at least the last 32 KiB: nothing the
  // chains held before then can be reached any more.
  bool CopiedAWholeWindow() const {
    return copying_ && window_base_ + strstart_ >= copy_start_ + kWSize;
  }

  // While the guide decides, positions are not inserted (nothing searches the
  // chains) and, once it has decided for a whole window, the tables are not
  // slid either; when it stops, the positions skipped within the last window
  // are inserted in order, which leaves every chain a search can walk (and
  // every head it can start from) as a full search would have left it: what
  // only older positions could reach is cut off by kMaxDist in both cases.
  void SetCopying(bool copying) {
    const uint64_t here = window_base_ + strstart_;
    if (copying) {
      copy_start_ = here;
    } else {
      if (tables_stale_) {
        std::fill(head_.begin(), head_.end(), uint16_t{0});
        std::fill(prev_.begin(), prev_.end(), uint16_t{0});
        tables_stale_ = false;
      }
      const uint64_t from = std::max(copy_start_, here > kWSize ? here - kWSize : 0);
      for (unsigned pos = from > window_base_ ? static_cast<unsigned>(from - window_base_) : 0;
           pos < strstart_; ++pos) {
        Insert(pos);
      }
    }
    copying_ = copying;
  }

  bool RunFast() {
    while (Refill()) {
      const unsigned hash_head = InsertCurrent();
      if (hash_head != 0 && strstart_ - hash_head <= kMaxDist)
        match_length_ = LongestMatch(hash_head);
      bool full;
      if (match_length_ >= kMinMatch) {
        full = TallyMatch(strstart_ - match_start_, match_length_);
        lookahead_ -= match_length_;
        if (match_length_ <= config_.max_lazy && lookahead_ >= kMinMatch) {
          match_length_--;
          do {
            strstart_++;
            Insert(strstart_);
          } while (--match_length_ != 0);
          strstart_++;
        } else {
          strstart_ += match_length_;
          match_length_ = 0;
        }
      } else {
        full = TallyLiteral(window_[strstart_]);
        lookahead_--;
        strstart_++;
      }
      if (full && !FlushBlock(false)) return false;
    }
    return FlushBlock(true);
  }

  bool RunLazy() {
    while (Refill()) {
      if (StopHere() || PauseHere() || JoinHere()) return true;
      unsigned guided_length = 0;
      unsigned guided_distance = 0;
      const bool guided =
          guide_ != nullptr && guide_->Decide(window_base_ + strstart_, !match_available_,
                                              guided_length, guided_distance);
      if (guided != copying_) SetCopying(guided);
      const unsigned hash_head = guided ? 0 : InsertCurrent();
      prev_length_ = match_length_;
      const unsigned prev_match = match_start_;
      match_length_ = kMinMatch - 1;
      if (guided) {
        match_length_ = guided_length;
        if (guided_length >= kMinMatch) match_start_ = strstart_ - guided_distance;
      } else if (hash_head != 0 && prev_length_ < config_.max_lazy &&
                 strstart_ - hash_head <= kMaxDist) {
        match_length_ = LongestMatch(hash_head);
        if (match_length_ == kMinMatch && strstart_ - match_start_ > kTooFar) {
          match_length_ = kMinMatch - 1;
        }
      }
      if (prev_length_ >= kMinMatch && match_length_ <= prev_length_) {
        const unsigned max_insert = strstart_ + lookahead_ - kMinMatch;
        const bool full = TallyMatch(strstart_ - 1 - prev_match, prev_length_);
        lookahead_ -= prev_length_ - 1;
        if (guided) {
          strstart_ += prev_length_ - 2;
        } else {
          prev_length_ -= 2;
          do {
            if (++strstart_ <= max_insert) Insert(strstart_);
          } while (--prev_length_ != 0);
        }
        match_available_ = false;
        match_length_ = kMinMatch - 1;
        strstart_++;
        if (full && !FlushBlock(false)) return false;
      } else if (match_available_) {
        const bool full = TallyLiteral(window_[strstart_ - 1]);
        if (full && !FlushBlock(false)) return false;
        strstart_++;
        lookahead_--;
      } else {
        match_available_ = true;
        strstart_++;
        lookahead_--;
      }
    }
    if (tokens_only_ != nullptr) {
      if (match_available_) tokens_only_->push_back(Token{});
      pending_literal_at_end_ = match_available_;
      return true;
    }
    if (match_available_) blocks_.TallyLiteral(window_[strstart_ - 1]);
    return FlushBlock(true);
  }

  std::span<const uint8_t> input_;
  size_t in_pos_ = 0;
  const LevelConfig& config_;
  HashFn hash_;
  std::vector<uint8_t> window_;
  uint64_t window_base_ = 0;  // the input position of window_[0]
  std::vector<uint16_t> head_;
  std::vector<uint16_t> prev_;
  BitWriter bits_;
  BlockEncoder blocks_;
  bool early_block_end_;
  OutputConsumer& consumer_;
  TokenGuide* guide_ = nullptr;
  bool copying_ = false;
  bool tables_stale_ = false;  // slides skipped while copying
  uint64_t copy_start_ = 0;  // the input position where the guide last took over
  unsigned strstart_ = 0;
  unsigned lookahead_ = 0;
  unsigned match_start_ = 0;
  unsigned match_length_ = kMinMatch - 1;
  unsigned prev_length_ = kMinMatch - 1;
  bool match_available_ = false;
  long block_start_ = 0;
  static constexpr uint64_t kNever = ~uint64_t{0};
  std::vector<Token>* tokens_only_ = nullptr;
  uint64_t stop_at_ = kNever;
  uint64_t pause_at_ = kNever;
  std::span<const Token> join_tokens_;
  size_t join_index_ = 0;
  uint64_t join_position_ = 0;
  bool joining_ = false;
  bool stopped_ = false;
  bool pending_literal_at_end_ = false;
};

}  // namespace deltaglider::deflate
