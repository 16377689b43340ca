// Spreads what a token's rate window still allows over the time it has left.
// See rate_pacer.hpp.
//
// The count in an answer is the server's as that request arrived: requests
// sent after it (in flight, or reserved and still waiting) are not in it, so
// the pacer adds them. The reset header is whole seconds (rounded up by the
// emulator), so each answer bounds the window's end from above and the
// smallest bound seen in a window is kept: within a second of answers it is
// exact, and pacing against the true end is what keeps a run near the floor.

#include "genesys/rate_pacer.hpp"

#include <algorithm>
#include <cctype>

namespace flowlink::genesys {

using std::chrono::milliseconds;

namespace {

// Answers further apart than this in their idea of the window's end (beyond
// the rounding of whole seconds) are about different windows.
constexpr milliseconds kResetRounding{1000};

std::string_view trimmed(const std::string& text) {
  std::string_view view(text);
  while (!view.empty() && (view.front() == ' ' || view.front() == '\t')) view.remove_prefix(1);
  while (!view.empty() && (view.back() == ' ' || view.back() == '\t')) view.remove_suffix(1);
  return view;
}

// Digits only, at most 12 of them (no sign, no overflow); nullopt otherwise.
std::optional<long long> parse_count(const std::string& text) {
  const std::string_view digits = trimmed(text);
  if (digits.empty() || digits.size() > 12) return std::nullopt;
  long long value = 0;
  for (char c : digits) {
    if (!std::isdigit(static_cast<unsigned char>(c))) return std::nullopt;
    value = value * 10 + (c - '0');
  }
  return value;
}

// "6" or "1.5" seconds, at most 9 integer digits; milliseconds rounded up.
std::optional<milliseconds> parse_seconds(const std::string& text) {
  const std::string_view number = trimmed(text);
  const auto dot = number.find('.');
  const std::string_view whole = number.substr(0, dot);
  const std::string_view fraction = dot == std::string_view::npos ? std::string_view() : number.substr(dot + 1);
  if (whole.empty() || whole.size() > 9 || (dot != std::string_view::npos && fraction.empty())) return std::nullopt;
  long long ms = 0;
  for (char c : whole) {
    if (!std::isdigit(static_cast<unsigned char>(c))) return std::nullopt;
    ms = ms * 10 + (c - '0');
  }
  ms *= 1000;
  long long scale = 100;
  bool rest = false;
  for (char c : fraction) {
    if (!std::isdigit(static_cast<unsigned char>(c))) return std::nullopt;
    if (scale > 0) {
      ms += (c - '0') * scale;
      scale /= 10;
    } else if (c != '0') {
      rest = true;
    }
  }
  return milliseconds(ms + (rest ? 1 : 0));
}

}  // namespace

std::optional<RateWindow> parse_rate_window(const std::string& count, const std::string& allowed,
                                            const std::string& reset) {
  const auto c = parse_count(count);
  const auto a = parse_count(allowed);
  const auto r = parse_seconds(reset);
  if (!c || !a || !r || *a < 1) return std::nullopt;
  return RateWindow{*a, *c, std::min(*r, RatePacer::kMaxWait)};
}

RatePacer::Slot RatePacer::reserve(Clock::time_point now) {
  std::lock_guard lock(mutex_);
  Slot slot;
  slot.sequence = ++issued_;
  if (!known_) return slot;
  if (now >= window_end_) {
    // The window is over: the next one allows a full share, and the first
    // answer from it will say how it stands. Answers to sends made before
    // this one (still in flight) describe the old window: not learned.
    known_ = false;
    window_first_ = slot.sequence;
    return slot;
  }
  Clock::time_point at = std::max(now, next_slot_);
  const long long remaining = allowed_ - used_;
  if (remaining <= 0) {
    // Nothing left in this window: wait for the reset (every other send too).
    at = window_end_;
    next_slot_ = window_end_;
  } else {
    next_slot_ = at + (window_end_ - at) / remaining;
  }
  ++used_;
  slot.wait = std::min(kMaxWait, std::chrono::duration_cast<milliseconds>(at - now));
  if (slot.wait < milliseconds::zero()) slot.wait = milliseconds::zero();
  return slot;
}

void RatePacer::learn(std::uint64_t sequence, const RateWindow& window, Clock::time_point now) {
  std::lock_guard lock(mutex_);
  if (sequence < window_first_) return;  // sent before the window we know of (or the next one) began
  const Clock::time_point end = now + window.reset;
  const bool new_window = !known_ || now >= window_end_ || end > window_end_ + kResetRounding ||
                          (sequence > last_count_sequence_ && window.count < last_count_);
  if (new_window) {
    window_end_ = end;
    window_first_ = sequence;
    next_slot_ = now;
  } else {
    window_end_ = std::min(window_end_, end);
  }
  if (new_window || sequence > last_count_sequence_) {
    last_count_ = window.count;
    last_count_sequence_ = sequence;
  }
  known_ = true;
  allowed_ = window.allowed;
  // Sends made after this one were not counted yet when the server answered.
  used_ = window.count + static_cast<long long>(issued_ - std::min(issued_, sequence));
}

}  // namespace flowlink::genesys
