#include "adapters/s3/header_values.h"

#include <openssl/evp.h>

#include <algorithm>
#include <array>
#include <charconv>
#include <optional>

#include "core/hash.h"
#include "core/utc_time.h"
#include "util/text.h"

namespace deltaglider::s3 {
namespace {

bool IsTokenChar(char c) {
  return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
         std::string_view("!#$%&'*+-.^_`|~").find(c) != std::string_view::npos;
}

std::optional<std::string> Base64Decode(std::string_view text) {
  if (text.size() % 4 != 0) return std::nullopt;
  std::string out(3 * text.size() / 4 + 1, '\0');
  const int n = EVP_DecodeBlock(reinterpret_cast<unsigned char*>(out.data()),
                                reinterpret_cast<const unsigned char*>(text.data()),
                                static_cast<int>(text.size()));
  if (n < 0) return std::nullopt;
  size_t padding = 0;
  if (!text.empty() && text.back() == '=') ++padding;
  if (text.size() > 1 && text[text.size() - 2] == '=') ++padding;
  out.resize(static_cast<size_t>(n) - padding);
  return out;
}

// Decodes "=?charset?enc?text?=" into `out`; false if `word` is not one.
bool DecodeEncodedWord(std::string_view word, std::string& out) {
  if (!word.starts_with("=?") || !word.ends_with("?=") || word.size() < 8) return false;
  const std::string_view inner = word.substr(2, word.size() - 4);
  const size_t q1 = inner.find('?');
  if (q1 == std::string_view::npos) return false;
  const size_t q2 = inner.find('?', q1 + 1);
  if (q2 == std::string_view::npos || q2 != q1 + 2) return false;
  const std::string charset = AsciiLower(inner.substr(0, q1));
  if (charset != "utf-8" && charset != "us-ascii") return false;
  const char encoding = inner[q1 + 1];
  const std::string_view text = inner.substr(q2 + 1);
  if (text.find('?') != std::string_view::npos) return false;
  if (encoding == 'B' || encoding == 'b') {
    std::optional<std::string> decoded = Base64Decode(text);
    if (!decoded) return false;
    out += *decoded;
    return true;
  }
  if (encoding == 'Q' || encoding == 'q') {
    std::string decoded;
    for (size_t i = 0; i < text.size(); ++i) {
      if (text[i] == '_') {
        decoded.push_back(' ');
      } else if (text[i] == '=') {
        if (i + 2 >= text.size()) return false;
        const int hi = HexValue(text[i + 1]);
        const int lo = HexValue(text[i + 2]);
        if (hi < 0 || lo < 0) return false;
        decoded.push_back(static_cast<char>(hi * 16 + lo));
        i += 2;
      } else {
        decoded.push_back(text[i]);
      }
    }
    out += decoded;
    return true;
  }
  return false;
}

}  // namespace

std::string EncodeMetadataValue(std::string_view value) {
  const bool edge_space = !value.empty() && (value.front() == ' ' || value.back() == ' ');
  if (IsPrintableAscii(value) && !edge_space && !value.starts_with("=?")) {
    return std::string(value);
  }
  return "=?UTF-8?B?" + Base64Encode(value) + "?=";
}

std::string DecodeMetadataValue(std::string_view value) {
  if (!value.starts_with("=?")) return std::string(value);
  // One or more encoded words; the whitespace between two of them is dropped.
  std::string out;
  std::string_view rest = value;
  while (!rest.empty()) {
    const size_t end = rest.find("?=", 2);
    if (!rest.starts_with("=?") || end == std::string_view::npos) return std::string(value);
    // The encoded word ends at the "?=" after the third '?'.
    size_t q = 2;
    int marks = 0;
    size_t close = std::string_view::npos;
    for (; q + 1 < rest.size(); ++q) {
      if (rest[q] == '?') {
        if (marks == 2 && rest[q + 1] == '=') {
          close = q;
          break;
        }
        ++marks;
      }
    }
    if (close == std::string_view::npos) return std::string(value);
    if (!DecodeEncodedWord(rest.substr(0, close + 2), out)) return std::string(value);
    rest.remove_prefix(close + 2);
    while (!rest.empty() && (rest.front() == ' ' || rest.front() == '\t')) rest.remove_prefix(1);
  }
  return out;
}

Result<TimePoint> ParseHttpDate(std::string_view text) {
  // "Wed, 12 Oct 2009 17:50:00 GMT"
  static constexpr std::array<std::string_view, 12> kMonths = {
      "Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"};
  auto bad = [text] {
    return MakeError(ErrorCode::kCorrupted, "malformed HTTP date '", text.substr(0, 40), "'");
  };
  const size_t comma = text.find(", ");
  if (comma == std::string_view::npos) return bad();
  const std::string_view rest = text.substr(comma + 2);
  if (rest.size() != 24 || !rest.ends_with(" GMT")) return bad();
  auto number = [&rest](size_t at, size_t n, int& out) {
    const auto [end, ec] = std::from_chars(rest.data() + at, rest.data() + at + n, out);
    return ec == std::errc() && end == rest.data() + at + n;
  };
  int day = 0, year = 0, hour = 0, minute = 0, second = 0;
  const auto month = std::find(kMonths.begin(), kMonths.end(), rest.substr(3, 3));
  if (!number(0, 2, day) || rest[2] != ' ' || month == kMonths.end() || rest[6] != ' ' ||
      !number(7, 4, year) || rest[11] != ' ' || !number(12, 2, hour) || rest[14] != ':' ||
      !number(15, 2, minute) || rest[17] != ':' || !number(18, 2, second)) {
    return bad();
  }
  auto time = UtcTime(
      UtcFields{year, static_cast<int>(month - kMonths.begin()) + 1, day, hour, minute, second});
  if (!time.ok()) return bad();
  return *time;
}

std::string Base64Encode(std::string_view data) {
  std::string out(4 * ((data.size() + 2) / 3) + 1, '\0');
  const int n = EVP_EncodeBlock(reinterpret_cast<unsigned char*>(out.data()),
                                reinterpret_cast<const unsigned char*>(data.data()),
                                static_cast<int>(data.size()));
  out.resize(n);
  return out;
}

std::string Md5Binary(std::string_view text) {
  Hasher md5(Hasher::Algorithm::kMd5);
  md5.Update(AsBytes(text));
  const std::string hex = md5.HexDigest();
  std::string raw;
  for (size_t i = 0; i + 1 < hex.size(); i += 2) {
    raw.push_back(static_cast<char>(std::stoi(hex.substr(i, 2), nullptr, 16)));
  }
  return raw;
}

std::string StripQuotes(std::string etag) {
  if (etag.size() >= 2 && etag.front() == '"' && etag.back() == '"') {
    etag = etag.substr(1, etag.size() - 2);
  }
  return etag;
}

bool IsHttpToken(std::string_view text) {
  return !text.empty() && std::all_of(text.begin(), text.end(), IsTokenChar);
}

}  // namespace deltaglider::s3
