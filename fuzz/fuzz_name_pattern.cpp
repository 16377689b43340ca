// Flow-name patterns (src/manifest/name_pattern.*): the input's first byte
// picks case sensitivity, the text up to the first newline is the pattern as
// written in a manifest ("regex:..." or a glob), each further line a flow
// name. Building, checking and matching must stay bounded in time, stack and
// memory whatever the pattern and names are.
#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

#include "manifest/name_pattern.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  using namespace flowlink::manifest;
  if (size == 0) return 0;
  const bool case_sensitive = (data[0] & 1) != 0;
  std::string_view rest(reinterpret_cast<const char*>(data) + 1, size - 1);
  const std::size_t end_of_pattern = rest.find('\n');
  const std::string written(rest.substr(0, end_of_pattern));
  rest = end_of_pattern == std::string_view::npos ? std::string_view() : rest.substr(end_of_pattern + 1);

  NamePattern pattern = detail::make_pattern(written, case_sensitive, SourceLocation{});
  const bool well_formed = !detail::pattern_syntax_error(pattern).has_value();
  // Matching is what a plan does with every flow; only well-formed patterns
  // get there (the loader refuses the rest), but matches() must hold up anyway.
  while (true) {
    const std::size_t end = rest.find('\n');
    const std::string_view name = rest.substr(0, end);
    const bool matched = pattern.matches(name);
    if (matched && !pattern.judges(name)) __builtin_trap();  // a name it cannot judge never matches
    // A pattern the loader would refuse never matches (the empty one aside).
    if (!well_formed && matched && !pattern.text.empty()) __builtin_trap();
    if (end == std::string_view::npos) break;
    rest = rest.substr(end + 1);
  }
  return 0;
}
