// What a long Put or Get is doing, for a progress display: the steps whose time
// grows with the file's size, and an observer that hears the step and its bytes.
// The observer only watches (and may cancel); it must never be needed for the
// operation to be correct.
#pragma once

#include <cstdint>
#include <functional>
#include <optional>
#include <string_view>

#include "deltaglider/result.h"
#include "deltaglider/stream.h"

namespace deltaglider {

enum class TransferPhase {
  kSpooling,           // a body that cannot rewind, copied into the spool
  kHashing,            // SHA256 (and MD5) of the body, when it runs before the rest
  kFetchingReference,  // a reference downloaded (and decompressed) into the cache
  kStoringReference,   // the body written, compressed and cached as a new reference
  kEncoding,           // the delta made from the body
  kChecking,           // the delta decoded and checked before it is stored
  kUploading,          // the body stored as it is (a direct object)
  kRebuilding,         // a file rebuilt (or read) into the caller's sink
};

// "spooling", "hashing", "fetching reference", "storing reference", "encoding",
// "checking", "uploading", "rebuilding".
std::string_view TransferPhaseName(TransferPhase phase);

// Hears the phase a Put or Get is in and the bytes done in its current pass (of
// `total`, when known; a phase may pass over the bytes more than once, starting
// again at 0). Called on the thread that runs the operation; a non-ok Status
// cancels the operation with that error, as a ByteObserver does.
using PhaseObserver =
    std::function<Status(TransferPhase phase, uint64_t done, std::optional<uint64_t> total)>;

// A ByteObserver (deltaglider/stream.h) reporting to `observer` as `phase`, with
// `total` when given (else the one its stream reports). `observer` may be empty
// (then it only returns ok); it must outlive the result.
ByteObserver PhaseBytes(const PhaseObserver& observer, TransferPhase phase,
                        std::optional<uint64_t> total = {});

}  // namespace deltaglider
