// The Emulator: the HTTP server (http_server.hpp) in front of Service::handle,
// plus the org's lifecycle (state dir, seeding, resumed operations).
#include <algorithm>
#include <cstdlib>
#include <filesystem>
#include <stdexcept>
#include <thread>

#include <fmt/format.h>

#include "emulator/emulator.hpp"
#include "emulator/http_server.hpp"
#include "emulator/seeding.hpp"
#include "emulator/service.hpp"
#include "util/ascii.hpp"

namespace flowlink::emulator {

namespace {

std::pair<std::string, int> parse_listen(const std::string& listen) {
  const auto colon = listen.rfind(':');
  if (colon == std::string::npos) throw std::runtime_error(fmt::format("--listen '{}': expected HOST:PORT", listen));
  const std::string host = listen.substr(0, colon);
  const std::string port = listen.substr(colon + 1);
  if (host.empty() || port.empty() || port.size() > 5 || !util::is_digits(port))
    throw std::runtime_error(fmt::format("--listen '{}': expected HOST:PORT", listen));
  const int number = std::stoi(port);
  if (number > 65535) throw std::runtime_error(fmt::format("--listen '{}': port out of range", listen));
  return {host, number};
}

}  // namespace

struct Emulator::Impl {
  EmulatorOptions options;
  std::unique_ptr<Service> service;
  std::unique_ptr<HttpServer> server;
  std::string host;
  int port = 0;
  std::filesystem::path temp_state;  // removed on destruction when we made it
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
  if (impl.server) throw std::runtime_error("emulator already started");
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
  impl.service->set_identity(open_org_identity(impl.options.state_dir, impl.options.org_name));
  open_org(*impl.service);
  resume_operations(*impl.service);

  const int threads = impl.options.io_threads > 0
                          ? impl.options.io_threads
                          : static_cast<int>(std::max(2u, std::thread::hardware_concurrency()));
  Service* service = impl.service.get();
  HttpServerOptions server_options;
  server_options.threads = threads;
  server_options.idle_timeout = impl.options.idle_timeout;
  server_options.request_timeout = impl.options.request_timeout;
  auto server = std::make_unique<HttpServer>(
      [service](Request& request) {
        int latency_ms = 0;
        Reply reply;
        reply.response = service->handle(request, &latency_ms);
        reply.delay = std::chrono::milliseconds(latency_ms);
        return reply;
      },
      std::move(server_options));
  try {
    impl.port = server->listen(host, requested_port);
  } catch (const std::exception&) {
    impl.service.reset();
    throw;  // "cannot listen on HOST:PORT: why"
  }
  impl.server = std::move(server);
}

void Emulator::stop() {
  auto& impl = *impl_;
  impl.server.reset();  // first: no request may reach the service after this
  if (impl.service) {
    impl.service->scheduler().stop();
    impl.service.reset();
  }
}

int Emulator::port() const { return impl_->port; }

std::string Emulator::base_url() const { return fmt::format("http://{}:{}", impl_->host, impl_->port); }

}  // namespace flowlink::emulator
