#include "adapters/s3/stored_etag.h"

#include <algorithm>

#include "core/hash.h"

namespace deltaglider::s3 {
namespace {

bool IsLowerHex(char c) { return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f'); }

}  // namespace

bool IsMd5Etag(std::string_view etag) {
  constexpr size_t kDigits = 32;
  if (etag.size() < kDigits || !std::all_of(etag.begin(), etag.begin() + kDigits, IsLowerHex)) {
    return false;
  }
  const std::string_view parts = etag.substr(kDigits);
  if (parts.empty()) return true;
  return parts.size() >= 2 && parts[0] == '-' && parts[1] != '0' &&
         std::all_of(parts.begin() + 1, parts.end(), [](char c) { return c >= '0' && c <= '9'; });
}

std::string MultipartEtag(const std::vector<std::string>& part_md5s) {
  Hasher md5(Hasher::Algorithm::kMd5);
  for (const std::string& part : part_md5s) md5.Update(AsBytes(part));
  return md5.HexDigest() + "-" + std::to_string(part_md5s.size());
}

}  // namespace deltaglider::s3
