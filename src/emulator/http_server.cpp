#include "emulator/http_server.hpp"

#include <array>
#include <atomic>
#include <memory>
#include <mutex>
#include <optional>
#include <stdexcept>
#include <string_view>
#include <thread>
#include <unordered_set>
#include <vector>

#include <boost/asio.hpp>
#include <fmt/format.h>

#include "emulator/errors.hpp"
#include "emulator/http_wire.hpp"
#include "emulator/model.hpp"
#include "util/terminal_text.hpp"

namespace flowlink::emulator {

namespace asio = boost::asio;
using asio::ip::tcp;

namespace {

constexpr std::size_t kReadChunk = 64 * 1024;

Request to_request(wire::RequestHead head, std::string body) {
  Request request;
  request.method = std::move(head.method);
  request.path = wire::decode_path(head.path());
  request.query = Query(head.query());
  request.headers = std::move(head.headers);
  request.body = std::move(body);
  return request;
}

class Connection;

// The open connections, so that stop() can close them once no thread runs.
struct Registry {
  std::mutex mutex;
  std::unordered_set<Connection*> open;
};

// What every connection shares: the handler, the limits, the log.
struct Shared {
  HttpServer::Handler handler;
  HttpServerOptions options;
  Registry registry;
};

void log_line(const Shared& shared, std::string_view line) {
  try {
    if (shared.options.log) {
      shared.options.log(line);
    } else {
      errors::log_line(line);
    }
  } catch (...) {
    // A log that cannot be written must not take the connection with it.
  }
}

// A handler threw: a 500 ErrorBody, logged without the request's credentials.
Reply internal_error_reply(const Shared& shared, const Request& request, const std::exception_ptr& error) {
  Reply reply;
  try {
    const std::string context_id = new_uuid();
    const std::string what = errors::describe_exception(error);
    log_line(shared, errors::internal_error_log_line(request, context_id, what));
    const ApiFailure failure = errors::internal_error(what);
    reply.response = Response::json(failure.status, errors::error_body(failure.status, failure.code, failure.what(),
                                                                       context_id));
    reply.response.headers.emplace_back("ININ-Correlation-Id", context_id);
  } catch (...) {
    // Even building the answer failed (out of memory): a fixed one.
    reply.response = Response::text(
        500, R"({"message":"The emulator failed.","code":"internal.server.error","status":500})");
  }
  return reply;
}

// The deadline in force ran out (see Connection::Phase).
struct TimedOut {};

constexpr auto kNoDeadline = std::chrono::steady_clock::time_point::max();
// Lingering close after a refused request: at most this long.
constexpr std::chrono::milliseconds kLinger{2000};

// One connection: read a request, answer it, repeat while the client keeps
// the connection. Bytes of pipelined requests stay in `pending_`. One
// deadline at a time bounds whatever the connection waits for; a watchdog
// coroutine on the same strand cancels the socket's operation when it runs out.
class Connection : public std::enable_shared_from_this<Connection> {
 public:
  using Strand = asio::strand<asio::io_context::executor_type>;

  Connection(tcp::socket socket, const Strand& strand, Shared& shared)
      : socket_(std::move(socket)), deadline_(strand, kNoDeadline), shared_(shared) {
    std::lock_guard lock(shared_.registry.mutex);
    shared_.registry.open.insert(this);
  }
  ~Connection() {
    std::lock_guard lock(shared_.registry.mutex);
    shared_.registry.open.erase(this);
  }
  Connection(const Connection&) = delete;
  Connection& operator=(const Connection&) = delete;

  // Only while no server thread runs (stop()).
  void close() {
    boost::system::error_code ignored;
    socket_.close(ignored);
  }

  asio::awaitable<void> serve() {
    asio::co_spawn(deadline_.get_executor(), watch(shared_from_this()), asio::detached);
    try {
      co_await serve_requests();
    } catch (...) {
      // Whatever escaped (out of memory building an answer, ...): logged,
      // the connection closes, the server goes on.
      log_line(shared_, fmt::format("flowlink-emulator: a connection closed after a failure: {}",
                                    util::terminal_safe(errors::describe_exception(std::current_exception()))));
    }
    finished_ = true;
    deadline_.cancel();
  }

 private:
  // What the connection waits for, and so which deadline is in force.
  enum class Phase {
    None,     // the handler or the answer's delay: the server's own time
    Idle,     // the first byte of a request: idle_timeout, then close silently
    Request,  // the rest of the request: request_timeout, then 408 and close
    Answer,   // writing an answer: request_timeout, then close
    Linger,   // draining after a refused request: kLinger, then close
  };

  void arm(Phase phase) {
    phase_ = phase;
    expired_ = false;
    switch (phase) {
      case Phase::None: deadline_.expires_at(kNoDeadline); break;
      case Phase::Idle: deadline_.expires_after(shared_.options.idle_timeout); break;
      case Phase::Request:
      case Phase::Answer: deadline_.expires_after(shared_.options.request_timeout); break;
      case Phase::Linger: deadline_.expires_after(kLinger); break;
    }
  }

  static asio::awaitable<void> watch(std::shared_ptr<Connection> self) {
    while (!self->finished_) {
      boost::system::error_code ec;  // operation_aborted: re-armed or finished
      co_await self->deadline_.async_wait(asio::redirect_error(asio::use_awaitable, ec));
      if (self->finished_) break;
      if (self->deadline_.expiry() <= std::chrono::steady_clock::now()) {
        self->expired_ = true;
        self->deadline_.expires_at(kNoDeadline);
        boost::system::error_code ignored;
        self->socket_.cancel(ignored);
      }
    }
  }

  // After every socket operation: a deadline that ran out meanwhile wins
  // (the watchdog may have found nothing left to cancel), then the error.
  void check(const boost::system::error_code& ec) const {
    if (expired_) throw TimedOut{};
    if (ec) throw boost::system::system_error(ec);
  }

  asio::awaitable<void> serve_requests() {
    std::optional<std::pair<int, std::string>> refused;  // status, message
    try {
      for (;;) {
        std::optional<Reply> reply;
        bool keep_alive = false;
        bool head_only = false;
        arm(pending_.empty() ? Phase::Idle : Phase::Request);
        std::string_view head_text;
        if (!co_await read_head(head_text)) co_return;  // the client closed between requests
        auto head = wire::parse_request_head(head_text);
        consume(head_text.size() + 4);
        const auto framing = wire::framing_of(head);
        keep_alive = framing.keep_alive;
        head_only = head.method == "HEAD";
        std::string body;
        if (framing.body != wire::Framing::Body::None && framing.expect_continue && pending_.empty()) {
          boost::system::error_code ec;
          co_await asio::async_write(socket_, asio::buffer(std::string_view("HTTP/1.1 100 Continue\r\n\r\n")),
                                     asio::redirect_error(asio::use_awaitable, ec));
          check(ec);
        }
        if (framing.body == wire::Framing::Body::Length) body = co_await read_exactly(framing.length);
        if (framing.body == wire::Framing::Body::Chunked) body = co_await read_chunked();
        arm(Phase::None);
        Request request = to_request(std::move(head), std::move(body));
        try {
          reply = shared_.handler(request);
        } catch (...) {
          reply = internal_error_reply(shared_, request, std::current_exception());
        }
        if (reply->delay.count() > 0) {
          asio::steady_timer timer(co_await asio::this_coro::executor, reply->delay);
          co_await timer.async_wait(asio::use_awaitable);
        }
        arm(Phase::Answer);
        if (!co_await answer(reply->response, keep_alive, head_only) || !keep_alive) co_return;
      }
    } catch (const wire::WireError& e) {
      refused.emplace(e.status, e.what());
    } catch (const TimedOut&) {
      // Idle: nothing was asked, so nothing is answered. Answer: the client
      // stopped reading. Either way the connection just closes.
      if (phase_ != Phase::Request) co_return;
      refused.emplace(408, fmt::format("the request did not arrive whole within {} ms",
                                       shared_.options.request_timeout.count()));
    } catch (const boost::system::system_error&) {
      co_return;  // the peer went away mid-request or mid-answer
    }
    // A request that cannot be framed or did not arrive in time: answer it,
    // then close (what follows on the stream cannot be trusted).
    const std::string context_id = new_uuid();
    const ApiFailure failure = errors::unframeable_request(refused->first, refused->second);
    Response response =
        Response::json(failure.status, errors::error_body(failure.status, failure.code, failure.what(), context_id));
    response.headers.emplace_back("ININ-Correlation-Id", context_id);
    try {
      arm(Phase::Answer);
      co_await answer(response, false, false);
      co_await drain();
    } catch (const boost::system::system_error&) {
    } catch (const TimedOut&) {
    }
  }

  // Reads until the blank line that ends a head; false on a clean EOF before
  // any byte of a new request. Throws WireError(431) past the head limit.
  asio::awaitable<bool> read_head(std::string_view& head) {
    std::size_t searched = 0;
    for (;;) {
      const auto end = pending_.find("\r\n\r\n", searched);
      if (end != std::string::npos) {
        if (end > wire::kMaxHeadBytes)
          throw wire::WireError(431, fmt::format("request head over {} bytes", wire::kMaxHeadBytes));
        head = std::string_view(pending_).substr(0, end);
        co_return true;
      }
      if (pending_.size() > wire::kMaxHeadBytes)
        throw wire::WireError(431, fmt::format("request head over {} bytes", wire::kMaxHeadBytes));
      searched = pending_.size() < 3 ? 0 : pending_.size() - 3;
      boost::system::error_code ec;
      const auto n = co_await socket_.async_read_some(asio::buffer(chunk_),
                                                      asio::redirect_error(asio::use_awaitable, ec));
      if (ec == asio::error::eof && pending_.empty() && !expired_) co_return false;
      check(ec);
      pending_.append(chunk_.data(), n);
      // The first byte of a request: from now on the whole request is timed.
      if (phase_ == Phase::Idle) arm(Phase::Request);
    }
  }

  // Lingering close after a refused request: closing a socket with unread
  // bytes makes the kernel send a reset, which can destroy the error answer
  // before the client reads it. So read and drop what the client still
  // sends, for up to kLinger, then close.
  asio::awaitable<void> drain() {
    arm(Phase::Linger);
    boost::system::error_code ec;
    while (!ec && !expired_)
      co_await socket_.async_read_some(asio::buffer(chunk_), asio::redirect_error(asio::use_awaitable, ec));
  }

  asio::awaitable<std::string> read_exactly(std::size_t length) {
    std::string body;
    body.reserve(length);
    const auto from_pending = std::min(length, pending_.size());
    body.append(pending_, 0, from_pending);
    consume(from_pending);
    if (body.size() < length) {
      // Straight into the body: a 1 MB document is not staged in pending_.
      const auto had = body.size();
      body.resize(length);
      boost::system::error_code ec;
      co_await asio::async_read(socket_, asio::buffer(body.data() + had, length - had),
                                asio::redirect_error(asio::use_awaitable, ec));
      check(ec);
    }
    co_return body;
  }

  asio::awaitable<std::string> read_chunked() {
    wire::ChunkedDecoder decoder;
    consume(decoder.feed(pending_));
    while (!decoder.done()) {
      boost::system::error_code ec;
      const auto n =
          co_await socket_.async_read_some(asio::buffer(chunk_), asio::redirect_error(asio::use_awaitable, ec));
      check(ec);
      const std::string_view got(chunk_.data(), n);
      const auto used = decoder.feed(got);
      pending_.append(got.substr(used));  // the start of a pipelined request
    }
    co_return std::move(decoder.body());
  }

  // Writes one answer: head and body in one gathered write. False when the
  // answer is a dropped connection (fault injection).
  asio::awaitable<bool> answer(const Response& response, bool keep_alive, bool head_only) {
    boost::system::error_code ec;
    if (response.drop_connection) {
      // Promise a body and close before sending it: the client sees the
      // connection drop mid-answer.
      const auto head = wire::response_head(response.status, response.headers, 4096, response.content_type, false);
      co_await asio::async_write(socket_, asio::buffer(head), asio::redirect_error(asio::use_awaitable, ec));
      check(ec);
      boost::system::error_code ignored;
      socket_.shutdown(tcp::socket::shutdown_both, ignored);
      socket_.close(ignored);
      co_return false;
    }
    const std::string& body = response.shared_body ? *response.shared_body : response.body;
    const auto head = wire::response_head(response.status, response.headers, body.size(), response.content_type,
                                          !keep_alive);
    const std::array<asio::const_buffer, 2> buffers{asio::buffer(head),
                                                    head_only ? asio::const_buffer() : asio::buffer(body)};
    co_await asio::async_write(socket_, buffers, asio::redirect_error(asio::use_awaitable, ec));
    check(ec);
    if (!keep_alive) {
      boost::system::error_code ignored;
      socket_.shutdown(tcp::socket::shutdown_send, ignored);
    }
    co_return true;
  }

  void consume(std::size_t n) { pending_.erase(0, n); }

  tcp::socket socket_;
  asio::steady_timer deadline_;  // on the connection's strand
  Shared& shared_;
  Phase phase_ = Phase::None;
  bool expired_ = false;   // the deadline of phase_ ran out
  bool finished_ = false;  // serve() returned: the watchdog stops
  std::string pending_;    // received bytes not yet consumed
  std::array<char, kReadChunk> chunk_{};
};

asio::awaitable<void> serve_connection(std::shared_ptr<Connection> connection) { co_await connection->serve(); }

}  // namespace

struct HttpServer::Impl {
  Shared shared;
  // Pointers so that stop() can destroy them, acceptor first: destroying the
  // io_context destroys the suspended connection coroutines.
  std::unique_ptr<asio::io_context> io = std::make_unique<asio::io_context>();
  std::unique_ptr<tcp::acceptor> acceptor = std::make_unique<tcp::acceptor>(*io);
  std::vector<std::thread> threads;
  std::atomic<bool> stopped{false};

  asio::awaitable<void> accept_loop() {
    for (;;) {
      boost::system::error_code ec;
      tcp::socket socket = co_await acceptor->async_accept(asio::redirect_error(asio::use_awaitable, ec));
      if (ec == asio::error::operation_aborted || !acceptor->is_open()) co_return;
      if (ec) {
        // Out of descriptors and the like: back off a little, keep serving.
        asio::steady_timer pause(*io, std::chrono::milliseconds(50));
        co_await pause.async_wait(asio::redirect_error(asio::use_awaitable, ec));
        continue;
      }
      socket.set_option(tcp::no_delay(true), ec);
      // One strand per connection: its coroutine and its timers never run
      // at the same time on two threads.
      auto strand = asio::make_strand(*io);
      asio::co_spawn(strand, serve_connection(std::make_shared<Connection>(std::move(socket), strand, shared)),
                     asio::detached);
    }
  }
};

HttpServer::HttpServer(Handler handler, HttpServerOptions options) : impl_(std::make_unique<Impl>()) {
  impl_->shared.handler = std::move(handler);
  impl_->shared.options = std::move(options);
  impl_->shared.options.threads = std::max(1, impl_->shared.options.threads);
}

HttpServer::HttpServer(Handler handler, int threads)
    : HttpServer(std::move(handler), [threads] {
        HttpServerOptions options;
        options.threads = threads;
        return options;
      }()) {}

HttpServer::~HttpServer() { stop(); }

int HttpServer::listen(const std::string& host, int port) {
  auto& impl = *impl_;
  if (impl.stopped || !impl.threads.empty()) throw std::runtime_error("the HTTP server was already started");
  try {
    tcp::resolver resolver(*impl.io);
    const tcp::endpoint endpoint =
        *resolver.resolve(host, std::to_string(port), tcp::resolver::numeric_service).begin();
    impl.acceptor->open(endpoint.protocol());
    impl.acceptor->set_option(tcp::acceptor::reuse_address(true));
    impl.acceptor->bind(endpoint);
    impl.acceptor->listen(asio::socket_base::max_listen_connections);
  } catch (const boost::system::system_error& e) {
    boost::system::error_code ignored;
    impl.acceptor->close(ignored);
    throw std::runtime_error(fmt::format("cannot listen on {}:{}: {}", host, port, e.code().message()));
  }
  const int bound = impl.acceptor->local_endpoint().port();
  asio::co_spawn(*impl.io, impl.accept_loop(), asio::detached);
  for (int i = 0; i < impl.shared.options.threads; ++i) impl.threads.emplace_back([&impl] { impl.io->run(); });
  return bound;
}

void HttpServer::stop() {
  auto& impl = *impl_;
  if (impl.stopped.exchange(true)) return;
  // run() returns once the handlers now running finish; then no thread
  // touches a socket and they can be closed from here.
  impl.io->stop();
  for (auto& thread : impl.threads) thread.join();
  impl.threads.clear();
  boost::system::error_code ignored;
  impl.acceptor->close(ignored);
  {
    std::lock_guard lock(impl.shared.registry.mutex);
    for (Connection* connection : impl.shared.registry.open) connection->close();
  }
  impl.acceptor.reset();
  impl.io.reset();
}

}  // namespace flowlink::emulator
