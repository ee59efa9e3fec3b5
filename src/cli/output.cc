#include "cli/output.h"

#include <cstdio>
#include <iostream>

namespace deltaglider::cli {
namespace {

// Names need not be UTF-8 (local files, keys other tools wrote): never throw on them.
std::string Dump(const nlohmann::json& object) {
  return object.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
}

}  // namespace

void Output::Result(const std::string& text, const nlohmann::json& object) const {
  if (options_.quiet) return;
  Data(text, object);
}

void Output::Data(const std::string& text, const nlohmann::json& object) const {
  if (options_.json) {
    std::cout << Dump(object) << '\n';
  } else {
    std::cout << text << '\n';
  }
  std::cout.flush();
}

void Output::Failure(const Error& error) const {
  if (options_.json) {
    std::cout << Dump({{"event", "error"},
                       {"code", std::string(ErrorCodeName(error.code))},
                       {"message", error.message}})
              << '\n';
    std::cout.flush();
  }
  std::cerr << "deltaglider: " << error.message;
  if (options_.debug) std::cerr << " [" << ErrorCodeName(error.code) << "]";
  std::cerr << std::endl;
}

void Output::FileFailure(const std::string& text, const nlohmann::json& object) const {
  if (options_.json) {
    std::cout << Dump(object) << '\n';
    std::cout.flush();
  }
  std::cerr << text << std::endl;
}

void Output::Warning(const std::string& text) const {
  if (!options_.quiet) std::cerr << "deltaglider: warning: " << text << std::endl;
}

void Output::Debug(const std::string& text) const {
  if (options_.debug) std::cerr << "debug: " << text << std::endl;
}

std::string HumanBytes(uint64_t bytes) {
  static constexpr const char* kUnits[] = {"B", "KB", "MB", "GB", "TB", "PB"};
  double value = static_cast<double>(bytes);
  int unit = 0;
  while (value >= 1000.0 && unit < 5) {
    value /= 1000.0;
    ++unit;
  }
  char buffer[32];
  if (unit == 0) {
    std::snprintf(buffer, sizeof(buffer), "%llu B", static_cast<unsigned long long>(bytes));
  } else {
    std::snprintf(buffer, sizeof(buffer), "%.1f %s", value, kUnits[unit]);
  }
  return buffer;
}

std::string Percent(uint64_t part, uint64_t whole) {
  char buffer[32];
  const double pct = whole == 0 ? 0.0 : 100.0 * static_cast<double>(part) / static_cast<double>(whole);
  std::snprintf(buffer, sizeof(buffer), pct < 10 ? "%.2f%%" : "%.1f%%", pct);
  return buffer;
}

}  // namespace deltaglider::cli
