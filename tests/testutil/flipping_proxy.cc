#include "tests/testutil/flipping_proxy.h"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <strings.h>
#include <sys/socket.h>
#include <unistd.h>

#include <functional>
#include <optional>
#include <sstream>
#include <string_view>

namespace deltaglider::testing {
namespace {

constexpr uint64_t kToEof = UINT64_MAX;
constexpr uint64_t kNoFlip = UINT64_MAX;

// The start line and header lines of one HTTP message, and the bytes read past them.
struct Head {
  std::string start_line;
  std::vector<std::string> lines;
  std::string rest;

  std::string Header(std::string_view name) const {
    for (const std::string& line : lines) {
      if (line.size() > name.size() && line[name.size()] == ':' &&
          strncasecmp(line.data(), name.data(), name.size()) == 0) {
        const size_t start = line.find_first_not_of(' ', name.size() + 1);
        return start == std::string::npos ? "" : line.substr(start);
      }
    }
    return "";
  }
  // The Content-Length, or `otherwise` without one.
  uint64_t ContentLength(uint64_t otherwise) const {
    const std::string value = Header("content-length");
    return value.empty() ? otherwise : std::stoull(value);
  }
  std::string Method() const { return start_line.substr(0, start_line.find(' ')); }
  std::string Serialize() const {
    std::string out = start_line + "\r\n";
    for (const std::string& line : lines) out += line + "\r\n";
    return out + "\r\n";
  }
};

std::optional<Head> ReadHead(int fd) {
  std::string data;
  char buffer[16384];
  size_t end = std::string::npos;
  while ((end = data.find("\r\n\r\n")) == std::string::npos) {
    const ssize_t n = recv(fd, buffer, sizeof buffer, 0);
    if (n <= 0) return std::nullopt;
    data.append(buffer, static_cast<size_t>(n));
  }
  Head head;
  head.rest = data.substr(end + 4);
  std::istringstream lines(data.substr(0, end));
  for (std::string line; std::getline(lines, line);) {
    if (!line.empty() && line.back() == '\r') line.pop_back();
    if (head.start_line.empty()) {
      head.start_line = line;
    } else {
      head.lines.push_back(line);
    }
  }
  return head;
}

bool SendAll(int fd, std::string_view data) {
  while (!data.empty()) {
    const ssize_t n = send(fd, data.data(), data.size(), MSG_NOSIGNAL);
    if (n <= 0) return false;
    data.remove_prefix(static_cast<size_t>(n));
  }
  return true;
}

// Copies `length` bytes (kToEof: until `from` closes) to `to`, starting with
// `pending`, and flips the low bit of the byte at offset `flip_at`.
void Pump(int from, int to, std::string pending, uint64_t length, uint64_t flip_at) {
  uint64_t offset = 0;
  char buffer[65536];
  while (offset < length) {
    std::string chunk = std::move(pending);
    pending.clear();
    if (chunk.empty()) {
      const ssize_t n = recv(from, buffer, sizeof buffer, 0);
      if (n <= 0) return;
      chunk.assign(buffer, static_cast<size_t>(n));
    }
    if (flip_at >= offset && flip_at - offset < chunk.size()) chunk[flip_at - offset] ^= 0x01;
    offset += chunk.size();
    if (!SendAll(to, chunk)) return;
  }
}

// "/bucket/key?query" names an object; "/bucket?list-type=2" does not.
bool IsObjectPath(const std::string& start_line) {
  const size_t from = start_line.find(' ') + 1;
  const std::string target = start_line.substr(from, start_line.find(' ', from) - from);
  const std::string path = target.substr(0, target.find('?'));
  const size_t slash = path.find('/', 1);
  return slash != std::string::npos && slash + 1 < path.size();
}

int ConnectLocal(int port) {
  const int fd = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  addr.sin_port = htons(static_cast<uint16_t>(port));
  if (connect(fd, reinterpret_cast<sockaddr*>(&addr), sizeof addr) != 0) {
    close(fd);
    return -1;
  }
  return fd;
}

// Forwards a request, asking the upstream to close after its answer; the body of
// an object PUT is flipped when `flip_puts` and `take_flip()` say so.
bool ForwardRequest(Head& request, int client, int upstream, bool flip_puts,
                    const std::function<bool()>& take_flip) {
  std::erase_if(request.lines, [](const std::string& line) {
    return strncasecmp(line.c_str(), "connection:", 11) == 0;
  });
  request.lines.push_back("Connection: close");
  const uint64_t length = request.ContentLength(0);
  const bool flip = flip_puts && request.Method() == "PUT" && IsObjectPath(request.start_line) &&
                    length > 0 && request.Header("x-amz-copy-source").empty() && take_flip();
  if (!SendAll(upstream, request.Serialize())) return false;
  Pump(client, upstream, request.rest, length, flip ? length / 2 : kNoFlip);
  return true;
}

// Forwards the answer to `request`; the body of a successful object GET is flipped
// when `flip_gets` and `take_flip()` say so.
void ForwardResponse(const Head& request, int upstream, int client, bool flip_gets,
                     const std::function<bool()>& take_flip) {
  const std::optional<Head> response = ReadHead(upstream);
  if (!response) return;
  const bool bodiless =
      request.Method() == "HEAD" || response->start_line.find(" 204") != std::string::npos;
  const uint64_t length = bodiless ? 0 : response->ContentLength(kToEof);
  const bool flip = flip_gets && request.Method() == "GET" && IsObjectPath(request.start_line) &&
                    response->start_line.find(" 20") != std::string::npos && length > 0 &&
                    length != kToEof && take_flip();
  if (!SendAll(client, response->Serialize())) return;
  Pump(upstream, client, response->rest, length, flip ? length / 2 : kNoFlip);
}

}  // namespace

FlippingProxy::FlippingProxy(int upstream_port, Target target, int max_flips)
    : upstream_port_(upstream_port), target_(target), max_flips_(max_flips) {
  listener_ = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  socklen_t length = sizeof addr;
  if (bind(listener_, reinterpret_cast<sockaddr*>(&addr), sizeof addr) == 0 &&
      listen(listener_, 64) == 0 &&
      getsockname(listener_, reinterpret_cast<sockaddr*>(&addr), &length) == 0) {
    port_ = ntohs(addr.sin_port);
  }
  acceptor_ = std::thread([this] { Accept(); });
}

FlippingProxy::~FlippingProxy() {
  shutdown(listener_, SHUT_RDWR);
  acceptor_.join();
  close(listener_);
  {
    std::lock_guard lock(mu_);
    for (int fd : open_fds_) shutdown(fd, SHUT_RDWR);
  }
  for (std::thread& connection : connections_) connection.join();
}

std::string FlippingProxy::endpoint() const { return "http://127.0.0.1:" + std::to_string(port_); }

bool FlippingProxy::TakeFlip() {
  int taken = flips_.load();
  while (taken < max_flips_) {
    if (flips_.compare_exchange_weak(taken, taken + 1)) return true;
  }
  return false;
}

void FlippingProxy::Accept() {
  while (true) {
    const int client = accept4(listener_, nullptr, nullptr, SOCK_CLOEXEC);
    if (client < 0) return;
    std::lock_guard lock(mu_);
    open_fds_.insert(client);
    connections_.emplace_back([this, client] { Serve(client); });
  }
}

void FlippingProxy::Serve(int client) {
  const int upstream = ConnectLocal(upstream_port_);
  if (upstream >= 0) {
    {
      std::lock_guard lock(mu_);
      open_fds_.insert(upstream);
    }
    const auto take_flip = [this] { return TakeFlip(); };
    std::optional<Head> request = ReadHead(client);
    if (request &&
        ForwardRequest(*request, client, upstream, target_ == Target::kPutRequests, take_flip)) {
      ForwardResponse(*request, upstream, client, target_ == Target::kGetResponses, take_flip);
    }
  }
  std::lock_guard lock(mu_);
  for (int fd : {client, upstream}) {
    if (fd < 0) continue;
    open_fds_.erase(fd);
    close(fd);
  }
}

}  // namespace deltaglider::testing
