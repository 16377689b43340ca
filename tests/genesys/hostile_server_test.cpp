// A server that lies: a scripted HTTP/1.1 server on loopback (raw sockets, one
// thread) answering whatever a test wants, so that the client's defences are
// exercised over a real socket: an access token that would inject headers,
// an error body that echoes the credentials, a listing that claims 10^9 pages
// or never stops linking to a next page.

#include <doctest/doctest.h>

#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <atomic>
#include <functional>
#include <string>
#include <thread>

#include "genesys/flow_api.hpp"
#include "util/encoding.hpp"

using namespace flowlink::genesys;

namespace {

struct Answer {
  int status = 200;
  std::string body;
};

// Serves one request a connection (Connection: close), from `script`.
class ScriptedServer {
 public:
  explicit ScriptedServer(std::function<Answer(const std::string& method, const std::string& target,
                                               const std::string& head)> script)
      : script_(std::move(script)) {
    fd_ = ::socket(AF_INET, SOCK_STREAM, 0);
    int one = 1;
    ::setsockopt(fd_, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one);
    sockaddr_in addr{};
    addr.sin_family = AF_INET;
    addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    REQUIRE(::bind(fd_, reinterpret_cast<sockaddr*>(&addr), sizeof addr) == 0);
    socklen_t len = sizeof addr;
    ::getsockname(fd_, reinterpret_cast<sockaddr*>(&addr), &len);
    port_ = ntohs(addr.sin_port);
    REQUIRE(::listen(fd_, 64) == 0);
    thread_ = std::thread([this] { serve(); });
  }
  ~ScriptedServer() {
    stopping_ = true;
    ::shutdown(fd_, SHUT_RDWR);
    ::close(fd_);
    thread_.join();
  }
  std::string url() const { return "http://127.0.0.1:" + std::to_string(port_); }
  int requests() const { return requests_.load(); }

 private:
  void serve() {
    while (!stopping_) {
      const int client = ::accept(fd_, nullptr, nullptr);
      if (client < 0) return;
      std::string head;
      char buffer[4096];
      while (head.find("\r\n\r\n") == std::string::npos) {
        const ssize_t n = ::recv(client, buffer, sizeof buffer, 0);
        if (n <= 0) break;
        head.append(buffer, static_cast<std::size_t>(n));
      }
      ++requests_;
      const auto first_space = head.find(' ');
      const auto second_space = head.find(' ', first_space + 1);
      const std::string method = head.substr(0, first_space);
      const std::string target = head.substr(first_space + 1, second_space - first_space - 1);
      const Answer answer = script_(method, target, head);
      const std::string response = "HTTP/1.1 " + std::to_string(answer.status) +
                                   " X\r\nContent-Type: application/json\r\nContent-Length: " +
                                   std::to_string(answer.body.size()) + "\r\nConnection: close\r\n\r\n" + answer.body;
      for (std::size_t sent = 0; sent < response.size();) {
        const ssize_t n = ::send(client, response.data() + sent, response.size() - sent, MSG_NOSIGNAL);
        if (n <= 0) break;
        sent += static_cast<std::size_t>(n);
      }
      ::close(client);
    }
  }
  std::function<Answer(const std::string&, const std::string&, const std::string&)> script_;
  int fd_ = -1;
  int port_ = 0;
  std::atomic<bool> stopping_{false};
  std::atomic<int> requests_{0};
  std::thread thread_;
};

const char* kSecret = "hostile-test-secret-9f8e7d";

ClientOptions options_for(const ScriptedServer& server) {
  ClientOptions options;
  options.api_url = server.url();
  options.login_url = server.url();
  options.client_id = "hostile-client";
  options.client_secret = kSecret;
  options.max_retries = 1;
  options.retry_base = std::chrono::milliseconds(1);
  options.parallelism = 2;
  return options;
}

Answer token(const std::string& access_token) {
  return {200, nlohmann::json{{"access_token", access_token}, {"token_type", "bearer"}, {"expires_in", 3600}}.dump()};
}

}  // namespace

TEST_CASE("an access token that holds CR/LF is refused, not sent as a header") {
  ScriptedServer server([](const std::string&, const std::string& target, const std::string&) -> Answer {
    if (target == "/oauth/token") return token("abc\r\nX-Injected: yes");
    return {200, "{}"};
  });
  auto api = make_http_flow_api(options_for(server));
  try {
    api->get_flow("f1");
    FAIL("expected ApiError");
  } catch (const ApiError& e) {
    CHECK(std::string(e.what()).find("control characters") != std::string::npos);
  }
  CHECK(server.requests() == 1);  // only the token request: no API call carried the token
}

TEST_CASE("a server that echoes the credentials back does not get them printed, in any form") {
  const std::string basic = flowlink::util::base64_encode(std::string("hostile-client:") + kSecret);
  ScriptedServer server([&](const std::string&, const std::string&, const std::string& head) -> Answer {
    // Echo every header, as a misconfigured proxy might.
    return {401, nlohmann::json{{"message", "denied: " + head}, {"code", "bad.credentials"}}.dump()};
  });
  auto api = make_http_flow_api(options_for(server));
  try {
    api->get_flow("f1");
    FAIL("expected ApiError");
  } catch (const ApiError& e) {
    const std::string what = e.what();
    CHECK(what.find("denied") != std::string::npos);  // the message is kept...
    CHECK(what.find(kSecret) == std::string::npos);   // ...without the secret
    CHECK(what.find(basic) == std::string::npos);     // ...or its Basic form
  }
}

TEST_CASE("a listing that claims 10^9 pages is refused, naming what the server sent") {
  ScriptedServer server([](const std::string&, const std::string& target, const std::string&) -> Answer {
    if (target == "/oauth/token") return token("good-token");
    return {200, R"({"entities":[],"pageSize":500,"pageNumber":1,"total":3,"pageCount":1000000000})"};
  });
  auto api = make_http_flow_api(options_for(server));
  try {
    api->list_flows(ListFlowsQuery{});
    FAIL("expected ApiError");
  } catch (const ApiError& e) {
    CHECK(std::string(e.what()).find("the server sent pageCount 1000000000") != std::string::npos);
  }
  CHECK(server.requests() == 2);  // the token and the first page: no page beyond
}

TEST_CASE("an endless nextUri chain is cut off with an error, not followed forever") {
  std::atomic<int> pages{0};
  ScriptedServer server([&](const std::string&, const std::string& target, const std::string&) -> Answer {
    if (target == "/oauth/token") return token("good-token");
    const int n = ++pages;
    return {200, nlohmann::json{{"entities", nlohmann::json::array()},
                                {"nextUri", "/api/v2/flows?pageNumber=" + std::to_string(n + 1)}}
                     .dump()};
  });
  auto api = make_http_flow_api(options_for(server));
  CHECK_THROWS_WITH_AS(api->list_flows(ListFlowsQuery{}), doctest::Contains("nextUri chain"), ApiError);
  CHECK(pages.load() <= 10001);
}

TEST_CASE("a listing page or an answer nested 100,000 deep is refused, naming the limit, not copied into a crash") {
  const std::string deep = std::string(100000, '[') + std::string(100000, ']');
  ScriptedServer server([&](const std::string&, const std::string& target, const std::string&) -> Answer {
    if (target == "/oauth/token") return token("good-token");
    if (target.rfind("/api/v2/flows?", 0) == 0)
      return {200, R"({"entities":[{"id":"f1","name":"x","type":"inboundcall","x":)" + deep +
                       R"(}],"pageSize":500,"pageNumber":1,"total":1,"pageCount":1})"};
    return {500, R"({"message":)" + deep + "}"};  // an error body as deep
  });
  auto api = make_http_flow_api(options_for(server));
  CHECK_THROWS_WITH_AS(api->list_flows(ListFlowsQuery{}),
                       doctest::Contains("the server sent JSON nested deeper than 512 levels; refused"), ApiError);
  CHECK_THROWS_AS(api->get_flow("f1"), ApiError);  // the deep error body is shown as text, not parsed
}
