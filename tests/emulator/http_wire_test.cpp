// HTTP/1.1 framing rules of the emulator's server (src/emulator/http_wire.*).
#include <doctest/doctest.h>

#include "emulator/http_wire.hpp"

using namespace flowlink::emulator::wire;

namespace {
int status_of(auto&& call) {
  try {
    call();
  } catch (const WireError& e) {
    return e.status;
  }
  return 0;
}
}  // namespace

TEST_CASE("a request head parses into method, target, version and lowercased fields") {
  auto head = parse_request_head(
      "GET /api/v2/flows?pageSize=500&name=Inbound%2A HTTP/1.1\r\nHost: 127.0.0.1\r\n"
      "Authorization:  Bearer abc \r\nX-Dup: a\r\nx-dup: b");
  CHECK(head.method == "GET");
  CHECK(head.target == "/api/v2/flows?pageSize=500&name=Inbound%2A");
  CHECK(head.path() == "/api/v2/flows");
  CHECK(head.query() == "pageSize=500&name=Inbound%2A");
  CHECK(head.minor_version == 1);
  CHECK(head.header("authorization") == "Bearer abc");
  CHECK(head.header("x-dup") == "a, b");
  CHECK_FALSE(head.header("content-length").has_value());
}

TEST_CASE("absolute-form targets keep their path; leading empty lines are skipped") {
  auto head = parse_request_head("\r\nGET http://127.0.0.1:8080/api/v2/flows?x=1 HTTP/1.0");
  CHECK(head.target == "/api/v2/flows?x=1");
  CHECK(head.minor_version == 0);
  CHECK(parse_request_head("GET https://host HTTP/1.1").target == "/");
}

TEST_CASE("malformed heads are refused with the status a client can act on") {
  CHECK(status_of([] { parse_request_head("GET /x"); }) == 400);
  CHECK(status_of([] { parse_request_head("GET  /x HTTP/1.1"); }) == 400);
  CHECK(status_of([] { parse_request_head("G(T /x HTTP/1.1"); }) == 400);
  CHECK(status_of([] { parse_request_head("GET x HTTP/1.1"); }) == 400);
  CHECK(status_of([] { parse_request_head("GET /x HTTP/2.0"); }) == 505);
  CHECK(status_of([] { parse_request_head("GET /x FTP/1.1"); }) == 400);
  CHECK(status_of([] { parse_request_head("GET /x HTTP/1.1\r\nNoColon"); }) == 400);
  CHECK(status_of([] { parse_request_head("GET /x HTTP/1.1\r\nA: b\r\n folded"); }) == 400);
  CHECK(status_of([] { parse_request_head("GET /x HTTP/1.1\r\nBad Name: v"); }) == 400);
}

TEST_CASE("framing: length, chunked, keep-alive and 100-continue") {
  auto framing = [](std::string_view head) { return framing_of(parse_request_head(head)); };
  auto none = framing("GET / HTTP/1.1");
  CHECK(none.body == Framing::Body::None);
  CHECK(none.keep_alive);
  CHECK_FALSE(framing("GET / HTTP/1.0").keep_alive);
  CHECK(framing("GET / HTTP/1.0\r\nConnection: keep-alive").keep_alive);
  CHECK_FALSE(framing("GET / HTTP/1.1\r\nConnection: TE, close").keep_alive);

  auto sized = framing("PUT / HTTP/1.1\r\nContent-Length: 12");
  CHECK(sized.body == Framing::Body::Length);
  CHECK(sized.length == 12);
  CHECK(framing("PUT / HTTP/1.1\r\nContent-Length: 0").body == Framing::Body::None);
  CHECK(framing("PUT / HTTP/1.1\r\nContent-Length: 7, 7").length == 7);
  CHECK(framing("PUT / HTTP/1.1\r\nTransfer-Encoding: Chunked").body == Framing::Body::Chunked);
  CHECK(framing("PUT / HTTP/1.1\r\nContent-Length: 3\r\nExpect: 100-continue").expect_continue);

  CHECK(status_of([&] { framing("PUT / HTTP/1.1\r\nContent-Length: 1x"); }) == 400);
  CHECK(status_of([&] { framing("PUT / HTTP/1.1\r\nContent-Length: -1"); }) == 400);
  CHECK(status_of([&] { framing("PUT / HTTP/1.1\r\nContent-Length: 3\r\nContent-Length: 4"); }) == 400);
  CHECK(status_of([&] { framing("PUT / HTTP/1.1\r\nContent-Length: 3\r\nTransfer-Encoding: chunked"); }) == 400);
  CHECK(status_of([&] { framing("PUT / HTTP/1.1\r\nTransfer-Encoding: gzip, chunked"); }) == 501);
  CHECK(status_of([&] { framing("PUT / HTTP/1.1\r\nContent-Length: 999999999999"); }) == 413);
}

TEST_CASE("a chunked body decodes whether it arrives whole or byte by byte") {
  const std::string wire = "4;ext=1\r\nWiki\r\n5\r\npedia\r\nE\r\n in\r\n\r\nchunks.\r\n0\r\nTrailer: x\r\n\r\nGET /next";
  const std::size_t body_end = wire.find("GET /next");
  SUBCASE("whole") {
    ChunkedDecoder decoder;
    CHECK(decoder.feed(wire) == body_end);  // stops at the end of the body
    CHECK(decoder.done());
    CHECK(decoder.body() == "Wikipedia in\r\n\r\nchunks.");
  }
  SUBCASE("byte by byte") {
    ChunkedDecoder decoder;
    std::size_t used = 0;
    for (std::size_t i = 0; i < wire.size() && !decoder.done(); ++i) used += decoder.feed(std::string_view(wire).substr(i, 1));
    CHECK(used == body_end);
    CHECK(decoder.body() == "Wikipedia in\r\n\r\nchunks.");
  }
  CHECK(status_of([] { ChunkedDecoder().feed("zz\r\n"); }) == 400);
  CHECK(status_of([] { ChunkedDecoder().feed("3\r\nabcd\r\n"); }) == 400);
  CHECK(status_of([] { ChunkedDecoder().feed("ffffffffff\r\n"); }) == 413);
}

TEST_CASE("paths are percent-decoded, '+' kept") {
  CHECK(decode_path("/api/v2/flows/a%20b+c") == "/api/v2/flows/a b+c");
  CHECK(status_of([] { decode_path("/x%2"); }) == 400);
  CHECK(status_of([] { decode_path("/x%zz"); }) == 400);
}

TEST_CASE("a response head is sorted by field name, as cpprest's listener sent it") {
  const auto head = response_head(429, {{"ININ-Correlation-Id", "c1"}, {"Retry-After", "7"}, {"inin-ratelimit-count", "301"}},
                                  42, "application/json", false);
  CHECK(head ==
        "HTTP/1.1 429 Too Many Requests\r\nContent-Length: 42\r\nContent-Type: application/json\r\n"
        "ININ-Correlation-Id: c1\r\ninin-ratelimit-count: 301\r\nRetry-After: 7\r\n\r\n");
  CHECK(response_head(200, {{"X-A", "1"}, {"x-a", "2"}, {"Content-Length", "999"}}, 0, "", true) ==
        "HTTP/1.1 200 OK\r\nConnection: close\r\nContent-Length: 0\r\nX-A: 1, 2\r\n\r\n");
}
