// ScriptedServer: a local HTTP/1.1 server on 127.0.0.1 for the S3 adapter's
// tests, answering each request (one per connection) with the next canned Reply,
// or dropping the connection, or cutting the body short; once the script runs out
// it answers 500. It records what it received. For faults moto cannot produce and
// for the credential endpoints (container, EC2 metadata). Test-only.
#pragma once

#include <arpa/inet.h>
#include <gtest/gtest.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <atomic>
#include <cctype>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

namespace deltaglider::s3test {

struct Reply {
  enum class Kind { kNormal, kDrop, kTruncate };
  int status = 200;
  std::string body;
  std::vector<std::string> headers;  // "Name: value"
  Kind kind = Kind::kNormal;
};

struct Seen {
  std::string method;
  std::string target;   // path?query as sent
  std::string headers;  // raw header block, lower-cased names not guaranteed
  std::string body;

  std::string Header(const std::string& name) const {
    // Case-insensitive search for "\nname:".
    std::string lower = headers;
    for (char& c : lower) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    const size_t at = lower.find("\n" + name + ":");
    if (at == std::string::npos) return "";
    size_t start = at + name.size() + 2;
    while (start < headers.size() && headers[start] == ' ') ++start;
    return headers.substr(start, headers.find("\r\n", start) - start);
  }
};

// Serves one request per connection, in order, from `script`; once the script
// runs out it answers 500.
class ScriptedServer {
 public:
  explicit ScriptedServer(std::vector<Reply> script) : script_(std::move(script)) {
    listener_ = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
    sockaddr_in addr{};
    addr.sin_family = AF_INET;
    addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    socklen_t length = sizeof addr;
    if (bind(listener_, reinterpret_cast<sockaddr*>(&addr), sizeof addr) != 0 ||
        listen(listener_, 16) != 0 ||
        getsockname(listener_, reinterpret_cast<sockaddr*>(&addr), &length) != 0) {
      ADD_FAILURE() << "cannot listen";
    }
    port_ = ntohs(addr.sin_port);
    thread_ = std::thread([this] { Serve(); });
  }

  ~ScriptedServer() {
    stop_ = true;
    shutdown(listener_, SHUT_RDWR);
    close(listener_);
    thread_.join();
  }

  std::string endpoint() const { return "http://127.0.0.1:" + std::to_string(port_); }
  int port() const { return port_; }

  std::vector<Seen> seen() {
    std::lock_guard lock(mu_);
    return seen_;
  }

 private:
  void Serve() {
    size_t next = 0;
    while (!stop_) {
      const int fd = accept(listener_, nullptr, nullptr);
      if (fd < 0) return;
      Seen request = ReadRequest(fd);
      {
        std::lock_guard lock(mu_);
        seen_.push_back(request);
      }
      Reply reply =
          next < script_.size() ? script_[next] : Reply{500, "", {}, Reply::Kind::kNormal};
      ++next;
      if (reply.kind != Reply::Kind::kDrop) {
        std::string head = "HTTP/1.1 " + std::to_string(reply.status) + " X\r\n";
        const size_t length =
            reply.kind == Reply::Kind::kTruncate ? reply.body.size() * 10 : reply.body.size();
        head += "Content-Length: " + std::to_string(length) + "\r\nConnection: close\r\n";
        for (const std::string& header : reply.headers) head += header + "\r\n";
        head += "\r\n";
        const std::string all = head + (request.method == "HEAD" ? "" : reply.body);
        (void)send(fd, all.data(), all.size(), MSG_NOSIGNAL);
      }
      close(fd);
    }
  }

  static Seen ReadRequest(int fd) {
    std::string data;
    char buffer[8192];
    size_t header_end = std::string::npos;
    while (header_end == std::string::npos) {
      const ssize_t n = recv(fd, buffer, sizeof buffer, 0);
      if (n <= 0) return {};
      data.append(buffer, static_cast<size_t>(n));
      header_end = data.find("\r\n\r\n");
    }
    Seen seen;
    const size_t line_end = data.find("\r\n");
    const std::string line = data.substr(0, line_end);
    seen.method = line.substr(0, line.find(' '));
    seen.target = line.substr(line.find(' ') + 1, line.rfind(' ') - line.find(' ') - 1);
    seen.headers = data.substr(line_end, header_end - line_end + 2);
    const std::string length_text = seen.Header("content-length");
    const size_t length = length_text.empty() ? 0 : std::stoul(length_text);
    seen.body = data.substr(header_end + 4);
    while (seen.body.size() < length) {
      const ssize_t n = recv(fd, buffer, sizeof buffer, 0);
      if (n <= 0) break;
      seen.body.append(buffer, static_cast<size_t>(n));
    }
    return seen;
  }

  std::vector<Reply> script_;
  int listener_ = -1;
  int port_ = 0;
  std::atomic<bool> stop_{false};
  std::thread thread_;
  std::mutex mu_;
  std::vector<Seen> seen_;
};

}  // namespace deltaglider::s3test
