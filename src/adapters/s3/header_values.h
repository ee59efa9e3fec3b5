// What S3 request and response header values carry, encoded and decoded: user
// metadata values (RFC 2047 encoded words), base64 and the raw MD5 behind
// Content-MD5, HTTP dates, quoted ETags and HTTP tokens. Pure functions of
// their arguments (thread-safe); they never send, log or throw, and malformed
// input comes back unchanged or as kCorrupted, never as a crash.
#pragma once

#include <string>
#include <string_view>

#include "deltaglider/result.h"
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

// Standard base64 with padding ("é" -> "w6k=").
std::string Base64Encode(std::string_view data);

// The 16 raw bytes of MD5(text): Content-MD5, multipart ETags.
std::string Md5Binary(std::string_view text);

// An ETag as S3 sends it ("\"abc\"") without its surrounding quotes.
std::string StripQuotes(std::string etag);

// True for a non-empty RFC 7230 token, what an HTTP header name may be.
bool IsHttpToken(std::string_view text);

}  // namespace deltaglider::s3
