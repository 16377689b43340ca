// The emulator's HTTP/1.1 server (src/emulator/http_server.*) over real
// loopback sockets, with a small handler that echoes what it was given:
// keep-alive, pipelining, chunked and 100-continue bodies, HEAD, refused
// requests, large answers, latency, and stop() with connections open.
#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <sys/time.h>
#include <unistd.h>

#include <atomic>
#include <chrono>
#include <cstring>
#include <stdexcept>
#include <string>

#include <doctest/doctest.h>
#include <nlohmann/json.hpp>

#include "emulator/http_server.hpp"

using flowlink::emulator::HttpServer;
using flowlink::emulator::Reply;
using flowlink::emulator::Request;
using flowlink::emulator::Response;

namespace {

// A raw client connection: what is sent is exactly what the test wrote.
class Socket {
 public:
  explicit Socket(int port) : fd_(::socket(AF_INET, SOCK_STREAM, 0)) {
    sockaddr_in addr{};
    addr.sin_family = AF_INET;
    addr.sin_port = htons(static_cast<uint16_t>(port));
    addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    timeval timeout{10, 0};  // a hung server fails the test instead of hanging it
    ::setsockopt(fd_, SOL_SOCKET, SO_RCVTIMEO, &timeout, sizeof timeout);
    if (::connect(fd_, reinterpret_cast<sockaddr*>(&addr), sizeof addr) != 0) throw std::runtime_error("connect failed");
  }
  ~Socket() { ::close(fd_); }
  void send(const std::string& bytes) {
    std::size_t sent = 0;
    while (sent < bytes.size()) {
      auto n = ::send(fd_, bytes.data() + sent, bytes.size() - sent, MSG_NOSIGNAL);
      if (n <= 0) throw std::runtime_error("send failed");
      sent += static_cast<std::size_t>(n);
    }
  }
  // Reads until `pred(buffer)` holds or the peer closes; returns what arrived.
  template <typename Pred>
  std::string read_until(Pred pred) {
    while (!pred(buffer_)) {
      char chunk[64 * 1024];
      auto n = ::recv(fd_, chunk, sizeof chunk, 0);
      if (n <= 0) break;
      buffer_.append(chunk, static_cast<std::size_t>(n));
    }
    return buffer_;
  }
  std::string read_to_eof() {
    return read_until([](const std::string&) { return false; });
  }
  // One whole answer with a Content-Length (what this server always sends).
  std::string read_answer() {
    std::string all = read_until([](const std::string& b) {
      auto end = b.find("\r\n\r\n");
      if (end == std::string::npos) return false;
      auto cl = b.find("Content-Length: ");
      if (cl == std::string::npos || cl > end) return true;
      return b.size() >= end + 4 + std::stoul(b.substr(cl + 16));
    });
    auto end = all.find("\r\n\r\n");
    REQUIRE(end != std::string::npos);
    auto cl = all.find("Content-Length: ");
    std::size_t length = cl < end ? std::stoul(all.substr(cl + 16)) : 0;
    std::string answer = all.substr(0, end + 4 + length);
    buffer_.erase(0, answer.size());
    return answer;
  }
  bool closed_by_peer() {
    char c;
    return ::recv(fd_, &c, 1, 0) == 0;
  }

 private:
  int fd_;
  std::string buffer_;
};

std::string body_of(const std::string& answer) { return answer.substr(answer.find("\r\n\r\n") + 4); }

// Echoes the request as JSON; "/big/N" answers N bytes; "/slow" asks for a delay.
struct EchoServer {
  std::atomic<int> calls{0};
  HttpServer server{[this](Request& request) {
                      ++calls;
                      Reply reply;
                      if (request.path.rfind("/big/", 0) == 0) {
                        std::string big(std::stoul(request.path.substr(5)), 'x');
                        for (std::size_t i = 0; i < big.size(); i += 997) big[i] = static_cast<char>('a' + i % 26);
                        reply.response = Response::shared(200, std::make_shared<const std::string>(std::move(big)));
                        return reply;
                      }
                      if (request.path == "/slow") reply.delay = std::chrono::milliseconds(200);
                      nlohmann::ordered_json echo = {{"method", request.method},
                                                     {"path", request.path},
                                                     {"query", request.query.get_or("q", "")},
                                                     {"body", request.body},
                                                     {"x-dup", request.header("x-dup")}};
                      reply.response = Response::json(200, echo);
                      reply.response.headers.emplace_back("X-Echo", "1");
                      return reply;
                    },
                    2};
  int port = server.listen("127.0.0.1", 0);
};

nlohmann::json echo_of(const std::string& answer) { return nlohmann::json::parse(body_of(answer)); }

}  // namespace

TEST_CASE("keep-alive: several requests on one connection, pipelined or not") {
  EchoServer echo;
  Socket socket(echo.port);
  socket.send("GET /a%20b+c?q=x%2By HTTP/1.1\r\nHost: h\r\nX-Dup: 1\r\nX-Dup: 2\r\n\r\n");
  auto first = socket.read_answer();
  CHECK(first.rfind("HTTP/1.1 200 OK\r\nContent-Length: ", 0) == 0);
  CHECK(first.find("Connection: close") == std::string::npos);
  CHECK(first.find("X-Echo: 1\r\n") != std::string::npos);
  CHECK(echo_of(first)["path"] == "/a b+c");
  CHECK(echo_of(first)["query"] == "x+y");
  CHECK(echo_of(first)["x-dup"] == "1, 2");
  // Three requests in one write; the answers come back in order.
  socket.send("POST /one HTTP/1.1\r\nContent-Length: 3\r\n\r\nabcGET /two HTTP/1.1\r\n\r\nPUT /three HTTP/1.1\r\nContent-Length: 1\r\n\r\nZ");
  auto one = socket.read_answer(), two = socket.read_answer(), three = socket.read_answer();
  CHECK(echo_of(one)["body"] == "abc");
  CHECK(echo_of(two)["path"] == "/two");
  CHECK(echo_of(three)["body"] == "Z");
  CHECK(echo.calls == 4);
}

TEST_CASE("a head and a body that arrive in pieces are put back together") {
  EchoServer echo;
  Socket socket(echo.port);
  const std::string request = "PUT /pieces HTTP/1.1\r\nContent-Length: 10\r\n\r\n0123456789";
  for (char c : request) socket.send(std::string(1, c));
  CHECK(echo_of(socket.read_answer())["body"] == "0123456789");
}

TEST_CASE("chunked request bodies, with Expect: 100-continue") {
  EchoServer echo;
  Socket socket(echo.port);
  socket.send("PUT /c HTTP/1.1\r\nTransfer-Encoding: chunked\r\nExpect: 100-continue\r\n\r\n");
  auto interim = socket.read_until([](const std::string& b) { return b.find("\r\n\r\n") != std::string::npos; });
  CHECK(interim == "HTTP/1.1 100 Continue\r\n\r\n");
  socket.read_answer();  // consume the interim answer (no Content-Length: head only)
  socket.send("3\r\nabc\r\n2\r\nde\r\n0\r\n\r\nGET /after HTTP/1.1\r\n\r\n");
  CHECK(echo_of(socket.read_answer())["body"] == "abcde");
  CHECK(echo_of(socket.read_answer())["path"] == "/after");
}

TEST_CASE("Connection: close and HTTP/1.0 end the connection after the answer") {
  EchoServer echo;
  {
    Socket socket(echo.port);
    socket.send("GET /x HTTP/1.1\r\nConnection: close\r\n\r\n");
    auto all = socket.read_to_eof();
    CHECK(all.find("Connection: close\r\n") != std::string::npos);
    CHECK(echo_of(all)["path"] == "/x");
  }
  {
    Socket socket(echo.port);
    socket.send("GET /y HTTP/1.0\r\n\r\n");
    CHECK(echo_of(socket.read_to_eof())["path"] == "/y");
  }
}

TEST_CASE("HEAD answers the head only, with the length the body would have") {
  EchoServer echo;
  Socket socket(echo.port);
  socket.send("HEAD /big/5000 HTTP/1.1\r\nConnection: close\r\n\r\n");
  auto all = socket.read_to_eof();
  CHECK(all.find("Content-Length: 5000\r\n") != std::string::npos);
  CHECK(body_of(all).empty());
}

TEST_CASE("a large answer arrives whole and intact") {
  EchoServer echo;
  Socket socket(echo.port);
  for (int round = 0; round < 3; ++round) {
    socket.send("GET /big/3000000 HTTP/1.1\r\n\r\n");
    auto body = body_of(socket.read_answer());
    REQUIRE(body.size() == 3000000);
    CHECK(body[0] == 'a');
    CHECK(body[997] == static_cast<char>('a' + 997 % 26));
    CHECK(body[2999999] == 'x');
  }
}

TEST_CASE("requests that cannot be framed get an ErrorBody and the connection closes; the handler never sees them") {
  EchoServer echo;
  struct Case {
    std::string request;
    int status;
  };
  const Case cases[] = {
      {"GARBAGE\r\n\r\n", 400},
      {"GET /x HTTP/2.0\r\n\r\n", 505},
      {"GET /x%zz HTTP/1.1\r\n\r\n", 400},
      {"PUT /x HTTP/1.1\r\nContent-Length: 2\r\nContent-Length: 3\r\n\r\nab", 400},
      {"PUT /x HTTP/1.1\r\nTransfer-Encoding: gzip\r\n\r\n", 501},
      {"PUT /x HTTP/1.1\r\nContent-Length: 99999999999\r\n\r\n", 413},
      {"GET /x HTTP/1.1\r\nX: " + std::string(70 * 1024, 'a') + "\r\n\r\n", 431},
  };
  for (const auto& c : cases) {
    CAPTURE(c.request.substr(0, 60));
    Socket socket(echo.port);
    socket.send(c.request);
    auto all = socket.read_to_eof();  // ends: the server closed
    CHECK(all.rfind("HTTP/1.1 " + std::to_string(c.status) + " ", 0) == 0);
    CHECK(all.find("Connection: close\r\n") != std::string::npos);
    auto error = echo_of(all);
    CHECK(error["status"] == c.status);
    CHECK_FALSE(error["message"].get<std::string>().empty());
    CHECK_FALSE(error["contextId"].get<std::string>().empty());
  }
  CHECK(echo.calls == 0);
}

TEST_CASE("a delayed answer does not hold up other connections") {
  EchoServer echo;
  Socket slow(echo.port), fast(echo.port);
  const auto started = std::chrono::steady_clock::now();
  slow.send("GET /slow HTTP/1.1\r\n\r\n");
  fast.send("GET /fast HTTP/1.1\r\n\r\n");
  CHECK(echo_of(fast.read_answer())["path"] == "/fast");
  const auto fast_done = std::chrono::steady_clock::now() - started;
  CHECK(echo_of(slow.read_answer())["path"] == "/slow");
  const auto slow_done = std::chrono::steady_clock::now() - started;
  CHECK(slow_done >= std::chrono::milliseconds(200));  // the delay is honoured
  CHECK(fast_done < slow_done);
}

TEST_CASE("stop() closes open connections and frees the port; listen() reports a taken port") {
  auto echo = std::make_unique<EchoServer>();
  const int port = echo->port;
  Socket idle(port);
  idle.send("GET /x HTTP/1.1\r\n\r\n");
  idle.read_answer();
  echo->server.stop();
  CHECK(idle.closed_by_peer());
  echo->server.stop();  // idempotent

  HttpServer first([](Request&) { return Reply{}; }, 1);
  const int taken = first.listen("127.0.0.1", 0);
  HttpServer second([](Request&) { return Reply{}; }, 1);
  CHECK_THROWS_WITH_AS(second.listen("127.0.0.1", taken), doctest::Contains("cannot listen on 127.0.0.1:"),
                       std::runtime_error);
}
