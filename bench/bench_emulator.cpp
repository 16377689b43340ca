// bench_emulator: how fast flowlink-emulator seeds and answers on an org of
// FLOWS flows of DOC_KB KB each, on loopback.
//
// House rule: figures are ratios against baselines measured in the same run
// (a raw-socket HTTP floor inside this program and the emulator's own
// /_emulator/health), never timed assertions. The issue's targets (>= 2,000
// requests/s, seeding < 30 s) are printed as ratios too.

#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <CLI/CLI.hpp>
#include <chrono>
#include <cmath>
#include <cstdio>
#include <fstream>
#include <iostream>
#include <sstream>
#include <thread>

#include <nlohmann/json.hpp>

#include "apply_runs.hpp"
#include "child_process.hpp"
#include "flowlink_runs.hpp"
#include "http_load.hpp"
#include "org_generator.hpp"
#include "plan_memory.hpp"
#include "warm_drift.hpp"
#include "util/encoding.hpp"

namespace fs = std::filesystem;
using namespace flowlink::bench;
using Clock = std::chrono::steady_clock;

namespace {

constexpr double kTargetRequestsPerSecond = 2000;
constexpr double kTargetSeedSeconds = 30;

struct Child {
  pid_t pid = -1;
  ~Child() { stop(); }
  void stop() {
    if (pid <= 0) return;
    ::kill(pid, SIGTERM);
    for (int i = 0; i < 100; ++i) {
      if (::waitpid(pid, nullptr, WNOHANG) == pid) { pid = -1; return; }
      std::this_thread::sleep_for(std::chrono::milliseconds(50));
    }
    ::kill(pid, SIGKILL);
    ::waitpid(pid, nullptr, 0);
    pid = -1;
  }
  bool alive() {
    if (pid <= 0) return false;
    if (::waitpid(pid, nullptr, WNOHANG) == 0) return true;
    pid = -1;  // exited and reaped
    return false;
  }
};

std::string read_file(const fs::path& p) {
  std::ifstream in(p, std::ios::binary);
  std::stringstream s;
  s << in.rdbuf();
  return s.str();
}

// A field of /proc/PID/status in kB ("VmHWM", "VmRSS"); -1 when unreadable.
long proc_status_kb(pid_t pid, const std::string& field) {
  std::ifstream in("/proc/" + std::to_string(pid) + "/status");
  std::string line;
  while (std::getline(in, line))
    if (line.rfind(field + ":", 0) == 0) return std::stol(line.substr(field.size() + 1));
  return -1;
}

// utime + stime of a process, in seconds.
double cpu_seconds(pid_t pid) {
  std::string stat = read_file("/proc/" + std::to_string(pid) + "/stat");
  auto close = stat.rfind(')');
  if (close == std::string::npos) return 0;
  std::istringstream rest(stat.substr(close + 2));
  std::string field;
  unsigned long long utime = 0, stime = 0;
  for (int i = 3; rest >> field; ++i) {
    if (i == 14) utime = std::stoull(field);
    if (i == 15) { stime = std::stoull(field); break; }
  }
  return static_cast<double>(utime + stime) / static_cast<double>(::sysconf(_SC_CLK_TCK));
}

struct Row {
  std::string name;
  LoadResult result;
  double server_cpu = -1;  // cores the emulator used during the run
};

void print_table(const std::vector<Row>& rows, double floor_rps, double health_rps) {
  std::printf("\n%-48s %10s %9s %9s %6s %10s %9s %9s %10s %8s\n", "endpoint", "req/s", "MB/s", "KB/answer", "cpu",
              "req/s/core", "vs floor", "vs health", "vs target", "non-200");
  for (const auto& r : rows) {
    double rps = r.result.per_second();
    std::string cpu = r.server_cpu < 0 ? "-" : std::to_string(r.server_cpu).substr(0, 4);
    std::string per_core = r.server_cpu > 0 ? std::to_string(static_cast<long>(rps / r.server_cpu)) : "-";
    const double kb = r.result.requests > 0 ? r.result.body_bytes / 1024.0 / r.result.requests : 0;
    std::printf("%-48s %10.0f %9.1f %9.1f %6s %10s %9.3f %9.3f %10.2f %8llu\n", r.name.c_str(), rps,
                r.result.megabytes_per_second(), kb, cpu.c_str(), per_core.c_str(), rps / floor_rps,
                health_rps > 0 ? rps / health_rps : 0,
                rps / kTargetRequestsPerSecond, static_cast<unsigned long long>(r.result.non_ok()));
  }
}

}  // namespace

int main(int argc, char** argv) {
  CLI::App app{"Benchmark flowlink-emulator: seeding time and requests/s on a large org"};
  std::string emulator, work, fixture = std::string(FLOWLINK_FIXTURES_DIR) + "/architect/cache-example.inboundcall.json";
  int flows = 5000, doc_kb = 100, connections = 4;
  double seconds = 5;
  app.add_option("--emulator", emulator, "flowlink-emulator binary")->required();
  app.add_option("--work", work, "work directory (org, state, logs)")->required();
  app.add_option("--fixture", fixture, "flow configuration document the org is built from");
  app.add_option("--flows", flows, "flows in the org");
  app.add_option("--doc-kb", doc_kb, "size of each configuration document, KB");
  app.add_option("--seconds", seconds, "duration of each measurement");
  app.add_option("--connections", connections, "keep-alive connections (one thread each)");
  std::string only, flowlink;
  app.add_option("--only", only, "measure only the endpoints whose name contains this (baselines always run)");
  app.add_option("--flowlink", flowlink, "flowlink binary: also measure a cold and a warm `flowlink drift`");
  FlowlinkRunsSpec runs;
  app.add_option("--plan-flows", runs.flows, "flows in the org of the cold and rate-limited plans");
  app.add_option("--plan-latency-ms", runs.latency_ms, "emulator latency for those plans");
  app.add_option("--plan-rate-limit", runs.rate_limit, "requests per token per window for the rate-limited plans");
  app.add_option("--plan-rate-window-ms", runs.rate_window_ms, "that window's length");
  ApplyRunsSpec apply_runs;
  app.add_option("--apply-flows", apply_runs.flows, "inbound-call flows in the org of the apply figure");
  app.add_option("--apply-latency-ms", apply_runs.latency_ms, "emulator latency for the apply figure");
  CLI11_PARSE(app, argc, argv);

  try {
    const fs::path dir = fs::absolute(work);
    const fs::path seed = dir / "org";
    fs::create_directories(dir);

    // The org is cached between runs: generating it is not the emulator's cost.
    const std::string spec_line = "flows=" + std::to_string(flows) + " doc_kb=" + std::to_string(doc_kb) + " v1";
    OrgSummary org;
    if (read_file(dir / "org.spec") == spec_line && fs::exists(seed / "org.json")) {
      auto listing = nlohmann::json::parse(read_file(seed / "org.json"));
      for (const auto& e : listing) {
        org.flow_ids.push_back(e["id"]);
        if (e["type"] == "COMMONMODULE") org.module_ids.push_back(e["id"]);
        org.total_bytes += fs::file_size(seed / e["file"].get<std::string>());
      }
      std::printf("org: reused %s (%d flows)\n", seed.c_str(), flows);
    } else {
      org = generate_org(OrgSpec{flows, doc_kb, 50, fixture, seed});
      std::ofstream(dir / "org.spec") << spec_line;
      std::printf("org: generated %zu flows (%zu common modules) in %.1f s\n", org.flow_ids.size(),
                  org.module_ids.size(), org.seconds);
    }
    std::printf("org: %zu flows, %.1f MB, average document %.1f KB\n", org.flow_ids.size(), org.total_bytes / 1e6,
                org.total_bytes / 1024.0 / static_cast<double>(org.flow_ids.size()));

    const fs::path state = dir / "state", port_file = dir / "port", clients = dir / "clients.json";
    fs::remove_all(state);
    fs::remove(port_file);
    const std::string client_id = "bench-client", secret = "bench-secret-" + std::to_string(::getpid());
    std::ofstream(clients) << nlohmann::json::array(
        {{{"id", client_id}, {"secret", secret}, {"name", "Benchmark client"}}}).dump();

    // Seeding: from exec to the first healthy answer.
    Child child;
    const auto started = Clock::now();
    child.pid = spawn({emulator, "--listen", "127.0.0.1:0", "--port-file", port_file.string(), "--state",
                       state.string(), "--seed", seed.string(), "--clients", clients.string(), "--rate-limit", "0"},
                      dir / "emulator.log");
    int port = 0;
    while (port == 0) {
      if (!child.alive()) throw std::runtime_error("emulator exited while seeding; see " + (dir / "emulator.log").string());
      if (Clock::now() - started > std::chrono::minutes(5)) throw std::runtime_error("emulator not up after 5 minutes");
      std::string text = read_file(port_file);
      if (!text.empty() && text.back() == '\n') {
        port = std::stoi(text);
        try {
          if (http_once(port, "GET", "/_emulator/health", {}).status != 200) port = 0;
        } catch (const std::exception&) {
          port = 0;
        }
      }
      if (port == 0) std::this_thread::sleep_for(std::chrono::milliseconds(10));
    }
    const double seed_seconds = std::chrono::duration<double>(Clock::now() - started).count();
    const double seed_cpu = cpu_seconds(child.pid);
    const long rss_after_seed = proc_status_kb(child.pid, "VmRSS");

    auto token_answer = http_once(port, "POST", "/oauth/token",
                                  {"Authorization: Basic " + flowlink::util::base64_encode(client_id + ":" + secret),
                                   "Content-Type: application/x-www-form-urlencoded"},
                                  "grant_type=client_credentials");
    if (token_answer.status != 200) throw std::runtime_error("token: HTTP " + std::to_string(token_answer.status));
    const std::string token = nlohmann::json::parse(token_answer.body)["access_token"];
    const std::vector<std::string> auth = {"Authorization: Bearer " + token};

    auto listed = http_once(port, "GET", "/api/v2/flows?pageSize=1", auth);
    long long listed_total = listed.status == 200 ? nlohmann::json::parse(listed.body).value("total", -1LL) : -1;
    if (listed_total != static_cast<long long>(org.flow_ids.size()))
      std::printf("WARNING: the emulator lists %lld flows, the org has %zu\n", listed_total, org.flow_ids.size());

    std::printf("\nseeding: %.2f s for %zu flows (emulator CPU %.2f s); target < %.0f s -> %.2f of the budget\n",
                seed_seconds, org.flow_ids.size(), seed_cpu, kTargetSeedSeconds, seed_seconds / kTargetSeedSeconds);
    std::printf("load: %d keep-alive connections, %.0f s per endpoint, %u cores, rate limit off\n", connections, seconds,
                std::thread::hardware_concurrency());

    std::vector<Row> rows;
    auto measure = [&](const std::string& name, int target_port, const PathPicker& pick,
                       const std::vector<std::string>& headers, bool is_emulator) {
      const bool baseline = rows.size() < 2;
      if (!baseline && name.find(only) == std::string::npos) return;
      double cpu0 = is_emulator ? cpu_seconds(child.pid) : 0;
      Row row{name, run_load(target_port, pick, headers, connections, seconds)};
      if (is_emulator) row.server_cpu = (cpu_seconds(child.pid) - cpu0) / row.result.seconds;
      std::printf("  measured %-46s %9.0f req/s\n", name.c_str(), row.result.per_second());
      std::fflush(stdout);
      rows.push_back(std::move(row));
    };

    {
      FloorServer floor;
      measure("raw-socket floor (in this program)", floor.port(),
              [](std::mt19937_64&) { return std::string("/floor"); }, {}, false);
    }
    measure("GET /_emulator/health", port, [](std::mt19937_64&) { return std::string("/_emulator/health"); }, {},
            true);
    // The listing at the API's default page size (what a Genesys client gets
    // without asking) and at the largest (what flowlink asks for); then the
    // largest again with a parameter that differs on every request, so that
    // each answer is built from the org (a first read after a write).
    auto list_pages = [&](int size, bool fresh) -> PathPicker {
      const size_t pages = (org.flow_ids.size() + size - 1) / size;
      return [size, pages, fresh](std::mt19937_64& rng) {
        std::string path = "/api/v2/flows?pageSize=" + std::to_string(size) + "&pageNumber=" +
                           std::to_string(1 + rng() % pages);
        if (fresh) path += "&bench=" + std::to_string(rng());
        return path;
      };
    };
    measure("GET /api/v2/flows?pageSize=25&pageNumber=rnd", port, list_pages(25, false), auth, true);
    measure("GET /api/v2/flows?pageSize=500&pageNumber=rnd", port, list_pages(500, false), auth, true);
    measure("GET /api/v2/flows?pageSize=500, uncached", port, list_pages(500, true), auth, true);
    const auto& ids = org.flow_ids;
    measure("GET /api/v2/flows/{rnd}/latestconfiguration", port,
            [&ids](std::mt19937_64& rng) {
              return "/api/v2/flows/" + ids[rng() % ids.size()] + "/latestconfiguration";
            },
            auth, true);
    measure("GET /api/v2/flows/{rnd}", port,
            [&ids](std::mt19937_64& rng) { return "/api/v2/flows/" + ids[rng() % ids.size()]; }, auth, true);

    const long hwm = proc_status_kb(child.pid, "VmHWM");
    bool drift_ok = true;
    if (!flowlink.empty() && (only.empty() || std::string("warm drift").find(only) != std::string::npos)) {
      drift_ok = bench_warm_drift(WarmDriftSpec{flowlink, dir / "drift", port, client_id, secret, org.flow_ids.size()});
    }
    print_table(rows, rows[0].result.per_second(), rows[1].result.per_second());
    std::printf("\n'vs floor': ratio to the raw-socket server in this program (the loopback + client floor);\n"
                "'vs health': ratio to the emulator's cheapest answer; 'vs target': ratio to %.0f req/s;\n"
                "'cpu': cores the emulator used during the run (the load generator shares the machine);\n"
                "'req/s/core': req/s divided by those cores, what one dedicated core would serve.\n",
                kTargetRequestsPerSecond);
    for (const auto& r : rows) {  // what a missed target would take, in bytes
      if (r.server_cpu < 0 || r.result.requests == 0 || r.result.per_second() >= kTargetRequestsPerSecond) continue;
      const double bytes = static_cast<double>(r.result.body_bytes) / static_cast<double>(r.result.requests);
      std::printf("below target: %s: %.0f req/s x %.0f KB = %.0f MB/s of answers needed; measured %.0f MB/s (%.2f)\n",
                  r.name.c_str(), kTargetRequestsPerSecond, bytes / 1024, kTargetRequestsPerSecond * bytes / 1e6,
                  r.result.megabytes_per_second(), r.result.megabytes_per_second() / (kTargetRequestsPerSecond * bytes / 1e6));
    }
    std::printf("\nemulator memory: %.0f MB resident after seeding, peak %.0f MB (VmHWM); org on disk %.0f MB\n",
                rss_after_seed / 1024.0, hwm / 1024.0, org.total_bytes / 1e6);
    child.stop();
    fs::remove_all(state);  // hundreds of MB: not left behind for the next run to delete
    // The plan figures start emulators of their own, once the big one is gone.
    bool plan_ok = true;
    if (!flowlink.empty() && (only.empty() || std::string("plan memory").find(only) != std::string::npos)) {
      plan_ok = bench_plan_memory(PlanMemorySpec{flowlink, emulator, seed, dir / "plan-memory"});
    }
    bool runs_ok = true;
    auto selected = [&only](const std::string& name) { return only.empty() || name.find(only) != std::string::npos; };
    runs.cold_plan = selected("cold plan");
    runs.rate_limited_plan = selected("rate-limited plan");
    if (!flowlink.empty() && (runs.cold_plan || runs.rate_limited_plan)) {
      runs.flowlink = flowlink;
      runs.emulator = emulator;
      runs.fixture = fixture;
      runs.doc_kb = doc_kb;
      runs.work = dir / "flowlink-runs";
      runs_ok = bench_flowlink_runs(runs);
    }
    if (!flowlink.empty() && selected("apply")) {
      apply_runs.flowlink = flowlink;
      apply_runs.emulator = emulator;
      apply_runs.fixture = fixture;
      apply_runs.doc_kb = doc_kb;
      apply_runs.work = dir / "apply-runs";
      runs_ok = bench_apply_runs(apply_runs) && runs_ok;
    }
    for (const auto& r : rows)
      if (r.result.non_ok() > 0) {
        std::printf("NOTE: %s had %llu non-200 answers:", r.name.c_str(),
                    static_cast<unsigned long long>(r.result.non_ok()));
        for (const auto& [status, n] : r.result.statuses) std::printf(" %d x%llu", status, static_cast<unsigned long long>(n));
        std::printf("\n");
      }
    return drift_ok && plan_ok && runs_ok ? 0 : 1;
  } catch (const std::exception& e) {
    std::fprintf(stderr, "bench_emulator: %s\n", e.what());
    return 1;
  }
}
