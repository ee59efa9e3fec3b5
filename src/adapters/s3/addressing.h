// Where an S3 request goes: the endpoint URL parsed, path-style or virtual-host
// addressing chosen (AddressingStyle in deltaglider/s3.h), and the URL, Host
// header and canonical path of one request. Pure string work; never resolves or
// connects.
#pragma once

#include <string>
#include <string_view>

#include "deltaglider/result.h"
#include "deltaglider/s3.h"

namespace deltaglider::s3 {

// "http://127.0.0.1:9000/base" -> scheme "http", authority "127.0.0.1:9000",
// base_path "/base" (no trailing '/'). kInvalidArgument for anything but an
// http(s) URL with a host and no query, fragment or user info.
struct Endpoint {
  std::string scheme;
  std::string authority;
  std::string base_path;
};
Result<Endpoint> ParseEndpoint(std::string_view url);

// True when the endpoint's host is an IPv4 or IPv6 literal.
bool IsIpHost(const Endpoint& endpoint);

// Whether requests for `bucket` go virtual-host style under `style` (see
// AddressingStyle in deltaglider/s3.h). Requests without a bucket (ListBuckets)
// always go to the endpoint itself.
bool UseVirtualHost(AddressingStyle style, const Endpoint& endpoint, std::string_view bucket);

// Where one request goes: `url` complete and encoded, `host` for the Host header
// (and the signature), `raw_path` unencoded for SigV4's canonical URI.
struct RequestTarget {
  std::string url;
  std::string host;
  std::string raw_path;
};
// Path style: scheme://authority/base/bucket/key; virtual host:
// scheme://bucket.authority/base/key. The query is not included.
RequestTarget TargetOf(const Endpoint& endpoint, bool virtual_host, std::string_view bucket,
                       std::string_view key);

}  // namespace deltaglider::s3
