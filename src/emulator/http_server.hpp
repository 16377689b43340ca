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

#include "emulator/http_types.hpp"

namespace flowlink::emulator {

struct Reply {
  Response response;
  std::chrono::milliseconds delay{0};  // answer after this (the --latency-ms knob), without blocking a thread
};

class HttpServer {
 public:
  // Called on a server thread for every well-formed request; must be
  // thread-safe. Malformed requests never reach it: the server answers them
  // with an ErrorBody itself (400, 413, 431, 501, 505) and closes.
  using Handler = std::function<Reply(Request&)>;

  HttpServer(Handler handler, int threads);
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
