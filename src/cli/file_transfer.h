// One file moved between the disk and a store (store to store is the library's
// DeltaService::CopyFrom): the building blocks of cp, mv, sync, single-file and
// recursive alike.
// Every write is verified (Put decodes what it stored; downloads check SHA256) and
// atomic; a transfer stops with kCancelled at its next step once Ctrl-C was
// pressed (cli/interrupt.h), leaving nothing behind. These functions never print: callers report
// (TransferReport, Output). Safe to call from several threads with the same DeltaService.
#pragma once

#include <nlohmann/json.hpp>
#include <optional>
#include <string>

#include "deltaglider/client.h"

namespace deltaglider::cli {

// Stores the local file `path` as `key` (delta, direct, ...); the local basename is
// recorded as the original name, with `attributes` (content type, metadata).
// kNotFound if `path` is missing. `progress` hears the put's phases.
Result<PutResult> UploadFile(DeltaService& to, const std::string& path, const std::string& key,
                             const ObjectAttributes& attributes = {},
                             const PhaseObserver& progress = {});

// Rebuilds `key` into `path` (creating missing parent directories when asked):
// written to a temp file beside it and renamed into place once it verified; the
// file's modification time is then set to the object's time, as the aws CLI does,
// so a later sync sees it as up to date: `listed_time` when given (the time the
// listing that chose the file showed, which a later listing shows again), else
// the time Get reports. `progress` hears the get's phases.
Result<FileInfo> DownloadFile(DeltaService& from, const std::string& key, const std::string& path,
                              bool create_parents = false,
                              std::optional<TimePoint> listed_time = std::nullopt,
                              const PhaseObserver& progress = {});

// "delta 1.2 KB, 0.6% of 200.0 KB; new reference app/reference.bin 190.1 KB", "direct 12 B".
std::string UploadSummary(const PutResult& put);
// The stored bytes of a put: the object plus the reference it created, if any.
uint64_t StoredBytes(const PutResult& put);
// The --json fields of a file.
nlohmann::json FileJson(const FileInfo& file);
nlohmann::json PutJson(const PutResult& put);

}  // namespace deltaglider::cli
