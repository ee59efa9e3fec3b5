// FindDeflateProfile(): the order in which profiles are tried. See deflate.h.
#include <algorithm>
#include <vector>

#include "codec/deflate/deflate.h"

namespace deltaglider {
namespace {

// The profiles real files use most first (npm tarballs: C2 level 9; zips and jars
// from Python and the JDK: V level 6; then level 9 and the older Chromium hash),
// then the grid.
std::vector<DeflateProfile> SearchOrder() {
  using P = DeflateProfile;
  std::vector<P> order = {{P::kChromiumAnzac, 9, 8}, {P::kVanilla, 6, 8},
                          {P::kVanilla, 9, 8},       {P::kChromiumCrc32c, 9, 8},
                          {P::kChromiumAnzac, 6, 8}, {P::kChromiumAnzac, 9, 9},
                          {P::kVanilla, 9, 9},       {P::kVanilla, 6, 9},
                          {P::kChromiumAnzac, 6, 9}, {P::kChromiumCrc32c, 6, 8}};
  for (int mem_level : {8, 9, 7, 6, 5, 4, 3, 2, 1}) {
    for (int level : {9, 6, 1, 2, 3, 4, 5, 7, 8}) {
      for (P::Hash hash : {P::kChromiumAnzac, P::kVanilla, P::kChromiumCrc32c}) {
        const P profile{hash, level, mem_level};
        if (std::find(order.begin(), order.end(), profile) == order.end()) order.push_back(profile);
      }
      const P gzip{P::kGzip, level, 8};
      if (std::find(order.begin(), order.end(), gzip) == order.end()) order.push_back(gzip);
    }
  }
  return order;
}

}  // namespace

std::span<const DeflateProfile> AllDeflateProfiles() {
  static const std::vector<DeflateProfile> kOrder = SearchOrder();
  return kOrder;
}

Result<DeflateProfile> FindDeflateProfile(std::span<const std::byte> payload,
                                          std::span<const std::byte> stream) {
  return FindDeflateProfileAmong(payload, stream, AllDeflateProfiles());
}

Result<DeflateProfile> FindDeflateProfileAmong(std::span<const std::byte> payload,
                                               std::span<const std::byte> stream,
                                               std::span<const DeflateProfile> candidates,
                                               DeflateThreads threads) {
  for (const DeflateProfile& profile : candidates) {
    if (DeflateReproduces(payload, profile, stream, nullptr, threads)) return profile;
  }
  return MakeError(ErrorCode::kNotFound, "deflate: no known deflater reproduces the stream");
}

}  // namespace deltaglider
