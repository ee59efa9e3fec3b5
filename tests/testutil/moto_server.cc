#include "tests/testutil/moto_server.h"

#include <arpa/inet.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <signal.h>
#include <stdlib.h>
#include <sys/prctl.h>
#include <sys/socket.h>
#include <sys/time.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cstring>
#include <fstream>
#include <optional>
#include <sstream>
#include <thread>
#include <vector>

#include "deltaglider/s3.h"

namespace deltaglider::testing {
namespace {

std::optional<std::string> FindOnPath(const std::string& name) {
  const char* path = getenv("PATH");
  if (path == nullptr) return std::nullopt;
  std::stringstream dirs(path);
  std::string dir;
  while (std::getline(dirs, dir, ':')) {
    if (dir.empty()) continue;
    const std::string candidate = dir + "/" + name;
    if (access(candidate.c_str(), X_OK) == 0) return candidate;
  }
  return std::nullopt;
}

std::string TailOf(const std::string& path, size_t bytes) {
  std::ifstream in(path, std::ios::binary);
  std::stringstream ss;
  ss << in.rdbuf();
  const std::string all = ss.str();
  return all.size() > bytes ? all.substr(all.size() - bytes) : all;
}

// One HTTP/1.0 request to 127.0.0.1:port; returns the status, or 0 if the server
// did not answer. With an empty `method` it only connects: 200 if that worked.
int HttpStatus(int port, const std::string& method, const std::string& path) {
  const int fd = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
  if (fd < 0) return 0;
  timeval timeout{.tv_sec = 5, .tv_usec = 0};
  setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &timeout, sizeof timeout);
  setsockopt(fd, SOL_SOCKET, SO_SNDTIMEO, &timeout, sizeof timeout);
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_port = htons(static_cast<uint16_t>(port));
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  int status = 0;
  const bool connected = connect(fd, reinterpret_cast<sockaddr*>(&addr), sizeof addr) == 0;
  if (connected && method.empty()) {
    status = 200;
  } else if (connected) {
    const std::string request =
        method + " " + path + " HTTP/1.0\r\nHost: 127.0.0.1\r\nContent-Length: 0\r\n\r\n";
    if (send(fd, request.data(), request.size(), MSG_NOSIGNAL) ==
        static_cast<ssize_t>(request.size())) {
      std::string response;
      char buffer[4096];
      ssize_t n;
      while ((n = recv(fd, buffer, sizeof buffer, 0)) > 0) {
        response.append(buffer, static_cast<size_t>(n));
        if (response.find("\r\n") != std::string::npos) break;
      }
      // "HTTP/1.1 200 OK"
      if (response.starts_with("HTTP/") && response.size() > 12) {
        status = std::atoi(response.c_str() + response.find(' ') + 1);
      }
    }
  }
  close(fd);
  return status;
}

}  // namespace

int FreeLocalPort() {
  const int fd = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_port = 0;
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  int port = 0;
  socklen_t length = sizeof addr;
  if (fd >= 0 && bind(fd, reinterpret_cast<sockaddr*>(&addr), sizeof addr) == 0 &&
      getsockname(fd, reinterpret_cast<sockaddr*>(&addr), &length) == 0) {
    port = ntohs(addr.sin_port);
  }
  if (fd >= 0) close(fd);
  return port;
}

Result<std::unique_ptr<MotoServer>> MotoServer::Start(std::chrono::milliseconds deadline,
                                                      bool tls) {
  const std::optional<std::string> binary = FindOnPath("moto_server");
  if (!binary) {
    return MakeError(ErrorCode::kNotFound,
                     "moto_server is not on PATH: the S3 tests need it "
                     "(pip install 'moto[server]'; README.md, \"S3 tests\")");
  }
  const int port = FreeLocalPort();
  if (port == 0) return MakeError(ErrorCode::kUnavailable, "no free local port");
  const char* tmp = getenv("TMPDIR");
  std::string log_path =
      std::string(tmp != nullptr && *tmp != '\0' ? tmp : "/tmp") + "/dg-moto-XXXXXX";
  const int log_fd = mkstemp(log_path.data());
  if (log_fd < 0) return MakeError(ErrorCode::kIoError, "cannot create the moto log file");

  const std::string port_text = std::to_string(port);
  const pid_t parent = getpid();
  const pid_t pid = fork();
  if (pid < 0) {
    close(log_fd);
    return MakeError(ErrorCode::kUnavailable, "fork: ", strerror(errno));
  }
  if (pid == 0) {
    setpgid(0, 0);
    prctl(PR_SET_PDEATHSIG, SIGTERM);
    if (getppid() != parent) _exit(1);
    const int null_fd = open("/dev/null", O_RDONLY);
    dup2(null_fd, 0);
    dup2(log_fd, 1);
    dup2(log_fd, 2);
    std::vector<char*> argv = {const_cast<char*>(binary->c_str()), const_cast<char*>("-H"),
                               const_cast<char*>("127.0.0.1"), const_cast<char*>("-p"),
                               const_cast<char*>(port_text.c_str())};
    if (tls) argv.push_back(const_cast<char*>("-s"));
    argv.push_back(nullptr);
    execv(binary->c_str(), argv.data());
    _exit(127);
  }
  close(log_fd);
  setpgid(pid, pid);  // also from this side, so the group exists before any kill
  std::unique_ptr<MotoServer> server(new MotoServer(pid, port, log_path, tls));

  const auto give_up = std::chrono::steady_clock::now() + deadline;
  while (true) {
    int wait_status = 0;
    if (waitpid(pid, &wait_status, WNOHANG) == pid) {
      server->pid_ = -1;
      return MakeError(ErrorCode::kUnavailable,
                       "moto_server exited during start-up; log: ", TailOf(log_path, 2000));
    }
    // Over TLS the listening socket is the readiness signal (no TLS client here).
    if (HttpStatus(port, tls ? "" : "GET", "/moto-api/") == 200) return server;
    if (std::chrono::steady_clock::now() > give_up) {
      return MakeError(ErrorCode::kUnavailable, "moto_server on port ", port_text,
                       " not ready after ", std::to_string(deadline.count()),
                       " ms; log: ", TailOf(log_path, 2000));
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(100));
  }
}

MotoServer::~MotoServer() {
  Stop();
  if (!log_path_.empty()) unlink(log_path_.c_str());
}

void MotoServer::Stop() {
  if (pid_ <= 0) return;
  kill(-pid_, SIGTERM);
  const auto give_up = std::chrono::steady_clock::now() + std::chrono::seconds(3);
  while (waitpid(pid_, nullptr, WNOHANG) == 0) {
    if (std::chrono::steady_clock::now() > give_up) {
      kill(-pid_, SIGKILL);
      waitpid(pid_, nullptr, 0);
      break;
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
  }
  pid_ = -1;
}

std::string MotoServer::endpoint() const {
  if (external()) return external_url_;
  return std::string(tls_ ? "https" : "http") + "://127.0.0.1:" + std::to_string(port_);
}

Result<std::unique_ptr<MotoServer>> MotoServer::External(const std::string& endpoint_url) {
  auto env = [](const char* name) -> std::string {
    const char* value = getenv(name);
    return value != nullptr ? value : "";
  };
  if (env("DG_TEST_S3_WIPE") != "1") {
    return MakeError(ErrorCode::kFailedPrecondition, "DG_TEST_S3_ENDPOINT=", endpoint_url,
                     ": the S3 tests delete every bucket these credentials can list; set "
                     "DG_TEST_S3_WIPE=1 to confirm the endpoint is a throwaway one");
  }
  std::unique_ptr<MotoServer> server(new MotoServer(-1, 0, "", false));
  server->external_url_ = endpoint_url;
  server->access_key_id_ = env("AWS_ACCESS_KEY_ID");
  server->secret_access_key_ = env("AWS_SECRET_ACCESS_KEY");
  if (server->access_key_id_.empty() || server->secret_access_key_.empty()) {
    return MakeError(ErrorCode::kFailedPrecondition,
                     "DG_TEST_S3_ENDPOINT needs "
                     "AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY");
  }
  if (!env("AWS_REGION").empty()) {
    server->region_ = env("AWS_REGION");
  } else if (!env("AWS_DEFAULT_REGION").empty()) {
    server->region_ = env("AWS_DEFAULT_REGION");
  }
  const size_t host = endpoint_url.find("://");
  const size_t colon = endpoint_url.find(':', host == std::string::npos ? 0 : host + 3);
  if (colon != std::string::npos) server->port_ = std::atoi(endpoint_url.c_str() + colon + 1);
  return server;
}

// Deletes every object and bucket the credentials can list.
static Status WipeEndpoint(const S3Config& config) {
  DG_ASSIGN_OR_RETURN(std::unique_ptr<Storage> storage, NewS3Storage(config));
  DG_ASSIGN_OR_RETURN(std::vector<BucketInfo> buckets, storage->ListBuckets());
  for (const BucketInfo& bucket : buckets) {
    DG_ASSIGN_OR_RETURN(std::unique_ptr<ObjectStore> store, storage->OpenBucket(bucket.name));
    std::vector<std::string> keys;
    DG_RETURN_IF_ERROR(store->List({}, [&](const ListEntry& entry) -> Status {
      keys.push_back(entry.key);
      return OkStatus();
    }));
    for (const std::string& key : keys) DG_RETURN_IF_ERROR(store->Delete(key));
    DG_RETURN_IF_ERROR(storage->DeleteBucket(bucket.name));
  }
  return OkStatus();
}

Status MotoServer::Reset() {
  if (external()) {
    S3Config config;
    config.endpoint_url = external_url_;
    config.access_key_id = access_key_id_;
    config.secret_access_key = secret_access_key_;
    config.region = region_;
    config.ca_bundle = getenv("AWS_CA_BUNDLE") != nullptr ? getenv("AWS_CA_BUNDLE") : "";
    return WipeEndpoint(config);
  }
  const int status = HttpStatus(port_, "POST", "/moto-api/reset");
  if (status != 200) {
    return MakeError(ErrorCode::kUnavailable, "moto reset answered HTTP ", std::to_string(status));
  }
  return OkStatus();
}

Result<MotoServer*> SharedMotoServer() {
  struct Holder {
    std::unique_ptr<MotoServer> server;
    std::optional<Error> error;
  };
  static Holder holder = [] {
    Holder h;
    const char* external = getenv("DG_TEST_S3_ENDPOINT");
    auto started = external != nullptr && *external != '\0' ? MotoServer::External(external)
                                                            : MotoServer::Start();
    if (started.ok()) {
      h.server = std::move(started).value();
    } else {
      h.error = started.error();
    }
    return h;
  }();
  if (holder.error) return *holder.error;
  return holder.server.get();
}

std::map<std::string, std::string> MotoServer::ClientEnvironment() const {
  return {{"AWS_ACCESS_KEY_ID", access_key_id_},
          {"AWS_SECRET_ACCESS_KEY", secret_access_key_},
          {"AWS_DEFAULT_REGION", region_},
          {"AWS_ENDPOINT_URL", endpoint()}};
}

S3Config MotoServer::ClientConfig() const {
  S3Config config;
  config.endpoint_url = endpoint();
  config.access_key_id = access_key_id_;
  config.secret_access_key = secret_access_key_;
  config.region = region_;
  return config;
}

Result<MotoServer*> EmptiedMotoServer() {
  DG_ASSIGN_OR_RETURN(MotoServer * server, SharedMotoServer());
  DG_RETURN_IF_ERROR(server->Reset());
  return server;
}

}  // namespace deltaglider::testing
