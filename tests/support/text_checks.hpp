#pragma once
// Looking for parts of a rendered text (plans, reports, JUnit XML).
#include <string>

namespace flowlink::testing {

inline bool has(const std::string& text, const std::string& part) { return text.find(part) != std::string::npos; }

// How many times `part` stands in `text` (overlapping ones counted).
inline int occurrences(const std::string& text, const std::string& part) {
  int n = 0;
  for (auto at = text.find(part); at != std::string::npos; at = text.find(part, at + 1)) ++n;
  return n;
}

}  // namespace flowlink::testing
