#pragma once
// What a command tells a person while it works and when it ends, on stderr
// only: on a terminal, a progress line redrawn four times a second (\r, the
// line cleared when done); always, one summary line at the end (flows,
// requests, retries, cache hits, elapsed). Nothing goes to stdout, so pipes
// and --output json stay clean. The counts come from the library
// (util::ProgressCounters) and the client (genesys::FlowApi::stats()).

#include <chrono>
#include <condition_variable>
#include <mutex>
#include <ostream>
#include <thread>

#include "genesys/flow_api.hpp"
#include "util/progress.hpp"

namespace flowlink::cli {

// Whether progress may be drawn on `err`: it is the process's stderr and that
// is a terminal.
bool progress_wanted(const std::ostream& err);

class RunFeedback {
 public:
  // `draw`: redraw the progress line (progress_wanted()).
  RunFeedback(std::ostream& err, bool draw);
  ~RunFeedback();
  RunFeedback(const RunFeedback&) = delete;
  RunFeedback& operator=(const RunFeedback&) = delete;

  util::ProgressCounters& counters() { return counters_; }
  // The client whose requests and retries to show, while it lives: unwatch()
  // keeps its last counts (see Watching).
  void watch(const genesys::FlowApi* api);
  void unwatch();
  // Stops redrawing and clears the line (before the command prints its result).
  void stop_progress();
  // Stops redrawing and prints the summary line (once; the destructor does
  // it too, so a command that fails still ends with it).
  void finish();

  util::ProgressSnapshot now() const;

 private:
  void run();

  std::ostream& err_;
  const std::chrono::steady_clock::time_point start_ = std::chrono::steady_clock::now();
  util::ProgressCounters counters_;
  mutable std::mutex mutex_;
  std::condition_variable wake_;
  const genesys::FlowApi* api_ = nullptr;
  genesys::RequestStats last_stats_;
  bool stopping_ = false;
  bool drawn_ = false;
  bool finished_ = false;
  std::thread ticker_;
};

// Watches a client for as long as it is in scope (feedback may be null).
class Watching {
 public:
  Watching(RunFeedback* feedback, const genesys::FlowApi* api) : feedback_(feedback) {
    if (feedback_) feedback_->watch(api);
  }
  ~Watching() {
    if (feedback_) feedback_->unwatch();
  }
  Watching(const Watching&) = delete;
  Watching& operator=(const Watching&) = delete;

 private:
  RunFeedback* feedback_;
};

}  // namespace flowlink::cli
