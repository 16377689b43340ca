#pragma once
// A small keep-alive HTTP/1.1 load generator over raw POSIX sockets, and a
// minimal in-process HTTP server used as the loopback floor in the same run.
// Raw sockets keep the client's own cost per request far below the server's,
// so on a shared 2-core box the figures describe the server, not the client.

#include <cstdint>
#include <functional>
#include <map>
#include <random>
#include <string>
#include <thread>
#include <vector>

namespace flowlink::bench {

struct HttpAnswer {
  int status = 0;
  std::map<std::string, std::string> headers;  // lowercase names
  std::string body;
};

// One request on a fresh connection (set-up calls: token, health).
HttpAnswer http_once(int port, const std::string& method, const std::string& path,
                     const std::vector<std::string>& headers, const std::string& body = {});

struct LoadResult {
  std::uint64_t requests = 0;       // answered, any status
  std::uint64_t body_bytes = 0;
  std::uint64_t reconnects = 0;
  std::map<int, std::uint64_t> statuses;
  double seconds = 0;
  double per_second() const { return seconds > 0 ? requests / seconds : 0; }
  double megabytes_per_second() const { return seconds > 0 ? body_bytes / seconds / 1e6 : 0; }
  std::uint64_t non_ok() const;
};

// Picks the path of the next request; each connection has its own generator.
using PathPicker = std::function<std::string(std::mt19937_64&)>;

// `connections` threads, each one keep-alive connection sending GETs back to
// back for `seconds`. `headers` are whole header lines without CRLF.
LoadResult run_load(int port, const PathPicker& pick, const std::vector<std::string>& headers,
                    int connections, double seconds);

// The floor: answers every request on a keep-alive connection with a fixed
// 2-byte JSON body, one thread per connection. Stops in the destructor.
class FloorServer {
 public:
  FloorServer();
  ~FloorServer();
  FloorServer(const FloorServer&) = delete;
  FloorServer& operator=(const FloorServer&) = delete;
  int port() const { return port_; }

 private:
  void accept_loop();
  int listen_fd_ = -1;
  int port_ = 0;
  std::thread acceptor_;
  std::vector<std::thread> workers_;
  std::vector<int> connection_fds_;
};

}  // namespace flowlink::bench
