#pragma once
// Figures for flowlink itself against a Genesys-like server: a cold
// `flowlink plan` of an org of PLAN_FLOWS flows (default 1,000) on an emulator
// that adds 50 ms to every answer, beside a sequential baseline that does
// what the public tutorials do (one request at a time: list the flows page by
// page, then GET each flow's latestconfiguration), and the same plan under a
// scaled 300-a-minute rate limit beside its floor (requests / allowed rate),
// with one token and with a pool of four. Each figure is printed with its
// target and "met" / "NOT met"; nothing is asserted.

#include <filesystem>
#include <string>

namespace flowlink::bench {

struct FlowlinkRunsSpec {
  std::string flowlink;                  // the flowlink binary
  std::string emulator;                  // the flowlink-emulator binary
  std::string fixture;                   // the flow document the org is built from
  std::filesystem::path work;            // a directory of its own (org, state, logs)
  int flows = 1000;                      // flows in the plan's org
  int doc_kb = 100;
  int latency_ms = 50;                   // added by the emulator to every API answer
  int rate_limit = 300;                  // requests per token per window
  int rate_window_ms = 6000;             // 300 per 6 s: Genesys' 300 a minute, ten times faster
  bool cold_plan = true;                 // the rows to run (bench_emulator's --only)
  bool rate_limited_plan = true;
};

// Prints the rows; returns false when a flowlink run failed (exit 1 or a signal).
bool bench_flowlink_runs(const FlowlinkRunsSpec& spec);

}  // namespace flowlink::bench
