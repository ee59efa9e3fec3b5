// Reading xdelta3's application header ("TARGET/COMP/SOURCE/COMP", or
// "TARGET/COMP" without a source). A non-empty COMP tag means xdelta3 ran the
// file through an external decompressor (gzip, bzip2, compress, xz) before
// diffing, so the windows describe decompressed data built from a decompressed
// source: decoding them can never give back the original bytes. This only
// recognises the tags; it must never decompress anything.
#pragma once

#include <optional>
#include <string>
#include <string_view>

namespace deltaglider::vcdiff {

// The external compressor named by the first non-empty COMP tag ("gzip", ...),
// or nullopt when there is none or the header is not in xdelta3's default form
// (a custom `-A=STRING` header).
std::optional<std::string> ExternalCompression(std::string_view app_header);

}  // namespace deltaglider::vcdiff
