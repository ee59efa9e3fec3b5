#include "codec/vcdiff/app_header.h"

#include <vector>

namespace deltaglider::vcdiff {
namespace {

std::vector<std::string_view> Split(std::string_view text, char separator) {
  std::vector<std::string_view> fields;
  for (;;) {
    const size_t at = text.find(separator);
    fields.push_back(text.substr(0, at));
    if (at == std::string_view::npos) return fields;
    text.remove_prefix(at + 1);
  }
}

// xdelta3's one-letter tags (its `extcomp_types` table).
std::optional<std::string> CompressorName(std::string_view tag) {
  if (tag == "G") return "gzip";
  if (tag == "B") return "bzip2";
  if (tag == "Z") return "compress";
  if (tag == "Y") return "xz";
  return std::nullopt;
}

}  // namespace

std::optional<std::string> ExternalCompression(std::string_view app_header) {
  const std::vector<std::string_view> fields = Split(app_header, '/');
  if (fields.size() != 2 && fields.size() != 4) return std::nullopt;
  for (size_t comp = 1; comp < fields.size(); comp += 2) {
    if (fields[comp].empty()) continue;
    auto name = CompressorName(fields[comp]);
    if (!name) return std::nullopt;  // not xdelta3's default form
    return name;
  }
  return std::nullopt;
}

}  // namespace deltaglider::vcdiff
