// FlippingProxy: a loopback HTTP/1.1 proxy for tests that sits between a client
// (the CLI, the SDK) and an upstream S3 server on 127.0.0.1 (moto_server) and
// corrupts bodies in transit: it flips one bit in the middle byte of the response
// body of an object GET, or of the request body of an object PUT (PutObject,
// UploadPart; path-style keys, non-empty bodies, not copies). Everything else is
// forwarded unchanged, except that each request asks the upstream to close the
// connection after its response, so every connection carries one exchange.
// The Host header (and so the SigV4 signature) is left as the client sent it:
// moto does not check signatures; a real S3 would refuse every request.
//
// Thread-safe; connections are served on their own threads, all joined by the
// destructor.
#pragma once

#include <atomic>
#include <mutex>
#include <set>
#include <string>
#include <thread>
#include <vector>

namespace deltaglider::testing {

class FlippingProxy {
 public:
  enum class Target { kGetResponses, kPutRequests };

  // Listens on a free 127.0.0.1 port; flips at most `max_flips` bodies.
  FlippingProxy(int upstream_port, Target target, int max_flips);
  ~FlippingProxy();
  FlippingProxy(const FlippingProxy&) = delete;
  FlippingProxy& operator=(const FlippingProxy&) = delete;

  // "http://127.0.0.1:PORT"
  std::string endpoint() const;
  // How many bodies were flipped so far.
  int flips() const { return flips_.load(); }

 private:
  void Accept();
  void Serve(int client);
  // True (and counted) when this body is to be flipped.
  bool TakeFlip();

  const int upstream_port_;
  const Target target_;
  const int max_flips_;
  std::atomic<int> flips_{0};
  int listener_ = -1;
  int port_ = 0;
  std::thread acceptor_;
  std::mutex mu_;
  std::vector<std::thread> connections_;
  std::set<int> open_fds_;
};

}  // namespace deltaglider::testing
