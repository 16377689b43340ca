#pragma once
// A bound on how deeply JSON nests, checked before nlohmann builds or walks it.
//
// nlohmann parses iteratively, but dump(), copying and comparing a value
// recurse once per level: a document or listing page nested 100,000 deep
// (about 200 KB of "[[[[...") overflows the stack. Every piece of JSON that
// flowlink reads from a server or a file goes through these checks first.
// Real Architect documents nest fewer than 20 levels (the cache-example
// fixture: 19, the example org: 15); the limit leaves generous room.

#include <cstddef>
#include <stdexcept>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace flowlink::util {

// The most levels of arrays and objects accepted, the outermost counting 1.
inline constexpr std::size_t kMaxJsonDepth = 512;

// Thrown for JSON nested deeper than the limit; what() names the source.
class JsonTooDeep : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

// How deeply arrays and objects nest in `text` (0 for a scalar), counting
// '[' and '{' outside strings; no recursion, no allocation. Stops scanning
// once the depth passes `stop_after` (and returns that depth). Exact for valid
// JSON; for invalid text, never less than what a parser would reach before
// its error.
std::size_t json_text_depth(std::string_view text, std::size_t stop_after = static_cast<std::size_t>(-1));

// "<what>: JSON nested deeper than 512 levels; refused (real flows nest
// fewer than 40)": the message of JsonTooDeep.
std::string json_too_deep_message(std::string_view what, std::size_t limit = kMaxJsonDepth);

// Throws JsonTooDeep naming `what` if `text` nests deeper than `limit`.
void require_json_depth(std::string_view text, std::string_view what, std::size_t limit = kMaxJsonDepth);

// Parses `text` after require_json_depth. Throws JsonTooDeep, or the JSON
// library's parse_error for text that is not JSON.
template <class JsonType>
JsonType parse_json_bounded(std::string_view text, std::string_view what, std::size_t limit = kMaxJsonDepth) {
  require_json_depth(text, what, limit);
  return JsonType::parse(text.begin(), text.end());
}

// Like JsonType::parse(text, nullptr, false): a discarded value for text that
// is not JSON, and for JSON nested deeper than `limit`.
template <class JsonType>
JsonType parse_json_or_discarded(std::string_view text, std::size_t limit = kMaxJsonDepth) {
  if (json_text_depth(text, limit) > limit) return JsonType(JsonType::value_t::discarded);
  return JsonType::parse(text.begin(), text.end(), nullptr, /*allow_exceptions=*/false);
}

// How deeply an already built value nests (0 for a scalar), walked with an
// explicit stack; stops once the depth passes `stop_after`.
template <class JsonType>
std::size_t json_value_depth(const JsonType& value, std::size_t stop_after = static_cast<std::size_t>(-1)) {
  if (!value.is_structured()) return 0;
  std::size_t deepest = 0;
  std::vector<std::pair<const JsonType*, std::size_t>> pending{{&value, 1}};
  while (!pending.empty()) {
    auto [current, depth] = pending.back();
    pending.pop_back();
    if (depth > deepest) deepest = depth;
    if (deepest > stop_after) return deepest;
    for (const auto& child : *current) {
      if (child.is_structured()) pending.emplace_back(&child, depth + 1);
    }
  }
  return deepest;
}

// Throws JsonTooDeep naming `what` if `value` nests deeper than `limit`.
template <class JsonType>
void require_json_value_depth(const JsonType& value, std::string_view what, std::size_t limit = kMaxJsonDepth) {
  if (json_value_depth(value, limit) > limit) throw JsonTooDeep(json_too_deep_message(what, limit));
}

}  // namespace flowlink::util
