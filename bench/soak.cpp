// flowlink_soak: a chaos soak of the real `flowlink apply` (make soak ->
// scripts/soak; not part of CTest). An org of FLOWS flows generated from
// the real fixture is served by the emulator in this process. Each trial
// continues from the org the previous one left and applies the other of two
// manifests (a common module ensured first in every flow, then removed from
// every flow), so every selected flow has exactly one change to make:
//
//   1. faults on (a share of API requests answered 5xx or dropped) and a
//      rate limit on flowlink's token;
//   2. `flowlink apply -f MANIFEST --auto-approve --work-dir W` starts, and
//      meanwhile people lock flows, publish changes to what the manifest does
//      not manage (another module's call removed, a variable added) and leave
//      drafts unpublished;
//   3. after a random delay the run gets SIGKILL or SIGTERM (a coin);
//   4. the people release their locks and check in or revert their drafts,
//      faults go off, and apply is re-run until it exits 0 (bounded; the
//      people publish what they checked in after the first re-run), then
//      `flowlink drift` must exit 0: converged.
//
// Counted: locks flowlink's client still held after a run of it exited by
// itself (SIGTERM included); people's published changes no longer in the
// published version (every change of every trial so far, checked after each
// trial); flows where flowlink's client saved two versions in one trial (one
// intended change each; read from GET /api/v2/flows/{id}/versions, with the
// journal's saves shown beside); and time. Nothing is asserted on time.

#include <signal.h>

#include <CLI/CLI.hpp>
#include <algorithm>
#include <atomic>
#include <chrono>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <map>
#include <random>
#include <regex>
#include <set>
#include <string>
#include <thread>
#include <vector>

#include <nlohmann/json.hpp>

#include "soak_humans.hpp"
#include "soak_org.hpp"

namespace fs = std::filesystem;
using namespace flowlink::bench;
using Clock = std::chrono::steady_clock;
using Json = nlohmann::json;

namespace {

struct SoakOptions {
  int trials = 20;
  int flows = 200;
  unsigned long long seed = 1;
  double fault_rate = 0.2;
  int rate_limit = 150;         // requests per token per rate window
  int rate_window_ms = 2000;    // Genesys counts per minute; shortened so a 429 costs seconds, not a minute
  int kill_min_ms = 1000;
  int kill_max_ms = 25000;
  int locks = 4, edits = 8, drafts = 4;  // per trial
  int reruns = 5;
  std::string parallelism;      // flowlink's --parallelism; empty: its default
  std::string work, flowlink, fixture;
};

// What the journal says of the runs since `offset` bytes: saves, and flows
// skipped because of the people (stale, locked).
struct JournalTally {
  int saves = 0, stale = 0, locked = 0;
};

// Flows held by someone's draft are held at plan time, before the journal:
// "N skipped for an unpublished draft" in apply's summary line (the first
// one in its stdout, then stderr); 0 if absent.
int held_in(const std::string& apply_output) {
  static const std::regex held(R"((\d+) skipped for an unpublished draft)");
  std::smatch match;
  return std::regex_search(apply_output, match, held) ? std::stoi(match[1]) : 0;
}

JournalTally journal_since(const fs::path& journal, std::uintmax_t offset) {
  JournalTally tally;
  std::ifstream in(journal, std::ios::binary);
  in.seekg(static_cast<std::streamoff>(offset));
  for (std::string line; std::getline(in, line);) {
    const Json json = Json::parse(line, nullptr, false);
    if (json.is_discarded() || !json.is_object()) continue;
    const std::string step = json.value("step", ""), outcome = json.value("outcome", "");
    tally.saves += step == "save" && outcome == "ok";
    tally.stale += step == "result" && outcome == "skipped_stale";
    tally.locked += step == "result" && outcome == "skipped_locked";
  }
  return tally;
}

// Flows with more than one version by flowlink's client in `after` but not
// in `before`; `made` gets how many such versions there are in all.
int flows_saved_twice(const std::map<std::string, std::set<std::string>>& before,
                      const std::map<std::string, std::set<std::string>>& after, int* made) {
  int twice = 0;
  *made = 0;
  for (const auto& [id, ids] : after) {
    int new_versions = 0;
    for (const auto& version : ids) new_versions += before.at(id).count(version) == 0;
    *made += new_versions;
    twice += new_versions > 1;
  }
  return twice;
}

struct TrialResult {
  bool converged = false;
  int signal = 0;               // SIGKILL, SIGTERM, or 0 when the run ended first
  int first_exit = -1;
  int reruns = 0;
  int locks_left = 0;           // held by flowlink's client after a run of it exited by itself
  int locks_after_kill = 0;     // held after a SIGKILL (a re-run takes them over)
  int lost = 0;
  int saved_twice = 0;
  int flowlink_versions = 0;
  JournalTally journal;
  int held = 0;                 // flows runs left alone for someone's unpublished draft
  double seconds = 0, signal_at = 0;
  HumanTally humans;
  std::string problem;
};

double since(Clock::time_point start) { return std::chrono::duration<double>(Clock::now() - start).count(); }

class Soak {
 public:
  Soak(const SoakOptions& options, SoakOrg& org)
      : options_(options), org_(org), humans_(org, options.seed * 7919), rng_(options.seed) {}

  TrialResult trial(int number) {
    TrialResult result;
    const auto begin = Clock::now();
    const bool ensure = number % 2 == 1;
    const std::string manifest = org_.manifest(ensure);
    const auto versions_before = org_.versions(true);
    const std::uintmax_t journal_offset = fs::exists(org_.journal()) ? fs::file_size(org_.journal()) : 0;
    try {
      interrupted_run(number, manifest, result);
      converge(number, manifest, result);
    } catch (const std::exception& e) {
      result.problem += std::string(" ") + e.what();
      org_.control().configure({{"fault_rate", 0.0}, {"rate_limit_per_minute", 0}});
    }
    result.saved_twice = flows_saved_twice(versions_before, org_.versions(true), &result.flowlink_versions);
    result.journal = journal_since(org_.journal(), journal_offset);
    const auto lost = humans_.lost_changes();
    result.lost = static_cast<int>(lost.size());
    for (const auto& change : lost) std::printf("  LOST: %s\n", change.describe().c_str());
    result.humans = humans_.take_tally();
    result.seconds = since(begin);
    return result;
  }

  int published_changes() const { return static_cast<int>(humans_.published_changes().size()); }

  // After the trials, proof that the two counters can count: an old version
  // of a flow a person changed published again loses their change, and two
  // saves of one flow by flowlink's client are a version saved twice. Both
  // undone after.
  bool check_counters() {
    bool lost_counted = true;
    if (!humans_.published_changes().empty()) {
      const HumanChange change = humans_.published_changes().back();
      const std::string live = org_.control().flow(change.flow_id).at("publishedVersion").at("id");
      org_.control().act_as_publish("auditor", change.flow_id, "1.0");
      org_.control().wait_for_operation(change.flow_id);
      const auto lost = humans_.lost_changes();
      lost_counted = std::any_of(lost.begin(), lost.end(), [&](const HumanChange& c) {
        return c.flow_id == change.flow_id && c.what == change.what;
      });
      org_.control().act_as_publish("auditor", change.flow_id, live);
      org_.control().wait_for_operation(change.flow_id);
      lost_counted = lost_counted && humans_.lost_changes().empty();
    }
    const std::string id = org_.targets().front().id;
    const auto before = org_.versions(true);
    flowlink::genesys::FlowApi& api = org_.flowlink_api();
    api.checkout(id);
    const std::string document = api.latest_configuration(id);
    api.save_version(id, document);
    api.save_version(id, document);
    int made = 0;
    const bool twice_counted = flows_saved_twice(before, org_.versions(true), &made) == 1 && made == 2;
    api.revert(id);
    std::printf("  the counters count     an old version republished: %s; two saves by flowlink of one flow: %s\n",
                lost_counted ? "1 edit lost" : "NOT COUNTED", twice_counted ? "1 saved twice" : "NOT COUNTED");
    return lost_counted && twice_counted;
  }

 private:
  std::vector<std::string> apply_args() const {
    std::vector<std::string> args = {"--auto-approve"};
    if (!options_.parallelism.empty()) args.insert(args.end(), {"--parallelism", options_.parallelism});
    return args;
  }

  void count_flowlink_locks(TrialResult& result, const std::string& after) {
    const auto locks = org_.flowlink_locks();
    result.locks_left += static_cast<int>(locks.size());
    for (const auto& id : locks) std::printf("  LOCK LEFT after %s: flow %s\n", after.c_str(), id.c_str());
  }

  // Faults, a rate limit, people at work, and a signal after a random delay.
  void interrupted_run(int number, const std::string& manifest, TrialResult& result) {
    org_.control().configure({{"fault_rate", options_.fault_rate},
                              {"fault_seed", options_.seed * 1000 + static_cast<unsigned long long>(number)},
                              {"rate_limit_per_minute", options_.rate_limit},
                              {"rate_window_ms", options_.rate_window_ms}});
    const int signal = std::bernoulli_distribution(0.5)(rng_) ? SIGKILL : SIGTERM;
    const int latest = std::max(options_.kill_min_ms, options_.kill_max_ms);
    const auto delay = std::chrono::milliseconds(std::uniform_int_distribution<int>(options_.kill_min_ms, latest)(rng_));
    const std::string tag = "trial-" + std::to_string(number);
    const auto begin = Clock::now();
    auto run = org_.start_flowlink("apply", manifest, apply_args(), tag + "-run");
    std::atomic<bool> stop{false};
    std::string people_failed;  // what stopped the people, if anything did
    std::thread people([&] {
      try {
        humans_.work_during_run(number, options_.locks, options_.edits, options_.drafts, delay, stop);
      } catch (const std::exception& e) {
        people_failed = e.what();
      }
    });
    while (run->running() && Clock::now() - begin < delay) std::this_thread::sleep_for(std::chrono::milliseconds(5));
    if (run->running()) {
      run->signal(signal);
      result.signal = signal;
      result.signal_at = since(begin);
    }
    try {
      result.first_exit = run->wait(std::chrono::minutes(5));
      result.held += held_in(run->out() + run->err());
    } catch (...) {
      stop = true;
      people.join();
      throw;
    }
    stop = true;
    people.join();
    if (!people_failed.empty()) result.problem += " the people stopped: " + people_failed;
    if (result.signal == SIGKILL) result.locks_after_kill = static_cast<int>(org_.flowlink_locks().size());
    else count_flowlink_locks(result, tag + "-run (exit " + std::to_string(result.first_exit) + ")");
  }

  // The people finish, faults off, and apply re-run until it exits 0. The
  // people publish their checked-in drafts only after the first re-run,
  // which must leave those flows alone (held by someone's draft, exit 1).
  void converge(int number, const std::string& manifest, TrialResult& result) {
    humans_.finish(false);
    org_.control().configure({{"fault_rate", 0.0}, {"rate_limit_per_minute", 0}});
    flowlink::testing::settle(org_.control(), org_.flow_ids(), std::chrono::seconds(60));
    // Converged: a re-run exits 0 that saw the people's work finished.
    int code = -1;
    bool people_were_done = false;
    while ((code != 0 || !people_were_done) && result.reruns < options_.reruns) {
      people_were_done = humans_.idle();
      const std::string tag = "trial-" + std::to_string(number) + "-rerun-" + std::to_string(++result.reruns);
      auto rerun = org_.start_flowlink("apply", manifest, apply_args(), tag);
      code = rerun->wait(std::chrono::minutes(5));
      result.held += held_in(rerun->out() + rerun->err());
      count_flowlink_locks(result, tag + " (exit " + std::to_string(code) + ")");
      humans_.finish(true);  // and what the org refused them before (a lock flowlink had left)
      flowlink::testing::settle(org_.control(), org_.flow_ids(), std::chrono::seconds(60));
      if (code != 0 && result.reruns == options_.reruns)
        result.problem += " apply still exits " + std::to_string(code) + " (see logs/" + tag + ".out)";
    }
    const bool people_done = people_were_done && humans_.idle();
    auto drift = org_.start_flowlink("drift", manifest, {}, "trial-" + std::to_string(number) + "-drift");
    const int drift_code = drift->wait(std::chrono::minutes(5));
    const int locks = org_.lock_count();
    if (code == 0 && drift_code != 0)
      result.problem += " drift exits " + std::to_string(drift_code) + " after apply exited 0";
    if (!people_done) result.problem += " people could not finish their work";
    if (locks != 0) result.problem += " " + std::to_string(locks) + " lock(s) remain";
    result.converged = code == 0 && drift_code == 0 && people_done && locks == 0;
  }

  const SoakOptions& options_;
  SoakOrg& org_;
  Humans humans_;
  std::mt19937_64 rng_;
};

const char* signal_name(int signal) { return signal == SIGKILL ? "SIGKILL" : signal == SIGTERM ? "SIGTERM" : "none"; }

void print_trial(int number, const TrialResult& r) {
  char signal[64];
  if (r.signal) std::snprintf(signal, sizeof signal, "%s at %4.1f s", signal_name(r.signal), r.signal_at);
  else std::snprintf(signal, sizeof signal, "ended first");
  std::printf("trial %2d %-7s %-18s exit %3d | people: %d locks, %d published, %d drafts (%d reverted), %d refused | "
              "flowlink skipped %d stale, %d locked, %d held | reruns %d | %s | locks left %d (after kill %d) | "
              "lost %d | saved twice %d (%d versions, %d journalled) | %.1f s%s%s\n",
              number, number % 2 == 1 ? "ensure" : "remove", signal, r.first_exit, r.humans.locks, r.humans.published,
              r.humans.drafts, r.humans.drafts_reverted, r.humans.refused, r.journal.stale, r.journal.locked,
              r.held, r.reruns,
              r.converged ? "converged" : "NOT CONVERGED", r.locks_left, r.locks_after_kill, r.lost, r.saved_twice,
              r.flowlink_versions, r.journal.saves, r.seconds, r.problem.empty() ? "" : " |", r.problem.c_str());
  std::fflush(stdout);
}

}  // namespace

int main(int argc, char** argv) {
  CLI::App app{"Chaos soak of the real `flowlink apply`: faults, rate limits, SIGKILL/SIGTERM, people at work"};
  SoakOptions o;
  o.fixture = std::string(FLOWLINK_FIXTURES_DIR) + "/architect/cache-example.inboundcall.json";
  app.add_option("--trials", o.trials, "trials to run")->check(CLI::Range(1, 10000));
  app.add_option("--flows", o.flows, "flows in the generated org (one in 50 a common module; at least 100)")
      ->check(CLI::Range(100, 100000));
  app.add_option("--seed", o.seed, "seed of the org, the faults, the signals and the people");
  app.add_option("--fault-rate", o.fault_rate, "share of API requests answered 5xx or dropped while a trial's run goes")
      ->check(CLI::Range(0.0, 0.9));
  app.add_option("--rate-limit", o.rate_limit, "requests per token per rate window (0: none)");
  app.add_option("--rate-window-ms", o.rate_window_ms, "the rate window")->check(CLI::Range(100, 60000));
  app.add_option("--kill-min-ms", o.kill_min_ms, "earliest signal after the start");
  app.add_option("--kill-max-ms", o.kill_max_ms, "latest signal after the start");
  app.add_option("--locks", o.locks, "flows people lock during a run");
  app.add_option("--edits", o.edits, "changes people publish during a run");
  app.add_option("--drafts", o.drafts, "drafts people leave unpublished during a run");
  app.add_option("--reruns", o.reruns, "re-runs of apply allowed to converge")->check(CLI::Range(1, 50));
  app.add_option("--parallelism", o.parallelism, "flowlink's --parallelism (default: flowlink's)");
  app.add_option("--work", o.work, "work directory (replaced)")->required();
  app.add_option("--flowlink", o.flowlink, "the flowlink program")->required();
  app.add_option("--fixture", o.fixture, "the Architect document the org is built from");
  CLI11_PARSE(app, argc, argv);

  try {
    const auto begin = Clock::now();
    SoakOrg org({o.flows, o.work, o.flowlink, o.fixture, o.seed});
    std::printf("soak: %zu flows (%zu selected by the manifests), %d trials, faults %.0f%%, rate limit %d per %d ms, "
                "seed %llu; people per trial: %d locks, %d edits, %d drafts; logs in %s/logs\n",
                org.flow_ids().size(), org.targets().size(), o.trials, o.fault_rate * 100, o.rate_limit,
                o.rate_window_ms, o.seed, o.locks, o.edits, o.drafts, fs::absolute(o.work).c_str());
    std::fflush(stdout);
    Soak soak(o, org);
    std::vector<TrialResult> results;
    for (int number = 1; number <= o.trials; ++number) {
      results.push_back(soak.trial(number));
      print_trial(number, results.back());
    }

    int converged = 0, locks_left = 0, saved_twice = 0, versions = 0, kills = 0, terms = 0, reruns = 0, problems = 0;
    JournalTally skipped;
    int held = 0;
    int lost = results.back().lost;  // every published change of every trial, checked after the last
    double slowest = 0, total = 0;
    for (const auto& r : results) {
      converged += r.converged;
      problems += !r.problem.empty();
      locks_left += r.locks_left;
      saved_twice += r.saved_twice;
      versions += r.flowlink_versions;
      kills += r.signal == SIGKILL;
      terms += r.signal == SIGTERM;
      reruns += r.reruns;
      skipped.stale += r.journal.stale;
      skipped.locked += r.journal.locked;
      held += r.held;
      slowest = std::max(slowest, r.seconds);
      total += r.seconds;
      lost = std::max(lost, r.lost);
    }
    std::printf("\nsoak summary (%d flows, seed %llu)\n", o.flows, o.seed);
    std::printf("  trials                 %d (%d SIGKILL, %d SIGTERM, %d ended before the signal)\n", o.trials, kills,
                terms, o.trials - kills - terms);
    std::printf("  converged              %d/%d (%d re-runs in all)\n", converged, o.trials, reruns);
    std::printf("  people vs flowlink     flows skipped: %d stale (changed since the plan), %d locked, "
                "%d held by a draft\n", skipped.stale, skipped.locked, held);
    std::printf("  locks left             %d\n", locks_left);
    std::printf("  edits lost             %d (of %d changes people published)\n", lost, soak.published_changes());
    std::printf("  versions saved twice   %d (flows; of %d versions flowlink saved)\n", saved_twice, versions);
    std::printf("  time                   %.0f s in all; a trial %.1f s on average, %.1f s at most\n", since(begin),
                total / o.trials, slowest);
    const bool counters_count = soak.check_counters();
    if (problems > 0) std::printf("  trials with a problem   %d (see their lines above)\n", problems);
    return converged == o.trials && problems == 0 && locks_left == 0 && lost == 0 && saved_twice == 0 &&
                   counters_count
               ? 0
               : 1;
  } catch (const std::exception& e) {
    std::fprintf(stderr, "flowlink_soak: %s\n", e.what());
    return 2;
  }
}
