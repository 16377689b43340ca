// The cold-plan and rate-limited-plan figures. See flowlink_runs.hpp.
#include "flowlink_runs.hpp"

#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <cstdio>
#include <fstream>
#include <sstream>
#include <stdexcept>
#include <thread>
#include <vector>

#include <nlohmann/json.hpp>

#include "child_process.hpp"
#include "http_load.hpp"
#include "org_generator.hpp"
#include "util/encoding.hpp"
#include "warm_drift.hpp"

namespace flowlink::bench {

namespace fs = std::filesystem;
using Clock = std::chrono::steady_clock;
using Json = nlohmann::json;

namespace {

constexpr double kTargetSequentialRatio = 1.3;   // plan --parallelism 1 vs the tutorial loop
constexpr double kEarlierDefaultRatio = 6.3;     // what the default parallelism held before pacing
constexpr double kTargetFloorRatio = 1.07;       // one token: time / (requests / allowed rate)
constexpr double kTargetPoolSpeedup = 3.0;       // a pool of 4 tokens vs one
constexpr int kTutorialPageSize = 25;            // the API's default: what a client gets without asking

std::string read_text(const fs::path& path) {
  std::ifstream in(path, std::ios::binary);
  std::stringstream text;
  text << in.rdbuf();
  return text.str();
}

double seconds_since(Clock::time_point start) { return std::chrono::duration<double>(Clock::now() - start).count(); }

// The org of spec.flows flows, cached between runs of the same sizes.
void prepare_org(const FlowlinkRunsSpec& spec, const fs::path& seed) {
  const std::string spec_line =
      "flows=" + std::to_string(spec.flows) + " doc_kb=" + std::to_string(spec.doc_kb) + " v1";
  if (read_text(spec.work / "org.spec") == spec_line && fs::exists(seed / "org.json")) return;
  OrgSummary org = generate_org(OrgSpec{spec.flows, spec.doc_kb, 50, spec.fixture, seed});
  std::ofstream(spec.work / "org.spec") << spec_line;
  std::printf("plan org: generated %zu flows in %.1f s\n", org.flow_ids.size(), org.seconds);
}

// A flowlink-emulator of its own, stopped (SIGTERM, then SIGKILL) on scope exit.
class Emulator {
 public:
  Emulator(const FlowlinkRunsSpec& spec, const fs::path& seed, const std::string& client_id,
           const std::string& secret) {
    const fs::path state = spec.work / "state", port_file = spec.work / "port", clients = spec.work / "clients.json";
    fs::remove_all(state);
    fs::remove(port_file);
    std::ofstream(clients) << Json::array({{{"id", client_id}, {"secret", secret}, {"name", "Benchmark client"}}}).dump();
    pid_ = spawn({spec.emulator, "--listen", "127.0.0.1:0", "--port-file", port_file.string(), "--state", state.string(),
                  "--seed", seed.string(), "--clients", clients.string(), "--rate-limit", "0", "--latency-ms",
                  std::to_string(spec.latency_ms)},
                 spec.work / "emulator.log");
    const auto started = Clock::now();
    while (port_ == 0) {
      if (::waitpid(pid_, nullptr, WNOHANG) == pid_) {
        pid_ = -1;
        throw std::runtime_error("emulator exited while seeding; see " + (spec.work / "emulator.log").string());
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
    state_ = state;
  }
  ~Emulator() {
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
  Emulator(const Emulator&) = delete;
  Emulator& operator=(const Emulator&) = delete;
  int port() const { return port_; }

  void configure(const Json& body) const {
    if (http_once(port_, "POST", "/_emulator/config", {"Content-Type: application/json"}, body.dump()).status != 200)
      throw std::runtime_error("emulator config refused: " + body.dump());
  }
  void reset_counts() const { http_once(port_, "DELETE", "/_emulator/requests", {}); }
  Json counts() const { return Json::parse(http_once(port_, "GET", "/_emulator/requests", {}).body); }

 private:
  pid_t pid_ = -1;
  int port_ = 0;
  fs::path state_;
};

struct Run {
  int exit_code = -1;
  double seconds = 0;
  long long api_requests = 0;  // rate-limited ones: everything but the token requests
  long long rate_limited = 0;  // 429 answers
};

Run counted(const Emulator& emulator, int exit_code, double seconds) {
  const Json counts = emulator.counts();
  Run run;
  run.exit_code = exit_code;
  run.seconds = seconds;
  run.api_requests = counts.value("total", 0LL) - counts["by_endpoint"].value("POST /oauth/token", 0LL);
  if (counts.contains("by_status")) run.rate_limited = counts["by_status"].value("429", 0LL);
  return run;
}

// What the tutorials do, one request at a time on a fresh connection each
// (a script's requests.get): a token, the listing page by page at the default
// page size, then each flow's latestconfiguration.
Run sequential_baseline(const Emulator& emulator, const std::string& client_id, const std::string& secret) {
  emulator.reset_counts();
  const int port = emulator.port();
  const auto started = Clock::now();
  const HttpAnswer token = http_once(port, "POST", "/oauth/token",
                                     {"Authorization: Basic " + util::base64_encode(client_id + ":" + secret),
                                      "Content-Type: application/x-www-form-urlencoded"},
                                     "grant_type=client_credentials");
  if (token.status != 200) throw std::runtime_error("baseline token: HTTP " + std::to_string(token.status));
  const std::vector<std::string> auth = {"Authorization: Bearer " + Json::parse(token.body)["access_token"].get<std::string>()};
  std::vector<std::string> ids;
  for (int page = 1;; ++page) {
    const HttpAnswer answer = http_once(port, "GET",
                                        "/api/v2/flows?pageSize=" + std::to_string(kTutorialPageSize) +
                                            "&pageNumber=" + std::to_string(page),
                                        auth);
    if (answer.status != 200) throw std::runtime_error("baseline listing: HTTP " + std::to_string(answer.status));
    const Json listing = Json::parse(answer.body);
    for (const auto& entity : listing.value("entities", Json::array())) ids.push_back(entity["id"]);
    if (page >= listing.value("pageCount", 0)) break;
  }
  for (const auto& id : ids) {
    const HttpAnswer answer = http_once(port, "GET", "/api/v2/flows/" + id + "/latestconfiguration", auth);
    if (answer.status != 200) throw std::runtime_error("baseline read of " + id + ": HTTP " + std::to_string(answer.status));
  }
  return counted(emulator, 0, seconds_since(started));
}

// A cold `flowlink plan` (no cache) of the bench manifest, with `extra` options.
Run flowlink_plan(const FlowlinkRunsSpec& spec, const Emulator& emulator, const std::string& client_id,
                  const std::string& secret, const std::vector<std::string>& extra, const std::string& name) {
  emulator.reset_counts();
  const fs::path manifest = spec.work / "bench-manifest.yaml";
  std::ofstream(manifest) << bench_manifest_text();
  std::vector<std::string> argv = {spec.flowlink, "plan", "-f", manifest.string(), "--api-url",
                                   "http://127.0.0.1:" + std::to_string(emulator.port()), "--work-dir",
                                   (spec.work / "work").string(), "--no-cache", "--output", "json"};
  argv.insert(argv.end(), extra.begin(), extra.end());
  const auto started = Clock::now();
  const pid_t pid = spawn(argv, spec.work / (name + ".log"),
                          {{"GENESYSCLOUD_OAUTHCLIENT_ID", client_id}, {"GENESYSCLOUD_OAUTHCLIENT_SECRET", secret}});
  int status = 0;
  ::waitpid(pid, &status, 0);
  const double seconds = seconds_since(started);
  return counted(emulator, WIFEXITED(status) ? WEXITSTATUS(status) : -1, seconds);
}

bool failed(const Run& run) { return run.exit_code < 0 || run.exit_code == 1; }

void print_run(const char* name, const Run& run, const std::string& versus) {
  std::printf("%-44s %9lld %6lld %9.2f %6d  %s\n", name, run.api_requests, run.rate_limited, run.seconds,
              run.exit_code, versus.c_str());
  std::fflush(stdout);
}

std::string verdict(bool met) { return met ? "met" : "NOT met"; }

}  // namespace

bool bench_flowlink_runs(const FlowlinkRunsSpec& spec) {
  fs::create_directories(spec.work);
  const fs::path seed = spec.work / "org";
  prepare_org(spec, seed);
  const std::string client_id = "bench-client", secret = "bench-secret-" + std::to_string(::getpid());
  Emulator emulator(spec, seed, client_id, secret);
  bool ok = true;
  char line[256];

  std::printf("\nflowlink runs: %d flows of ~%d KB, emulator latency %d ms per answer; cold plans (--no-cache)\n",
              spec.flows, spec.doc_kb, spec.latency_ms);
  std::printf("%-44s %9s %6s %9s %6s  %s\n", "run", "requests", "429s", "seconds", "exit", "figure");
  if (spec.cold_plan) {
    const Run baseline = sequential_baseline(emulator, client_id, secret);
    print_run("sequential baseline (tutorial loop)", baseline, "baseline");
    const Run one = flowlink_plan(spec, emulator, client_id, secret, {"--parallelism", "1"}, "plan-p1");
    const double one_ratio = baseline.seconds / one.seconds;
    std::snprintf(line, sizeof line, "%.2fx the baseline; target >= %.1fx -> %s", one_ratio, kTargetSequentialRatio,
                  verdict(one_ratio >= kTargetSequentialRatio).c_str());
    print_run("cold plan --parallelism 1", one, line);
    const Run many = flowlink_plan(spec, emulator, client_id, secret, {}, "plan-default");
    std::snprintf(line, sizeof line, "%.2fx the baseline (held %.1fx before)", baseline.seconds / many.seconds,
                  kEarlierDefaultRatio);
    print_run("cold plan, default parallelism (8)", many, line);
    ok = ok && !failed(one) && !failed(many);
  }
  if (spec.rate_limited_plan) {
    emulator.configure({{"rate_limit_per_minute", spec.rate_limit}, {"rate_window_ms", spec.rate_window_ms}});
    const double per_second = spec.rate_limit * 1000.0 / spec.rate_window_ms;  // per token
    std::printf("rate limit: %d requests per %d ms per token (%.0f/s; Genesys: 300 a minute)\n", spec.rate_limit,
                spec.rate_window_ms, per_second);
    // A new window for each run: changing the limit resets the emulator's windows.
    const Run single = flowlink_plan(spec, emulator, client_id, secret, {"--token-pool", "1"}, "plan-pool1");
    const double single_floor = static_cast<double>(single.api_requests) / per_second;
    const double single_ratio = single.seconds / single_floor;
    std::snprintf(line, sizeof line, "%.2fx its floor (%.1f s); target <= %.2fx -> %s", single_ratio, single_floor,
                  kTargetFloorRatio, verdict(single_ratio <= kTargetFloorRatio).c_str());
    print_run("rate-limited plan --token-pool 1", single, line);
    emulator.configure({{"rate_limit_per_minute", spec.rate_limit}, {"rate_window_ms", spec.rate_window_ms}});
    const Run pooled = flowlink_plan(spec, emulator, client_id, secret, {"--token-pool", "4"}, "plan-pool4");
    const double pooled_floor = static_cast<double>(pooled.api_requests) / (4 * per_second);
    const double speedup = single.seconds / pooled.seconds;
    std::snprintf(line, sizeof line, "%.2fx its floor (%.1f s); %.2fx faster than one token; target >= %.0fx -> %s",
                  pooled.seconds / pooled_floor, pooled_floor, speedup, kTargetPoolSpeedup,
                  verdict(speedup >= kTargetPoolSpeedup).c_str());
    print_run("rate-limited plan --token-pool 4", pooled, line);
    ok = ok && !failed(single) && !failed(pooled);
  }
  std::printf("'requests': API requests the emulator served (token requests aside); '429s': its 429 answers;\n"
              "floor: those requests at the allowed rate (per token, times the pool). Logs: %s\n",
              spec.work.c_str());
  if (!ok) std::printf("NOTE: a flowlink run failed; see the logs in %s\n", spec.work.c_str());
  return ok;
}

}  // namespace flowlink::bench
