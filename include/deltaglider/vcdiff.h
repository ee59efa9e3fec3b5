// The "xdelta3" DeltaCodec: reads VCDIFF (RFC 3284) deltas as written by the
// Python DeltaGlider through `xdelta3 -e -9 -s reference.bin <name> <name>.delta`
// (xdelta3 3.0.11), including its extensions: application header, per-window
// Adler-32 and LZMA secondary compression. Decoding is in-process and streams the
// delta window by window; it must never trust the delta (every length, offset and
// checksum is checked) and never run an external program. Encoding is not offered
// yet and returns kUnsupported.
#pragma once

#include <memory>

#include "deltaglider/ports/delta_codec.h"

namespace deltaglider {

// name() is "xdelta3"; CommandLine(t) is "xdelta3 -e -9 -s reference.bin t t.delta".
// Decode errors: kCorrupted for malformed or damaged deltas (including checksum
// mismatches and COPYs outside the reference), kUnsupported for features outside
// what the decoder implements (custom code tables, DJW/FGK secondary compression,
// and deltas xdelta3 made from externally decompressed files, e.g. .tgz input
// without -D, whose output could never be the original bytes), kResourceExhausted
// for windows larger than 16 MiB; the source's and sink's errors as they are.
std::unique_ptr<DeltaCodec> NewVcdiffDeltaCodec();

// The same codec that also encodes, by running the `xdelta3` program exactly as
// the Python DeltaGlider does (`xdelta3 -e -9 -s ...`, plus -D so .gz/.tgz inputs
// are never decompressed externally), for buckets Python clients must keep reading.
// Encode fails with kFailedPrecondition, naming the package, when xdelta3 is missing.
std::unique_ptr<DeltaCodec> NewXdelta3Codec();

}  // namespace deltaglider
