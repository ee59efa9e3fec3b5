// Deflate() and DeflateReproduces(): pick the engine for a profile and feed its
// output to a sink or compare it with an expected stream. See deflate.h.
#include "codec/deflate/deflate.h"

#include <algorithm>
#include <cstring>
#include <limits>
#include <thread>

#include "codec/deflate/lz77_engine.h"
#include "codec/deflate/match_hash.h"

namespace deltaglider {
namespace deflate {

const LevelConfig& ConfigForLevel(int level) {
  static constexpr LevelConfig kConfig[10] = {
      {0, 0, 0, 0, true},          {4, 4, 8, 4, true},       {4, 5, 16, 8, true},
      {4, 6, 32, 32, true},        {4, 4, 16, 16, false},    {8, 16, 32, 32, false},
      {8, 16, 128, 128, false},    {8, 32, 128, 256, false}, {32, 128, 258, 1024, false},
      {32, 258, 258, 4096, false},
  };
  return kConfig[level];
}

namespace {

// What a run may log and how it may be guided (both optional), and whether a
// long unguided run may choose its tokens on two threads (the output then comes
// only at the end: not for runs compared block by block, which stop early).
struct RunOptions {
  std::vector<Token>* log = nullptr;
  TokenGuide* guide = nullptr;
  bool split = false;
  uint64_t split_at = 0;  // where (0: the 32 KiB boundary nearest the middle)
};

// Unguided runs shorter than this stay on one thread.
constexpr uint64_t kMinSplitInput = uint64_t{1} << 20;
// And so do longer ones: a split run holds every token (4 bytes each, up to one
// per input byte) until it codes them, which must stay within memory limits.
constexpr uint64_t kMaxSplitInput = uint64_t{128} << 20;

bool SplitPays(uint64_t input_size) {
  return input_size >= kMinSplitInput && input_size <= kMaxSplitInput;
}

class DiscardConsumer final : public OutputConsumer {
 public:
  bool Consume(const uint8_t*, size_t) override { return true; }
};

// Makes the engines of one profile.
template <typename HashFn>
struct EngineMaker {
  std::span<const uint8_t> input;
  const DeflateProfile& profile;
  HashFn hash;
  int hash_bits;

  Lz77Engine<HashFn> operator()(OutputConsumer& consumer) const {
    const bool info_zip = profile.hash == DeflateProfile::kGzip;
    // gzip/Info-ZIP: LIT_BUFSIZE 0x8000, and the early block end at levels above 2.
    const unsigned symbol_limit = info_zip ? 32767 : (1u << (profile.mem_level + 6)) - 1;
    return Lz77Engine<HashFn>(input, ConfigForLevel(profile.level), hash, hash_bits, symbol_limit,
                              info_zip && profile.level > 2, consumer);
  }
};

// A guided run split in two at `split`: the halves' tokens are chosen on two
// threads and then coded into blocks. If the first engine cannot hand over at
// `split` it runs to the end alone (the second one's work is dropped).
template <typename HashFn>
bool RunSplit(const EngineMaker<HashFn>& make, TokenGuide& guide, uint64_t split,
              OutputConsumer& consumer) {
  DiscardConsumer none;
  std::vector<Token> first;
  std::vector<Token> second;
  Lz77Engine<HashFn> front = make(none);
  front.GuideWith(&guide);
  front.RecordTokensOnly(&first);
  front.StopAt(split);
  TokenGuide back_guide(guide.reuse());
  Lz77Engine<HashFn> back = make(none);
  back.GuideWith(&back_guide);
  back.RecordTokensOnly(&second);
  back.StartCopyingAt(split);
  std::thread helper([&] { back.Run(); });
  front.Run();
  helper.join();
  bool pending = front.ends_with_pending_literal();
  if (front.stopped()) {
    first.insert(first.end(), second.begin(), second.end());
    pending = back.ends_with_pending_literal();
    guide.CountCopied(back_guide.copied_bytes());
  }
  return make(consumer).CodeTokens(first, pending);
}

// An unguided run split at `split` (a multiple of 32 KiB): a second engine
// chooses the tokens from there while the first one runs up to it; the first
// then runs on until the two meet (Lz77Engine::JoinAt), usually within a few
// tokens, takes the second one's tokens from there and codes them all into blocks.
template <typename HashFn>
bool RunSplitUnguided(const EngineMaker<HashFn>& make, uint64_t split, OutputConsumer& consumer) {
  DiscardConsumer none;
  std::vector<Token> first;
  std::vector<Token> second;
  Lz77Engine<HashFn> front = make(none);
  front.RecordTokensOnly(&first);
  front.PauseAt(split);
  Lz77Engine<HashFn> back = make(none);
  back.RecordTokensOnly(&second);
  back.StartCopyingAt(split);
  std::thread helper([&] { back.Run(); });
  front.Run();
  helper.join();
  front.JoinAt(second, split);
  front.Run();
  bool pending = front.ends_with_pending_literal();
  if (front.stopped()) {
    const auto from = static_cast<std::ptrdiff_t>(front.joined_index());
    first.insert(first.end(), second.begin() + from, second.end());
    pending = back.ends_with_pending_literal();
  }
  return make(consumer).CodeTokens(first, pending);
}

template <typename HashFn>
bool RunEngine(std::span<const uint8_t> input, const DeflateProfile& profile, HashFn hash,
               int hash_bits, OutputConsumer& consumer, const RunOptions& options) {
  const EngineMaker<HashFn> make{input, profile, hash, hash_bits};
  const bool lazy = !ConfigForLevel(profile.level).fast;
  if (lazy && options.guide == nullptr && options.log == nullptr) {
    constexpr uint64_t kWSize = Lz77Engine<HashFn>::kWSize;
    if (options.split_at != 0) return RunSplitUnguided(make, options.split_at, consumer);
    if (options.split && SplitPays(input.size()) && std::thread::hardware_concurrency() > 1)
      return RunSplitUnguided(make, input.size() / 2 / kWSize * kWSize, consumer);
  }
  if (lazy && options.guide != nullptr && options.log == nullptr &&
      input.size() <= kMaxSplitInput && std::thread::hardware_concurrency() > 1) {
    if (auto split = TokenGuide::SplitPoint(options.guide->reuse(), input.size())) {
      return RunSplit(make, *options.guide, *split, consumer);
    }
  }
  Lz77Engine<HashFn> engine = make(consumer);
  engine.LogTokensTo(options.log);
  if (lazy) engine.GuideWith(options.guide);
  return engine.Run();
}

// Runs the engine of `profile` (which must be valid) over `input`.
bool Compress(std::span<const std::byte> input, const DeflateProfile& profile,
              OutputConsumer& consumer, const RunOptions& options = {}) {
  const std::span<const uint8_t> bytes(reinterpret_cast<const uint8_t*>(input.data()),
                                       input.size());
  if (profile.hash == DeflateProfile::kVanilla || profile.hash == DeflateProfile::kGzip) {
    const int bits = profile.mem_level + 7;  // gzip: HASH_BITS 15, as memLevel 8
    const VanillaHash hash{(1u << bits) - 1, static_cast<unsigned>((bits + 2) / 3)};
    return RunEngine(bytes, profile, hash, bits, consumer, options);
  }
  const int bits = std::max(profile.mem_level + 7, 15);
  const uint32_t mask = (1u << bits) - 1;
  if (profile.hash == DeflateProfile::kChromiumAnzac) {
    return RunEngine(bytes, profile, AnzacHash{mask}, bits, consumer, options);
  }
  const Crc32cHash hash{mask, profile.level >= 6 ? 0x00FFFFFFu : 0xFFFFFFFFu};
  return RunEngine(bytes, profile, hash, bits, consumer, options);
}

class SinkConsumer final : public OutputConsumer {
 public:
  explicit SinkConsumer(ByteSink& sink) : sink_(sink) {}
  bool Consume(const uint8_t* data, size_t size) override {
    status_ = sink_.Write(std::span(reinterpret_cast<const std::byte*>(data), size));
    return status_.ok();
  }
  const Status& status() const { return status_; }

 private:
  ByteSink& sink_;
  Status status_;
};

// Compares the output with `expected` block by block; stops at the first
// difference, or after `block_limit` equal blocks.
class CompareConsumer final : public OutputConsumer {
 public:
  explicit CompareConsumer(std::span<const std::byte> expected,
                           size_t block_limit = std::numeric_limits<size_t>::max())
      : expected_(expected), blocks_left_(block_limit) {}
  bool Consume(const uint8_t* data, size_t size) override {
    if (size > expected_.size() - offset_ ||
        std::memcmp(data, expected_.data() + offset_, size) != 0) {
      differs_ = true;
      return false;
    }
    offset_ += size;
    return --blocks_left_ != 0;
  }
  bool complete() const { return offset_ == expected_.size(); }
  bool differs() const { return differs_; }

 private:
  std::span<const std::byte> expected_;
  size_t blocks_left_;
  size_t offset_ = 0;
  bool differs_ = false;
};

}  // namespace
}  // namespace deflate

std::string DeflateProfileName(const DeflateProfile& profile) {
  static constexpr const char* kHashNames[] = {"V", "C1", "C2", "G"};
  const char* hash = profile.hash <= DeflateProfile::kGzip ? kHashNames[profile.hash] : "?";
  return std::string(hash) + " L" + std::to_string(profile.level) + " m" +
         std::to_string(profile.mem_level);
}

bool IsValidDeflateProfile(const DeflateProfile& profile) {
  if (profile.hash == DeflateProfile::kGzip) {
    return profile.level >= 1 && profile.level <= 9 && profile.mem_level == 8;
  }
  return profile.hash <= DeflateProfile::kChromiumAnzac && profile.level >= 1 &&
         profile.level <= 9 && profile.mem_level >= 1 && profile.mem_level <= 9;
}

Status Deflate(std::span<const std::byte> input, const DeflateProfile& profile, ByteSink& out,
               deflate::TokenGuide* guide, DeflateThreads threads) {
  if (!IsValidDeflateProfile(profile)) {
    return MakeError(ErrorCode::kInvalidArgument, "deflate: invalid profile ",
                     DeflateProfileName(profile));
  }
  deflate::SinkConsumer consumer(out);
  deflate::Compress(input, profile, consumer,
                    {.guide = guide, .split = threads == DeflateThreads::kTwo});
  return consumer.status();
}

Status DeflateSplitAt(std::span<const std::byte> input, const DeflateProfile& profile,
                      ByteSink& out, uint64_t split) {
  constexpr uint64_t kWSize = 32768;
  if (!IsValidDeflateProfile(profile) || split == 0 || split % kWSize != 0 ||
      split >= input.size()) {
    return MakeError(ErrorCode::kInvalidArgument, "deflate: cannot split ",
                     DeflateProfileName(profile), " at ", std::to_string(split), " of ",
                     std::to_string(input.size()), " bytes");
  }
  deflate::SinkConsumer consumer(out);
  deflate::Compress(input, profile, consumer, {.split_at = split});
  return consumer.status();
}

std::vector<deflate::Token> DeflateTokens(std::span<const std::byte> payload,
                                          const DeflateProfile& profile) {
  std::vector<deflate::Token> tokens;
  if (!IsValidDeflateProfile(profile)) return tokens;
  deflate::DiscardConsumer consumer;
  deflate::Compress(payload, profile, consumer, {.log = &tokens});
  return tokens;
}

bool DeflateStartsLike(std::span<const std::byte> payload, const DeflateProfile& profile,
                       std::span<const std::byte> expected) {
  if (!IsValidDeflateProfile(profile)) return false;
  deflate::CompareConsumer consumer(expected, 1);
  deflate::Compress(payload, profile, consumer);
  return !consumer.differs();
}

bool DeflateReproduces(std::span<const std::byte> payload, const DeflateProfile& profile,
                       std::span<const std::byte> expected, deflate::TokenGuide* guide,
                       DeflateThreads threads) {
  if (!IsValidDeflateProfile(profile)) return false;
  // A long unguided run chooses its tokens on two threads, as Deflate() does; it
  // no longer stops at the first block that differs, so that block is checked
  // first (where a wrong profile almost always shows).
  const bool split =
      guide == nullptr && threads == DeflateThreads::kTwo && deflate::SplitPays(payload.size());
  if (split && !DeflateStartsLike(payload, profile, expected)) return false;
  deflate::CompareConsumer consumer(expected);
  return deflate::Compress(payload, profile, consumer, {.guide = guide, .split = split}) &&
         consumer.complete();
}

}  // namespace deltaglider
