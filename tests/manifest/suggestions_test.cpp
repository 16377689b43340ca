// "Did you mean" suggestions.

#include <doctest/doctest.h>

#include "manifest/suggestions.hpp"

using namespace flowlink::manifest::detail;

TEST_CASE("edit distance counts insertions, deletions, substitutions and swaps; case is free") {
  CHECK(edit_distance("name", "name") == 0);
  CHECK(edit_distance("nmae", "name") == 1);
  CHECK(edit_distance("nam", "name") == 1);
  CHECK(edit_distance("names", "name") == 1);
  CHECK(edit_distance("casesensitive", "caseSensitive") == 0);
  CHECK(edit_distance("kitten", "sitting") == 3);
  CHECK(edit_distance("", "abc") == 3);
}

TEST_CASE("closest picks the nearest candidate within a length-scaled tolerance") {
  std::vector<std::string> keys = {"name", "flows", "ensure", "remove", "publish"};
  CHECK(closest("flow", keys) == std::optional<std::string>("flows"));
  CHECK(closest("ensures", keys) == std::optional<std::string>("ensure"));
  CHECK(closest("pubilsh", keys) == std::optional<std::string>("publish"));
  CHECK_FALSE(closest("description", keys).has_value());
  CHECK_FALSE(closest("id", keys).has_value());
  CHECK(suggestion_suffix("remvoe", keys) == " did you mean 'remove'?");
  CHECK(suggestion_suffix("zzz", keys) == " expected one of: name, flows, ensure, remove, publish.");
  CHECK(suggestion_suffix("zzz", {}).empty());
}
