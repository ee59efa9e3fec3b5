#include "adapters/s3/sigv4.h"

#include <openssl/evp.h>
#include <openssl/hmac.h>

#include <algorithm>
#include <array>
#include <cassert>
#include <ctime>

#include "util/text.h"

namespace deltaglider::s3 {
namespace {

constexpr char kHexUpper[] = "0123456789ABCDEF";
constexpr char kHexLower[] = "0123456789abcdef";

std::string HexLower(std::string_view bytes) {
  std::string hex;
  hex.reserve(bytes.size() * 2);
  for (char c : bytes) {
    const auto b = static_cast<unsigned char>(c);
    hex.push_back(kHexLower[b >> 4]);
    hex.push_back(kHexLower[b & 0xf]);
  }
  return hex;
}

bool IsUnreserved(unsigned char c) {
  return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-' ||
         c == '_' || c == '.' || c == '~';
}

// Trims the ends and folds inner runs of spaces/tabs into one space.
std::string TrimAll(std::string_view value) {
  std::string out;
  bool pending_space = false;
  for (char c : value) {
    if (c == ' ' || c == '\t') {
      pending_space = !out.empty();
      continue;
    }
    if (pending_space) out.push_back(' ');
    pending_space = false;
    out.push_back(c);
  }
  return out;
}

}  // namespace

std::string UriEncode(std::string_view text, bool encode_slash) {
  std::string out;
  out.reserve(text.size() * 3);
  for (char ch : text) {
    const auto c = static_cast<unsigned char>(ch);
    if (IsUnreserved(c) || (c == '/' && !encode_slash)) {
      out.push_back(ch);
    } else {
      out.push_back('%');
      out.push_back(kHexUpper[c >> 4]);
      out.push_back(kHexUpper[c & 0xf]);
    }
  }
  return out;
}

std::string UriDecode(std::string_view text, bool plus_is_space) {
  std::string out;
  out.reserve(text.size());
  for (size_t i = 0; i < text.size(); ++i) {
    const char c = text[i];
    if (c == '%' && i + 2 < text.size()) {
      const int hi = HexValue(text[i + 1]);
      const int lo = HexValue(text[i + 2]);
      if (hi >= 0 && lo >= 0) {
        out.push_back(static_cast<char>(hi * 16 + lo));
        i += 2;
        continue;
      }
    }
    out.push_back(plus_is_space && c == '+' ? ' ' : c);
  }
  return out;
}

std::string CanonicalUri(std::string_view raw_path) {
  if (raw_path.empty()) return "/";
  std::string out = UriEncode(raw_path, /*encode_slash=*/false);
  if (out.front() != '/') out.insert(out.begin(), '/');
  return out;
}

std::string CanonicalQueryString(const QueryParams& query) {
  std::vector<std::pair<std::string, std::string>> encoded;
  encoded.reserve(query.size());
  for (const auto& [name, value] : query) {
    encoded.emplace_back(UriEncode(name, true), UriEncode(value, true));
  }
  std::sort(encoded.begin(), encoded.end());
  std::string out;
  for (const auto& [name, value] : encoded) {
    if (!out.empty()) out.push_back('&');
    out += name;
    out.push_back('=');
    out += value;
  }
  return out;
}

std::string AmzDate(std::chrono::system_clock::time_point when) {
  const std::time_t t = std::chrono::system_clock::to_time_t(when);
  std::tm tm{};
  gmtime_r(&t, &tm);
  std::array<char, 32> buffer{};
  const size_t n = std::strftime(buffer.data(), buffer.size(), "%Y%m%dT%H%M%SZ", &tm);
  return std::string(buffer.data(), n);
}

std::string CredentialScope(std::string_view amz_date, std::string_view region,
                            std::string_view service) {
  std::string scope(amz_date.substr(0, 8));
  scope.append("/").append(region).append("/").append(service).append("/aws4_request");
  return scope;
}

std::string CanonicalHeaders(const HeaderList& headers, std::string* signed_headers) {
  std::vector<std::pair<std::string, std::string>> sorted;
  sorted.reserve(headers.size());
  for (const auto& [name, value] : headers) sorted.emplace_back(AsciiLower(name), TrimAll(value));
  std::stable_sort(sorted.begin(), sorted.end(),
                   [](const auto& a, const auto& b) { return a.first < b.first; });
  std::string block;
  std::string names;
  for (size_t i = 0; i < sorted.size(); ++i) {
    if (i > 0 && sorted[i].first == sorted[i - 1].first) {
      block.back() = ',';  // replaces the previous line's '\n'
      block += sorted[i].second;
      block.push_back('\n');
      continue;
    }
    if (!names.empty()) names.push_back(';');
    names += sorted[i].first;
    block += sorted[i].first;
    block.push_back(':');
    block += sorted[i].second;
    block.push_back('\n');
  }
  if (signed_headers != nullptr) *signed_headers = std::move(names);
  return block;
}

std::string CanonicalRequest(std::string_view method, std::string_view raw_path,
                             const QueryParams& query, const HeaderList& headers,
                             std::string_view payload_hash) {
  std::string signed_headers;
  const std::string header_block = CanonicalHeaders(headers, &signed_headers);
  std::string out(method);
  out.push_back('\n');
  out += CanonicalUri(raw_path);
  out.push_back('\n');
  out += CanonicalQueryString(query);
  out.push_back('\n');
  out += header_block;
  out.push_back('\n');
  out += signed_headers;
  out.push_back('\n');
  out += payload_hash;
  return out;
}

std::string StringToSign(std::string_view amz_date, std::string_view scope,
                         std::string_view canonical_request) {
  std::string out(kAlgorithm);
  out.push_back('\n');
  out += amz_date;
  out.push_back('\n');
  out += scope;
  out.push_back('\n');
  out += Sha256HexOf(canonical_request);
  return out;
}

std::string Sha256HexOf(std::string_view data) {
  std::array<unsigned char, EVP_MAX_MD_SIZE> digest{};
  unsigned int length = 0;
  EVP_Digest(data.data(), data.size(), digest.data(), &length, EVP_sha256(), nullptr);
  return HexLower(std::string_view(reinterpret_cast<const char*>(digest.data()), length));
}

std::string HmacSha256(std::string_view key, std::string_view data) {
  std::array<unsigned char, EVP_MAX_MD_SIZE> mac{};
  unsigned int length = 0;
  HMAC(EVP_sha256(), key.data(), static_cast<int>(key.size()),
       reinterpret_cast<const unsigned char*>(data.data()), data.size(), mac.data(), &length);
  return std::string(reinterpret_cast<const char*>(mac.data()), length);
}

std::string SigningKey(std::string_view secret_access_key, std::string_view date8,
                       std::string_view region, std::string_view service) {
  const std::string k_date = HmacSha256("AWS4" + std::string(secret_access_key), date8);
  const std::string k_region = HmacSha256(k_date, region);
  const std::string k_service = HmacSha256(k_region, service);
  return HmacSha256(k_service, "aws4_request");
}

std::string Signature(std::string_view signing_key, std::string_view string_to_sign) {
  return HexLower(HmacSha256(signing_key, string_to_sign));
}

std::string AuthorizationHeader(std::string_view access_key_id, std::string_view scope,
                                std::string_view signed_headers, std::string_view signature) {
  std::string out(kAlgorithm);
  out.append(" Credential=").append(access_key_id).append("/").append(scope);
  out.append(", SignedHeaders=").append(signed_headers);
  out.append(", Signature=").append(signature);
  return out;
}

void SignHeaders(const Credentials& credentials, const SigningInput& input, HeaderList& headers) {
  static const QueryParams kNoQuery;
  const std::string amz_date = AmzDate(input.now);
  headers.emplace_back("x-amz-date", amz_date);
  headers.emplace_back("x-amz-content-sha256", std::string(input.payload_hash));
  if (!credentials.session_token.empty()) {
    headers.emplace_back("x-amz-security-token", credentials.session_token);
  }
  const QueryParams& query = input.query != nullptr ? *input.query : kNoQuery;
  std::string signed_headers;
  CanonicalHeaders(headers, &signed_headers);
  const std::string canonical =
      CanonicalRequest(input.method, input.raw_path, query, headers, input.payload_hash);
  const std::string scope = CredentialScope(amz_date, input.region, input.service);
  const std::string key =
      SigningKey(credentials.secret_access_key, amz_date.substr(0, 8), input.region, input.service);
  const std::string signature = Signature(key, StringToSign(amz_date, scope, canonical));
  headers.emplace_back("Authorization", AuthorizationHeader(credentials.access_key_id, scope,
                                                            signed_headers, signature));
}

std::string PresignQuery(const Credentials& credentials, const SigningInput& input,
                         std::string_view host, int expires_seconds) {
  assert(expires_seconds >= 1 && expires_seconds <= 604800);
  const std::string amz_date = AmzDate(input.now);
  const std::string scope = CredentialScope(amz_date, input.region, input.service);
  QueryParams query = input.query != nullptr ? *input.query : QueryParams{};
  query.emplace_back("X-Amz-Algorithm", std::string(kAlgorithm));
  query.emplace_back("X-Amz-Credential", credentials.access_key_id + "/" + scope);
  query.emplace_back("X-Amz-Date", amz_date);
  query.emplace_back("X-Amz-Expires", std::to_string(expires_seconds));
  if (!credentials.session_token.empty()) {
    query.emplace_back("X-Amz-Security-Token", credentials.session_token);
  }
  query.emplace_back("X-Amz-SignedHeaders", "host");
  const HeaderList headers = {{"host", std::string(host)}};
  const std::string canonical =
      CanonicalRequest(input.method, input.raw_path, query, headers, kUnsignedPayload);
  const std::string key =
      SigningKey(credentials.secret_access_key, amz_date.substr(0, 8), input.region, input.service);
  const std::string signature = Signature(key, StringToSign(amz_date, scope, canonical));
  return CanonicalQueryString(query) + "&X-Amz-Signature=" + signature;
}

}  // namespace deltaglider::s3
