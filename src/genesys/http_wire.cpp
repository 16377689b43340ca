// The one place that sends HTTP: a cpprest http_client per host (thread-safe,
// shared by all threads), a per-request timeout, TLS verification left at
// cpprest's default (on), each answer's body read into a bounded buffer.
// Failures to get an answer become status 0.

#include "genesys/http_wire.hpp"

#include <mutex>

#include <cpprest/http_client.h>
#include <pplx/threadpool.h>

#include "genesys/bounded_body_buffer.hpp"
#include "genesys/url_parts.hpp"

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
  stats.paced = paced.load();
  return stats;
}

// "user:password" of "http://user:password@host:port", or "".
static std::string proxy_user_info(const std::string& url) {
  const auto scheme = url.find("://");
  const auto start = scheme == std::string::npos ? 0 : scheme + 3;
  const auto at = url.rfind('@', url.find_first_of("/?#", start));
  return at == std::string::npos || at < start ? std::string() : url.substr(start, at - start);
}

struct HttpWire::Impl {
  Impl(const std::string& base_url, std::chrono::milliseconds timeout, Semaphore& limit, StatsCounters& stats,
       const std::string& proxy_url)
      : client(make_client(base_url, timeout, proxy_url)),
        timeout(timeout),
        limit(limit),
        stats(stats),
        proxy_shown(proxy_url.empty() ? "" : url_without_credentials(proxy_url)) {
    if (const std::string user_info = proxy_user_info(proxy_url); !user_info.empty()) {
      proxy_secrets.push_back(user_info);
      const auto colon = user_info.find(':');
      if (colon != std::string::npos && user_info.size() - colon > 4) proxy_secrets.push_back(user_info.substr(colon + 1));
    }
  }

  // cpprest's I/O runs on a shared pool of 40 threads by default. Its work
  // is asynchronous (callers wait on their own threads), so a few threads
  // carry any number of requests in flight; 40 made 40 homes for bodies in
  // the allocator (glibc gives busy threads arenas of their own, up to 16 on
  // two cores), each keeping what it grew. Set once, before any client runs;
  // when something else set it first, that stands.
  static void size_io_threads() {
    static std::once_flag once;
    std::call_once(once, [] {
      try {
        crossplat::threadpool::initialize_with_threads(kIoThreads);
      } catch (const std::exception&) {
      }
    });
  }
  static constexpr std::size_t kIoThreads = 4;

  // The pool is sized before the first client exists.
  static web::http::client::http_client make_client(const std::string& base_url, std::chrono::milliseconds timeout,
                                                    const std::string& proxy_url) {
    size_io_threads();
    return web::http::client::http_client(base_url, make_config(timeout, proxy_url));
  }

  static web::http::client::http_client_config make_config(std::chrono::milliseconds timeout,
                                                           const std::string& proxy_url) {
    web::http::client::http_client_config config;
    config.set_timeout(timeout);
    // Never cpprest's "default" proxy mode: what the process uses is what
    // proxy_for() decided from HTTPS_PROXY / NO_PROXY, nothing else.
    try {
      config.set_proxy(proxy_url.empty() ? web::web_proxy(web::web_proxy::disabled) : proxy(proxy_url));
    } catch (const web::uri_exception&) {
      // cpprest's message quotes the URL, credentials and all.
      throw std::invalid_argument("proxy URL \"" + url_without_credentials(proxy_url) +
                                  "\" (HTTPS_PROXY) is not a valid URL");
    }
    return config;
  }

  // The credentials of "http://user:password@host:port" go to the proxy's
  // Proxy-Authorization (percent-decoded), not into its address.
  static web::web_proxy proxy(const std::string& url) {
    const std::string user_info = proxy_user_info(url);
    if (user_info.empty()) return web::web_proxy(web::uri(url));
    web::web_proxy proxy(web::uri(url.substr(0, url.find("://") + 3) + url.substr(url.find(user_info) + user_info.size() + 1)));
    const auto colon = user_info.find(':');
    proxy.set_credentials(web::credentials(
        web::uri::decode(user_info.substr(0, colon)),
        colon == std::string::npos ? std::string() : web::uri::decode(user_info.substr(colon + 1))));
    return proxy;
  }

  web::http::client::http_client client;
  std::chrono::milliseconds timeout;
  Semaphore& limit;
  StatsCounters& stats;
  std::string proxy_shown;                 // for errors: the proxy without its credentials
  std::vector<std::string> proxy_secrets;  // "user:password" and "password", scrubbed from errors
};

HttpWire::HttpWire(const std::string& base_url, std::chrono::milliseconds timeout, Semaphore& limit,
                   StatsCounters& stats, const std::string& proxy_url)
    : impl_(std::make_unique<Impl>(base_url, timeout, limit, stats, proxy_url)) {}

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
    result.rate_count = header_value(response.headers(), "inin-ratelimit-count");
    result.rate_allowed = header_value(response.headers(), "inin-ratelimit-allowed");
    result.rate_reset = header_value(response.headers(), "inin-ratelimit-reset");
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
    if (!impl_->proxy_shown.empty()) {
      // Should the library ever quote the proxy's address, not its password.
      for (const std::string& secret : impl_->proxy_secrets)
        for (auto at = result.transport_error.find(secret); at != std::string::npos;
             at = result.transport_error.find(secret, at + 3))
          result.transport_error.replace(at, secret.size(), "***");
      result.transport_error += " (through the proxy " + impl_->proxy_shown + ")";
    }
    if (std::chrono::steady_clock::now() - started >= impl_->timeout)
      result.transport_error = "timed out after " + std::to_string(impl_->timeout.count()) + " ms (" +
                               result.transport_error + ")";
  }
  if (result.status == 429) ++impl_->stats.rate_limited;
  if (result.status == 0 || result.status >= 500) ++impl_->stats.server_errors;
  return result;
}

}  // namespace flowlink::genesys
