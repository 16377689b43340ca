#pragma once
// Building and checking flow-name patterns. NamePattern::matches itself is
// declared in desired_state.hpp. Internal to src/manifest.

#include <optional>
#include <string>

#include "manifest/desired_state.hpp"

namespace flowlink::manifest::detail {

// "regex:..." -> Regex with the prefix stripped, anything else -> Glob.
NamePattern make_pattern(const std::string& written, bool case_sensitive, SourceLocation location);

// Why the pattern can never work (invalid regex, unterminated '[', reversed
// range, trailing '\'), or nothing if it is well formed.
std::optional<std::string> pattern_syntax_error(const NamePattern& pattern);

}  // namespace flowlink::manifest::detail
