// When to look at an operation again (see operation_pacing.hpp).
#include "genesys/operation_pacing.hpp"

#include <algorithm>

namespace flowlink::genesys {

namespace {
// Typical times are kept per kind of operation, with "" for all of them:
// a kind not seen yet starts from what any operation took.
constexpr std::string_view kAny = "";
}  // namespace

OperationPacing::milliseconds OperationPacing::typical(std::string_view action) const {
  std::lock_guard<std::mutex> lock(mutex_);
  if (auto it = typical_.find(action); it != typical_.end()) return it->second;
  if (auto it = typical_.find(kAny); it != typical_.end()) return it->second;
  return kFirstGuess;
}

OperationPacing::milliseconds OperationPacing::next_pause(std::string_view action, milliseconds elapsed,
                                                          milliseconds previous) const {
  if (previous.count() == 0) {
    // The first look: when such an operation is typically done.
    const milliseconds left = typical(action) - elapsed;
    return std::max(milliseconds(0), left);
  }
  // Later looks: half again as long each time (the operation is slower than
  // usual: don't spend a request on every few milliseconds of it).
  return std::clamp(previous + previous / 2, kShortest, kLongestPause);
}

void OperationPacing::observe(std::string_view action, milliseconds elapsed, int looks) {
  std::lock_guard<std::mutex> lock(mutex_);
  auto learn = [&](std::string_view key) {
    auto it = typical_.find(key);
    milliseconds now = it != typical_.end() ? it->second : kFirstGuess;
    if (looks > 1) {
      // Looked too early: it takes this long, and as long again as a
      // quarter of it (operations of one kind vary; without the margin the
      // slow lowering below crossed it again within a few flows).
      now = std::max(now, elapsed + elapsed / 4);
    } else {
      // On time: try a little earlier next time. Only a little (1/32): a
      // look too early costs requests (a refused publish, another read),
      // one too late only time, and requests are what the org's rate limit
      // counts (with 1/8, one publish in six went too early, refused, in an
      // apply of 24 flows against the emulator with 20 ms latency).
      now -= std::max(milliseconds(1), now / 32);  // (at least 1 ms: down to kShortest)
    }
    now = std::clamp(now, kShortest, std::chrono::duration_cast<milliseconds>(std::chrono::seconds(30)));
    if (it != typical_.end()) it->second = now;
    else typical_.emplace(std::string(key), now);
  };
  learn(action);
  if (!action.empty()) learn(kAny);
}

}  // namespace flowlink::genesys
