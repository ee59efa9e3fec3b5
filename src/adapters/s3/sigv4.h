// AWS Signature Version 4 for S3, as plain free functions: canonical request,
// string to sign, signing key, Authorization header, presigned query strings.
// Everything here is pure (no clock, no I/O); sigv4_test.cc checks it against the
// examples AWS publishes. Thread-safe: no shared state.
//
// Paths are passed raw ("/bucket/dir/a b.txt") and encoded here with S3's rules:
// each segment is URI-encoded once, '/' is kept, no dot-segment normalisation.
// Query parameters are passed raw and encoded and sorted here. The encoded forms
// returned by CanonicalUri and CanonicalQueryString are also what goes on the wire,
// so the signed request and the sent request cannot drift apart.
#pragma once

#include <chrono>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace deltaglider::s3 {

struct Credentials {
  std::string access_key_id;
  std::string secret_access_key;
  std::string session_token;  // empty unless the credentials are temporary
};

// Raw (unencoded) name/value pairs, in any order.
using QueryParams = std::vector<std::pair<std::string, std::string>>;
// Header name/value pairs as they will be sent; names in any case.
using HeaderList = std::vector<std::pair<std::string, std::string>>;

inline constexpr std::string_view kAlgorithm = "AWS4-HMAC-SHA256";
inline constexpr std::string_view kUnsignedPayload = "UNSIGNED-PAYLOAD";
inline constexpr std::string_view kEmptyPayloadSha256 =
    "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855";

// RFC 3986 encoding as S3 wants it: A-Z a-z 0-9 '-' '_' '.' '~' are kept, every
// other byte becomes %XY (upper-case hex); '/' is kept unless `encode_slash`.
std::string UriEncode(std::string_view text, bool encode_slash);

// Reverses UriEncode (and form encoding, if `plus_is_space`). Malformed escapes
// ("%zz", a trailing '%') are kept literally.
std::string UriDecode(std::string_view text, bool plus_is_space);

// "/bucket/a b/c" -> "/bucket/a%20b/c". An empty path is "/".
std::string CanonicalUri(std::string_view raw_path);

// Names and values encoded (slash too), sorted by name then value, joined with
// '&'; a parameter without a value is "name=".
std::string CanonicalQueryString(const QueryParams& query);

// "20130524T000000Z" (UTC).
std::string AmzDate(std::chrono::system_clock::time_point when);

// "20130524/us-east-1/s3/aws4_request"; `amz_date` is the AmzDate form.
std::string CredentialScope(std::string_view amz_date, std::string_view region,
                            std::string_view service);

// Lower-cased, trimmed (inner runs of spaces folded), sorted headers, the exact
// block of the canonical request ("host:x\nrange:y\n"); `signed_headers` receives
// "host;range". Repeated names are joined with ','.
std::string CanonicalHeaders(const HeaderList& headers, std::string* signed_headers);

std::string CanonicalRequest(std::string_view method, std::string_view raw_path,
                             const QueryParams& query, const HeaderList& headers,
                             std::string_view payload_hash);

std::string StringToSign(std::string_view amz_date, std::string_view scope,
                         std::string_view canonical_request);

// The raw 32-byte key: HMAC chain over date, region, service, "aws4_request".
std::string SigningKey(std::string_view secret_access_key, std::string_view date8,
                       std::string_view region, std::string_view service);

// Lower-case hex HMAC-SHA256(signing_key, string_to_sign).
std::string Signature(std::string_view signing_key, std::string_view string_to_sign);

// Lower-case hex helpers over OpenSSL.
std::string Sha256HexOf(std::string_view data);
std::string HmacSha256(std::string_view key, std::string_view data);  // raw bytes

struct SigningInput {
  std::string_view method;    // "GET"
  std::string_view raw_path;  // "/bucket/key", unencoded
  const QueryParams* query = nullptr;
  std::string_view payload_hash;  // hex SHA256 of the body, or kUnsignedPayload
  std::string_view region;
  std::string_view service = "s3";
  std::chrono::system_clock::time_point now;
};

// Header signing: adds x-amz-date, x-amz-content-sha256, x-amz-security-token
// (when the credentials carry a session token) and Authorization to `headers`,
// which must already hold "host" and every other header that will be sent and
// should be signed. All headers in `headers` are signed.
void SignHeaders(const Credentials& credentials, const SigningInput& input, HeaderList& headers);

// The Authorization header value for the given parts:
// "AWS4-HMAC-SHA256 Credential=AK/scope, SignedHeaders=a;b, Signature=hex".
std::string AuthorizationHeader(std::string_view access_key_id, std::string_view scope,
                                std::string_view signed_headers, std::string_view signature);

// Query-string signing (presigned URL): returns the complete encoded query string
// (caller's parameters plus X-Amz-*, ending in X-Amz-Signature) to append after
// '?'. Only "host" is signed; the payload is UNSIGNED-PAYLOAD.
// REQUIRES: 1 <= expires_seconds <= 604800.
std::string PresignQuery(const Credentials& credentials, const SigningInput& input,
                         std::string_view host, int expires_seconds);

}  // namespace deltaglider::s3
