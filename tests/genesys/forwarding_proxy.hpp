#pragma once
// A tiny HTTP forwarding proxy for tests: listens on a loopback port and
// relays every connection's bytes to one target port (the emulator, which
// takes the absolute-form request targets a client sends to a proxy), keeping
// what the clients sent so that a test can see the request lines and the
// Proxy-Authorization header.

#include <arpa/inet.h>
#include <netinet/in.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <atomic>
#include <mutex>
#include <stdexcept>
#include <string>
#include <thread>
#include <vector>

namespace flowlink::genesys::testing {

class ForwardingProxy {
 public:
  explicit ForwardingProxy(int target_port) : target_port_(target_port) {
    listener_ = ::socket(AF_INET, SOCK_STREAM, 0);
    sockaddr_in addr = loopback(0);
    if (listener_ < 0 || ::bind(listener_, reinterpret_cast<sockaddr*>(&addr), sizeof addr) != 0 ||
        ::listen(listener_, 16) != 0)
      throw std::runtime_error("ForwardingProxy: cannot listen");
    socklen_t size = sizeof addr;
    ::getsockname(listener_, reinterpret_cast<sockaddr*>(&addr), &size);
    port_ = ntohs(addr.sin_port);
    acceptor_ = std::thread([this] { accept_loop(); });
  }
  ~ForwardingProxy() {
    stopping_ = true;
    ::shutdown(listener_, SHUT_RDWR);
    ::close(listener_);
    acceptor_.join();
    for (auto& relay : relays_) relay.join();
  }
  ForwardingProxy(const ForwardingProxy&) = delete;
  ForwardingProxy& operator=(const ForwardingProxy&) = delete;

  int port() const { return port_; }
  // Everything clients sent through the proxy, in arrival order per connection.
  std::string received() const {
    std::lock_guard lock(mutex_);
    return received_;
  }

  // A port nothing listens on (bound, then closed).
  static int closed_port() {
    int fd = ::socket(AF_INET, SOCK_STREAM, 0);
    sockaddr_in addr = loopback(0);
    ::bind(fd, reinterpret_cast<sockaddr*>(&addr), sizeof addr);
    socklen_t size = sizeof addr;
    ::getsockname(fd, reinterpret_cast<sockaddr*>(&addr), &size);
    ::close(fd);
    return ntohs(addr.sin_port);
  }

 private:
  static sockaddr_in loopback(int port) {
    sockaddr_in addr{};
    addr.sin_family = AF_INET;
    addr.sin_port = htons(static_cast<uint16_t>(port));
    addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    return addr;
  }

  void accept_loop() {
    while (!stopping_) {
      int client = ::accept(listener_, nullptr, nullptr);
      if (client < 0) return;
      relays_.emplace_back([this, client] { relay(client); });
    }
  }

  // Pumps bytes both ways until either side closes, the proxy stops, or 10 s
  // pass in silence.
  void relay(int client) {
    int server = ::socket(AF_INET, SOCK_STREAM, 0);
    sockaddr_in addr = loopback(target_port_);
    if (::connect(server, reinterpret_cast<sockaddr*>(&addr), sizeof addr) != 0) {
      ::close(server);
      ::close(client);
      return;
    }
    pollfd fds[2] = {{client, POLLIN, 0}, {server, POLLIN, 0}};
    char buffer[16384];
    for (int idle_ms = 0; !stopping_ && idle_ms < 10000;) {
      const int ready = ::poll(fds, 2, 100);
      if (ready < 0) break;
      if (ready == 0) {
        idle_ms += 100;
        continue;
      }
      idle_ms = 0;
      bool closed = false;
      for (int i = 0; i < 2; ++i) {
        if (!(fds[i].revents & (POLLIN | POLLHUP | POLLERR))) continue;
        const ssize_t got = ::recv(fds[i].fd, buffer, sizeof buffer, 0);
        if (got <= 0) {
          closed = true;
          break;
        }
        if (i == 0) {
          std::lock_guard lock(mutex_);
          received_.append(buffer, static_cast<std::size_t>(got));
        }
        ::send(fds[1 - i].fd, buffer, static_cast<std::size_t>(got), MSG_NOSIGNAL);
      }
      if (closed) break;
    }
    ::close(server);
    ::close(client);
  }

  int target_port_;
  int listener_ = -1;
  int port_ = 0;
  std::atomic<bool> stopping_{false};
  std::thread acceptor_;
  std::vector<std::thread> relays_;  // touched only by the acceptor until it is joined
  mutable std::mutex mutex_;
  std::string received_;
};

}  // namespace flowlink::genesys::testing
