#pragma once
// The emulator's HTTP/1.1 server: keep-alive, pipelining, chunked request
// bodies, Expect: 100-continue; one io_context, a few threads, one coroutine
// per connection (Boost.Asio, already here as cpprest's own dependency).
//
// Why not cpprest's http_listener, which the emulator first used: it writes
// every answer in fixed 4 KB pieces (a compile-time constant in libcpprest),
// ~220 writes and loopback packets for one 0.86 MB page of flows; on 2
// cores that capped GET /api/v2/flows?pageSize=500 at ~1,980 requests/s. This
// server hands the kernel the head and the whole body in one gathered write.
// Answers are byte-identical to the listener's (bench/README.md, "Server").
//
// No Asio type appears here; only http_server.cpp pays for its headers.

#include <chrono>
#include <functional>
#include <memory>
#include <string>
#include <string_view>

#include "emulator/http_types.hpp"

namespace flowlink::emulator {

struct Reply {
  Response response;
  std::chrono::milliseconds delay{0};  // answer after this (the --latency-ms knob), without blocking a thread
};

struct HttpServerOptions {
  int threads = 1;
  // A connection waiting for the first byte of a request (just accepted, or
  // kept alive after an answer) is closed after this, without an answer.
  std::chrono::milliseconds idle_timeout{std::chrono::seconds(60)};
  // From the first byte of a request to the last byte of its body: past it
  // the request is answered 408 and the connection closed (a head sent a
  // byte at a time, a body that stalls). Also bounds writing one answer to a
  // client that stopped reading (the connection is then closed).
  std::chrono::milliseconds request_timeout{std::chrono::seconds(60)};
  // Where a handler failure is logged, one line each; empty: stderr.
  std::function<void(std::string_view)> log;
};

class HttpServer {
 public:
  // Called on a server thread for every well-formed request; must be
  // thread-safe. Malformed requests never reach it: the server answers them
  // with an ErrorBody itself (400, 408, 413, 431, 501, 505) and closes.
  // Anything it throws, of any type, is answered 500 with an ErrorBody and
  // logged (errors::internal_error_log_line: no credentials); the request was
  // read whole, so the connection stays open for the next one.
  using Handler = std::function<Reply(Request&)>;

  HttpServer(Handler handler, HttpServerOptions options);
  HttpServer(Handler handler, int threads);  // the default timeouts
  ~HttpServer();  // stop()
  HttpServer(const HttpServer&) = delete;
  HttpServer& operator=(const HttpServer&) = delete;

  // Binds host:port (port 0 picks a free one) and starts serving; returns
  // the bound port. Throws std::runtime_error naming the address.
  int listen(const std::string& host, int port);
  // Stops accepting, drops open connections, joins the threads. Idempotent.
  void stop();

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

}  // namespace flowlink::emulator
