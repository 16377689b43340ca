#pragma once
// flowlink-emulator as a library: a real HTTP server on loopback that behaves
// like the Architect part of the Genesys Cloud Platform API v2. Tests embed it
// (and talk to it over sockets); src/emulator/main.cpp wraps it as a program.
// No Asio or cpprest type appears here, so tests and the CLI include it cheaply.

#include <chrono>
#include <cstdint>
#include <memory>
#include <string>
#include <vector>

namespace flowlink::emulator {

struct ClientCredentials {
  std::string id;
  std::string secret;
  std::string name;  // shown as lockedClient.name / createdByClient.name
};

struct EmulatorOptions {
  std::string listen = "127.0.0.1:0";  // port 0: pick a free one
  std::string state_dir;               // the org on disk; empty: a fresh temp dir
  // GET /api/v2/organizations/me's name. The org's id is made once per state
  // dir and kept there, so a restart on the same state is the same org.
  std::string org_name = "flowlink emulated org";
  std::vector<std::string> seed_dirs;  // configuration documents and Architect export files
  std::vector<ClientCredentials> clients;  // empty: one client "flowlink-test"/"flowlink-test-secret"
  std::chrono::seconds token_ttl{86400};
  int rate_limit_per_minute = 300;     // per token per rate window; 0: unlimited
  int rate_window_ms = 60000;          // Genesys counts per minute; tests may shorten it
  int latency_ms = 0;                  // added to every API answer
  double fault_rate = 0.0;             // share of API requests answered 5xx or dropped
  std::uint64_t fault_seed = 1;
  int operation_delay_ms = 50;         // check-in / publish complete after this
  // Threads serving connections (0: one per core, at least 2). A handler
  // may block on disk (a saved version is written before the answer), so
  // the program runs about two per core.
  int io_threads = 0;
  // A connection waiting for a request (just accepted, or idle between
  // keep-alive requests) is closed after idle_timeout; a request whose head
  // and body do not arrive whole within request_timeout of its first byte
  // (a slow-loris head, a stalled body) is answered 408 and closed.
  std::chrono::milliseconds idle_timeout{std::chrono::seconds(60)};
  std::chrono::milliseconds request_timeout{std::chrono::seconds(60)};
};

class Emulator {
 public:
  explicit Emulator(EmulatorOptions options);
  ~Emulator();  // stops the server
  Emulator(const Emulator&) = delete;
  Emulator& operator=(const Emulator&) = delete;

  void start();  // seeds (if asked), binds, serves; throws std::runtime_error on failure
  void stop();
  int port() const;
  std::string base_url() const;  // "http://127.0.0.1:PORT"

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

}  // namespace flowlink::emulator
