// The JSON nesting bound (see json_depth.hpp).
#include "util/json_depth.hpp"

#include <fmt/format.h>

namespace flowlink::util {

std::size_t json_text_depth(std::string_view text, std::size_t stop_after) {
  std::size_t depth = 0;
  std::size_t deepest = 0;
  bool in_string = false;
  for (std::size_t i = 0; i < text.size(); ++i) {
    const char c = text[i];
    if (in_string) {
      if (c == '\\') {
        ++i;  // the escaped character, whatever it is, cannot end the string
      } else if (c == '"') {
        in_string = false;
      }
      continue;
    }
    switch (c) {
      case '"':
        in_string = true;
        break;
      case '[':
      case '{':
        if (++depth > deepest) {
          deepest = depth;
          if (deepest > stop_after) return deepest;
        }
        break;
      case ']':
      case '}':
        if (depth > 0) --depth;
        break;
      default:
        break;
    }
  }
  return deepest;
}

std::string json_too_deep_message(std::string_view what, std::size_t limit) {
  return fmt::format(
      "{}: JSON nested deeper than {} levels (arrays and objects); refused (real flows nest fewer than 40)", what,
      limit);
}

void require_json_depth(std::string_view text, std::string_view what, std::size_t limit) {
  if (json_text_depth(text, limit) > limit) throw JsonTooDeep(json_too_deep_message(what, limit));
}

}  // namespace flowlink::util
