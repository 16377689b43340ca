#include <doctest/doctest.h>

#include "genesys/retry_policy.hpp"

using namespace flowlink::genesys;
using std::chrono::milliseconds;

TEST_CASE("only 429, 5xx and no answer are retried") {
  CHECK(RetryPolicy::retryable(0));
  CHECK(RetryPolicy::retryable(429));
  CHECK(RetryPolicy::retryable(500));
  CHECK(RetryPolicy::retryable(503));
  CHECK_FALSE(RetryPolicy::retryable(400));
  CHECK_FALSE(RetryPolicy::retryable(401));
  CHECK_FALSE(RetryPolicy::retryable(404));
  CHECK_FALSE(RetryPolicy::retryable(409));
  RetryPolicy policy(5, milliseconds(100), milliseconds(10000));
  CHECK_FALSE(policy.next_delay(0, 409, std::nullopt, milliseconds(0)).has_value());
}

TEST_CASE("backoff is full jitter under an exponential ceiling") {
  RetryPolicy policy(10, milliseconds(100), milliseconds(1000000), milliseconds(30000), 42);
  for (int retry = 0; retry < 8; ++retry) {
    milliseconds ceiling(std::min<long long>(30000, 100LL << retry));
    bool below_half = false;
    for (int sample = 0; sample < 200; ++sample) {
      auto delay = policy.next_delay(retry, 503, std::nullopt, milliseconds(0));
      REQUIRE(delay.has_value());
      CHECK(delay->count() >= 0);
      CHECK(*delay <= ceiling);
      below_half = below_half || *delay < ceiling / 2;
    }
    CHECK(below_half);  // jittered, not a fixed wait
  }
}

TEST_CASE("Retry-After is a floor, the count and the budget are limits") {
  RetryPolicy policy(3, milliseconds(10), milliseconds(5000), milliseconds(30000), 7);
  auto delay = policy.next_delay(0, 429, milliseconds(2000), milliseconds(0));
  REQUIRE(delay.has_value());
  CHECK(*delay >= milliseconds(2000));
  CHECK_FALSE(policy.next_delay(0, 429, milliseconds(6000), milliseconds(0)).has_value());   // over budget
  CHECK_FALSE(policy.next_delay(1, 429, milliseconds(2000), milliseconds(4000)).has_value()); // budget spent
  CHECK_FALSE(policy.next_delay(3, 503, std::nullopt, milliseconds(0)).has_value());          // out of retries
}

TEST_CASE("Retry-After parses seconds") {
  CHECK(RetryPolicy::parse_retry_after("3") == milliseconds(3000));
  CHECK(RetryPolicy::parse_retry_after("0.25") == milliseconds(250));
  CHECK_FALSE(RetryPolicy::parse_retry_after("").has_value());
  CHECK_FALSE(RetryPolicy::parse_retry_after("Wed, 21 Oct 2015 07:28:00 GMT").has_value());
  CHECK_FALSE(RetryPolicy::parse_retry_after("-1").has_value());
}

TEST_CASE("a Retry-After beyond a day reads as a day, and the policy then gives up") {
  // "1e300" seconds overflowed the conversion to milliseconds (undefined behaviour).
  const milliseconds day(24LL * 60 * 60 * 1000);
  CHECK(RetryPolicy::parse_retry_after("1e300") == day);
  CHECK(RetryPolicy::parse_retry_after("9223372036854775807") == day);
  CHECK(RetryPolicy::parse_retry_after("86400") == day);
  CHECK(RetryPolicy::parse_retry_after("86399.5") == milliseconds(86'399'500));
  RetryPolicy policy(5, milliseconds(1), milliseconds(60'000), milliseconds(2), 1);
  CHECK_FALSE(policy.next_delay(0, 429, RetryPolicy::parse_retry_after("1e300"), milliseconds(0)).has_value());
}

TEST_CASE("send_with_retries stops at success, at a final status, or when the policy gives up") {
  StatsCounters stats;
  RetryPolicy policy(4, milliseconds(1), milliseconds(1000), milliseconds(2), 1);
  int calls = 0;
  auto succeed_third = [&] {
    WireResponse answer;
    answer.status = ++calls < 3 ? 503 : 200;
    return answer;
  };
  auto result = send_with_retries(policy, stats, succeed_third);
  CHECK(result.answer.status == 200);
  CHECK(result.attempts == 3);
  CHECK_FALSE(result.gave_up);
  CHECK(stats.retries == 2);

  calls = 0;
  result = send_with_retries(policy, stats, [&] {
    ++calls;
    WireResponse answer;
    answer.status = 404;
    return answer;
  });
  CHECK(calls == 1);
  CHECK(result.answer.status == 404);
  CHECK_FALSE(result.gave_up);

  calls = 0;
  result = send_with_retries(policy, stats, [&] {
    ++calls;
    return WireResponse{};  // no answer
  });
  CHECK(calls == 5);  // the first try and 4 retries
  CHECK(result.gave_up);
}

TEST_CASE("a 429 is retried after the server's Retry-After, then succeeds") {
  StatsCounters stats;
  RetryPolicy policy(3, milliseconds(1), milliseconds(5000), milliseconds(2), 9);
  int calls = 0;
  auto started = std::chrono::steady_clock::now();
  auto result = send_with_retries(policy, stats, [&] {
    WireResponse answer;
    answer.status = ++calls == 1 ? 429 : 200;
    if (answer.status == 429) answer.retry_after = "0.2";
    return answer;
  });
  CHECK(result.answer.status == 200);
  CHECK(result.attempts == 2);
  CHECK(stats.retries == 1);
  CHECK(std::chrono::steady_clock::now() - started >= milliseconds(200));  // waited as asked
}

TEST_CASE("429s with Retry-After do not spend the retries meant for faults") {
  StatsCounters stats;
  RetryPolicy policy(1, milliseconds(1), milliseconds(5), milliseconds(2), 3);  // one retry, a 5 ms budget
  int calls = 0;
  auto result = send_with_retries(policy, stats, [&] {
    WireResponse answer;
    answer.status = ++calls <= 4 ? 429 : 200;
    if (answer.status == 429) answer.retry_after = "0.1";
    return answer;
  });
  CHECK(result.answer.status == 200);
  CHECK(result.attempts == 5);
  CHECK(result.rate_limit_waits == 4);
  CHECK_FALSE(result.gave_up);

  // A fault after the 429s still has its one retry.
  calls = 0;
  result = send_with_retries(policy, stats, [&] {
    WireResponse answer;
    ++calls;
    answer.status = calls <= 2 ? 429 : calls == 3 ? 503 : 200;
    if (answer.status == 429) answer.retry_after = "0.1";
    return answer;
  });
  CHECK(result.answer.status == 200);
  CHECK(result.attempts == 4);
}

TEST_CASE("a server answering 429 forever ends the request at the rate-limit wait bound") {
  StatsCounters stats;
  RetryPolicy policy(6, milliseconds(1), milliseconds(60'000), milliseconds(2), 5);
  policy.set_rate_limit_wait(milliseconds(300));
  int calls = 0;
  auto result = send_with_retries(policy, stats, [&] {
    ++calls;
    WireResponse answer;
    answer.status = 429;
    answer.retry_after = "0.1";
    return answer;
  });
  CHECK(result.gave_up);
  CHECK(calls == 4);  // 3 waits of 100 ms fit in 300 ms; the 4th would not
  CHECK(result.give_up_note().find("rate limited (429) 4 times, waited 300 ms of at most 300 ms") != std::string::npos);

  // "Retry-After: 0" forever is bounded too: each wait counts at least 100 ms.
  calls = 0;
  result = send_with_retries(policy, stats, [&] {
    ++calls;
    WireResponse answer;
    answer.status = 429;
    answer.retry_after = "0";
    return answer;
  });
  CHECK(result.gave_up);
  CHECK(calls == 4);

  // A Retry-After past the bound gives up at once, without sleeping it.
  calls = 0;
  result = send_with_retries(policy, stats, [&] {
    ++calls;
    WireResponse answer;
    answer.status = 429;
    answer.retry_after = "86400";
    return answer;
  });
  CHECK(result.gave_up);
  CHECK(calls == 1);
}
