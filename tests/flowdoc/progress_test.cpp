// The progress and summary lines, as pure functions of a snapshot.

#include <doctest/doctest.h>

#include "util/progress.hpp"

using flowlink::util::ProgressSnapshot;
using namespace std::chrono_literals;

namespace {
bool has(const std::string& text, const std::string& part) { return text.find(part) != std::string::npos; }
}  // namespace

TEST_CASE("the progress line shows the phase under way, counts, elapsed time and the time left") {
  ProgressSnapshot s;
  s.elapsed = 400ms;
  CHECK(flowlink::util::format_progress(s) == "listing flows · 0 requests · 0 retries · 0.4 s");

  s.total = 1000;
  s.read = 250;
  s.cache_hits = 200;
  s.requests = 61;
  s.retries = 1;
  s.elapsed = 10s;
  const std::string reading = flowlink::util::format_progress(s);
  CHECK(reading == "read 250/1000 flows · 61 requests · 1 retry · 200 from cache · 10 s · ETA 30 s");

  s.read = 1000;
  s.planned = 1000;
  s.elapsed = 125s;
  CHECK(flowlink::util::format_progress(s) ==
        "planned 1000/1000 flows · 61 requests · 1 retry · 200 from cache · 2 min 05 s");  // done: no ETA

  s.to_apply = 40;
  s.applied = 10;
  s.elapsed = 4s;
  const std::string applying = flowlink::util::format_progress(s);
  CHECK(has(applying, "applied 10/40 flows"));
  CHECK(has(applying, "ETA 12 s"));
  for (const auto& line : {reading, applying}) {
    CHECK_FALSE(has(line, "\n"));
    CHECK_FALSE(has(line, "\r"));
    CHECK_FALSE(has(line, "\x1b"));
  }
}

TEST_CASE("the summary line names flows, requests, retries, cache hits and elapsed time") {
  ProgressSnapshot s;
  s.total = 5000;
  s.read = 5000;
  s.planned = 5000;
  s.requests = 12;
  s.retries = 0;
  s.cache_hits = 4990;
  s.elapsed = 2345ms;
  CHECK(flowlink::util::format_summary(s) == "flowlink: 5000 flows, 12 requests, 0 retries, 4990 cache hits, 2.3 s");
  s.total = 1;
  s.requests = 1;
  s.retries = 1;
  s.cache_hits = 1;
  CHECK(flowlink::util::format_summary(s) == "flowlink: 1 flow, 1 request, 1 retry, 1 cache hit, 2.3 s");
  s.to_apply = 3;  // apply: the flows it acted on
  CHECK(has(flowlink::util::format_summary(s), "3 flows"));
}

TEST_CASE("durations read as people say them") {
  CHECK(flowlink::util::format_duration(0ms) == "0.0 s");
  CHECK(flowlink::util::format_duration(9999ms) == "9.9 s");
  CHECK(flowlink::util::format_duration(10s) == "10 s");
  CHECK(flowlink::util::format_duration(3725s) == "62 min 05 s");
  CHECK(flowlink::util::format_duration(-5ms) == "0.0 s");
}
