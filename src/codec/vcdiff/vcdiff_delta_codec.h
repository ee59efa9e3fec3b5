// The "xdelta3" DeltaCodec with an encoder plugged in from outside the codec
// library: decoding stays in-process (decoder.h); encoding is whatever the caller
// passes (the adapter in src/adapters/xdelta3 runs the xdelta3 program). This
// header must never pull in a file, process or store API: dg_vcdiff links only the
// core, the codecs and liblzma.
#pragma once

#include <memory>
#include <span>

#include "deltaglider/ports/delta_codec.h"

namespace deltaglider {

// Writes the VCDIFF delta of `target` against `reference` to `delta`.
using VcdiffEncoder = Status (*)(std::span<const std::byte> reference, ByteSource& target,
                                 ByteSink& delta);

// NewVcdiffDeltaCodec() (deltaglider/vcdiff.h) whose Encode calls `encoder`;
// with nullptr, Encode returns kUnsupported.
std::unique_ptr<DeltaCodec> NewVcdiffDeltaCodec(VcdiffEncoder encoder);

}  // namespace deltaglider
