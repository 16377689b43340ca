#pragma once
// "Did you mean ...?" for misspelt keys, module keys and flow types.
// Internal to src/manifest.

#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace flowlink::manifest::detail {

// Edit distance (Levenshtein plus adjacent transpositions) over bytes, ASCII
// case folded so that case slips ("casesensitive") cost nothing.
std::size_t edit_distance(std::string_view a, std::string_view b);

// The closest candidate within a tolerance that grows with the word's length
// (1 edit up to 4 characters, 2 up to 10, else 3), or nothing.
std::optional<std::string> closest(std::string_view word, const std::vector<std::string>& candidates);

// " did you mean 'x'?" or " expected one of: a, b, c" (leading space
// included) to append to a message; nothing if there are no candidates.
std::string suggestion_suffix(std::string_view word, const std::vector<std::string>& candidates);

// "a, b, c"
std::string join_list(const std::vector<std::string>& items, std::string_view quote = "");

}  // namespace flowlink::manifest::detail
