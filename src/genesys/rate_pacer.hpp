#pragma once
// Pacing to a per-token rate limit instead of running into it. Genesys allows
// ~300 requests a minute per OAuth token and says where a token stands in
// every answer: inin-ratelimit-allowed (the limit), inin-ratelimit-count
// (requests counted in the current window) and inin-ratelimit-reset (seconds
// until the window resets). A RatePacer learns those and spreads the requests
// the window still allows over the time it has left, so that a run sees few or
// no 429s instead of bursting into the limit and then stalling on Retry-After.
//
// Pure logic: the caller passes the time in and does the sleeping, so the
// pacer is tested with a fake clock. Without headers it never asks to wait.

#include <chrono>
#include <cstdint>
#include <mutex>
#include <optional>
#include <string>

namespace flowlink::genesys {

// What one answer said about its token's window.
struct RateWindow {
  long long allowed = 0;            // requests per window, >= 1
  long long count = 0;              // requests counted so far, this one included
  std::chrono::milliseconds reset{0};  // until the window resets, at most RatePacer::kMaxWait
};

// The three headers as sent; nullopt when any is absent, not a plain
// non-negative number, absurdly large, or allowed is 0: a server whose
// headers cannot be read is not paced at all rather than paced wrongly.
std::optional<RateWindow> parse_rate_window(const std::string& count, const std::string& allowed,
                                            const std::string& reset);

class RatePacer {
 public:
  using Clock = std::chrono::steady_clock;
  // No wait is ever longer: a window is a minute at Genesys, and a reset
  // header claiming hours is capped to this.
  static constexpr std::chrono::milliseconds kMaxWait{60000};

  struct Slot {
    std::uint64_t sequence = 0;       // pass back to learn() with the answer
    std::chrono::milliseconds wait{0};  // sleep this long, then send
  };

  // Reserves the next send: when it may go, and its place in the order of
  // sends (to tell which requests the server had counted when it answered).
  Slot reserve(Clock::time_point now);
  // An answer to the send `sequence` carried these headers.
  void learn(std::uint64_t sequence, const RateWindow& window, Clock::time_point now);

 private:
  std::mutex mutex_;
  bool known_ = false;             // a window was learned and has not ended
  Clock::time_point window_end_;   // best estimate of when the server resets
  Clock::time_point next_slot_;    // the earliest the next send may go
  long long allowed_ = 0;
  long long used_ = 0;             // counted by the server or sent/planned since
  std::uint64_t issued_ = 0;       // sends reserved so far
  std::uint64_t window_first_ = 0; // the send whose answer opened the current window
  long long last_count_ = 0;       // the count of the latest-sent answer learned
  std::uint64_t last_count_sequence_ = 0;
};

}  // namespace flowlink::genesys
