#include "tests/cli/cli_runner.h"

#include <fcntl.h>
#include <linux/capability.h>
#include <signal.h>
#include <stdlib.h>
#include <sys/prctl.h>
#include <sys/resource.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cstdio>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <thread>

namespace deltaglider::testing {
namespace {

std::string Slurp(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  std::ostringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

// In a forked child before exec: no capability survives the exec, not even for
// root (whose new permitted set is the inheritable set plus the bounding set).
void DropCapabilities() {
  prctl(PR_CAP_AMBIENT, PR_CAP_AMBIENT_CLEAR_ALL, 0, 0, 0);
  for (int cap = 0; prctl(PR_CAPBSET_READ, cap, 0, 0, 0) >= 0; ++cap) {
    if (prctl(PR_CAPBSET_DROP, cap, 0, 0, 0) != 0) _exit(126);
  }
  __user_cap_header_struct header{_LINUX_CAPABILITY_VERSION_3, 0};
  __user_cap_data_struct data[_LINUX_CAPABILITY_U32S_3] = {};
  if (syscall(SYS_capget, &header, data) != 0) _exit(126);
  for (auto& word : data) word.inheritable = 0;
  if (syscall(SYS_capset, &header, data) != 0) _exit(126);
}

// The read end of a pipe that a child process fills with the bytes of `path`.
int PipeFrom(const std::string& path) {
  int fds[2];
  if (pipe(fds) != 0) _exit(127);
  if (fork() == 0) {
    close(fds[0]);
    const int file = open(path.c_str(), O_RDONLY);
    char buffer[65536];
    for (ssize_t n; (n = read(file, buffer, sizeof(buffer))) > 0;) {
      if (write(fds[1], buffer, static_cast<size_t>(n)) != n) _exit(1);
    }
    _exit(0);
  }
  close(fds[1]);
  return fds[0];
}

}  // namespace

std::string CliBinary() { return DG_CLI_BINARY; }

CliProcess::CliProcess(const std::vector<std::string>& args, const CliLaunch& launch) {
  char dir_template[] = "/tmp/dgcli-XXXXXX";
  dir_ = mkdtemp(dir_template);
  const std::string out_path = dir_ + "/out";
  const std::string err_path = dir_ + "/err";
  pid_ = fork();
  if (pid_ != 0) return;
  if (!launch.cwd.empty() && chdir(launch.cwd.c_str()) != 0) _exit(127);
  for (const auto& [name, value] : launch.env) setenv(name.c_str(), value.c_str(), 1);
  const int in = launch.stdin_pipe_from.empty() ? open("/dev/null", O_RDONLY)
                                                : PipeFrom(launch.stdin_pipe_from);
  const int out = open(out_path.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0600);
  const int err = open(err_path.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0600);
  dup2(in, 0);
  dup2(out, 1);
  dup2(err, 2);
  if (launch.max_file_bytes > 0) {
    signal(SIGXFSZ, SIG_IGN);
    const rlimit limit{launch.max_file_bytes, launch.max_file_bytes};
    setrlimit(RLIMIT_FSIZE, &limit);
  }
  if (launch.max_data_bytes > 0) {
    const rlimit limit{launch.max_data_bytes, launch.max_data_bytes};
    setrlimit(RLIMIT_DATA, &limit);
  }
  if (launch.without_capabilities) DropCapabilities();
  std::vector<char*> argv;
  std::string binary = CliBinary();
  argv.push_back(binary.data());
  std::vector<std::string> copy = args;
  for (std::string& a : copy) argv.push_back(a.data());
  argv.push_back(nullptr);
  execv(binary.c_str(), argv.data());
  _exit(127);
}

CliProcess::~CliProcess() {
  if (pid_ > 0) {
    Kill();
    (void)Wait();
  }
  std::error_code ec;
  std::filesystem::remove_all(dir_, ec);
}

void CliProcess::Kill() { Signal(SIGKILL); }

void CliProcess::Signal(int signal) {
  if (pid_ > 0) kill(pid_, signal);
}

bool CliProcess::WaitUntilCatching(int signal) {
  const std::string status_path = "/proc/" + std::to_string(pid_) + "/status";
  const uint64_t bit = uint64_t{1} << (signal - 1);
  while (pid_ > 0) {
    std::ifstream status(status_path);
    std::string line;
    bool alive = false;
    while (std::getline(status, line)) {
      if (line.starts_with("State:")) alive = line.find('Z') == std::string::npos;
      if (alive && line.starts_with("SigCgt:") && (std::stoull(line.substr(7), nullptr, 16) & bit))
        return true;
    }
    if (!alive) return false;
    std::this_thread::sleep_for(std::chrono::milliseconds(1));
  }
  return false;
}

CliResult CliProcess::Wait() {
  CliResult result;
  if (pid_ <= 0) return result;
  int status = 0;
  rusage usage{};
  wait4(pid_, &status, 0, &usage);
  pid_ = -1;
  result.peak_rss_kb = static_cast<uint64_t>(usage.ru_maxrss);
  result.exit_code = WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
  result.out = Slurp(dir_ + "/out");
  result.err = Slurp(dir_ + "/err");
  return result;
}

CliResult RunCli(const std::vector<std::string>& args, const std::map<std::string, std::string>& env,
                 const std::string& cwd) {
  CliLaunch launch;
  launch.env = env;
  launch.cwd = cwd;
  return CliProcess(args, launch).Wait();
}

std::string OnATerminal(const std::string& cwd, const std::string& cache, const std::string& args) {
  const std::string command = "cd '" + cwd + "' && DG_CACHE_DIR='" + cache + "' script -qec \"" +
                              CliBinary() + " " + args + "\" /dev/null 2>&1";
  std::string out;
  FILE* pipe = popen(command.c_str(), "r");
  if (pipe == nullptr) return out;
  char buffer[4096];
  for (size_t n; (n = fread(buffer, 1, sizeof buffer, pipe)) > 0;) out.append(buffer, n);
  pclose(pipe);
  return out;
}

}  // namespace deltaglider::testing
