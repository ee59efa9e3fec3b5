// S3ObjectStore / S3Storage internals that deserve their own unit tests:
// metadata value encoding and HTTP dates (error mapping: s3_errors.h; endpoint
// parsing and addressing: addressing.h, both included). The adapters themselves
// are reached through NewS3Storage (include/deltaglider/s3.h).
#pragma once

#include <string>
#include <string_view>

#include "adapters/s3/addressing.h"
#include "adapters/s3/http_client.h"
#include "adapters/s3/s3_errors.h"
#include "deltaglider/result.h"
#include "deltaglider/s3.h"
#include "deltaglider/types.h"

namespace deltaglider::s3 {

// Metadata values as sent on the wire (see include/deltaglider/s3.h): printable
// ASCII passes unchanged; anything else becomes "=?UTF-8?B?<base64>?=".
std::string EncodeMetadataValue(std::string_view value);
// Decodes one or more RFC 2047 encoded words (B or Q, charset UTF-8 or US-ASCII);
// anything else is returned unchanged.
std::string DecodeMetadataValue(std::string_view value);

// RFC 7231 IMF-fixdate ("Wed, 12 Oct 2009 17:50:00 GMT"); kCorrupted if malformed.
Result<TimePoint> ParseHttpDate(std::string_view text);

}  // namespace deltaglider::s3
