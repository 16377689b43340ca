// The cold-plan and rate-limited-plan figures. See flowlink_runs.hpp.
#include "flowlink_runs.hpp"

#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <cstdio>
#include <fstream>
#include <stdexcept>
#include <vector>

#include <nlohmann/json.hpp>

#include "bench_org_emulator.hpp"
#include "child_process.hpp"
#include "http_load.hpp"
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

double seconds_since(Clock::time_point start) { return std::chrono::duration<double>(Clock::now() - start).count(); }

using Emulator = BenchEmulator;  // bench_org_emulator.hpp

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
  const std::vector<std::string> auth = {bearer_header(port, client_id, secret)};
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
  prepare_org(spec.work, seed, spec.fixture, spec.flows, spec.doc_kb, "plan org");
  const std::string client_id = "bench-client", secret = "bench-secret-" + std::to_string(::getpid());
  Emulator emulator(EmulatorLaunch{spec.emulator, spec.work, seed, spec.latency_ms, client_id, secret});
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
    // The latency floor: its requests one after another (or 8 at a time),
    // each answered after the emulator's latency. With one request in flight
    // no client beats the baseline by more than baseline / that floor.
    const double latency = spec.latency_ms / 1000.0;
    const double one_floor = static_cast<double>(one.api_requests) * latency;
    std::snprintf(line, sizeof line,
                  "%.2fx the baseline; target >= %.1fx -> %s (one request in flight: %.0f%% of its latency floor, "
                  "which caps it at %.2fx)",
                  one_ratio, kTargetSequentialRatio, verdict(one_ratio >= kTargetSequentialRatio).c_str(),
                  100.0 * one_floor / one.seconds, baseline.seconds / one_floor);
    print_run("cold plan --parallelism 1", one, line);
    const Run many = flowlink_plan(spec, emulator, client_id, secret, {}, "plan-default");
    const double many_floor = static_cast<double>(many.api_requests) * latency / 8;
    std::snprintf(line, sizeof line, "%.2fx the baseline (held %.1fx before); %.0f%% of its latency floor",
                  baseline.seconds / many.seconds, kEarlierDefaultRatio, 100.0 * many_floor / many.seconds);
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
