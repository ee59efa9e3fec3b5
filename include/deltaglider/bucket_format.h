// Facts of the bucket format (docs/format.md) that tools need without a
// DeltaService: key segments, which keys are references and which reference
// group a reference belongs to, and the timestamps deltaglider records. Pure
// functions of names and times; nothing here reads a store.
#pragma once

#include <string>
#include <string_view>

#include "deltaglider/result.h"
#include "deltaglider/types.h"

namespace deltaglider {

// The last path segment: "releases/v1/app.zip" -> "app.zip".
std::string_view Basename(std::string_view key);

// "reference.bin" at any level, or anything in a reference directory
// (".dg-refs/", ".dg-family/", ".dg-trash/"): objects that hold references.
bool IsReferenceKey(std::string_view key);

// The label of the reference group a reference key serves, as `stats` prints
// it: "app/" for "app/reference.bin", "releases/*/{app.zip}" for a family's.
std::string ReferenceGroupLabel(std::string_view reference_key);

// "2026-11-25T06:51:55.683830Z" (UTC, microseconds; `z` adds the trailing Z),
// as dg-created-at records it.
std::string FormatTimestamp(TimePoint time, bool z = true);
// Accepts the above with or without Z and with or without fractional seconds.
Result<TimePoint> ParseTimestamp(std::string_view text);

}  // namespace deltaglider
