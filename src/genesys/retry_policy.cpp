// Exponential backoff with full jitter (wait a random time in
// [0, min(cap, base * 2^n)]), never shorter than the server's Retry-After,
// bounded by a retry count and by the total time spent waiting.

#include "genesys/retry_policy.hpp"

#include <algorithm>
#include <cmath>
#include <thread>

namespace flowlink::genesys {

using std::chrono::milliseconds;

namespace {
constexpr milliseconds kShortestRateLimitWait{100};
}

RetryPolicy::RetryPolicy(int max_retries, milliseconds base, milliseconds budget, milliseconds cap,
                         std::uint64_t seed)
    : max_retries_(std::max(0, max_retries)),
      base_(std::max(milliseconds(1), base)),
      budget_(std::max(milliseconds(0), budget)),
      cap_(std::max(base_, cap)),
      random_(seed) {}

bool RetryPolicy::retryable(int status) { return status == 0 || status == 429 || (status >= 500 && status <= 599); }

bool RetryPolicy::retryable_unapplied(int status) { return status == 429 || status == 503; }

bool RetryPolicy::outcome_unknown(int status) { return status == 0 || status == 500 || status == 502 || status == 504; }

std::optional<milliseconds> RetryPolicy::parse_retry_after(const std::string& header) {
  if (header.empty()) return std::nullopt;
  try {
    std::size_t used = 0;
    double seconds = std::stod(header, &used);
    if (used != header.size() || !std::isfinite(seconds) || seconds < 0) return std::nullopt;
    // A server may send "1e300": converting that to an integer is undefined,
    // and adding it to the time waited could overflow. Any wait beyond a day
    // overruns every budget, so a day stands for all of them.
    constexpr double kDaySeconds = 24.0 * 60 * 60;
    if (seconds > kDaySeconds) seconds = kDaySeconds;
    return milliseconds(static_cast<long long>(std::ceil(seconds * 1000.0)));
  } catch (const std::exception&) {
    return std::nullopt;
  }
}

std::optional<milliseconds> RetryPolicy::next_delay(int retries_done, int status,
                                                    std::optional<milliseconds> retry_after,
                                                    milliseconds waited_so_far) {
  if (!retryable(status) || retries_done >= max_retries_) return std::nullopt;
  // base * 2^n, computed without overflow: past the cap it stays at the cap.
  milliseconds ceiling = cap_;
  if (retries_done < 30) ceiling = std::min(cap_, milliseconds(base_.count() * (1LL << retries_done)));
  milliseconds delay;
  {
    std::lock_guard lock(mutex_);
    std::uniform_int_distribution<long long> pick(0, ceiling.count());
    delay = milliseconds(pick(random_));
  }
  if (retry_after) delay = std::max(delay, *retry_after);
  if (waited_so_far + delay > budget_) return std::nullopt;
  return delay;
}

std::string RetriedAnswer::give_up_note() const {
  if (!gave_up) return {};
  std::string note = "gave up after " + std::to_string(attempts) + (attempts == 1 ? " attempt" : " attempts");
  if (!why.empty()) note += ": " + why;
  return note;
}

RetriedAnswer send_with_retries(RetryPolicy& policy, StatsCounters& stats,
                                const std::function<WireResponse()>& attempt, bool (*retryable)(int status)) {
  RetriedAnswer result;
  milliseconds waited{0};       // on faults, against policy.budget()
  milliseconds rate_waited{0};  // on 429s with Retry-After, against policy.rate_limit_wait()
  int fault_retries = 0;
  for (;;) {
    result.answer = attempt();
    ++result.attempts;
    // An answer past its size bound would be as large again: never retried.
    if (result.answer.ok() || result.answer.body_too_large || !retryable(result.answer.status)) return result;
    const auto asked = RetryPolicy::parse_retry_after(result.answer.retry_after);
    std::optional<milliseconds> delay;
    if (result.answer.status == 429 && asked) {
      // At least a little: "Retry-After: 0" forever must still reach the bound.
      const milliseconds wait = std::max(*asked, kShortestRateLimitWait);
      if (rate_waited + wait > policy.rate_limit_wait()) {
        result.gave_up = true;
        result.why = "rate limited (429) " + std::to_string(result.rate_limit_waits + 1) +
                     (result.rate_limit_waits == 0 ? " time" : " times") + ", waited " +
                     std::to_string(rate_waited.count()) + " ms of at most " +
                     std::to_string(policy.rate_limit_wait().count()) + " ms, server asked to wait " +
                     std::to_string(asked->count()) + " ms more";
        return result;
      }
      delay = wait;
      rate_waited += wait;
      ++result.rate_limit_waits;
    } else {
      delay = policy.next_delay(fault_retries, result.answer.status, asked, waited);
      if (!delay) {
        result.gave_up = true;
        if (fault_retries >= policy.max_retries()) {
          result.why = "retry limit " + std::to_string(policy.max_retries());
        } else {
          result.why = "retry budget " + std::to_string(policy.budget().count()) + " ms";
          if (asked) result.why += ", server asked to wait " + std::to_string(asked->count()) + " ms";
        }
        return result;
      }
      ++fault_retries;
      waited += *delay;
    }
    ++stats.retries;
    std::this_thread::sleep_for(*delay);
  }
}

}  // namespace flowlink::genesys
