// RunCli: runs the built deltaglider binary as a user would, with its own
// environment, and captures stdout, stderr and the exit code.
#pragma once

#include <cstdint>
#include <map>
#include <string>
#include <vector>

namespace deltaglider::testing {

struct CliResult {
  int exit_code = -1;
  std::string out;
  std::string err;
  uint64_t peak_rss_kb = 0;  // the process's peak resident set (getrusage ru_maxrss)
};

// `env` entries are added to (or override) the current environment; stdin is /dev/null.
CliResult RunCli(const std::vector<std::string>& args,
                 const std::map<std::string, std::string>& env = {}, const std::string& cwd = "");

// How a started CLI process runs besides its arguments.
struct CliLaunch {
  std::map<std::string, std::string> env;
  std::string cwd;
  // When set, the process may not write files past this many bytes (RLIMIT_FSIZE,
  // SIGXFSZ ignored): writes fail with EFBIG, as on a full disk.
  uint64_t max_file_bytes = 0;
  // When set, the process's data segment and private writable mappings (its
  // heap, anonymous memory, thread stacks: not mapped files) may not exceed this
  // many bytes (RLIMIT_DATA): an allocation past it fails.
  uint64_t max_data_bytes = 0;
  // When set, the process runs without any capability (bounding, inheritable and
  // ambient sets emptied before exec): even as root it gets "Permission denied"
  // where file permissions say so (no CAP_DAC_OVERRIDE).
  bool without_capabilities = false;
  // When set, stdin is a pipe fed with this file's bytes (not seekable, as
  // `cat f | deltaglider cp - ...`); otherwise /dev/null.
  std::string stdin_pipe_from = {};
};

// A CLI process running in the background: started, then waited for or killed.
class CliProcess {
 public:
  CliProcess(const std::vector<std::string>& args, const CliLaunch& launch);
  ~CliProcess();
  CliProcess(const CliProcess&) = delete;
  CliProcess& operator=(const CliProcess&) = delete;

  // Sends SIGKILL (no cleanup runs in the process).
  void Kill();
  // Sends `signal` (SIGINT: a Ctrl-C).
  void Signal(int signal);
  // Waits until the process has a handler for `signal` (it has started up far
  // enough to catch it), as /proc/<pid>/status shows; false if it exits first.
  bool WaitUntilCatching(int signal);
  // Waits for the exit and collects the output; exit_code 128+N for signal N.
  CliResult Wait();

 private:
  int pid_ = -1;
  std::string dir_;
};

// The path of the binary under test.
std::string CliBinary();

// Runs the CLI with `args` (one shell string) from `cwd` with DG_CACHE_DIR=`cache`
// under script(1), so its stderr is a terminal; returns everything it drew.
std::string OnATerminal(const std::string& cwd, const std::string& cache, const std::string& args);

}  // namespace deltaglider::testing
