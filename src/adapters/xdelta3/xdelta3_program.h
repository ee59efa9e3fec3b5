// EncodeWithXdelta3Program: makes a VCDIFF delta the way the Python DeltaGlider
// does, by running `xdelta3 -e -9 -s REF IN OUT`, plus -D so xdelta3 never gunzips
// .gz/.tgz inputs behind our back (the cause of that tool's unreadable .tgz files).
// It must never be used to decode: decoding is in-process (decoder.h).
#pragma once

#include <span>

#include "deltaglider/stream.h"

namespace deltaglider {

// kFailedPrecondition naming the package when the program is not installed;
// kIoError when it fails.
Status EncodeWithXdelta3Program(std::span<const std::byte> reference, ByteSource& target,
                                ByteSink& delta);

}  // namespace deltaglider
