// Where a logical file lives in the bucket (docs/format.md): which files get a
// delta, the deltaspace of a key, the reference and delta keys. Pure functions.
#pragma once

#include <string>
#include <string_view>

#include "deltaglider/bucket_format.h"
#include "deltaglider/result.h"

namespace deltaglider {

inline constexpr std::string_view kReferenceName = "reference.bin";
inline constexpr std::string_view kDeltaSuffix = ".delta";

// True for archive-like names (.zip .tar .tgz .jar ...; case-insensitive) that
// are stored as deltas; everything else is stored direct.
bool IsDeltaEligible(std::string_view key);

// The archive-aware codec for `key`'s kind: "gzip-patch" for .gz/.tgz,
// "zip-patch" for .zip .jar .war .ear .apk .aar .whl .nupkg .vsix, "" otherwise
// (case-insensitive).
std::string_view ArchiveCodecFor(std::string_view key);

// The codec new deltas of `key` are written with: with `configured` "zstd-patch"
// and `archive_codecs`, ArchiveCodecFor(key) when it names one; else `configured`.
// (The caller falls back to `configured` when its registry lacks the archive codec.)
std::string DeltaCodecNameFor(std::string_view key, std::string_view configured, bool archive_codecs);

// The key's directory: "releases/v1/app.zip" -> "releases/v1"; "app.zip" -> "".
std::string_view Deltaspace(std::string_view key);

// "<deltaspace>/reference.bin", or "reference.bin" at the bucket root.
std::string ReferenceKey(std::string_view deltaspace);

// "<key>.delta".
std::string DeltaKey(std::string_view key);

bool HasDeltaSuffix(std::string_view key);

// A key a user may store a file under: not empty, no trailing "/", not a
// reserved name (reference.bin, *.delta). kInvalidArgument otherwise.
Status ValidateLogicalKey(std::string_view key);

}  // namespace deltaglider
