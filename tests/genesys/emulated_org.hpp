#pragma once
// Test support for the genesys layer: a temporary org seeded from a few
// configuration documents, served by the real emulator on loopback, and its
// /_emulator controls (through tests/support/emulator_control.hpp).

#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <random>
#include <stdexcept>
#include <string>

#include <nlohmann/json.hpp>

#include "emulator/emulator.hpp"
#include "genesys/flow_api.hpp"
#include "support/emulator_control.hpp"

namespace flowlink::genesys::testing {

namespace fs = std::filesystem;
using Json = nlohmann::json;

inline const std::string kClientId = "flowlink-test";
inline const std::string kClientSecret = "flowlink-test-secret";

class TempDir {
 public:
  TempDir() {
    std::random_device random;
    // Memory-backed when possible: the emulator syncs its state directory's
    // file system, which on a busy disk costs seconds.
    fs::path base = fs::is_directory("/dev/shm") ? fs::path("/dev/shm") : fs::temp_directory_path();
    path_ = base / ("flowlink-genesys-test-" + std::to_string(random()) + std::to_string(random()));
    fs::create_directories(path_);
  }
  ~TempDir() {
    std::error_code ignored;
    fs::remove_all(path_, ignored);
  }
  TempDir(const TempDir&) = delete;
  TempDir& operator=(const TempDir&) = delete;
  const fs::path& path() const { return path_; }

 private:
  fs::path path_;
};

inline void write_text(const fs::path& path, const std::string& text) {
  std::ofstream out(path, std::ios::binary);
  out << text;
  if (!out) throw std::runtime_error("cannot write " + path.string());
}

inline std::string read_text(const fs::path& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) throw std::runtime_error("cannot read " + path.string());
  return std::string(std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>());
}

// The real Architect document the fixtures hold (an inbound call flow).
inline fs::path fixture_flow_path() {
  return fs::path(FLOWLINK_FIXTURES_DIR) / "architect" / "cache-example.inboundcall.json";
}

// A minimal configuration document: enough for the emulator to seed a flow.
inline std::string tiny_document(const std::string& name, const std::string& type) {
  return Json{{"name", name}, {"type", type}, {"defaultLanguage", "en-us"}, {"supportedLanguages", {"en-us"}}}.dump();
}

// The emulator's /_emulator controls; throws unless the call succeeded.
inline Json control(int port, const std::string& method, const std::string& path, const Json& body = nullptr) {
  return flowlink::testing::EmulatorControl(port).call(method, path, body.is_null() ? "" : body.dump()).json();
}

// How many requests the emulator saw for one endpoint ("POST /oauth/token").
inline int endpoint_count(int port, const std::string& endpoint) {
  Json stats = control(port, "GET", "/_emulator/requests");
  return stats["by_endpoint"].value(endpoint, 0);
}

// An org on disk, seeded from `seed` (a directory the test fills), served.
struct EmulatedOrg {
  explicit EmulatedOrg(emulator::EmulatorOptions options = quiet_options()) : emulator(prepare(options, *this)) {
    emulator.start();
  }

  static emulator::EmulatorOptions quiet_options() {
    emulator::EmulatorOptions options;
    options.rate_limit_per_minute = 0;
    options.operation_delay_ms = 20;
    return options;
  }

  ClientOptions client_options() const {
    ClientOptions options;
    options.api_url = emulator.base_url();
    options.client_id = kClientId;
    options.client_secret = kClientSecret;
    options.parallelism = 4;
    options.retry_base = std::chrono::milliseconds(5);
    options.timeout = std::chrono::milliseconds(10000);
    return options;
  }

  int port() const { return emulator.port(); }

  TempDir state;
  TempDir seed;
  emulator::Emulator emulator;

 private:
  static emulator::EmulatorOptions prepare(emulator::EmulatorOptions options, EmulatedOrg& org) {
    if (options.state_dir.empty()) options.state_dir = (org.state.path() / "org").string();
    if (options.seed_dirs.empty()) {
      fs::copy_file(fixture_flow_path(), org.seed.path() / "cache-example.json");
      write_text(org.seed.path() / "greeting.json", tiny_document("Greeting", "inboundcall"));
      write_text(org.seed.path() / "shared-module.json", tiny_document("Shared Module", "commonmodule"));
      options.seed_dirs.push_back(org.seed.path().string());
    }
    return options;
  }
};

inline Flow flow_named(FlowApi& api, const std::string& name) {
  for (auto& flow : api.list_flows({}))
    if (flow.name == name) return flow;
  throw std::runtime_error("no flow named " + name);
}

}  // namespace flowlink::genesys::testing
