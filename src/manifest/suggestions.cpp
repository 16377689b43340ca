#include "manifest/suggestions.hpp"

#include <algorithm>

namespace flowlink::manifest {

namespace {
char fold(char c) { return (c >= 'A' && c <= 'Z') ? static_cast<char>(c - 'A' + 'a') : c; }
}  // namespace

// Optimal string alignment: Levenshtein plus adjacent transpositions, since
// "nmae" for "name" is the commonest slip. Three rolling rows (the
// transposition looks two rows back) instead of the whole matrix.
std::size_t edit_distance(std::string_view a, std::string_view b, std::size_t limit) {
  const std::size_t over = limit == std::numeric_limits<std::size_t>::max() ? limit : limit + 1;
  const std::size_t gap = a.size() > b.size() ? a.size() - b.size() : b.size() - a.size();
  if (gap > limit) return over;  // at least `gap` insertions or deletions
  std::vector<std::size_t> before(b.size() + 1), previous(b.size() + 1), current(b.size() + 1);
  for (std::size_t j = 0; j <= b.size(); ++j) previous[j] = j;
  std::size_t previous_min = 0;
  for (std::size_t i = 1; i <= a.size(); ++i) {
    current[0] = i;
    std::size_t row_min = i;
    for (std::size_t j = 1; j <= b.size(); ++j) {
      std::size_t cost = fold(a[i - 1]) == fold(b[j - 1]) ? 0 : 1;
      current[j] = std::min({previous[j] + 1, current[j - 1] + 1, previous[j - 1] + cost});
      if (i > 1 && j > 1 && fold(a[i - 1]) == fold(b[j - 2]) && fold(a[i - 2]) == fold(b[j - 1]))
        current[j] = std::min(current[j], before[j - 2] + 1);
      row_min = std::min(row_min, current[j]);
    }
    // Every later cell builds on one of the last two rows, plus at least 0:
    // once both are past the limit, so is the answer.
    if (row_min > limit && previous_min > limit) return over;
    previous_min = row_min;
    std::swap(before, previous);
    std::swap(previous, current);
  }
  return std::min(previous[b.size()], over);
}

std::size_t suggestion_tolerance(std::size_t word_length) {
  return word_length <= 4 ? 1 : (word_length <= 10 ? 2 : 3);
}

std::optional<std::string> closest(std::string_view word, const std::vector<std::string>& candidates) {
  if (word.size() > kMaxSuggestedWordBytes) return std::nullopt;
  const std::size_t tolerance = suggestion_tolerance(word.size());
  const std::string* best = nullptr;
  std::size_t best_distance = tolerance + 1;
  for (const auto& candidate : candidates) {
    std::size_t d = edit_distance(word, candidate, tolerance);
    if (d < best_distance || (d == best_distance && best && candidate < *best)) {
      best_distance = d;
      best = &candidate;
    }
  }
  if (!best) return std::nullopt;
  return *best;
}

std::string join_list(const std::vector<std::string>& items, std::string_view quote) {
  std::string out;
  for (const auto& item : items) {
    if (!out.empty()) out += ", ";
    out += quote;
    out += item;
    out += quote;
  }
  return out;
}

std::string suggestion_suffix(std::string_view word, const std::vector<std::string>& candidates) {
  if (candidates.empty()) return {};
  if (auto best = closest(word, candidates)) return " did you mean '" + *best + "'?";
  return " expected one of: " + join_list(candidates) + ".";
}

}  // namespace flowlink::manifest
