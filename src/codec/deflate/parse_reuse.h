// ParseReuse and TokenGuide: let the deflater copy the decisions it made for an
// earlier version of a payload (the reference: its stream parsed back into
// literals and matches) wherever the new payload provably leads to the same
// decisions, and search for matches only around what changed. zlib's lazy
// matcher decides at a position from the 32 KiB before it, the 262 bytes after
// it and whether a match is pending, nothing else; so where the new payload
// shares that window with the reference at one shift, starting from a position
// where no match is pending in both, the reference's tokens are the ones the
// matcher would choose. Block splitting and Huffman coding still run as always.
//
// Stored blocks show their bytes, not the decisions made on them: the guide
// never copies through one.
//
// The shortcut is exact only if the reference stream was written by the same
// profile it is replayed with; nothing here can check that, so callers compare
// what comes out with the recorded stream (size and CRC32) and deflate without a
// guide when it differs. Levels 1-3 (deflate_fast) are never guided. Read-only
// after Make(): one ParseReuse may serve several guided runs at once.
#pragma once

#include <cstddef>
#include <cstdint>
#include <memory>
#include <optional>
#include <span>
#include <vector>

#include "codec/deflate/stream_parser.h"
#include "codec/deflate/token.h"
#include "deltaglider/result.h"

namespace deltaglider::deflate {

// Target bytes [begin, end) equal reference bytes [begin + shift, end + shift).
struct CommonRun {
  uint64_t begin = 0;
  uint64_t end = 0;
  int64_t shift = 0;
};

// The maximal runs `target` shares with `reference`, in target order and
// disjoint, found from 32-byte anchors sampled in the reference. Short runs may
// be missed (they are of no use to the guide, which needs 32 KiB of context).
std::vector<CommonRun> FindCommonRuns(std::span<const std::byte> target,
                                      std::span<const std::byte> reference);

// The bytes of `runs` whose decisions a guide could copy at most: each run less
// the 32 KiB of history (none for a run at the start of both payloads) and the
// lookahead it must also hold.
uint64_t CopyableBytes(std::span<const CommonRun> runs);

// Tokens [first, end) of a parse.
struct TokenSpan {
  size_t first = 0;
  size_t end = 0;
};

// The reference's stream read back into its tokens: what a guide needs of the
// reference alone, so one parse can serve every target guided by it.
struct ReferenceParse {
  std::vector<Token> tokens;
  std::vector<uint32_t> starts;  // the payload offset of each token, then the payload size
  // The tokens read from stored blocks, in order: one literal per byte, where
  // the deflater's matcher did decide (and then found the block cheaper to
  // store), but the stream does not show what it decided.
  std::vector<TokenSpan> stored;

  // kInvalidArgument when `stream` does not inflate to `payload` or the payload
  // is 4 GiB or more.
  static Result<ReferenceParse> Make(std::span<const std::byte> stream,
                                     std::span<const std::byte> payload);
  // From a stream read already (InflateAndParse); kInvalidArgument when its
  // tokens stand for 4 GiB or more.
  static Result<ReferenceParse> FromParsed(ParsedStream parsed);

  // Whether the stream shows the deflater's decisions for tokens first..last
  // (inclusive): none of them is in a stored block.
  bool ShowsDecisions(size_t first, size_t last) const;
};

class ParseReuse {
 public:
  // The reference's stream parsed against its payload, and where `target`
  // shares its bytes. kInvalidArgument when the stream does not inflate to the
  // payload or either is 4 GiB or more.
  static Result<ParseReuse> Make(std::span<const std::byte> reference_stream,
                                 std::span<const std::byte> reference_payload,
                                 std::span<const std::byte> target);
  // The same with the runs already found (FindCommonRuns(target, reference_payload)).
  static Result<ParseReuse> Make(std::span<const std::byte> reference_stream,
                                 std::span<const std::byte> reference_payload,
                                 std::span<const std::byte> target, std::vector<CommonRun> runs);
  // The same with the reference already parsed.
  static Result<ParseReuse> Make(std::shared_ptr<const ReferenceParse> parse,
                                 std::span<const std::byte> target, std::vector<CommonRun> runs);

  const ReferenceParse& parse() const { return *parse_; }
  std::span<const Token> tokens() const { return parse_->tokens; }
  // The payload offset of each token, then the payload size.
  std::span<const uint32_t> starts() const { return parse_->starts; }
  std::span<const CommonRun> runs() const { return runs_; }

 private:
  std::shared_ptr<const ReferenceParse> parse_;
  std::vector<CommonRun> runs_;
};

// The lazy matcher's oracle during one run over the target. At every position
// the matcher evaluates, in order, Decide() either gives the decision the
// matcher would reach (true; `length` 2 for "no match here") or leaves the
// search to the matcher (false). It only starts or stops copying at positions
// where no match is pending (`clean`), so the matcher's state is always the
// one a full search would have.
class TokenGuide {
 public:
  explicit TokenGuide(const ParseReuse& reuse) : reuse_(reuse) {}

  bool Decide(uint64_t position, bool clean, unsigned& length, unsigned& distance);

  // Target bytes whose decisions were copied so far.
  uint64_t copied_bytes() const { return copied_; }
  // Adds what another guide over the same parse copied (a split run's second half).
  void CountCopied(uint64_t bytes) { copied_ += bytes; }

  const ParseReuse& reuse() const { return reuse_; }

  // Where a second guided run may start so that two runs can take the input's
  // halves at once: near the middle of a target of `size` bytes, inside a
  // shared run at least 80 KiB past its start and 16 KiB before its end, 64 KiB
  // or more before the end of the target, where the reference's token starts
  // right after a match (so both parses are at a clean point). nullopt when no
  // shared run is long enough.
  static std::optional<uint64_t> SplitPoint(const ParseReuse& reuse, uint64_t size);

 private:
  // True when the reference's tokens from the one at `position` through the end
  // of the next match can be copied; sets next_ to that token.
  bool CanCopySegment(uint64_t position);
  // The run holding `position`, moving the cursor forward; nullptr if none.
  const CommonRun* RunAt(uint64_t position);
  // The index of the reference token that starts at `at`, else the token count.
  size_t TokenAt(uint64_t at);

  const ParseReuse& reuse_;
  size_t run_ = 0;
  size_t next_ = 0;    // the next reference token to copy
  size_t cursor_ = 0;  // TokenAt's last answer, within run cursor_run_
  size_t cursor_run_ = static_cast<size_t>(-1);
  bool copying_ = false;
  bool after_match_ = false;
  uint64_t copied_ = 0;
};

}  // namespace deltaglider::deflate
