// The memory and parse figures of `flowlink plan`. See plan_memory.hpp.
#include "plan_memory.hpp"

#include <sys/resource.h>
#include <sys/wait.h>

#include <chrono>
#include <cstdio>
#include <fstream>
#include <stdexcept>

#include <nlohmann/json.hpp>

#include "bench_org_emulator.hpp"
#include "child_process.hpp"
#include "warm_drift.hpp"

namespace flowlink::bench {

namespace fs = std::filesystem;

namespace {

constexpr double kTargetPeakMb = 300;
constexpr double kTargetFlatRatio = 1.5;  // peak at the largest size vs the smallest: "flat"
constexpr double kTargetParseMbPerCore = 100;

struct Subset {
  fs::path dir;
  std::size_t flows = 0;  // non-module flows
  std::uintmax_t bytes = 0;
  std::vector<fs::path> flow_files;
};

// The org's common modules and its first `size` other flows, as links.
Subset make_subset(const fs::path& org, const fs::path& dir, std::size_t size) {
  const auto index = nlohmann::json::parse(read_text(org / "org.json"));
  fs::remove_all(dir);
  fs::create_directories(dir);
  nlohmann::json kept = nlohmann::json::array();
  Subset subset{dir, 0, 0, {}};
  for (const auto& entry : index) {
    const bool module = entry.value("type", "") == "COMMONMODULE";
    if (!module && subset.flows >= size) continue;
    const std::string file = entry.at("file");
    fs::create_symlink(org / file, dir / file);
    subset.bytes += fs::file_size(org / file);
    if (!module) {
      ++subset.flows;
      subset.flow_files.push_back(org / file);
    }
    kept.push_back(entry);
  }
  std::ofstream(dir / "org.json") << kept.dump();
  return subset;
}

struct Run {
  int exit_code = -1;
  double seconds = 0, cpu_seconds = 0, peak_mb = 0;
};

Run run_measured(const std::vector<std::string>& argv, const fs::path& log, const EnvVars& env = {}) {
  const auto started = std::chrono::steady_clock::now();
  const pid_t pid = spawn(argv, log, env);
  int status = 0;
  struct rusage usage {};
  ::wait4(pid, &status, 0, &usage);
  Run run;
  run.seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count();
  run.exit_code = WIFEXITED(status) ? WEXITSTATUS(status) : -1;
  run.cpu_seconds = static_cast<double>(usage.ru_utime.tv_sec + usage.ru_stime.tv_sec) +
                    static_cast<double>(usage.ru_utime.tv_usec + usage.ru_stime.tv_usec) / 1e6;
  run.peak_mb = static_cast<double>(usage.ru_maxrss) / 1024.0;
  return run;
}

// The floor: nlohmann's DOM parse of every flow file, one core.
double floor_mb_per_second(const Subset& subset) {
  std::vector<std::string> texts;
  std::uintmax_t bytes = 0;
  for (const auto& file : subset.flow_files) {
    texts.push_back(read_text(file));
    bytes += texts.back().size();
  }
  const auto started = std::chrono::steady_clock::now();
  std::size_t keys = 0;
  for (const auto& text : texts) keys += nlohmann::json::parse(text).size();
  const double seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count();
  if (keys == 0) std::printf("(no keys parsed)\n");
  return static_cast<double>(bytes) / 1e6 / seconds;
}

const char* met(bool yes) { return yes ? "met" : "NOT met"; }

}  // namespace

bool bench_plan_memory(const PlanMemorySpec& spec) {
  fs::create_directories(spec.work);
  const fs::path manifest = spec.work / "bench-manifest.yaml";
  std::ofstream(manifest) << bench_manifest_text();  // every "Bench Flow" needs an edit
  std::printf("\nplan memory: peak RSS of a cold `flowlink plan` (no cache) by org size\n");
  std::printf("%-34s %8s %9s %9s %8s %6s\n", "run", "flows", "MB read", "seconds", "peak MB", "exit");
  std::fflush(stdout);

  struct Row {
    std::size_t flows;
    Run org, export_dir;
    std::uintmax_t bytes;
  };
  std::vector<Row> rows;
  bool ok = true;
  double floor = 0;
  for (std::size_t size : spec.sizes) {
    const Subset subset = make_subset(spec.org, spec.work / ("org-" + std::to_string(size)), size);
    if (floor == 0) floor = floor_mb_per_second(subset);
    Row row{subset.flows, {}, {}, subset.bytes};
    {
      EmulatorLaunch launch;
      launch.binary = spec.emulator;
      launch.work = spec.work / "emulator";
      launch.seed = subset.dir;
      launch.client_id = "bench-plan";
      launch.secret = "bench-plan-secret";
      const BenchEmulator emulator(launch);
      row.org = run_measured({spec.flowlink, "plan", "-f", manifest.string(), "--no-cache", "--api-url",
                              emulator.url(), "--output", "json"},
                             spec.work / ("plan-org-" + std::to_string(size) + ".log"),
                             {{"GENESYSCLOUD_OAUTHCLIENT_ID", launch.client_id},
                              {"GENESYSCLOUD_OAUTHCLIENT_SECRET", launch.secret}});
    }
    row.export_dir = run_measured({spec.flowlink, "plan", "-f", manifest.string(), "--export-dir",
                                   subset.dir.string(), "--output", "json"},
                                  spec.work / ("plan-export-" + std::to_string(size) + ".log"));
    for (const auto& [name, run] : {std::pair<const char*, const Run&>{"plan (org, through the emulator)", row.org},
                                    {"plan --export-dir", row.export_dir}}) {
      std::printf("%-34s %8zu %9.0f %9.2f %8.0f %6d\n", name, row.flows, static_cast<double>(row.bytes) / 1e6,
                  run.seconds, run.peak_mb, run.exit_code);
      ok = ok && run.exit_code == 0;
    }
    std::fflush(stdout);
    rows.push_back(row);
  }
  if (rows.empty()) return ok;
  const Row& small = rows.front();
  const Row& large = rows.back();
  for (const auto& [name, small_run, large_run] :
       {std::tuple<const char*, const Run&, const Run&>{"org", small.org, large.org},
        {"export dir", small.export_dir, large.export_dir}}) {
    const double ratio = small_run.peak_mb > 0 ? large_run.peak_mb / small_run.peak_mb : 0;
    const bool under = large_run.peak_mb <= kTargetPeakMb;
    const bool flat = ratio <= kTargetFlatRatio;
    std::printf("peak RSS, plan of %zu flows (%s): %.0f MB, %.2fx the %zu-flow run; target <= %.0f MB and flat "
                "(<= %.1fx) -> %s\n",
                large.flows, name, large_run.peak_mb, ratio, small.flows, kTargetPeakMb, kTargetFlatRatio,
                met(under && flat));
  }
  const double per_core = large.export_dir.cpu_seconds > 0
                              ? static_cast<double>(large.bytes) / 1e6 / large.export_dir.cpu_seconds
                              : 0;
  std::printf("parse + plan, --export-dir of %.0f MB: %.1f MB/s per core (%.2f s of CPU); floor (nlohmann DOM parse, "
              "one core) %.1f MB/s -> %.2fx the floor; target >= %.0f MB/s per core -> %s\n",
              static_cast<double>(large.bytes) / 1e6, per_core, large.export_dir.cpu_seconds, floor,
              floor > 0 ? per_core / floor : 0, kTargetParseMbPerCore, met(per_core >= kTargetParseMbPerCore));
  if (!ok) std::printf("NOTE: a plan run failed; see the logs in %s\n", spec.work.c_str());
  return ok;
}

}  // namespace flowlink::bench
