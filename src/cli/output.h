// Output: everything the CLI prints. Text for people on stdout, one JSON object
// per line with --json, errors as one line on stderr. Commands never print
// directly, so --quiet and --json hold everywhere.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

#include <nlohmann/json.hpp>

#include "deltaglider/result.h"

namespace deltaglider::cli {

struct OutputOptions {
  bool json = false;
  bool quiet = false;
  bool debug = false;
};

class Output {
 public:
  explicit Output(OutputOptions options) : options_(options) {}

  bool json() const { return options_.json; }

  // A result line: `text` for people, `object` with --json. Suppressed by --quiet.
  void Result(const std::string& text, const nlohmann::json& object) const;
  // Data the user asked for (ls rows, stats): printed even with --quiet.
  void Data(const std::string& text, const nlohmann::json& object) const;
  // A failure: "deltaglider: <message>" on stderr (JSON on stdout with --json too).
  void Failure(const Error& error) const;
  // One file's failure inside a command that goes on ("upload failed: a to b: why"):
  // `text` on stderr, even with --quiet; `object` on stdout too with --json.
  void FileFailure(const std::string& text, const nlohmann::json& object) const;
  // Something the user should know that does not stop the command ("deltaglider:
  // warning: ..." on stderr), suppressed by --quiet.
  void Warning(const std::string& text) const;
  // Diagnostics, only with --debug.
  void Debug(const std::string& text) const;

 private:
  OutputOptions options_;
};

// "32.5 MB", "812 B" (decimal units, as people read them).
std::string HumanBytes(uint64_t bytes);
// "3.1%" of whole.
std::string Percent(uint64_t part, uint64_t whole);

}  // namespace deltaglider::cli
