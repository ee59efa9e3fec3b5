#include "adapters/s3/addressing.h"

#include <algorithm>

#include "adapters/s3/sigv4.h"
#include "util/text.h"

namespace deltaglider::s3 {

Result<Endpoint> ParseEndpoint(std::string_view url) {
  auto bad = [url](std::string_view why) {
    return MakeError(ErrorCode::kInvalidArgument, "endpoint URL '", url, "': ", why);
  };
  Endpoint endpoint;
  const size_t scheme_end = url.find("://");
  if (scheme_end == std::string_view::npos) return bad("must start with http:// or https://");
  endpoint.scheme = AsciiLower(url.substr(0, scheme_end));
  if (endpoint.scheme != "http" && endpoint.scheme != "https") {
    return bad("must start with http:// or https://");
  }
  std::string_view rest = url.substr(scheme_end + 3);
  if (rest.find_first_of("?#") != std::string_view::npos)
    return bad("no query or fragment allowed");
  const size_t slash = rest.find('/');
  endpoint.authority = std::string(rest.substr(0, slash));
  if (endpoint.authority.empty()) return bad("no host");
  if (endpoint.authority.find('@') != std::string::npos) return bad("no user info allowed");
  if (!IsPrintableAscii(endpoint.authority) || endpoint.authority.find(' ') != std::string::npos) {
    return bad("bad host");
  }
  if (slash != std::string_view::npos) {
    std::string_view path = rest.substr(slash);
    while (!path.empty() && path.back() == '/') path.remove_suffix(1);
    endpoint.base_path = std::string(path);
  }
  return endpoint;
}

bool IsIpHost(const Endpoint& endpoint) {
  const std::string_view authority = endpoint.authority;
  if (authority.starts_with('[')) return true;  // IPv6 literal
  const std::string_view host = authority.substr(0, authority.rfind(':'));
  return !host.empty() && std::all_of(host.begin(), host.end(),
                                      [](char c) { return (c >= '0' && c <= '9') || c == '.'; });
}

bool UseVirtualHost(AddressingStyle style, const Endpoint& endpoint, std::string_view bucket) {
  if (bucket.empty() || style == AddressingStyle::kPath) return false;
  if (style == AddressingStyle::kVirtual) return true;
  const std::string authority = AsciiLower(endpoint.authority);
  const std::string_view host = std::string_view(authority).substr(0, authority.rfind(':'));
  if (!host.ends_with(".amazonaws.com") || !endpoint.base_path.empty()) return false;
  // A dotted bucket name does not match *.s3.<region>.amazonaws.com certificates.
  return !(endpoint.scheme == "https" && bucket.find('.') != std::string_view::npos);
}

RequestTarget TargetOf(const Endpoint& endpoint, bool virtual_host, std::string_view bucket,
                       std::string_view key) {
  RequestTarget target;
  target.host = endpoint.authority;
  target.raw_path = endpoint.base_path + "/";
  if (virtual_host && !bucket.empty()) {
    target.host = std::string(bucket) + "." + endpoint.authority;
    target.raw_path.append(key);
  } else if (!bucket.empty()) {
    target.raw_path.append(bucket);
    if (!key.empty()) target.raw_path.append("/").append(key);
  }
  target.url = endpoint.scheme + "://" + target.host + CanonicalUri(target.raw_path);
  return target;
}

}  // namespace deltaglider::s3
