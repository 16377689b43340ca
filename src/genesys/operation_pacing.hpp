#pragma once
// When to look at an asynchronous operation (a check-in, a publish) again.
// Genesys reports an operation only through the flow's currentOperation
// (shared/reference/genesys-api.md: no status endpoint), so every look is a
// GET of the flow, counted against the org's rate limit. Check-ins and
// publishes take tens of milliseconds on a small org (the emulator: 50 ms)
// and one to three seconds on Genesys Cloud: instead of short fixed polls,
// the first look comes after the time such an operation has lately taken
// here, the later ones after growing pauses. What each wait found teaches
// the next: a look that came too early raises the typical time to what the
// operation took and a quarter more; one that found it done lowers it a
// little (1/32), so that it follows an org that becomes faster too. Thread-safe; no clock of its own
// (callers measure), so the schedule is testable without timing.

#include <chrono>
#include <map>
#include <mutex>
#include <string>
#include <string_view>

namespace flowlink::genesys {

class OperationPacing {
 public:
  using milliseconds = std::chrono::milliseconds;

  // What is known before any wait ended: a guess between a small org and a large one.
  static constexpr milliseconds kFirstGuess{250};
  static constexpr milliseconds kShortest{10};
  static constexpr milliseconds kLongestPause{2000};

  // How long an operation of this kind (CHECKIN, PUBLISH, ...; "" when not
  // known) has lately taken from its start until it was seen complete.
  milliseconds typical(std::string_view action) const;

  // The pause before the next look, `elapsed` after the operation started,
  // the previous pause having been `previous` (zero: no look yet).
  milliseconds next_pause(std::string_view action, milliseconds elapsed, milliseconds previous) const;

  // A wait ended: the operation was seen complete `elapsed` after it
  // started, at the first look (`looks` == 1) or a later one.
  void observe(std::string_view action, milliseconds elapsed, int looks);

 private:
  mutable std::mutex mutex_;
  std::map<std::string, milliseconds, std::less<>> typical_;
};

}  // namespace flowlink::genesys
