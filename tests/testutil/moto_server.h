// MotoServer: a moto_server process (the preinstalled S3 emulator) on a free
// 127.0.0.1 port, for tests that need a real S3 endpoint. Start() forks and execs
// `moto_server -H 127.0.0.1 -p PORT`, then polls http://127.0.0.1:PORT/moto-api/
// until it answers or the deadline passes; the destructor kills its process group.
// The child also gets SIGTERM if the test process dies first.
//
// Not thread-safe; share one instance per test binary (SharedMotoServer()).
#pragma once

#include <sys/types.h>

#include <chrono>
#include <memory>
#include <string>

#include "deltaglider/result.h"

namespace deltaglider::testing {

class MotoServer {
 public:
  // kNotFound if moto_server is not on PATH; kUnavailable if it does not become
  // ready within `deadline` (the message holds the end of its log).
  static Result<std::unique_ptr<MotoServer>> Start(
      std::chrono::milliseconds deadline = std::chrono::seconds(30));
  ~MotoServer();
  MotoServer(const MotoServer&) = delete;
  MotoServer& operator=(const MotoServer&) = delete;

  // "http://127.0.0.1:PORT"
  std::string endpoint() const;
  int port() const { return port_; }

  // Forgets every bucket and object (POST /moto-api/reset).
  Status Reset();

 private:
  MotoServer(pid_t pid, int port, std::string log_path)
      : pid_(pid), port_(port), log_path_(std::move(log_path)) {}
  void Stop();

  pid_t pid_;
  int port_;
  std::string log_path_;
};

// The process-wide server, started on first use and stopped at exit. Returns the
// start error on every call if it could not start.
Result<MotoServer*> SharedMotoServer();

// A TCP port on 127.0.0.1 that was free a moment ago.
int FreeLocalPort();

}  // namespace deltaglider::testing
