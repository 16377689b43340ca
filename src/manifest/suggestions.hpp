#pragma once
// "Did you mean ...?": flowlink's one suggestion engine. The manifest loader
// uses it for misspelt keys, module keys and flow types, the planner for
// module names, bindings, tasks and anchors (plan/module_resolution.cpp), so
// the same slip gets the same answer wherever it is made.
//
// The work is bounded whatever the input: words longer than
// kMaxSuggestedWordBytes get no suggestion, a candidate whose length alone
// puts it out of reach is not compared, and a comparison stops as soon as it
// exceeds the tolerance. A 5 MB misspelt value costs a length check.

#include <cstddef>
#include <limits>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace flowlink::manifest {

// Longer words are not typos of a key, a type or a name; they get no "did you
// mean" (the loader then lists the valid words instead).
inline constexpr std::size_t kMaxSuggestedWordBytes = 100;

// Edit distance (optimal string alignment: Levenshtein plus adjacent
// transpositions) over bytes, ASCII case folded so that case slips
// ("casesensitive") cost nothing. Counting stops past `limit`: the result is
// the distance if it is at most `limit`, else some value above `limit`.
// Memory O(|b|); time O(|a|·|b|) at most, O(1) when the lengths differ by
// more than `limit`.
std::size_t edit_distance(std::string_view a, std::string_view b,
                          std::size_t limit = std::numeric_limits<std::size_t>::max());

// How many edits a word of this length may be from its suggestion: 1 up to
// 4 characters, 2 up to 10, else 3.
std::size_t suggestion_tolerance(std::size_t word_length);

// The closest candidate within the tolerance, the alphabetically first of
// equally close ones (so the answer does not depend on the candidates'
// order), or nothing. Nothing for words longer than kMaxSuggestedWordBytes.
std::optional<std::string> closest(std::string_view word, const std::vector<std::string>& candidates);

// " did you mean 'x'?" or " expected one of: a, b, c." (leading space
// included) to append to a message; nothing if there are no candidates.
std::string suggestion_suffix(std::string_view word, const std::vector<std::string>& candidates);

// "a, b, c"
std::string join_list(const std::vector<std::string>& items, std::string_view quote = "");

}  // namespace flowlink::manifest
