// RatePacer on a fake clock: what it learns from the inin-ratelimit-* headers,
// how it spreads a window's remaining requests, and that hostile headers are
// ignored or capped instead of stalling a run.
#include <doctest/doctest.h>

#include "genesys/rate_pacer.hpp"

using namespace flowlink::genesys;
using std::chrono::milliseconds;
using Clock = RatePacer::Clock;

namespace {

RateWindow window(long long allowed, long long count, long long reset_ms) {
  return RateWindow{allowed, count, milliseconds(reset_ms)};
}

}  // namespace

TEST_CASE("the three headers are read as numbers, anything odd is ignored") {
  auto w = parse_rate_window("12", "300", "45");
  REQUIRE(w.has_value());
  CHECK(w->count == 12);
  CHECK(w->allowed == 300);
  CHECK(w->reset == milliseconds(45000));
  CHECK(parse_rate_window(" 1 ", "300", "1.5")->reset == milliseconds(1500));
  CHECK(parse_rate_window("1", "300", "0.0001")->reset == milliseconds(1));  // rounded up

  CHECK_FALSE(parse_rate_window("", "300", "45").has_value());     // absent
  CHECK_FALSE(parse_rate_window("1", "", "45").has_value());
  CHECK_FALSE(parse_rate_window("1", "300", "").has_value());
  CHECK_FALSE(parse_rate_window("-1", "300", "45").has_value());   // negative
  CHECK_FALSE(parse_rate_window("1", "300", "-5").has_value());
  CHECK_FALSE(parse_rate_window("1", "0", "45").has_value());      // nothing allowed: not believed
  CHECK_FALSE(parse_rate_window("abc", "300", "45").has_value());  // not numbers
  CHECK_FALSE(parse_rate_window("1", "3e2", "45").has_value());
  CHECK_FALSE(parse_rate_window("1", "300", "soon").has_value());
  CHECK_FALSE(parse_rate_window("1", "300", "1.").has_value());
  CHECK_FALSE(parse_rate_window("1", "300", "Wed, 21 Oct 2015 07:28:00 GMT").has_value());
  // Past what a 64-bit number holds: refused, never wrapped around.
  CHECK_FALSE(parse_rate_window("99999999999999999999999", "300", "45").has_value());
  CHECK_FALSE(parse_rate_window("1", "300", "99999999999999999999").has_value());
  // A reset of hours (or 1e9 s) reads as the longest wait there is.
  CHECK(parse_rate_window("1", "300", "86400")->reset == RatePacer::kMaxWait);
  CHECK(parse_rate_window("1", "300", "999999999")->reset == RatePacer::kMaxWait);
}

TEST_CASE("without headers the pacer never asks to wait") {
  RatePacer pacer;
  const auto now = Clock::now();
  for (int i = 0; i < 1000; ++i) CHECK(pacer.reserve(now).wait == milliseconds(0));
}

TEST_CASE("the remaining requests are spread over the time left in the window") {
  RatePacer pacer;
  auto now = Clock::now();
  auto first = pacer.reserve(now);
  CHECK(first.wait == milliseconds(0));
  // 10 allowed, 1 used, the window ends in 900 ms: 9 left over 900 ms.
  pacer.learn(first.sequence, window(10, 1, 900), now);
  milliseconds last{0};
  for (int i = 0; i < 9; ++i) {
    auto slot = pacer.reserve(now);
    CHECK(slot.wait == milliseconds(100 * i));
    last = slot.wait;
  }
  CHECK(last == milliseconds(800));
  // The window is spent: the next send waits for the reset, not longer.
  CHECK(pacer.reserve(now).wait == milliseconds(900));
  // Once the window is over, the first sends of the next one go at once.
  now += milliseconds(900);
  CHECK(pacer.reserve(now).wait == milliseconds(0));
  CHECK(pacer.reserve(now).wait == milliseconds(0));
}

TEST_CASE("requests in flight when the server counted are added to its count") {
  RatePacer pacer;
  const auto now = Clock::now();
  auto a = pacer.reserve(now);
  auto b = pacer.reserve(now);
  auto c = pacer.reserve(now);
  auto d = pacer.reserve(now);  // four in flight before any answer (parallelism 4)
  // a's answer: count 1, but b, c and d were sent after it and are not in it.
  pacer.learn(a.sequence, window(6, 1, 1000), now);
  // 6 allowed - (1 + 3) = 2 left over 1000 ms.
  CHECK(pacer.reserve(now).wait == milliseconds(0));
  CHECK(pacer.reserve(now).wait == milliseconds(500));
  CHECK(pacer.reserve(now).wait == milliseconds(1000));  // nothing left: the reset
  (void)b;
  (void)c;
  (void)d;
}

TEST_CASE("the window's end is the earliest of the rounded-up resets seen") {
  RatePacer pacer;
  const auto start = Clock::now();
  auto a = pacer.reserve(start);
  pacer.learn(a.sequence, window(3, 1, 6000), start);  // the true end, 5,400 ms away, rounded up to 6 s
  const auto later = start + milliseconds(400);
  auto b = pacer.reserve(later);
  CHECK(b.wait == milliseconds(0));
  pacer.learn(b.sequence, window(3, 2, 5000), later);  // 5 s from here: the end is at most 5,400 ms from start
  // One left, spread to the estimated end; then none: wait for the reset at
  // 5,400 ms from the start (not the 6,000 the first answer implied).
  const auto now = start + milliseconds(800);
  CHECK(pacer.reserve(now).wait == milliseconds(2400));
  CHECK(pacer.reserve(now).wait == milliseconds(4600));
}

TEST_CASE("a count that drops means a new window, and a stale answer does not shrink it") {
  RatePacer pacer;
  auto now = Clock::now();
  auto a = pacer.reserve(now);
  pacer.learn(a.sequence, window(4, 4, 1000), now);  // spent: the next waits for the reset
  auto blocked = pacer.reserve(now);
  CHECK(blocked.wait == milliseconds(1000));
  now += milliseconds(1000);
  auto b = pacer.reserve(now);
  // b's answer opens a new window of 10 s.
  pacer.learn(b.sequence, window(4, 1, 10000), now);
  // blocked (sent before b) answers late with the old window's figures: ignored.
  pacer.learn(blocked.sequence, window(4, 5, 1), now);
  // 4 - 1 = 3 left over 10 s: 0, 3.33 s, 6.67 s.
  CHECK(pacer.reserve(now).wait == milliseconds(0));
  CHECK(pacer.reserve(now).wait == milliseconds(3333));
}

TEST_CASE("hostile windows never make a wait past the cap") {
  RatePacer pacer;
  const auto now = Clock::now();
  auto a = pacer.reserve(now);
  // Counted far past the limit, resetting "in a day" (capped when parsed).
  auto hostile = parse_rate_window("999999999999", "1", "86400");
  REQUIRE(hostile.has_value());
  pacer.learn(a.sequence, *hostile, now);
  for (int i = 0; i < 5; ++i) CHECK(pacer.reserve(now).wait <= RatePacer::kMaxWait);
  // A window learned directly with an absurd reset is capped per wait too.
  RatePacer direct;
  auto b = direct.reserve(now);
  direct.learn(b.sequence, window(1, 1, 100LL * 3600 * 1000), now);
  CHECK(direct.reserve(now).wait == RatePacer::kMaxWait);
}

TEST_CASE("an answer sent before the window ended, learned after, does not stall the next window") {
  RatePacer pacer;
  auto now = Clock::now();
  auto a = pacer.reserve(now);
  pacer.learn(a.sequence, window(50, 48, 1000), now);
  auto late = pacer.reserve(now + milliseconds(980));  // the window's last sends, in flight as it ends
  CHECK(late.wait <= milliseconds(20));
  now += milliseconds(1000);
  auto fresh = pacer.reserve(now);  // the window is over: no wait
  CHECK(fresh.wait == milliseconds(0));
  // `late` answers now with the old window's full count and a reset of 1 s:
  // believed, it would hold every send back for a second.
  pacer.learn(late.sequence, window(50, 50, 1000), now + milliseconds(30));
  CHECK(pacer.reserve(now + milliseconds(30)).wait == milliseconds(0));
}
