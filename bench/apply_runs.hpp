#pragma once
// The apply figure: `flowlink apply` of the bench manifest (one added module
// call per "Bench Flow") on an org of APPLY_FLOWS inbound-call flows (default
// 200, ~100 KB each, plus the common modules) on an emulator that adds 50 ms
// to every answer, beside a sequential baseline on a fresh emulator seeded
// the same way that does what a script following the public API docs does,
// one request at a time: list the flows page by page, then per flow check
// out, read the latest configuration, insert the call (the same edit, made by
// flowlink's planner), save, check in, wait, publish, wait. Printed: API
// requests per applied flow (target <= 8) and how many times faster flowlink
// is, each with "met" / "NOT met"; afterwards `flowlink drift` must exit 0.
// Nothing is asserted.

#include <filesystem>
#include <string>

namespace flowlink::bench {

struct ApplyRunsSpec {
  std::string flowlink;        // the flowlink binary
  std::string emulator;        // the flowlink-emulator binary
  std::string fixture;         // the flow document the org is built from
  std::filesystem::path work;  // a directory of its own (org, state, work dirs, logs)
  int flows = 200;             // inbound-call flows (the org adds 1 common module per 49)
  int doc_kb = 100;
  int latency_ms = 50;         // added by the emulator to every API answer
};

// Prints the row; returns false when the apply or the drift after it failed.
bool bench_apply_runs(const ApplyRunsSpec& spec);

}  // namespace flowlink::bench
