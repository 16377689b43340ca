// A server that lies: a scripted HTTP/1.1 server on loopback (raw sockets, one
// thread) answering whatever a test wants, so that the client's defences are
// exercised over a real socket: an access token that would inject headers,
// an error body that echoes the credentials, a listing that claims 10^9 pages
// or never stops linking to a next page, answers larger than their bound.

#include <doctest/doctest.h>

#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <sys/time.h>

#include <atomic>
#include <functional>
#include <chrono>
#include <optional>
#include <set>
#include <vector>
#include <sstream>
#include <string>
#include <thread>

#include "genesys/flow_api.hpp"
#include "util/encoding.hpp"

using namespace flowlink::genesys;

namespace {

struct Answer {
  // A constructor, not aggregate initialization: most answers give only a
  // status and a body (-Wmissing-field-initializers).
  Answer(int status_ = 200, std::string body_ = {}) : status(status_), body(std::move(body_)) {}
  int status = 200;
  std::string body;
  std::optional<std::size_t> claimed_length;  // a Content-Length other than the body's
  std::size_t chunks = 0;  // > 0: no Content-Length, `body` sent this many times as chunks
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
  std::size_t bytes_sent() const { return bytes_sent_.load(); }

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
      // A client that stops reading must not hang the server: give up sending after a while.
      timeval send_timeout{2, 0};
      ::setsockopt(client, SOL_SOCKET, SO_SNDTIMEO, &send_timeout, sizeof send_timeout);
      std::string response = "HTTP/1.1 " + std::to_string(answer.status) + " X\r\nContent-Type: application/json\r\n";
      if (answer.chunks > 0) {
        response += "Transfer-Encoding: chunked\r\nConnection: close\r\n\r\n";
        std::ostringstream size;
        size << std::hex << answer.body.size();
        const std::string chunk = size.str() + "\r\n" + answer.body + "\r\n";
        bool ok = send_all(client, response);
        for (std::size_t i = 0; ok && i < answer.chunks; ++i) ok = send_all(client, chunk);
        if (ok) send_all(client, "0\r\n\r\n");
      } else {
        response += "Content-Length: " + std::to_string(answer.claimed_length.value_or(answer.body.size())) +
                    "\r\nConnection: close\r\n\r\n" + answer.body;
        send_all(client, response);
      }
      ::close(client);
    }
  }
  bool send_all(int client, const std::string& data) {
    for (std::size_t sent = 0; sent < data.size();) {
      const ssize_t n = ::send(client, data.data() + sent, data.size() - sent, MSG_NOSIGNAL);
      if (n <= 0) return false;
      sent += static_cast<std::size_t>(n);
      bytes_sent_ += static_cast<std::size_t>(n);
    }
    return true;
  }

  std::function<Answer(const std::string&, const std::string&, const std::string&)> script_;
  int fd_ = -1;
  int port_ = 0;
  std::atomic<bool> stopping_{false};
  std::atomic<int> requests_{0};
  std::atomic<std::size_t> bytes_sent_{0};
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

TEST_CASE("a listing page gives the flows its whole tree would: the last \"entities\" counts, odd entries too") {
  // Read entity by entity as the parser goes (http_flow_api.cpp): an object
  // elsewhere on the page is no flow, an earlier "entities" is replaced, a
  // non-object entry is an empty Flow (kept once, like any id), and each
  // flow's raw is its object's compact text.
  const std::string flow_a = R"({"id":"a","name":"A","type":"INBOUNDCALL","supportedLanguages":[{"language":"en-US"}],)"
                             R"("publishedVersion":{"id":"1.0","datePublished":"2026-01-01T00:00:00.000Z"}})";
  const std::string flow_b = R"({"name":"B","id":"b","type":"COMMONMODULE","division":{"id":"d","name":"Home"}})";
  const std::string page = R"({"x":{"y":{"id":"not-a-flow","name":"X"}},"entities":[{"id":"replaced"}],)"
                           R"("entities":[)" +
                           flow_a + R"(,5,[{"id":"in-an-array"}],)" + flow_b +
                           R"(],"pageSize":500,"pageNumber":1,"total":4,"pageCount":1})";
  ScriptedServer server([&](const std::string&, const std::string& target, const std::string&) -> Answer {
    if (target == "/oauth/token") return token("good-token");
    return {200, page};
  });
  auto api = make_http_flow_api(options_for(server));
  const std::vector<Flow> flows = api->list_flows(ListFlowsQuery{});
  REQUIRE(flows.size() == 3);  // a, the empty Flow of `5` (that of `[...]` has the same id ""), b
  CHECK(flows[0].id == "a");
  CHECK(flows[0].type == "inboundcall");
  REQUIRE(flows[0].published_version.has_value());
  CHECK(flows[0].published_version->date_published == "2026-01-01T00:00:00.000Z");
  CHECK(flows[0].raw == nlohmann::json::parse(flow_a).dump());
  CHECK(flows[1].id.empty());
  CHECK(flows[1].raw.empty());
  CHECK(flows[2].id == "b");
  CHECK(flows[2].type == "commonmodule");
  REQUIRE(flows[2].division.has_value());
  CHECK(flows[2].division->name == "Home");
  CHECK(flows[2].raw == nlohmann::json::parse(flow_b).dump());

  ListFlowsQuery without_raw;
  without_raw.raw = false;
  const std::vector<Flow> lean = api->list_flows(without_raw);
  REQUIRE(lean.size() == 3);
  CHECK(lean[0].id == "a");
  CHECK(lean[0].raw.empty());
  CHECK(lean[2].division->id == "d");
  CHECK(lean[2].raw.empty());
}

// --- answers larger than their bound (answer_limits.hpp) ---------------------
// The bounds are set small here: the behaviour is the same at 64 MB, and the
// tests stay fast.

TEST_CASE("a flow document streamed past its bound stops being read, is refused once and named") {
  const std::string block(64 * 1024, 'x');
  const std::size_t blocks = 512;  // 32 MB offered, chunked (no Content-Length to refuse it by)
  ScriptedServer server([&](const std::string&, const std::string& target, const std::string&) -> Answer {
    if (target == "/oauth/token") return token("good-token");
    Answer endless;
    endless.body = block;
    endless.chunks = blocks;
    return endless;
  });
  ClientOptions options = options_for(server);
  options.answer_limits.flow_document = 256 * 1024;
  auto api = make_http_flow_api(options);
  try {
    api->latest_configuration("f1");
    FAIL("expected ApiError");
  } catch (const ApiError& e) {
    CHECK(e.code() == "response.too.large");
    CHECK(std::string(e.what()).find("the server sent a flow configuration document of more than 256 KB for GET "
                                     "/api/v2/flows/f1/latestconfiguration") != std::string::npos);
  }
  CHECK(server.requests() == 2);                       // the token and one GET: never asked again
  CHECK(server.bytes_sent() < block.size() * blocks / 2);  // the client hung up instead of reading on
}

TEST_CASE("a listing page whose Content-Length is past its bound is refused before its body is read") {
  ScriptedServer server([](const std::string&, const std::string& target, const std::string&) -> Answer {
    if (target == "/oauth/token") return token("good-token");
    Answer huge;
    huge.body = R"({"entities":[)";
    huge.claimed_length = 200ull * 1024 * 1024;  // "200 MB follow", then nothing
    return huge;
  });
  ClientOptions options = options_for(server);
  options.answer_limits.listing_page = 64 * 1024;
  auto api = make_http_flow_api(options);
  CHECK_THROWS_WITH_AS(api->list_flows(ListFlowsQuery{}),
                       doctest::Contains("the server sent a listing page of more than 64 KB for GET /api/v2/flows"),
                       ApiError);
  CHECK(server.requests() == 2);
}

TEST_CASE("an error answer past its bound is not retried although its status is retryable; a token answer too") {
  SUBCASE("a 500 with a body past the bound") {
    ScriptedServer server([](const std::string&, const std::string& target, const std::string&) -> Answer {
      if (target == "/oauth/token") return token("good-token");
      return {500, std::string(200 * 1024, ' ')};
    });
    ClientOptions options = options_for(server);
    options.max_retries = 3;
    options.answer_limits.object = 64 * 1024;
    auto api = make_http_flow_api(options);
    CHECK_THROWS_WITH_AS(api->get_flow("f1"),
                         doctest::Contains("the server sent an answer of more than 64 KB for GET /api/v2/flows/f1"),
                         ApiError);
    CHECK(server.requests() == 2);  // 500 is retried; an answer too large is not
  }
  SUBCASE("a token answer past the default bound of 64 KB") {
    ScriptedServer server([](const std::string&, const std::string&, const std::string&) -> Answer {
      return {200, R"({"access_token":")" + std::string(100 * 1024, 'a') + R"("})"};
    });
    auto api = make_http_flow_api(options_for(server));
    CHECK_THROWS_WITH_AS(api->get_flow("f1"),
                         doctest::Contains("the server sent a token answer of more than 64 KB for POST /oauth/token"),
                         ApiError);
    CHECK(server.requests() == 1);
  }
}

TEST_CASE("answers within their bounds are read whole") {
  const std::string document = R"({"flowSequenceItemList":[],"padding":")" + std::string(100 * 1024, 'p') + R"("})";
  ScriptedServer server([&](const std::string&, const std::string& target, const std::string&) -> Answer {
    if (target == "/oauth/token") return token("good-token");
    Answer chunked;
    chunked.body = document;
    chunked.chunks = 1;
    return chunked;
  });
  ClientOptions options = options_for(server);
  options.answer_limits.flow_document = document.size();  // exactly at the bound is allowed
  auto api = make_http_flow_api(options);
  CHECK(api->latest_configuration("f1") == document);
}

TEST_CASE("for_each_flow gives each listed flow once, a page at a time, never two calls at once") {
  // Four pages read side by side; a and c moved between pages while they
  // were read, so each is listed twice.
  const std::vector<std::vector<std::string>> pages = {{"a", "b"}, {"c", "a"}, {"d"}, {"e", "c"}};
  ScriptedServer server([&](const std::string&, const std::string& target, const std::string&) -> Answer {
    if (target == "/oauth/token") return token("good-token");
    const auto at = target.find("pageNumber=");
    REQUIRE(at != std::string::npos);
    const std::size_t number = std::stoul(target.substr(at + 11));
    REQUIRE(number >= 1);
    REQUIRE(number <= pages.size());
    nlohmann::json entities = nlohmann::json::array();
    for (const auto& id : pages[number - 1]) entities.push_back({{"id", id}, {"name", "Flow " + id}, {"type", "INBOUNDCALL"}});
    return {200, nlohmann::json{{"entities", entities}, {"pageSize", 2}, {"pageNumber", number}, {"total", 7},
                                {"pageCount", pages.size()}}
                     .dump()};
  });
  ClientOptions options = options_for(server);
  options.parallelism = 4;
  auto api = make_http_flow_api(options);
  ListFlowsQuery query;
  query.page_size = 2;

  std::atomic<int> inside{0};
  int overlaps = 0;
  std::multiset<std::string> given;
  api->for_each_flow(query, [&](Flow&& flow) {
    if (++inside > 1) ++overlaps;
    given.insert(flow.id);
    CHECK(flow.name == "Flow " + flow.id);
    CHECK(flow.type == "inboundcall");
    std::this_thread::sleep_for(std::chrono::milliseconds(2));  // room for another thread to come in
    --inside;
  });
  CHECK(overlaps == 0);
  CHECK(given == std::multiset<std::string>{"a", "b", "c", "d", "e"});

  // list_flows: the same flows, in page order, each where it was first listed.
  std::vector<std::string> listed;
  for (const auto& flow : api->list_flows(query)) listed.push_back(flow.id);
  CHECK(listed == std::vector<std::string>{"a", "b", "c", "d", "e"});
}
