#include "core/family.h"

#include <algorithm>
#include <array>
#include <vector>

namespace deltaglider {
namespace {

bool IsDigit(char c) { return c >= '0' && c <= '9'; }
bool IsLower(char c) { return c >= 'a' && c <= 'z'; }
bool IsSeparator(char c) { return c == '-' || c == '_' || c == '.' || c == '+' || c == '~' || c == ' '; }

bool AllDigits(std::string_view text) {
  return !text.empty() && std::all_of(text.begin(), text.end(), IsDigit);
}

// `word` followed by one or more digits (then anything in `tail_ok`-free form):
// "rc1", "v2", "b3".
bool WordThenDigits(std::string_view token, std::string_view word) {
  return token.size() > word.size() && token.starts_with(word) &&
         AllDigits(token.substr(word.size()));
}

bool IsCommitHash(std::string_view token) {
  if (token.size() < 7 || token.size() > 40) return false;
  bool digit = false, letter = false;
  for (char c : token) {
    if (IsDigit(c)) {
      digit = true;
    } else if (c >= 'a' && c <= 'f') {
      letter = true;
    } else {
      return false;
    }
  }
  return digit && letter;
}

// deb12u5, el8, fc39, ubuntu1: a distribution's tag inside a package version.
bool IsDistroTag(std::string_view token) {
  for (std::string_view distro : {"deb", "el", "fc", "ubuntu", "ubuntu0", "mga", "suse"}) {
    if (token.size() > distro.size() && token.starts_with(distro) &&
        IsDigit(token[distro.size()])) {
      return true;
    }
  }
  return false;
}

constexpr std::array<std::string_view, 11> kPrereleaseWords = {
    "rc", "alpha", "beta", "pre", "preview", "dev", "snapshot", "b", "a", "r", "build"};

bool IsVersionToken(std::string_view token) {
  if (AllDigits(token) || IsCommitHash(token) || IsDistroTag(token)) return true;
  if (WordThenDigits(token, "v") || WordThenDigits(token, "V")) return true;
  return std::any_of(kPrereleaseWords.begin(), kPrereleaseWords.end(),
                     [token](std::string_view word) { return WordThenDigits(token, word); });
}

// A bare pre-release word right after a version ("1.0.0-rc", "2.0-SNAPSHOT").
bool IsPrereleaseWord(std::string_view token) {
  for (std::string_view word : {"rc", "alpha", "beta", "snapshot", "SNAPSHOT", "final", "Final",
                                "RELEASE", "GA", "ga"}) {
    if (token == word) return true;
  }
  return false;
}

// Architecture names whose digits are not a version when split at '_' or '-'.
bool JoinsWithNumber(std::string_view word, std::string_view number) {
  if (number != "64" && number != "32" && number != "86") return false;
  for (std::string_view arch : {"x86", "x", "win", "arm", "aarch", "amd", "ppc", "mingw", "i", "linux"}) {
    if (word == arch) return true;
  }
  return false;
}

std::vector<std::string> Tokens(std::string_view text) {
  std::vector<std::string> tokens;
  std::string current;
  for (char c : text) {
    if (IsSeparator(c)) {
      if (!current.empty()) tokens.push_back(std::move(current));
      current.clear();
    } else {
      current.push_back(c);
    }
  }
  if (!current.empty()) tokens.push_back(std::move(current));
  return tokens;
}

// The tokens of `stem` that are not versions.
std::vector<std::string> KeptTokens(std::string_view stem) {
  const std::vector<std::string> tokens = Tokens(stem);
  std::vector<std::string> kept;
  bool after_version = false;
  for (size_t i = 0; i < tokens.size(); ++i) {
    const std::string& token = tokens[i];
    if (!kept.empty() && !after_version && JoinsWithNumber(kept.back(), token)) {
      kept.back() += "_" + token;
      continue;
    }
    if (IsVersionToken(token) || (after_version && IsPrereleaseWord(token))) {
      after_version = true;
      continue;
    }
    after_version = false;
    kept.push_back(token);
  }
  return kept;
}

// ".tar.gz" for "app-1.0.tar.gz", ".zip" for "app-1.0.zip", "" when the last
// dot-part is not extension-like (letters first, at most 8 characters).
std::string_view ExtensionOf(std::string_view name) {
  for (std::string_view compound : {".tar.gz", ".tar.bz2", ".tar.xz", ".tar.zst", ".tar.lz"}) {
    if (name.size() > compound.size() && name.ends_with(compound)) {
      return name.substr(name.size() - compound.size());
    }
  }
  const size_t dot = name.rfind('.');
  if (dot == std::string_view::npos || dot == 0) return {};
  const std::string_view ext = name.substr(dot + 1);
  const bool ok = !ext.empty() && ext.size() <= 8 && !IsDigit(ext[0]) &&
                  std::all_of(ext.begin(), ext.end(),
                              [](char c) { return IsDigit(c) || IsLower(c) || (c >= 'A' && c <= 'Z'); });
  return ok ? name.substr(dot) : std::string_view();
}

std::string Join(const std::vector<std::string>& parts, std::string_view separator) {
  std::string out;
  for (const std::string& part : parts) {
    if (!out.empty()) out += separator;
    out += part;
  }
  return out;
}

}  // namespace

std::string FamilyName(std::string_view basename) {
  const std::string_view ext = ExtensionOf(basename);
  const std::vector<std::string> kept = KeptTokens(basename.substr(0, basename.size() - ext.size()));
  return (kept.empty() ? std::string("version") : Join(kept, "-")) + std::string(ext);
}

bool IsVersionDirectory(std::string_view segment) {
  const std::vector<std::string> tokens = Tokens(segment);
  if (tokens.empty()) return false;
  size_t first = 0;
  for (std::string_view keyword : {"release", "releases", "build", "builds", "version", "tag",
                                   "nightly", "snapshot", "rc"}) {
    if (tokens.size() > 1 && tokens[0] == keyword) first = 1;
  }
  bool after_version = false;
  for (size_t i = first; i < tokens.size(); ++i) {
    if (IsVersionToken(tokens[i])) {
      after_version = true;
    } else if (!(after_version && IsPrereleaseWord(tokens[i]))) {
      return false;
    }
  }
  return true;
}

std::optional<Family> FamilyOf(std::string_view key) {
  std::vector<std::string_view> dirs;
  size_t start = 0;
  for (size_t slash = key.find('/'); slash != std::string_view::npos; slash = key.find('/', start)) {
    dirs.push_back(key.substr(start, slash - start));
    start = slash + 1;
  }
  const std::string_view basename = key.substr(start);
  const auto version = std::find_if(dirs.begin(), dirs.end(), IsVersionDirectory);
  if (version == dirs.end()) return std::nullopt;
  Family family;
  for (auto it = dirs.begin(); it != version; ++it) family.anchor += std::string(*it) + "/";
  for (auto it = version + 1; it != dirs.end(); ++it) {
    if (!IsVersionDirectory(*it)) family.name += std::string(*it) + "/";
  }
  family.name += FamilyName(basename);
  return family;
}

}  // namespace deltaglider
