// libFuzzer entry point for every parser of outside text that is not a codec:
// S3 XML answers, RFC 2047 metadata values, HTTP dates, endpoint URLs, AWS INI
// files, credential JSON, shell-split commands, s3:// URIs, dg-* metadata and
// HTTP Range headers.
// The first input byte picks the parser; the rest is its input. Any crash,
// sanitizer report or leak is a bug. Seeds: tests/fuzz/parsers_seeds/.
#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

#include "adapters/s3/addressing.h"
#include "adapters/s3/credentials.h"
#include "adapters/s3/header_values.h"
#include "adapters/s3/xml.h"
#include "core/byte_range.h"
#include "core/metadata.h"
#include "deltaglider/s3_uri.h"

namespace {

using namespace deltaglider;

// "name=value" lines as an object's metadata.
Metadata MetadataOf(std::string_view text) {
  Metadata metadata;
  while (!text.empty()) {
    const size_t end = text.find('\n');
    const std::string_view line = text.substr(0, end);
    const size_t eq = line.find('=');
    if (eq != std::string_view::npos) {
      metadata[std::string(line.substr(0, eq))] = std::string(line.substr(eq + 1));
    }
    if (end == std::string_view::npos) break;
    text.remove_prefix(end + 1);
  }
  return metadata;
}

void Parse(uint8_t selector, std::string_view text) {
  switch (selector % 13) {
    case 0: (void)s3::ParseListObjectsV2(text); break;
    case 1: (void)s3::ParseDeleteResult(text); break;
    case 2: (void)s3::ParseListBuckets(text); break;
    case 3: (void)s3::ParseErrorBody(text); break;
    case 4: (void)s3::DecodeMetadataValue(text); break;
    case 5: (void)s3::ParseHttpDate(text); (void)s3::ParseIso8601(text); break;
    case 6: (void)s3::ParseEndpoint(text); break;
    case 7: (void)s3::ParseIni(text, "fuzz"); break;
    case 8:
      (void)s3::ParseCredentialJson(text, "fuzz", true);
      (void)s3::ParseCredentialJson(text, "fuzz", false);
      break;
    case 9: (void)s3::SplitCommand(text); break;
    case 10: (void)ParseS3Uri(text); (void)ParseTimestamp(text); break;
    case 12:
      if (Result<ByteRange> range = ParseByteRange(text); range.ok()) {
        (void)ResolveRange(*range, text.size());
      }
      break;
    default: {
      const Metadata metadata = MetadataOf(text);
      (void)ParseReference(metadata);
      (void)ParseDelta(metadata);
      (void)ParseDirect(metadata);
    }
  }
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  if (size == 0) return 0;
  Parse(data[0], std::string_view(reinterpret_cast<const char*>(data) + 1, size - 1));
  return 0;
}
