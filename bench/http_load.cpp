#include "http_load.hpp"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <sys/socket.h>
#include <unistd.h>

#include <atomic>
#include <cctype>
#include <cstdlib>
#include <memory>
#include <cerrno>
#include <chrono>
#include <cstring>
#include <mutex>
#include <stdexcept>
#include <string_view>

#include "util/ascii.hpp"

namespace flowlink::bench {
namespace {

using Clock = std::chrono::steady_clock;

int connect_loopback(int port) {
  int fd = ::socket(AF_INET, SOCK_STREAM, 0);
  if (fd < 0) throw std::runtime_error(std::string("socket: ") + std::strerror(errno));
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_port = htons(static_cast<uint16_t>(port));
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  if (::connect(fd, reinterpret_cast<sockaddr*>(&addr), sizeof addr) != 0) {
    int e = errno;
    ::close(fd);
    throw std::runtime_error("connect 127.0.0.1:" + std::to_string(port) + ": " + std::strerror(e));
  }
  int one = 1;
  ::setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
  return fd;
}

bool send_all(int fd, std::string_view data) {
  while (!data.empty()) {
    ssize_t n = ::send(fd, data.data(), data.size(), MSG_NOSIGNAL);
    if (n <= 0) {
      if (n < 0 && errno == EINTR) continue;
      return false;
    }
    data.remove_prefix(static_cast<size_t>(n));
  }
  return true;
}

// Reads HTTP/1.1 answers from one connection; keeps bytes that belong to the
// next answer in its buffer.
class Reader {
 public:
  explicit Reader(int fd) : fd_(fd) {}

  // False when the connection closed before a whole answer arrived.
  bool read_answer(HttpAnswer& out, bool keep_body) {
    size_t header_end;
    while ((header_end = buffer_.find("\r\n\r\n", start_)) == std::string::npos)
      if (!fill()) return false;
    std::string_view head(buffer_.data() + start_, header_end - start_);
    out = HttpAnswer{};
    size_t line_end = head.find("\r\n");
    std::string_view status_line = head.substr(0, line_end);
    size_t sp = status_line.find(' ');
    if (sp == std::string_view::npos) return false;
    out.status = std::atoi(std::string(status_line.substr(sp + 1, 3)).c_str());
    size_t pos = line_end == std::string_view::npos ? head.size() : line_end + 2;
    while (pos < head.size()) {
      size_t end = head.find("\r\n", pos);
      if (end == std::string_view::npos) end = head.size();
      std::string_view line = head.substr(pos, end - pos);
      size_t colon = line.find(':');
      if (colon != std::string_view::npos) {
        std::string_view value = line.substr(colon + 1);
        while (!value.empty() && value.front() == ' ') value.remove_prefix(1);
        out.headers[flowlink::util::ascii_lower(line.substr(0, colon))] = std::string(value);
      }
      pos = end + 2;
    }
    start_ = header_end + 4;
    body_bytes_ = 0;
    if (auto te = out.headers.find("transfer-encoding"); te != out.headers.end() && flowlink::util::ascii_lower(te->second) == "chunked") {
      for (;;) {
        size_t eol;
        while ((eol = buffer_.find("\r\n", start_)) == std::string::npos)
          if (!fill()) return false;
        size_t size = std::stoul(buffer_.substr(start_, eol - start_), nullptr, 16);
        start_ = eol + 2;
        if (!take(size + 2, out, keep_body)) return false;  // data + CRLF
        if (keep_body && size + 2 <= out.body.size()) out.body.resize(out.body.size() - 2);
        body_bytes_ -= 2;
        if (size == 0) break;
      }
    } else {
      size_t length = 0;
      if (auto cl = out.headers.find("content-length"); cl != out.headers.end()) length = std::stoul(cl->second);
      if (!take(length, out, keep_body)) return false;
    }
    compact();
    return true;
  }

  std::uint64_t body_bytes() const { return body_bytes_; }

 private:
  bool fill() {
    char chunk[256 * 1024];
    for (;;) {
      ssize_t n = ::recv(fd_, chunk, sizeof chunk, 0);
      if (n > 0) {
        buffer_.append(chunk, static_cast<size_t>(n));
        return true;
      }
      if (n < 0 && errno == EINTR) continue;
      return false;
    }
  }

  bool take(size_t n, HttpAnswer& out, bool keep_body) {
    if (!keep_body) return skip(n);
    while (buffer_.size() - start_ < n)
      if (!fill()) return false;
    if (keep_body) out.body.append(buffer_, start_, n);
    start_ += n;
    body_bytes_ += n;
    return true;
  }

  // A body the caller does not keep is read straight into a scratch buffer and
  // dropped, as wrk does: copying 0.86 MB answers into buffer_ cost the load
  // generator CPU that, on 2 shared cores, the server under test then lacked.
  bool skip(size_t n) {
    const size_t have = std::min(n, buffer_.size() - start_);
    start_ += have;
    body_bytes_ += have;
    n -= have;
    while (n > 0) {
      ssize_t got = ::recv(fd_, scratch_.data(), scratch_.size(), 0);
      if (got < 0 && errno == EINTR) continue;
      if (got <= 0) return false;
      const size_t used = std::min(n, static_cast<size_t>(got));
      n -= used;
      body_bytes_ += used;
      if (static_cast<size_t>(got) > used) buffer_.append(scratch_.data() + used, static_cast<size_t>(got) - used);
    }
    return true;
  }

  void compact() {
    if (start_ > 1 << 20 || start_ == buffer_.size()) {
      buffer_.erase(0, start_);
      start_ = 0;
    }
  }

  int fd_;
  std::vector<char> scratch_ = std::vector<char>(256 * 1024);
  std::string buffer_;
  size_t start_ = 0;
  std::uint64_t body_bytes_ = 0;
};

std::string request_text(const std::string& method, const std::string& path,
                         const std::vector<std::string>& headers, const std::string& body) {
  std::string r = method + " " + path + " HTTP/1.1\r\nHost: 127.0.0.1\r\n";
  for (const auto& h : headers) r += h + "\r\n";
  if (!body.empty() || method == "POST") r += "Content-Length: " + std::to_string(body.size()) + "\r\n";
  r += "\r\n";
  return r + body;
}

}  // namespace

std::uint64_t LoadResult::non_ok() const {
  std::uint64_t n = 0;
  for (const auto& [status, count] : statuses)
    if (status != 200) n += count;
  return n;
}

HttpAnswer http_once(int port, const std::string& method, const std::string& path,
                     const std::vector<std::string>& headers, const std::string& body) {
  int fd = connect_loopback(port);
  std::vector<std::string> all = headers;
  all.push_back("Connection: close");
  HttpAnswer answer;
  bool ok = send_all(fd, request_text(method, path, all, body));
  if (ok) {
    Reader reader(fd);
    ok = reader.read_answer(answer, true);
  }
  ::close(fd);
  if (!ok) throw std::runtime_error(method + " " + path + ": connection closed without an answer");
  return answer;
}

LoadResult run_load(int port, const PathPicker& pick, const std::vector<std::string>& headers,
                    int connections, double seconds) {
  std::mutex merge;
  LoadResult total;
  std::atomic<bool> failed{false};
  std::string failure;
  std::vector<std::thread> threads;
  const auto begin = Clock::now();
  const auto deadline = begin + std::chrono::duration_cast<Clock::duration>(std::chrono::duration<double>(seconds));
  for (int c = 0; c < connections; ++c) {
    threads.emplace_back([&, c] {
      LoadResult mine;
      std::mt19937_64 rng(0x5eed + c);
      try {
        int fd = connect_loopback(port);
        auto reader = std::make_unique<Reader>(fd);
        HttpAnswer answer;
        while (Clock::now() < deadline) {
          std::string req = request_text("GET", pick(rng), headers, {});
          if (!send_all(fd, req) || !reader->read_answer(answer, false)) {
            // The server closed the connection (it may after N requests): reconnect.
            ::close(fd);
            fd = connect_loopback(port);
            reader = std::make_unique<Reader>(fd);
            ++mine.reconnects;
            continue;
          }
          ++mine.requests;
          mine.body_bytes += reader->body_bytes();
          ++mine.statuses[answer.status];
          auto conn = answer.headers.find("connection");
          if (conn != answer.headers.end() && flowlink::util::ascii_lower(conn->second) == "close") {
            ::close(fd);
            fd = connect_loopback(port);
            reader = std::make_unique<Reader>(fd);
            ++mine.reconnects;
          }
        }
        ::close(fd);
      } catch (const std::exception& e) {
        std::lock_guard lock(merge);
        failed = true;
        failure = e.what();
      }
      std::lock_guard lock(merge);
      total.requests += mine.requests;
      total.body_bytes += mine.body_bytes;
      total.reconnects += mine.reconnects;
      for (const auto& [s, n] : mine.statuses) total.statuses[s] += n;
    });
  }
  for (auto& t : threads) t.join();
  total.seconds = std::chrono::duration<double>(Clock::now() - begin).count();
  if (failed) throw std::runtime_error("load generator: " + failure);
  return total;
}

FloorServer::FloorServer() {
  listen_fd_ = ::socket(AF_INET, SOCK_STREAM, 0);
  int one = 1;
  ::setsockopt(listen_fd_, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one);
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  if (::bind(listen_fd_, reinterpret_cast<sockaddr*>(&addr), sizeof addr) != 0 || ::listen(listen_fd_, 64) != 0)
    throw std::runtime_error(std::string("floor server: ") + std::strerror(errno));
  socklen_t len = sizeof addr;
  ::getsockname(listen_fd_, reinterpret_cast<sockaddr*>(&addr), &len);
  port_ = ntohs(addr.sin_port);
  acceptor_ = std::thread([this] { accept_loop(); });
}

void FloorServer::accept_loop() {
  for (;;) {
    int fd = ::accept(listen_fd_, nullptr, nullptr);
    if (fd < 0) return;  // the listening socket was shut down
    int one = 1;
    ::setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
    connection_fds_.push_back(fd);
    workers_.emplace_back([fd] {
      static constexpr std::string_view answer =
          "HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: 2\r\n\r\n{}";
      std::string buffer;
      char chunk[16 * 1024];
      for (;;) {
        ssize_t n = ::recv(fd, chunk, sizeof chunk, 0);
        if (n <= 0) return;
        buffer.append(chunk, static_cast<size_t>(n));
        size_t end;
        while ((end = buffer.find("\r\n\r\n")) != std::string::npos) {  // GETs carry no body
          buffer.erase(0, end + 4);
          if (!send_all(fd, answer)) return;
        }
      }
    });
  }
}

FloorServer::~FloorServer() {
  ::shutdown(listen_fd_, SHUT_RDWR);
  ::close(listen_fd_);
  acceptor_.join();
  for (int fd : connection_fds_) ::shutdown(fd, SHUT_RDWR);
  for (auto& w : workers_) w.join();
  for (int fd : connection_fds_) ::close(fd);
}

}  // namespace flowlink::bench
