#pragma once
// Builds a large org for the benchmark from the real Architect fixture:
// every flow is the fixture's document with fresh ids, padded to the wanted
// size with more tasks cut from the same real structure (actions, variables,
// paths, manifest contexts), not a string blob. One flow in `module_every`
// is a COMMONMODULE with Common.* inputs/outputs; every other flow calls one
// of them through a CallCommonModuleAction, as flowlink's targets do.

#include <cstddef>
#include <filesystem>
#include <string>
#include <vector>

namespace flowlink::bench {

struct OrgSpec {
  int flows = 5000;
  int doc_kb = 100;       // target size of each compact document
  int module_every = 50;  // 1 in N flows is a common module
  std::filesystem::path fixture;  // an inbound call flow configuration document
  std::filesystem::path out;      // seed directory: flow-NNNNN.json + org.json
  unsigned long long seed = 42;
};

struct OrgSummary {
  std::vector<std::string> flow_ids;
  std::vector<std::string> module_ids;
  std::size_t total_bytes = 0;
  double seconds = 0;
};

// Writes the seed directory (replacing its contents) and returns what it wrote.
OrgSummary generate_org(const OrgSpec& spec);

}  // namespace flowlink::bench
