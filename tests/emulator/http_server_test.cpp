// The emulator's HTTP/1.1 server (src/emulator/http_server.*) over real
// loopback sockets, with a small handler that echoes what it was given:
// keep-alive, pipelining, chunked and 100-continue bodies, HEAD, refused
// requests, large answers, latency, stop() with connections open, handlers
// that throw, idle and stalled connections, bytes >= 0x80 where digits belong.
#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <sys/time.h>
#include <unistd.h>

#include <atomic>
#include <chrono>
#include <cstring>
#include <mutex>
#include <stdexcept>
#include <string>
#include <thread>
#include <vector>

#include <doctest/doctest.h>
#include <nlohmann/json.hpp>

#include "emulator/emulator.hpp"
#include "emulator/http_server.hpp"

using flowlink::emulator::HttpServer;
using flowlink::emulator::HttpServerOptions;
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

namespace {

// A server whose handler throws what the path asks for, logging into `lines`.
struct ThrowingServer {
  std::mutex mutex;
  std::vector<std::string> lines;
  std::atomic<int> calls{0};
  HttpServer server;
  int port;

  explicit ThrowingServer(HttpServerOptions options = {})
      : server(
            [this](Request& request) -> Reply {
              ++calls;
              if (request.path == "/logic")
                throw std::logic_error("broken invariant; the caller sent " + request.header("authorization"));
              if (request.path == "/int") throw 42;
              Reply reply;
              reply.response = Response::json(200, nlohmann::ordered_json{{"path", request.path}});
              return reply;
            },
            with_log(std::move(options))),
        port(server.listen("127.0.0.1", 0)) {}

  HttpServerOptions with_log(HttpServerOptions options) {
    options.threads = 2;
    options.log = [this](std::string_view line) {
      std::lock_guard lock(mutex);
      lines.emplace_back(line);
    };
    return options;
  }
  std::vector<std::string> logged() {
    std::lock_guard lock(mutex);
    return lines;
  }
};

HttpServerOptions timeouts(int idle_ms, int request_ms) {
  HttpServerOptions options;
  options.threads = 2;
  options.idle_timeout = std::chrono::milliseconds(idle_ms);
  options.request_timeout = std::chrono::milliseconds(request_ms);
  return options;
}

using Clock = std::chrono::steady_clock;

}  // namespace

TEST_CASE("a handler that throws anything is answered 500 with an ErrorBody, logged without credentials, and the "
          "connection goes on") {
  ThrowingServer throwing;
  Socket socket(throwing.port);
  socket.send("GET /logic?q=1 HTTP/1.1\r\nAuthorization: Bearer tok-3f9a-secret\r\n\r\n");
  const auto logic = socket.read_answer();
  CHECK(logic.rfind("HTTP/1.1 500 Internal Error\r\n", 0) == 0);
  CHECK(logic.find("Connection: close") == std::string::npos);
  CHECK(logic.find("ININ-Correlation-Id: ") != std::string::npos);
  auto error = echo_of(logic);
  CHECK(error["status"] == 500);
  CHECK(error["code"] == "internal.server.error");
  CHECK(error["message"].get<std::string>().find("std::logic_error: broken invariant") != std::string::npos);
  CHECK_FALSE(error["contextId"].get<std::string>().empty());

  // The same connection: a handler throwing an int, then an ordinary request.
  socket.send("POST /int HTTP/1.1\r\nAuthorization: Basic Zmxvd2xpbmstdGVzdDpodW50ZXIy\r\nContent-Length: 2\r\n\r\nab"
              "GET /fine HTTP/1.1\r\n\r\n");
  auto thrown_int = echo_of(socket.read_answer());
  CHECK(thrown_int["status"] == 500);
  CHECK(thrown_int["message"].get<std::string>().find("a thrown int (not a std::exception)") != std::string::npos);
  CHECK(echo_of(socket.read_answer())["path"] == "/fine");
  CHECK(throwing.calls == 3);

  const auto lines = throwing.logged();
  REQUIRE(lines.size() == 2);
  CHECK(lines[0].find("GET /logic (correlation id " + error["contextId"].get<std::string>() + ")") !=
        std::string::npos);
  CHECK(lines[0].find("broken invariant; the caller sent [redacted]") != std::string::npos);
  CHECK(lines[1].find("POST /int") != std::string::npos);
  CHECK(lines[1].find("a thrown int") != std::string::npos);
  for (const auto& line : lines) {
    CAPTURE(line);
    CHECK(line.find("tok-3f9a-secret") == std::string::npos);
    CHECK(line.find("q=1") == std::string::npos);  // no query
    CHECK(line.find("Zmxvd2xpbmstdGVzdDpodW50ZXIy") == std::string::npos);
    CHECK(line.find('\n') == std::string::npos);
  }
}

TEST_CASE("an idle connection is closed after the idle timeout, fresh or kept alive after an answer") {
  ThrowingServer server(timeouts(200, 5000));
  {
    Socket fresh(server.port);
    const auto started = Clock::now();
    CHECK(fresh.read_to_eof().empty());  // closed without an answer
    const auto waited = Clock::now() - started;
    CHECK(waited >= std::chrono::milliseconds(150));
    CHECK(waited < std::chrono::seconds(5));
  }
  {
    Socket kept(server.port);
    kept.send("GET /a HTTP/1.1\r\n\r\n");
    CHECK(echo_of(kept.read_answer())["path"] == "/a");
    std::this_thread::sleep_for(std::chrono::milliseconds(50));
    kept.send("GET /b HTTP/1.1\r\n\r\n");  // within the timeout: still served
    CHECK(echo_of(kept.read_answer())["path"] == "/b");
    const auto started = Clock::now();
    CHECK(kept.closed_by_peer());
    CHECK(Clock::now() - started < std::chrono::seconds(5));
  }
}

TEST_CASE("a request that stalls or trickles past the request timeout is answered 408 and the connection closes") {
  ThrowingServer server(timeouts(10000, 300));
  struct Case {
    std::string name;
    std::string sent;
  };
  const Case cases[] = {
      {"half a head", "GET /x HTTP/1.1\r\nHost: h\r\n"},
      {"half a body", "PUT /x HTTP/1.1\r\nContent-Length: 10\r\n\r\nabc"},
      {"half a chunked body", "PUT /x HTTP/1.1\r\nTransfer-Encoding: chunked\r\n\r\n5\r\nab"},
      {"one byte of a head", "G"},
  };
  for (const auto& c : cases) {
    CAPTURE(c.name);
    Socket socket(server.port);
    const auto started = Clock::now();
    socket.send(c.sent);
    const auto all = socket.read_to_eof();
    CHECK(all.rfind("HTTP/1.1 408 Request Timeout\r\n", 0) == 0);
    CHECK(all.find("Connection: close\r\n") != std::string::npos);
    auto error = echo_of(all);
    CHECK(error["status"] == 408);
    CHECK(error["code"] == "request.timeout");
    CHECK(Clock::now() - started >= std::chrono::milliseconds(250));
  }
  {
    // A slow loris: a byte every 40 ms keeps each read short, but the whole
    // head is timed from its first byte.
    Socket loris(server.port);
    const std::string head = "GET /slow-loris HTTP/1.1\r\nX-Pad: " + std::string(100, 'p') + "\r\n\r\n";
    const auto started = Clock::now();
    for (std::size_t i = 0; i < 20; ++i) {  // 800 ms, well past the 300 ms
      loris.send(std::string(1, head[i]));
      std::this_thread::sleep_for(std::chrono::milliseconds(40));
    }
    const auto all = loris.read_to_eof();
    CHECK(all.rfind("HTTP/1.1 408 ", 0) == 0);
    CHECK(Clock::now() - started < std::chrono::seconds(5));
  }
  CHECK(server.calls == 0);
}

TEST_CASE("a client that stops reading a large answer is disconnected after the request timeout") {
  HttpServerOptions options = timeouts(10000, 300);
  std::atomic<int> calls{0};
  HttpServer server(
      [&calls](Request&) {
        ++calls;
        Reply reply;
        reply.response = Response::shared(200, std::make_shared<const std::string>(64 * 1024 * 1024, 'x'));
        return reply;
      },
      options);
  const int port = server.listen("127.0.0.1", 0);
  Socket reader(port);
  reader.send("GET /huge HTTP/1.1\r\n\r\n");
  std::this_thread::sleep_for(std::chrono::milliseconds(1500));  // not reading meanwhile
  const auto all = reader.read_to_eof();  // what the kernel buffered, then the close
  CHECK(calls == 1);
  CHECK(all.rfind("HTTP/1.1 200 OK\r\n", 0) == 0);
  CHECK(body_of(all).size() < 64u * 1024 * 1024);
}

TEST_CASE("bytes >= 0x80 where digits or token characters belong are refused, never read as digits") {
  EchoServer echo;
  struct Case {
    std::string request;
    int status;
  };
  const Case cases[] = {
      {"PUT /x HTTP/1.1\r\nContent-Length: \xd9\xa3\r\n\r\n", 400},  // ARABIC-INDIC DIGIT THREE
      {"PUT /x HTTP/1.1\r\nContent-Length: 1\xb2\r\n\r\nab", 400},    // '1', then a Latin-1 superscript two
      {"PUT /x HTTP/1.1\r\nTransfer-Encoding: chunked\r\n\r\n\xef\xbc\x93\r\nabc\r\n0\r\n\r\n", 400},  // FULLWIDTH THREE
      {"PUT /x HTTP/1.1\r\nTransfer-Encoding: chunked\r\n\r\n3\xff\r\nabc\r\n0\r\n\r\n", 400},
      {"G\xc9T /x HTTP/1.1\r\n\r\n", 400},
      {"GET /x HTTP/1.1\r\nX-\xe9: 1\r\n\r\n", 400},
      {"GET /x HTTP/1.\xb9\r\n\r\n", 505},  // "HTTP/" then not a version
  };
  for (const auto& c : cases) {
    CAPTURE(c.request);
    Socket socket(echo.port);
    socket.send(c.request);
    const auto all = socket.read_to_eof();
    CHECK(all.rfind("HTTP/1.1 " + std::to_string(c.status) + " ", 0) == 0);
    CHECK(echo_of(all)["status"] == c.status);
  }
  CHECK(echo.calls == 0);
}

TEST_CASE("the emulator's connections time out as EmulatorOptions say") {
  flowlink::emulator::EmulatorOptions options;
  options.idle_timeout = std::chrono::milliseconds(200);
  options.request_timeout = std::chrono::milliseconds(300);
  options.io_threads = 2;
  flowlink::emulator::Emulator emulator(options);
  emulator.start();
  {
    Socket idle(emulator.port());
    const auto started = Clock::now();
    CHECK(idle.read_to_eof().empty());
    CHECK(Clock::now() - started < std::chrono::seconds(5));
  }
  {
    Socket stalled(emulator.port());
    stalled.send("GET /_emulator/health HTTP/1.1\r\n");
    CHECK(stalled.read_to_eof().rfind("HTTP/1.1 408 ", 0) == 0);
  }
}
