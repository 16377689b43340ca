#pragma once
// The warm-drift figure: `flowlink drift` of every flow of the benchmark org,
// run twice in one fresh work dir: the first reads every document and fills
// the cache (.flowlink/cache/), the second finds the flows unchanged. For
// each: requests the emulator served (its own count) and wall time, printed
// beside the targets (<= listing pages + 2 requests, < 3 s) with met/not.

#include <filesystem>
#include <string>

namespace flowlink::bench {

struct WarmDriftSpec {
  std::string flowlink;          // the flowlink binary
  std::filesystem::path work;    // a directory of its own (manifest, work dir, logs)
  int port = 0;                  // the emulator, seeded with the benchmark org
  std::string client_id, secret;
  std::size_t flows = 0;         // flows in the org (modules included)
};

// The manifest the flowlink figures plan against: every "Bench Flow" must call
// the first module at the start (most call another there, so most change).
const char* bench_manifest_text();

// Prints the figure; returns false when a drift run failed (exit 1 or a signal).
bool bench_warm_drift(const WarmDriftSpec& spec);

}  // namespace flowlink::bench
