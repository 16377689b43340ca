#pragma once
// When to retry a failed HTTP exchange and how long to wait first:
// exponential backoff with full jitter, at least Retry-After, a bounded number
// of retries and a bounded total wait. Retries 429, 5xx and no-answer (status
// 0); never other 4xx (the one 401 token refresh lives in HttpTransport).
//
// A 429 with Retry-After is not a fault but the server saying "not yet": it is
// waited out without spending the retries and budget meant for faults, under
// a bound of its own (rate_limit_wait, per request) so that a server that
// answers 429 forever still ends the request with an error.

#include <algorithm>
#include <chrono>
#include <cstdint>
#include <functional>
#include <mutex>
#include <optional>
#include <random>
#include <string>

#include "genesys/http_wire.hpp"

namespace flowlink::genesys {

class RetryPolicy {
 public:
  RetryPolicy(int max_retries, std::chrono::milliseconds base, std::chrono::milliseconds budget,
              std::chrono::milliseconds cap = std::chrono::seconds(30), std::uint64_t seed = std::random_device{}());

  static bool retryable(int status);  // 0, 429, 5xx
  // For a request that changes state (save, check in, publish): only the
  // answers that say it was not carried out (429, 503). After no answer, 500,
  // 502 or 504 it may have been: repeating it blindly could do it twice.
  static bool retryable_unapplied(int status);
  static bool outcome_unknown(int status);  // 0, 500, 502, 504
  // "3" or "1.5" seconds; nullopt for anything else (HTTP dates are not used by Genesys).
  static std::optional<std::chrono::milliseconds> parse_retry_after(const std::string& header);

  // The wait before retry number retries_done+1, or nullopt to give up:
  // not retryable, out of retries, or the wait would overrun the budget.
  std::optional<std::chrono::milliseconds> next_delay(int retries_done, int status,
                                                      std::optional<std::chrono::milliseconds> retry_after,
                                                      std::chrono::milliseconds waited_so_far);

  int max_retries() const { return max_retries_; }
  std::chrono::milliseconds budget() const { return budget_; }
  // The most time one request may spend waiting out 429s' Retry-After.
  std::chrono::milliseconds rate_limit_wait() const { return rate_limit_wait_; }
  void set_rate_limit_wait(std::chrono::milliseconds limit) {
    rate_limit_wait_ = std::max(std::chrono::milliseconds(0), limit);
  }

 private:
  int max_retries_;
  std::chrono::milliseconds base_, budget_, cap_;
  std::chrono::milliseconds rate_limit_wait_{std::chrono::minutes(5)};
  std::mutex mutex_;
  std::mt19937_64 random_;
};

struct RetriedAnswer {
  WireResponse answer;  // the last one
  int attempts = 0;
  int rate_limit_waits = 0;  // 429s waited out (not counted against the retry limit)
  bool gave_up = false;  // a retryable failure that was not retried any more
  // For an error message when gave_up: "gave up after 4 attempts (retry limit 3)".
  std::string give_up_note() const;
  std::string why;  // why it gave up
};

// Runs `attempt` until it answers 2xx or a status `retryable` refuses, or the
// body was past its bound (never retried), or the policy gives up. Sleeps between attempts; counts retries in `stats`.
RetriedAnswer send_with_retries(RetryPolicy& policy, StatsCounters& stats,
                                const std::function<WireResponse()>& attempt,
                                bool (*retryable)(int status) = &RetryPolicy::retryable);

}  // namespace flowlink::genesys
