// The one place that sends HTTP: a cpprest http_client per host (thread-safe,
// shared by all threads), a per-request timeout, TLS verification left at
// cpprest's default (on), each answer's body read into a bounded buffer.
// Failures to get an answer become status 0.

#include "genesys/http_wire.hpp"

#include <cpprest/http_client.h>

#include "genesys/bounded_body_buffer.hpp"

namespace flowlink::genesys {

void Semaphore::acquire() {
  std::unique_lock lock(mutex_);
  available_.wait(lock, [this] { return permits_ > 0; });
  --permits_;
}

void Semaphore::release() {
  {
    std::lock_guard lock(mutex_);
    ++permits_;
  }
  available_.notify_one();
}

RequestStats StatsCounters::snapshot() const {
  RequestStats stats;
  stats.requests = requests.load();
  stats.retries = retries.load();
  stats.rate_limited = rate_limited.load();
  stats.server_errors = server_errors.load();
  stats.token_requests = token_requests.load();
  return stats;
}

struct HttpWire::Impl {
  Impl(const std::string& base_url, std::chrono::milliseconds timeout, Semaphore& limit, StatsCounters& stats)
      : client(base_url, make_config(timeout)), timeout(timeout), limit(limit), stats(stats) {}

  static web::http::client::http_client_config make_config(std::chrono::milliseconds timeout) {
    web::http::client::http_client_config config;
    config.set_timeout(timeout);
    return config;
  }

  web::http::client::http_client client;
  std::chrono::milliseconds timeout;
  Semaphore& limit;
  StatsCounters& stats;
};

HttpWire::HttpWire(const std::string& base_url, std::chrono::milliseconds timeout, Semaphore& limit,
                   StatsCounters& stats)
    : impl_(std::make_unique<Impl>(base_url, timeout, limit, stats)) {}

HttpWire::~HttpWire() = default;

namespace {

struct Permit {
  explicit Permit(Semaphore& semaphore) : semaphore(semaphore) { semaphore.acquire(); }
  ~Permit() { semaphore.release(); }
  Semaphore& semaphore;
};

std::string header_value(const web::http::http_headers& headers, const std::string& name) {
  std::string value;
  headers.match(name, value);
  return value;
}

}  // namespace

WireResponse HttpWire::send(const WireRequest& request) {
  web::http::http_request message(web::http::method(request.method));
  WireResponse result;
  try {
    message.set_request_uri(web::uri(request.path_and_query));
    for (const auto& [name, value] : request.headers) message.headers().add(name, value);
    message.headers().add("Accept", "application/json");
    if (!request.body.empty() || request.method == "POST" || request.method == "PUT")
      message.set_body(std::string(request.body),
                       request.content_type.empty() ? std::string("application/json") : request.content_type);
  } catch (const std::exception& e) {
    result.transport_error = std::string("bad request: ") + e.what();
    return result;
  }

  // The body goes into a buffer that refuses bytes past max_body (a hostile
  // server's 2 GB body is not read into memory); cancelling drops the
  // connection of an answer refused by its Content-Length alone.
  auto sink = std::make_shared<BoundedBodyBuffer>(request.max_body);
  message.set_response_stream(concurrency::streams::streambuf<std::uint8_t>(sink));
  pplx::cancellation_token_source cancel;

  Permit permit(impl_->limit);
  ++impl_->stats.requests;
  auto started = std::chrono::steady_clock::now();
  try {
    web::http::http_response response = impl_->client.request(message, cancel.get_token()).get();
    result.status = response.status_code();
    result.retry_after = header_value(response.headers(), "Retry-After");
    result.correlation_id = header_value(response.headers(), "ININ-Correlation-Id");
    utility::size64_t declared = 0;
    if (response.headers().match(web::http::header_names::content_length, declared) && declared > request.max_body) {
      result.body_too_large = true;
      cancel.cancel();
    } else {
      try {
        response.content_ready().get();
      } catch (const std::exception&) {
        if (!sink->exceeded()) throw;
        result.body_too_large = true;  // cpprest's reader stopped at the bound
      }
      if (!result.body_too_large) result.body = std::move(sink->body());
    }
  } catch (const std::exception& e) {
    // Dropped connection, refused connection, timeout, TLS failure.
    result = WireResponse{};
    result.transport_error = e.what();
    if (std::chrono::steady_clock::now() - started >= impl_->timeout)
      result.transport_error = "timed out after " + std::to_string(impl_->timeout.count()) + " ms (" +
                               result.transport_error + ")";
  }
  if (result.status == 429) ++impl_->stats.rate_limited;
  if (result.status == 0 || result.status >= 500) ++impl_->stats.server_errors;
  return result;
}

}  // namespace flowlink::genesys
