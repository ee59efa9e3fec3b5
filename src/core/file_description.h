// How a stored object describes the logical file it holds: the FileInfo that
// Head, Get, List and Put return, read from the object's head (dg-* metadata)
// or, for a listed object that was not HEADed, from the listing row. Pure.
#pragma once

#include <string_view>

#include "core/metadata.h"
#include "deltaglider/client.h"

namespace deltaglider {

// A plain object (no dg-* metadata): its own size, ETag, type and metadata.
FileInfo DescribePlain(std::string_view key, const ObjectHead& head);

// The file `key` held by an object of `kind`; kCorrupted-style parse errors of
// its dg-* metadata are returned as they are.
Result<FileInfo> Describe(std::string_view key, const ObjectHead& head, ObjectKind kind);

// A listed object that is not a delta, without a HEAD: its key, size, time and ETag.
FileInfo DescribeListed(const ListEntry& entry);

}  // namespace deltaglider
