#include "core/key_layout.h"

#include <array>
#include <cctype>

namespace deltaglider {
namespace {

bool EndsWithNoCase(std::string_view text, std::string_view suffix) {
  if (suffix.size() > text.size()) return false;
  text = text.substr(text.size() - suffix.size());
  for (size_t i = 0; i < suffix.size(); ++i) {
    if (std::tolower(static_cast<unsigned char>(text[i])) != suffix[i]) return false;
  }
  return true;
}

}  // namespace

std::string_view ArchiveCodecFor(std::string_view key) {
  for (std::string_view ext : {".gz", ".tgz"}) {
    if (EndsWithNoCase(key, ext)) return "gzip-patch";
  }
  for (std::string_view ext :
       {".zip", ".jar", ".war", ".ear", ".apk", ".aar", ".whl", ".nupkg", ".vsix"}) {
    if (EndsWithNoCase(key, ext)) return "zip-patch";
  }
  return "";
}

std::string DeltaCodecNameFor(std::string_view key, std::string_view configured, bool archive_codecs) {
  if (!archive_codecs || configured != "zstd-patch") return std::string(configured);
  const std::string_view archive = ArchiveCodecFor(key);
  return std::string(archive.empty() ? configured : archive);
}

bool IsDeltaEligible(std::string_view key) {
  // .tar.gz, .tar.bz2 and .tar.xz are covered by .gz, .bz2 and .xz.
  static constexpr std::array<std::string_view, 23> kExtensions = {
      ".zip", ".tar", ".gz",  ".tgz", ".bz2", ".xz",  ".7z",   ".rar",  ".dmg", ".iso", ".pkg",  ".deb",
      ".rpm", ".apk", ".jar", ".war", ".ear", ".tbz2", ".aar", ".whl", ".nupkg", ".vsix", ".zst"};
  for (std::string_view ext : kExtensions) {
    if (EndsWithNoCase(key, ext)) return true;
  }
  return false;
}

std::string_view Deltaspace(std::string_view key) {
  const size_t slash = key.rfind('/');
  return slash == std::string_view::npos ? std::string_view() : key.substr(0, slash);
}

std::string_view Basename(std::string_view key) {
  const size_t slash = key.rfind('/');
  return slash == std::string_view::npos ? key : key.substr(slash + 1);
}

std::string ReferenceKey(std::string_view deltaspace) {
  if (deltaspace.empty()) return std::string(kReferenceName);
  return std::string(deltaspace) + "/" + std::string(kReferenceName);
}

std::string DeltaKey(std::string_view key) { return std::string(key) + std::string(kDeltaSuffix); }

bool IsReferenceKey(std::string_view key) { return Basename(key) == kReferenceName; }

bool HasDeltaSuffix(std::string_view key) { return key.ends_with(kDeltaSuffix); }

Status ValidateLogicalKey(std::string_view key) {
  if (key.empty()) return MakeError(ErrorCode::kInvalidArgument, "empty key");
  if (key.back() == '/') {
    return MakeError(ErrorCode::kInvalidArgument, "key '", key,
                     "' ends with '/': name the file, or give a directory to copy into");
  }
  if (IsReferenceKey(key)) {
    return MakeError(ErrorCode::kInvalidArgument, "key '", key,
                     "': the name reference.bin is reserved for deltaglider references");
  }
  if (HasDeltaSuffix(key)) {
    return MakeError(ErrorCode::kInvalidArgument, "key '", key,
                     "': names ending in .delta are reserved for deltaglider deltas");
  }
  for (std::string_view reserved : {".dg-family/", ".dg-refs/", ".dg-trash/"}) {
    const std::string_view dir = reserved.substr(0, reserved.size() - 1);
    if (key.starts_with(reserved) || key.find("/" + std::string(reserved)) != std::string_view::npos) {
      return MakeError(ErrorCode::kInvalidArgument, "key '", key, "': directories named ", dir,
                       " are reserved for deltaglider references");
    }
  }
  return OkStatus();
}

}  // namespace deltaglider
