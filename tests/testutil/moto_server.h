// MotoServer: a moto_server process (the preinstalled S3 emulator) on a free
// 127.0.0.1 port, for tests that need a real S3 endpoint. Start() forks and execs
// `moto_server -H 127.0.0.1 -p PORT`, then polls http://127.0.0.1:PORT/moto-api/
// until it answers or the deadline passes; the destructor kills its process group.
// The child also gets SIGTERM if the test process dies first.
//
// SharedMotoServer() can instead hand out another S3 endpoint: with
// $DG_TEST_S3_ENDPOINT set (and $DG_TEST_S3_WIPE=1, because Reset() then deletes
// every bucket the credentials can list), no moto_server is started; the keys
// come from $AWS_ACCESS_KEY_ID / $AWS_SECRET_ACCESS_KEY and the region from
// $AWS_REGION / $AWS_DEFAULT_REGION. README.md: "S3 tests against another endpoint".
//
// Not thread-safe; share one instance per test binary (SharedMotoServer()).
#pragma once

#include <sys/types.h>

#include <chrono>
#include <map>
#include <memory>
#include <string>

#include "deltaglider/result.h"
#include "deltaglider/s3.h"

namespace deltaglider::testing {

class MotoServer {
 public:
  // kNotFound if moto_server is not on PATH; kUnavailable if it does not become
  // ready within `deadline` (the message holds the end of its log).
  // With `tls` it serves https (`moto_server -s`, a self-signed certificate).
  static Result<std::unique_ptr<MotoServer>> Start(
      std::chrono::milliseconds deadline = std::chrono::seconds(30), bool tls = false);
  ~MotoServer();
  MotoServer(const MotoServer&) = delete;
  MotoServer& operator=(const MotoServer&) = delete;

  // "http://127.0.0.1:PORT" ("https://..." with tls)
  std::string endpoint() const;
  int port() const { return port_; }

  // Forgets every bucket and object (POST /moto-api/reset; on an external
  // endpoint: deletes every object and bucket the credentials can list).
  Status Reset();

  // The endpoint of $DG_TEST_S3_ENDPOINT instead of a moto_server process.
  // kFailedPrecondition unless $DG_TEST_S3_WIPE=1 and both keys are set.
  static Result<std::unique_ptr<MotoServer>> External(const std::string& endpoint_url);

  // True for an endpoint from $DG_TEST_S3_ENDPOINT: tests of moto-only
  // behaviour (localhost virtual hosts, TLS via moto_server -s, KMS keys that
  // need not exist) skip themselves.
  bool external() const { return !external_url_.empty(); }
  // The environment a client (the CLI, the aws CLI) needs to reach this server:
  // AWS_ACCESS_KEY_ID, AWS_SECRET_ACCESS_KEY, AWS_DEFAULT_REGION, AWS_ENDPOINT_URL.
  std::map<std::string, std::string> ClientEnvironment() const;
  // The same for the SDK: endpoint, keys and region of this server.
  S3Config ClientConfig() const;
  const std::string& access_key_id() const { return access_key_id_; }
  const std::string& secret_access_key() const { return secret_access_key_; }
  const std::string& region() const { return region_; }

 private:
  MotoServer(pid_t pid, int port, std::string log_path, bool tls)
      : pid_(pid), port_(port), log_path_(std::move(log_path)), tls_(tls) {}
  void Stop();

  std::string external_url_;
  std::string access_key_id_ = "testing";
  std::string secret_access_key_ = "testing";
  std::string region_ = "us-east-1";

  pid_t pid_;
  int port_;
  std::string log_path_;
  bool tls_;
};

// The process-wide server, started on first use and stopped at exit (or the
// endpoint of $DG_TEST_S3_ENDPOINT). Returns the start error on every call if
// it could not start.
Result<MotoServer*> SharedMotoServer();

// SharedMotoServer() with every bucket and object forgotten: a test's clean slate.
Result<MotoServer*> EmptiedMotoServer();

// A TCP port on 127.0.0.1 that was free a moment ago.
int FreeLocalPort();

}  // namespace deltaglider::testing
