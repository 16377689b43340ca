// When the client looks at a check-in or publish again (OperationPacing): the
// schedule it proposes for the durations it is fed. No clock, no sleeping:
// every figure here is the pacing's arithmetic, so it may be asserted.
#include <doctest/doctest.h>

#include "genesys/operation_pacing.hpp"

using namespace flowlink::genesys;
using std::chrono::milliseconds;

namespace {
constexpr milliseconds kNoLookYet{0};
}  // namespace

TEST_CASE("before any operation ended: the first look at the first guess, counted from the start") {
  OperationPacing pacing;
  CHECK(pacing.typical("CHECKIN") == OperationPacing::kFirstGuess);
  CHECK(pacing.typical("") == OperationPacing::kFirstGuess);
  CHECK(pacing.next_pause("CHECKIN", milliseconds(0), kNoLookYet) == OperationPacing::kFirstGuess);
  // Time already gone since the start (the answer's own latency) is not waited again.
  CHECK(pacing.next_pause("CHECKIN", milliseconds(100), kNoLookYet) == OperationPacing::kFirstGuess - milliseconds(100));
  CHECK(pacing.next_pause("CHECKIN", milliseconds(400), kNoLookYet) == milliseconds(0));
}

TEST_CASE("later looks: half again as long each time, between the shortest and the longest pause") {
  OperationPacing pacing;
  CHECK(pacing.next_pause("PUBLISH", milliseconds(300), milliseconds(100)) == milliseconds(150));
  CHECK(pacing.next_pause("PUBLISH", milliseconds(450), milliseconds(150)) == milliseconds(225));
  // From the shortest pause up: never a burst of reads.
  CHECK(pacing.next_pause("PUBLISH", milliseconds(5), milliseconds(1)) == OperationPacing::kShortest);
  milliseconds pause = OperationPacing::kShortest;
  int looks = 0;
  for (; pause < OperationPacing::kLongestPause; ++looks)
    pause = pacing.next_pause("PUBLISH", milliseconds(0), pause);
  CHECK(pause == OperationPacing::kLongestPause);
  CHECK(looks == 14);  // 10 ms * 1.5^13 < 2 s <= 10 ms * 1.5^14
  CHECK(pacing.next_pause("PUBLISH", milliseconds(60000), pause) == OperationPacing::kLongestPause);
}

TEST_CASE("a look that came too early: the typical time becomes what the operation took, and a quarter more") {
  OperationPacing pacing;
  pacing.observe("CHECKIN", milliseconds(1800), 3);
  CHECK(pacing.typical("CHECKIN") == milliseconds(2250));
  CHECK(pacing.next_pause("CHECKIN", milliseconds(300), kNoLookYet) == milliseconds(1950));
  // A kind not seen yet starts from what any operation took.
  CHECK(pacing.typical("PUBLISH") == milliseconds(2250));
  CHECK(pacing.typical("") == milliseconds(2250));
  // A quicker one seen late does not lower it: it was looked at late, not timed.
  pacing.observe("CHECKIN", milliseconds(900), 2);
  CHECK(pacing.typical("CHECKIN") == milliseconds(2250));
  // Longer than 30 s is not believed to be typical.
  pacing.observe("CHECKIN", milliseconds(300000), 2);
  CHECK(pacing.typical("CHECKIN") == milliseconds(30000));
}

TEST_CASE("a look that found it done: a little earlier next time, down to the shortest pause") {
  OperationPacing pacing;
  pacing.observe("PUBLISH", milliseconds(60), 1);
  CHECK(pacing.typical("PUBLISH") == milliseconds(243));  // 250 - 250/32
  pacing.observe("PUBLISH", milliseconds(60), 1);
  CHECK(pacing.typical("PUBLISH") == milliseconds(236));  // 243 - 243/32
  // Lowered slowly: after 20 looks on time it is still above half the start.
  for (int i = 0; i < 18; ++i) pacing.observe("PUBLISH", milliseconds(60), 1);
  CHECK(pacing.typical("PUBLISH") == milliseconds(140));
  for (int i = 0; i < 1000; ++i) pacing.observe("PUBLISH", milliseconds(1), 1);
  CHECK(pacing.typical("PUBLISH") == OperationPacing::kShortest);
  CHECK(pacing.next_pause("PUBLISH", milliseconds(0), kNoLookYet) == OperationPacing::kShortest);
}

TEST_CASE("kinds are learnt apart: a slow check-in does not delay the first look at a publish seen on time") {
  OperationPacing pacing;
  pacing.observe("PUBLISH", milliseconds(40), 1);
  pacing.observe("CHECKIN", milliseconds(1200), 2);
  CHECK(pacing.typical("PUBLISH") == milliseconds(243));
  CHECK(pacing.typical("CHECKIN") == milliseconds(1500));
  CHECK(pacing.next_pause("PUBLISH", milliseconds(43), kNoLookYet) == milliseconds(200));
  // An operation of no known kind ("": found by a read) goes by all of them.
  CHECK(pacing.typical("") == milliseconds(1500));
  CHECK(pacing.typical("REVERT") == milliseconds(1500));
}
