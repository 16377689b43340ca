// The Emulator: cpprest's http_listener in front of Service::handle. This is
// the only emulator file that speaks cpprest (besides tests and
// shared_body_buffer.hpp, which only it includes).
#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cctype>
#include <cstdlib>
#include <filesystem>
#include <stdexcept>

// fmt before cpprest: cpprest's U() macro breaks fmt's templates.
#include <fmt/format.h>
#include <cpprest/http_listener.h>
#include <cpprest/producerconsumerstream.h>
#include <pplx/threadpool.h>

#include "emulator/emulator.hpp"
#include "emulator/seeding.hpp"
#include "emulator/service.hpp"
#include "emulator/shared_body_buffer.hpp"

namespace flowlink::emulator {

namespace http = web::http;
using web::http::experimental::listener::http_listener;
using web::http::experimental::listener::http_listener_config;

namespace {

std::pair<std::string, int> parse_listen(const std::string& listen) {
  const auto colon = listen.rfind(':');
  if (colon == std::string::npos) throw std::runtime_error(fmt::format("--listen '{}': expected HOST:PORT", listen));
  const std::string host = listen.substr(0, colon);
  const std::string port = listen.substr(colon + 1);
  if (host.empty() || port.empty() || port.size() > 5 || !std::all_of(port.begin(), port.end(), ::isdigit))
    throw std::runtime_error(fmt::format("--listen '{}': expected HOST:PORT", listen));
  const int number = std::stoi(port);
  if (number > 65535) throw std::runtime_error(fmt::format("--listen '{}': port out of range", listen));
  return {host, number};
}

// cpprest cannot report the port it bound for port 0, so pick a free one
// first (bind to 0, read it back, release it); start() retries on a race.
int pick_free_port(const std::string& host) {
  int fd = ::socket(AF_INET, SOCK_STREAM, 0);
  if (fd < 0) throw std::runtime_error("cannot create a socket");
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_port = 0;
  if (::inet_pton(AF_INET, host == "localhost" ? "127.0.0.1" : host.c_str(), &addr.sin_addr) != 1)
    addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  socklen_t length = sizeof(addr);
  if (::bind(fd, reinterpret_cast<sockaddr*>(&addr), sizeof(addr)) != 0 ||
      ::getsockname(fd, reinterpret_cast<sockaddr*>(&addr), &length) != 0) {
    ::close(fd);
    throw std::runtime_error(fmt::format("cannot find a free port on {}", host));
  }
  ::close(fd);
  return ntohs(addr.sin_port);
}

Request to_request(const http::http_request& message, std::string body) {
  Request request;
  request.method = message.method();
  const auto& uri = message.relative_uri();
  request.path = web::uri::decode(uri.path());
  request.query = Query(uri.query());
  for (const auto& [name, value] : message.headers()) {
    std::string lower = name;
    std::transform(lower.begin(), lower.end(), lower.begin(), [](unsigned char c) { return std::tolower(c); });
    request.headers[lower] = value;
  }
  request.body = std::move(body);
  return request;
}

http::http_response to_response(Response response) {
  http::http_response message(static_cast<http::status_code>(response.status));
  for (const auto& [name, value] : response.headers) message.headers().add(name, value);
  if (response.drop_connection) {
    // Promise a body and break the connection before sending it: the client
    // sees the connection drop mid-answer (cpprest closes the socket when the
    // body stream fails).
    concurrency::streams::producer_consumer_buffer<uint8_t> broken;
    message.set_body(broken.create_istream(), 4096, "application/json");
    broken.close(std::ios_base::out).wait();
    return message;
  }
  // Every body leaves through a SharedBodyBuffer: no copy of a shared (cached,
  // possibly 0.9 MB) body, and no thread hand-off per 4 KB the listener sends.
  auto text = response.shared_body ? std::move(response.shared_body)
                                   : std::make_shared<const std::string>(std::move(response.body));
  const auto length = text->size();
  concurrency::streams::streambuf<uint8_t> body(std::make_shared<SharedBodyBuffer>(std::move(text)));
  message.set_body(body.create_istream(), length, response.content_type);
  return message;
}

}  // namespace

struct Emulator::Impl {
  EmulatorOptions options;
  std::unique_ptr<Service> service;
  std::unique_ptr<http_listener> listener;
  std::string host;
  int port = 0;
  std::filesystem::path temp_state;  // removed on destruction when we made it

  void serve(http::http_request message) {
    Service* svc = service.get();
    message.extract_utf8string(true).then([svc, message](pplx::task<std::string> body_task) {
      std::string body;
      try {
        body = body_task.get();
      } catch (...) {
        // An unreadable body is handled as an empty one (answered 400 where a body is required).
      }
      Request request = to_request(message, std::move(body));
      int latency_ms = 0;
      Response response = svc->handle(request, &latency_ms);
      auto reply = to_response(std::move(response));
      if (latency_ms > 0) {
        svc->scheduler().after(std::chrono::milliseconds(latency_ms), [message, reply]() mutable {
          message.reply(reply);
        });
      } else {
        message.reply(reply);
      }
    });
  }
};

Emulator::Emulator(EmulatorOptions options) : impl_(std::make_unique<Impl>()) { impl_->options = std::move(options); }

Emulator::~Emulator() {
  stop();
  if (!impl_->temp_state.empty()) {
    std::error_code ignored;
    std::filesystem::remove_all(impl_->temp_state, ignored);
  }
}

void Emulator::start() {
  auto& impl = *impl_;
  if (impl.listener) throw std::runtime_error("emulator already started");
  if (impl.options.io_threads > 0) {
    try {
      crossplat::threadpool::initialize_with_threads(static_cast<size_t>(impl.options.io_threads));
    } catch (const std::exception&) {
      // This process already uses cpprest (another emulator, an http_client): the pool keeps its size.
    }
  }
  auto [host, requested_port] = parse_listen(impl.options.listen);
  impl.host = host;
  if (impl.options.state_dir.empty()) {
    std::string pattern = (std::filesystem::temp_directory_path() / "flowlink-emulator-XXXXXX").string();
    if (!::mkdtemp(pattern.data())) throw std::runtime_error("cannot create a temporary state dir");
    impl.temp_state = pattern;
    impl.options.state_dir = pattern;
  }
  impl.service = std::make_unique<Service>(impl.options);
  impl.service->access().open_key(impl.options.state_dir);
  open_org(*impl.service);
  resume_operations(*impl.service);

  http_listener_config config;
  config.set_timeout(std::chrono::seconds(60));
  std::string last_error;
  for (int attempt = 0; attempt < (requested_port == 0 ? 20 : 1); ++attempt) {
    const int port = requested_port == 0 ? pick_free_port(host) : requested_port;
    auto listener = std::make_unique<http_listener>(fmt::format("http://{}:{}", host, port), config);
    listener->support([&impl](http::http_request message) { impl.serve(std::move(message)); });
    try {
      listener->open().wait();
      impl.listener = std::move(listener);
      impl.port = port;
      return;
    } catch (const std::exception& e) {
      last_error = e.what();
    }
  }
  impl.service.reset();
  throw std::runtime_error(fmt::format("cannot listen on {}: {}", impl.options.listen, last_error));
}

void Emulator::stop() {
  auto& impl = *impl_;
  if (impl.listener) {
    try {
      impl.listener->close().wait();
    } catch (...) {
      // Closing a listener whose connections already broke is not an error worth surfacing.
    }
    impl.listener.reset();
  }
  if (impl.service) {
    impl.service->scheduler().stop();
    impl.service.reset();
  }
}

int Emulator::port() const { return impl_->port; }

std::string Emulator::base_url() const { return fmt::format("http://{}:{}", impl_->host, impl_->port); }

}  // namespace flowlink::emulator
