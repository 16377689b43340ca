#pragma once
// How far a run has got, counted by the library as it works (flows read,
// planned, applied) and shown by the CLI (cli/run_feedback): on a terminal a
// line redrawn a few times a second, and a summary line at the end. Request
// and retry counts are not here: they are the client's own
// (genesys::FlowApi::stats()).

#include <atomic>
#include <chrono>
#include <cstdint>
#include <string>

namespace flowlink::util {

struct ProgressCounters {
  std::atomic<std::uint64_t> total{0};       // flows this run works on (known once listed)
  std::atomic<std::uint64_t> read{0};        // read, or planned from the cache
  std::atomic<std::uint64_t> planned{0};
  std::atomic<std::uint64_t> to_apply{0};    // flows apply acts on (known once planned)
  std::atomic<std::uint64_t> applied{0};     // flows apply finished (whatever the outcome)
  std::atomic<std::uint64_t> cache_hits{0};
};

// A copy of the counters and the client's counts at one moment.
struct ProgressSnapshot {
  std::uint64_t total = 0, read = 0, planned = 0, to_apply = 0, applied = 0, cache_hits = 0;
  std::uint64_t requests = 0, retries = 0;
  std::chrono::milliseconds elapsed{0};
};

ProgressSnapshot snapshot(const ProgressCounters& counters);

// The progress line: the phase under way with its count of the total,
// requests, retries, cache hits, elapsed time and (once something is done)
// the time left at the pace so far. No newline, no escape sequences.
std::string format_progress(const ProgressSnapshot& s);
// The summary line a command ends with (no newline).
std::string format_summary(const ProgressSnapshot& s);
// "0.4 s", "12 s", "3 min 05 s"
std::string format_duration(std::chrono::milliseconds duration);

}  // namespace flowlink::util
