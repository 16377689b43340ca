// flowlink-emulator: the Genesys Cloud Architect API emulator as a program.
// Runs until SIGINT/SIGTERM; prints "listening on http://HOST:PORT" when ready.
#include <algorithm>
#include <csignal>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <thread>

#include <CLI/CLI.hpp>
#include <nlohmann/json.hpp>

#include "emulator/emulator.hpp"
#include "util/atomic_file.hpp"

namespace {

std::vector<flowlink::emulator::ClientCredentials> read_clients(const std::string& path) {
  std::ifstream in(path);
  if (!in) throw std::runtime_error("cannot read clients file '" + path + "'");
  nlohmann::json json = nlohmann::json::parse(in, nullptr, false);
  if (json.is_discarded() || !json.is_array())
    throw std::runtime_error("clients file '" + path + "': expected a JSON array of {id, secret, name}");
  std::vector<flowlink::emulator::ClientCredentials> clients;
  for (const auto& item : json) {
    flowlink::emulator::ClientCredentials c;
    c.id = item.value("id", "");
    c.secret = item.value("secret", "");
    c.name = item.value("name", c.id);
    if (c.id.empty() || c.secret.empty())
      throw std::runtime_error("clients file '" + path + "': every client needs an id and a secret");
    clients.push_back(std::move(c));
  }
  return clients;
}

void write_port_file(const std::string& path, int port) {
  // Written whole then renamed, so a script polling for it never reads half a number.
  flowlink::util::write_file_atomically(path, std::to_string(port) + "\n", false);
}

}  // namespace

int main(int argc, char** argv) {
  CLI::App app{"flowlink-emulator: a local emulator of the Genesys Cloud Architect API (flows, versions, locks, "
               "publish, dependency tracking)"};
  flowlink::emulator::EmulatorOptions options;
  std::string clients_file, port_file;
  long token_ttl = options.token_ttl.count();
  app.add_option("--listen", options.listen, "HOST:PORT to listen on (port 0 picks a free one)")
      ->capture_default_str();
  app.add_option("--port-file", port_file, "write the port to this file once listening");
  app.add_option("--state", options.state_dir, "the org on disk (kept across restarts); default: a temp dir");
  app.add_option("--org-name", options.org_name,
                 "the org's name (GET /api/v2/organizations/me); its id is kept in the state dir")
      ->capture_default_str();
  app.add_option("--seed", options.seed_dirs,
                 "seed an empty state from this dir of configuration documents (*.json) and Architect exports (*.i3*)");
  app.add_option("--clients", clients_file, "JSON file [{id, secret, name}] of OAuth clients");
  app.add_option("--token-ttl", token_ttl, "access token lifetime in seconds")->capture_default_str();
  app.add_option("--rate-window-ms", options.rate_window_ms, "length of a rate-limit window (default: a minute)")
      ->capture_default_str();
  app.add_option("--rate-limit", options.rate_limit_per_minute, "requests per token per minute (0: unlimited)")
      ->capture_default_str();
  app.add_option("--latency-ms", options.latency_ms, "added to every API answer")->capture_default_str();
  app.add_option("--fault-rate", options.fault_rate, "share of API requests answered 5xx or dropped (0..1)")
      ->check(CLI::Range(0.0, 1.0))
      ->capture_default_str();
  app.add_option("--fault-seed", options.fault_seed, "seed for reproducible faults")->capture_default_str();
  app.add_option("--operation-delay-ms", options.operation_delay_ms, "check-in/publish complete after this")
      ->capture_default_str();
  options.io_threads = static_cast<int>(std::max(4u, 2 * std::thread::hardware_concurrency()));
  app.add_option("--io-threads", options.io_threads, "threads serving connections (default: 2 per core, at least 4)")
      ->check(CLI::Range(1, 1024))
      ->capture_default_str();
  long idle_timeout_ms = options.idle_timeout.count(), request_timeout_ms = options.request_timeout.count();
  app.add_option("--idle-timeout-ms", idle_timeout_ms, "close a connection that sends no request for this long")
      ->check(CLI::Range(1L, 86400000L))
      ->capture_default_str();
  app.add_option("--request-timeout-ms", request_timeout_ms,
                 "answer 408 and close when a request's head and body take longer than this")
      ->check(CLI::Range(1L, 86400000L))
      ->capture_default_str();
  CLI11_PARSE(app, argc, argv);
  options.idle_timeout = std::chrono::milliseconds(idle_timeout_ms);
  options.request_timeout = std::chrono::milliseconds(request_timeout_ms);

  // Block the stop signals in every thread; main waits for them below.
  sigset_t signals;
  sigemptyset(&signals);
  sigaddset(&signals, SIGINT);
  sigaddset(&signals, SIGTERM);
  pthread_sigmask(SIG_BLOCK, &signals, nullptr);

  try {
    options.token_ttl = std::chrono::seconds(token_ttl);
    if (!clients_file.empty()) options.clients = read_clients(clients_file);
    flowlink::emulator::Emulator emulator(options);
    emulator.start();
    if (!port_file.empty()) write_port_file(port_file, emulator.port());
    std::cout << "listening on " << emulator.base_url() << std::endl;
    int received = 0;
    sigwait(&signals, &received);
    std::cerr << "flowlink-emulator: stopping (signal " << received << ")\n";
    emulator.stop();
  } catch (const std::exception& e) {
    std::cerr << "flowlink-emulator: " << e.what() << "\n";
    return 1;
  }
  return 0;
}
