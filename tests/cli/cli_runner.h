// RunCli: runs the built deltaglider binary as a user would, with its own
// environment, and captures stdout, stderr and the exit code.
#pragma once

#include <map>
#include <string>
#include <vector>

namespace deltaglider::testing {

struct CliResult {
  int exit_code = -1;
  std::string out;
  std::string err;
};

// `env` entries are added to (or override) the current environment; stdin is /dev/null.
CliResult RunCli(const std::vector<std::string>& args,
                 const std::map<std::string, std::string>& env = {}, const std::string& cwd = "");

// The path of the binary under test.
std::string CliBinary();

}  // namespace deltaglider::testing
