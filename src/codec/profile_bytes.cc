#include "codec/profile_bytes.h"

namespace deltaglider {

void AppendProfile(const DeflateProfile& profile, std::vector<std::byte>& out) {
  out.push_back(static_cast<std::byte>(profile.hash));
  out.push_back(static_cast<std::byte>(profile.level));
  out.push_back(static_cast<std::byte>(profile.mem_level));
}

Result<DeflateProfile> ReadProfile(std::string_view codec, ByteReader& in) {
  uint64_t hash = 0;
  uint64_t level = 0;
  uint64_t mem_level = 0;
  if (!in.Le(1, hash) || !in.Le(1, level) || !in.Le(1, mem_level)) {
    return MakeError(ErrorCode::kCorrupted, codec, ": truncated deflate profile");
  }
  const DeflateProfile profile{static_cast<DeflateProfile::Hash>(hash), static_cast<int>(level),
                               static_cast<int>(mem_level)};
  if (!IsValidDeflateProfile(profile)) {
    return MakeError(ErrorCode::kCorrupted, codec, ": unknown deflate profile");
  }
  return profile;
}

}  // namespace deltaglider
