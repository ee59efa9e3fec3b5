// FindDeflateMethod(), FindReproducingProfile() and RebuildDeflateStream(); see
// deflate_rebuild.h.
#include "codec/deflate_rebuild.h"

#include <algorithm>
#include <optional>

#include "codec/deflate/parse_reuse.h"
#include "codec/deflate_recipe.h"
#include "codec/inflate_raw.h"
#include "codec/proven_streams.h"
#include "deltaglider/stream.h"

namespace deltaglider {
namespace {

// The reference's parse for `payload`, or nullopt when there is no reference,
// its stream does not parse, or the guide could copy less than a third of
// `payload` (then the parse costs about what the guide saves, and both sides
// deflate in full; a binary whose addresses all moved shares many short runs).
std::optional<deflate::ParseReuse> ReuseFor(const ReferenceEntry* reference,
                                            std::span<const std::byte> payload) {
  if (reference == nullptr) return std::nullopt;
  std::vector<deflate::CommonRun> runs = deflate::FindCommonRuns(payload, reference->payload);
  if (deflate::CopyableBytes(runs) * 3 < payload.size()) return std::nullopt;
  ReferenceParseMemo this_call_only;
  ReferenceParseMemo& memo = reference->parse != nullptr ? *reference->parse : this_call_only;
  std::shared_ptr<const deflate::ReferenceParse> parse =
      memo.Get(reference->stream, reference->payload);
  if (parse == nullptr) return std::nullopt;
  auto reuse = deflate::ParseReuse::Make(std::move(parse), payload, std::move(runs));
  if (!reuse.ok()) return std::nullopt;
  return std::move(*reuse);
}

// A sink for a stream of `size` bytes deflated from `payload`, with room made up
// front (never more than a deflate stream of the payload can take, whatever a
// damaged delta says the size is).
VectorSink StreamSink(std::span<const std::byte> payload, uint64_t size) {
  VectorSink sink(size);
  sink.bytes().reserve(
      static_cast<size_t>(std::min<uint64_t>(size, payload.size() + payload.size() / 64 + 64)));
  return sink;
}

// `payload` deflated with `profile`, guided by `reuse` when given; cut short
// past `limit` bytes (it can then be no stream of that size).
std::vector<std::byte> Deflated(std::span<const std::byte> payload, const DeflateProfile& profile,
                                const std::optional<deflate::ParseReuse>& reuse, uint64_t limit) {
  VectorSink out = StreamSink(payload, limit);
  if (reuse) {
    deflate::TokenGuide guide(*reuse);
    (void)Deflate(payload, profile, out, &guide);
  } else {
    (void)Deflate(payload, profile, out);
  }
  return std::move(out.bytes());
}

Error Collision() {
  return MakeError(ErrorCode::kFailedPrecondition,
                   "deflate: a shortcut stream has the size and CRC32 of the real one");
}

}  // namespace

bool SameSizeAndCrc(std::span<const std::byte> stream, uint64_t size, uint32_t crc32) {
  return stream.size() == size && Crc32(stream) == crc32;
}

std::shared_ptr<const deflate::ReferenceParse> ReferenceParseMemo::Get(
    std::span<const std::byte> stream, std::span<const std::byte> payload) {
  std::call_once(once_, [&] {
    if (parse_ != nullptr) return;
    if (auto made = deflate::ReferenceParse::Make(stream, payload); made.ok()) {
      parse_ = std::make_shared<const deflate::ReferenceParse>(std::move(*made));
    }
  });
  return parse_;
}

Result<DeflateProfile> FindReproducingProfile(std::span<const std::byte> payload,
                                              std::span<const std::byte> stream,
                                              std::span<const DeflateProfile> candidates,
                                              const ReferenceEntry* reference) {
  if (reference != nullptr && SameSizeAndCrc(reference->stream, stream.size(), Crc32(stream))) {
    // The rebuild copies the reference's stream: fine when it is this one.
    if (std::equal(stream.begin(), stream.end(), reference->stream.begin()) && !candidates.empty())
      return candidates.front();
    return Collision();
  }
  const std::optional<deflate::ParseReuse> reuse = ReuseFor(reference, payload);
  if (!reuse) return FindDeflateProfileAmong(payload, stream, candidates);
  for (const DeflateProfile& profile : candidates) {
    // A guided run of a wrong profile can match for as long as it copies: an
    // unguided first block rules most candidates out cheaply first.
    if (!DeflateStartsLike(payload, profile, stream)) continue;
    deflate::TokenGuide guide(*reuse);
    if (DeflateReproduces(payload, profile, stream, &guide)) return profile;
    if (!DeflateReproduces(payload, profile, stream)) continue;
    // The reference was made otherwise. The rebuild tries the guided stream
    // first and keeps it if its size and CRC32 match: a different stream that
    // passes that check must never be made.
    if (SameSizeAndCrc(Deflated(payload, profile, reuse, stream.size()), stream.size(),
                       Crc32(stream))) {
      return Collision();
    }
    return profile;
  }
  return MakeError(ErrorCode::kNotFound, "deflate: no known deflater reproduces the stream");
}

Result<DeflateMethod> FindDeflateMethod(std::span<const std::byte> payload,
                                        std::span<const std::byte> stream,
                                        std::span<const DeflateProfile> candidates,
                                        const ReferenceEntry* reference) {
  auto profile = FindReproducingProfile(payload, stream, candidates, reference);
  if (profile.ok()) return DeflateMethod{*profile, {}};
  if (profile.code() == ErrorCode::kFailedPrecondition) return profile.error();
  DG_ASSIGN_OR_RETURN(std::vector<std::byte> recipe, MakeDeflateRecipe(payload, stream));
  return DeflateMethod{DeflateProfile{}, std::move(recipe)};
}

Result<std::vector<std::byte>> RebuildDeflateStream(std::string_view codec,
                                                    std::span<const std::byte> payload,
                                                    const DeflateMethod& method,
                                                    uint64_t stream_size, uint32_t stream_crc32,
                                                    const ReferenceEntry* reference,
                                                    ProvenStreams* proven) {
  if (reference != nullptr && SameSizeAndCrc(reference->stream, stream_size, stream_crc32)) {
    return std::vector<std::byte>(reference->stream.begin(), reference->stream.end());
  }
  if (proven != nullptr) {
    if (auto known = proven->Take(payload, method, reference);
        known && SameSizeAndCrc(known->bytes, stream_size, stream_crc32)) {
      return std::vector<std::byte>(known->bytes.begin(), known->bytes.end());
    }
  }
  if (method.recipe.empty() && IsValidDeflateProfile(method.profile)) {
    if (auto reuse = ReuseFor(reference, payload)) {
      std::vector<std::byte> guided = Deflated(payload, method.profile, reuse, stream_size);
      if (SameSizeAndCrc(guided, stream_size, stream_crc32)) return guided;
    }
  }
  VectorSink stream = StreamSink(payload, stream_size);
  Status rebuilt;
  if (method.recipe.empty()) {
    rebuilt = Deflate(payload, method.profile, stream);
  } else {
    auto bytes = RebuildFromRecipe(payload, method.recipe);
    rebuilt = bytes.ok() ? stream.Write(*bytes) : Status(bytes.error());
  }
  if (!rebuilt.ok() || !SameSizeAndCrc(stream.bytes(), stream_size, stream_crc32)) {
    return MakeError(ErrorCode::kCorrupted, codec,
                     ": re-deflated stream does not match the recorded size/CRC32");
  }
  return std::move(stream.bytes());
}

}  // namespace deltaglider
