// The org and emulator the flowlink figures share. See bench_org_emulator.hpp.
#include "bench_org_emulator.hpp"

#include <signal.h>
#include <sys/wait.h>

#include <chrono>
#include <cstdio>
#include <fstream>
#include <sstream>
#include <stdexcept>
#include <thread>

#include "child_process.hpp"
#include "http_load.hpp"
#include "org_generator.hpp"
#include "util/encoding.hpp"

namespace flowlink::bench {

namespace fs = std::filesystem;
using Clock = std::chrono::steady_clock;
using Json = nlohmann::json;

std::string read_text(const fs::path& path) {
  std::ifstream in(path, std::ios::binary);
  std::stringstream text;
  text << in.rdbuf();
  return text.str();
}

void prepare_org(const fs::path& work, const fs::path& seed, const std::string& fixture, int flows, int doc_kb,
                 const char* label) {
  const std::string spec_line = "flows=" + std::to_string(flows) + " doc_kb=" + std::to_string(doc_kb) + " v1";
  if (read_text(work / "org.spec") == spec_line && fs::exists(seed / "org.json")) return;
  OrgSummary org = generate_org(OrgSpec{flows, doc_kb, 50, fixture, seed});
  std::ofstream(work / "org.spec") << spec_line;
  std::printf("%s: generated %zu flows in %.1f s\n", label, org.flow_ids.size(), org.seconds);
}

BenchEmulator::BenchEmulator(const EmulatorLaunch& launch) {
  const fs::path state = launch.work / "state", port_file = launch.work / "port",
                 clients = launch.work / "clients.json", log = launch.work / "emulator.log";
  fs::remove_all(state);
  fs::remove(port_file);
  std::ofstream(clients) << Json::array(
                                {{{"id", launch.client_id}, {"secret", launch.secret}, {"name", "Benchmark client"}}})
                                .dump();
  pid_ = spawn({launch.binary, "--listen", "127.0.0.1:0", "--port-file", port_file.string(), "--state", state.string(),
                "--seed", launch.seed.string(), "--clients", clients.string(), "--rate-limit", "0", "--latency-ms",
                std::to_string(launch.latency_ms)},
               log);
  state_ = state;
  const auto started = Clock::now();
  while (port_ == 0) {
    if (::waitpid(pid_, nullptr, WNOHANG) == pid_) {
      pid_ = -1;
      throw std::runtime_error("emulator exited while seeding; see " + log.string());
    }
    if (Clock::now() - started > std::chrono::minutes(5)) throw std::runtime_error("emulator not up after 5 minutes");
    const std::string text = read_text(port_file);
    if (!text.empty() && text.back() == '\n') {
      const int port = std::stoi(text);
      try {
        if (http_once(port, "GET", "/_emulator/health", {}).status == 200) port_ = port;
      } catch (const std::exception&) {
      }
    }
    if (port_ == 0) std::this_thread::sleep_for(std::chrono::milliseconds(20));
  }
}

BenchEmulator::~BenchEmulator() {
  if (pid_ > 0) {
    ::kill(pid_, SIGTERM);
    bool reaped = false;
    for (int i = 0; i < 100 && !reaped; ++i) {
      reaped = ::waitpid(pid_, nullptr, WNOHANG) == pid_;
      if (!reaped) std::this_thread::sleep_for(std::chrono::milliseconds(50));
    }
    if (!reaped) {
      ::kill(pid_, SIGKILL);
      ::waitpid(pid_, nullptr, 0);
    }
  }
  std::error_code ignored;
  fs::remove_all(state_, ignored);  // hundreds of MB: not left behind
}

void BenchEmulator::configure(const Json& body) const {
  if (http_once(port_, "POST", "/_emulator/config", {"Content-Type: application/json"}, body.dump()).status != 200)
    throw std::runtime_error("emulator config refused: " + body.dump());
}

void BenchEmulator::reset_counts() const { http_once(port_, "DELETE", "/_emulator/requests", {}); }

Json BenchEmulator::counts() const { return Json::parse(http_once(port_, "GET", "/_emulator/requests", {}).body); }

std::string bearer_header(int port, const std::string& client_id, const std::string& secret) {
  const HttpAnswer token = http_once(port, "POST", "/oauth/token",
                                     {"Authorization: Basic " + util::base64_encode(client_id + ":" + secret),
                                      "Content-Type: application/x-www-form-urlencoded"},
                                     "grant_type=client_credentials");
  if (token.status != 200) throw std::runtime_error("token: HTTP " + std::to_string(token.status));
  return "Authorization: Bearer " + Json::parse(token.body)["access_token"].get<std::string>();
}

}  // namespace flowlink::bench
