#include "deltaglider/progress.h"

namespace deltaglider {

std::string_view TransferPhaseName(TransferPhase phase) {
  switch (phase) {
    case TransferPhase::kSpooling:
      return "spooling";
    case TransferPhase::kHashing:
      return "hashing";
    case TransferPhase::kFetchingReference:
      return "fetching reference";
    case TransferPhase::kStoringReference:
      return "storing reference";
    case TransferPhase::kEncoding:
      return "encoding";
    case TransferPhase::kChecking:
      return "checking";
    case TransferPhase::kUploading:
      return "uploading";
    case TransferPhase::kRebuilding:
      return "rebuilding";
  }
  return "working";
}

ByteObserver PhaseBytes(const PhaseObserver& observer, TransferPhase phase,
                        std::optional<uint64_t> total) {
  return [&observer, phase, total](uint64_t done, std::optional<uint64_t> reported) {
    if (!observer) return OkStatus();
    return observer(phase, done, total ? total : reported);
  };
}

}  // namespace deltaglider
