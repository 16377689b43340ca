#pragma once
// The memory and parse figures of `flowlink plan`: peak RSS of a cold plan
// (org, through the emulator, and --export-dir) at 1,000 and 5,000 flows,
// and parse + plan throughput per core of --export-dir against a floor
// measured in the same run (nlohmann's plain DOM parse of the same bytes on
// one core: what a `json.load`-style reader does before any planning).
// Printed beside the targets (<= 300 MB and flat in the number of flows;
// >= 100 MB/s per core) with met/not. Nothing is asserted.

#include <filesystem>
#include <string>
#include <vector>

namespace flowlink::bench {

struct PlanMemorySpec {
  std::string flowlink;           // the flowlink binary
  std::string emulator;           // the flowlink-emulator binary
  std::filesystem::path org;      // the benchmark org (flow files + org.json)
  std::filesystem::path work;     // a directory of its own (subsets, states, logs)
  std::vector<std::size_t> sizes = {1000, 5000};  // non-module flows per measurement
};

// Prints the figures; returns false when a plan run failed.
bool bench_plan_memory(const PlanMemorySpec& spec);

}  // namespace flowlink::bench
