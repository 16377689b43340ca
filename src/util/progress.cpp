// Progress and summary lines. See progress.hpp.
#include "util/progress.hpp"

#include <fmt/format.h>

namespace flowlink::util {

namespace {

std::string plural(std::uint64_t n, const char* one, const char* many) {
  return fmt::format("{} {}", n, n == 1 ? one : many);
}

}  // namespace

ProgressSnapshot snapshot(const ProgressCounters& c) {
  ProgressSnapshot s;
  s.total = c.total;
  s.read = c.read;
  s.planned = c.planned;
  s.to_apply = c.to_apply;
  s.applied = c.applied;
  s.cache_hits = c.cache_hits;
  return s;
}

std::string format_duration(std::chrono::milliseconds duration) {
  const auto ms = duration.count() < 0 ? 0 : duration.count();
  if (ms < 10'000) return fmt::format("{}.{} s", ms / 1000, (ms % 1000) / 100);
  const auto seconds = ms / 1000;
  if (seconds < 60) return fmt::format("{} s", seconds);
  return fmt::format("{} min {:02} s", seconds / 60, seconds % 60);
}

std::string format_progress(const ProgressSnapshot& s) {
  // The phase under way: applying once anything is to apply, else planning
  // once planned, else reading.
  const char* phase = "read";
  std::uint64_t done = s.read, of = s.total;
  if (s.to_apply > 0) {
    phase = "applied";
    done = s.applied;
    of = s.to_apply;
  } else if (s.planned > 0) {
    phase = "planned";
    done = s.planned;
  }
  std::string line = of > 0 ? fmt::format("{} {}/{} flows", phase, done, of) : std::string("listing flows");
  line += fmt::format(" · {} · {}", plural(s.requests, "request", "requests"), plural(s.retries, "retry", "retries"));
  if (s.cache_hits > 0) line += fmt::format(" · {} from cache", s.cache_hits);
  line += " · " + format_duration(s.elapsed);
  if (of > 0 && done > 0 && done < of) {
    const auto left = std::chrono::milliseconds(s.elapsed.count() * static_cast<long long>(of - done) /
                                                static_cast<long long>(done));
    line += " · ETA " + format_duration(left);
  }
  return line;
}

std::string format_summary(const ProgressSnapshot& s) {
  const std::uint64_t flows = s.to_apply > 0 ? s.to_apply : s.total;
  return fmt::format("flowlink: {}, {}, {}, {} cache hit{}, {}", plural(flows, "flow", "flows"),
                     plural(s.requests, "request", "requests"), plural(s.retries, "retry", "retries"), s.cache_hits,
                     s.cache_hits == 1 ? "" : "s", format_duration(s.elapsed));
}

}  // namespace flowlink::util
