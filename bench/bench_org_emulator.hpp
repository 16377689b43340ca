#pragma once
// What the flowlink figures (flowlink_runs, apply_runs) share: an org
// generated from the fixture and cached between runs of the same sizes, a
// flowlink-emulator of their own seeded with it, and the set-up requests a
// script makes (a token).

#include <sys/types.h>

#include <filesystem>
#include <string>

#include <nlohmann/json.hpp>

namespace flowlink::bench {

std::string read_text(const std::filesystem::path& path);

// Writes (or reuses, when `work`/org.spec says the sizes are the same) an org
// of `flows` flows of ~`doc_kb` KB in `seed`; one in 50 is a common module.
// Prints a line when it generates one, prefixed with `label`.
void prepare_org(const std::filesystem::path& work, const std::filesystem::path& seed, const std::string& fixture,
                 int flows, int doc_kb, const char* label);

struct EmulatorLaunch {
  std::string binary;           // flowlink-emulator
  std::filesystem::path work;   // state, port file, clients, emulator.log go here
  std::filesystem::path seed;   // the org
  int latency_ms = 0;           // added to every API answer
  std::string client_id, secret;
};

// A flowlink-emulator of its own (rate limit off), up and healthy once
// constructed; stopped (SIGTERM, then SIGKILL) and its state removed on scope
// exit.
class BenchEmulator {
 public:
  explicit BenchEmulator(const EmulatorLaunch& launch);
  ~BenchEmulator();
  BenchEmulator(const BenchEmulator&) = delete;
  BenchEmulator& operator=(const BenchEmulator&) = delete;
  int port() const { return port_; }
  std::string url() const { return "http://127.0.0.1:" + std::to_string(port_); }

  void configure(const nlohmann::json& body) const;  // POST /_emulator/config
  void reset_counts() const;                         // DELETE /_emulator/requests
  nlohmann::json counts() const;                     // GET /_emulator/requests

 private:
  pid_t pid_ = -1;
  int port_ = 0;
  std::filesystem::path state_;
};

// A client-credentials token from the emulator, as the "Authorization" header line.
std::string bearer_header(int port, const std::string& client_id, const std::string& secret);

}  // namespace flowlink::bench
