// The 3-byte form of a deflate profile (hash, level, memLevel), as the patch
// framings (patch_framing.h) and the deflate recipes (deflate_recipe.h) both
// write it. Reading treats the bytes as hostile.
#pragma once

#include <cstddef>
#include <string_view>
#include <vector>

#include "codec/byte_io.h"
#include "codec/deflate/deflate.h"
#include "deltaglider/result.h"

namespace deltaglider {

void AppendProfile(const DeflateProfile& profile, std::vector<std::byte>& out);

// Reads a profile; kCorrupted (prefixed with `codec`) if truncated or invalid.
Result<DeflateProfile> ReadProfile(std::string_view codec, ByteReader& in);

}  // namespace deltaglider
