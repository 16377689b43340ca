// "Did you mean" suggestions: the one engine the loader and the planner share.

#include <doctest/doctest.h>

#include <chrono>

#include "manifest/loader.hpp"
#include "manifest/suggestions.hpp"
#include "manifest_test_support.hpp"

using namespace flowlink::manifest;

TEST_CASE("edit distance counts insertions, deletions, substitutions and swaps; case is free") {
  CHECK(edit_distance("name", "name") == 0);
  CHECK(edit_distance("nmae", "name") == 1);
  CHECK(edit_distance("nam", "name") == 1);
  CHECK(edit_distance("names", "name") == 1);
  CHECK(edit_distance("casesensitive", "caseSensitive") == 0);
  CHECK(edit_distance("kitten", "sitting") == 3);
  CHECK(edit_distance("", "abc") == 3);
  CHECK(edit_distance("ca", "abc") == 3);  // optimal string alignment: a swapped pair is not edited again
}

TEST_CASE("edit distance stops counting past its limit") {
  CHECK(edit_distance("kitten", "sitting", 3) == 3);
  CHECK(edit_distance("kitten", "sitting", 2) > 2);
  CHECK(edit_distance("abcdef", "uvwxyz", 1) > 1);
  CHECK(edit_distance("nmae", "name", 1) == 1);
  CHECK(edit_distance("start", "strat", 2) == 1);
  // Far apart by length alone: answered without comparing.
  CHECK(edit_distance(std::string(10'000'000, 'x'), "start", 2) > 2);
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

TEST_CASE("of equally close candidates the alphabetically first wins, whatever their order") {
  CHECK(closest("bat", {"cat", "bad", "hat"}) == std::optional<std::string>("bad"));
  CHECK(closest("bat", {"hat", "cat", "bad"}) == std::optional<std::string>("bad"));
  CHECK(closest("bat", {"bat", "bad"}) == std::optional<std::string>("bat"));  // exact beats close
}

TEST_CASE("a long word gets no suggestion, at once, however long the candidates") {
  // Issue 11: a 5 MB misspelt flow type took 9.4 s and 1 GB in edit_distance.
  const std::string huge = std::string(5'000'000, 'x') + "inboundcall";
  const std::vector<std::string> types = {"inboundcall", "inboundchat", "outboundcall", "voice"};
  auto started = std::chrono::steady_clock::now();
  CHECK_FALSE(closest(huge, types).has_value());
  CHECK(suggestion_suffix(huge, types) == " expected one of: inboundcall, inboundchat, outboundcall, voice.");
  // The candidate may be the huge one too (a module name read from the org).
  CHECK_FALSE(closest("Common_Validation_Module", {huge}).has_value());
  // Just past the bound: no suggestion even for an otherwise perfect near miss.
  const std::string long_word(kMaxSuggestedWordBytes + 1, 'a');
  CHECK_FALSE(closest(long_word, {long_word + "b"}).has_value());
  CHECK(closest(long_word.substr(1), {long_word.substr(1) + "b"}).has_value());
  CHECK(std::chrono::steady_clock::now() - started < std::chrono::milliseconds(500));
}

TEST_CASE("a manifest with a misspelt flow type near the size limit loads as fast as one without") {
  // (A 5 MB one is refused unread: manifests are at most kMaxManifestBytes.)
  const std::string word(kMaxManifestBytes - 200, 'q');
  auto manifest = [](const std::string& type, const std::string& module_name) {
    return "apiVersion: flowlink/v1\nmodules:\n  m: {name: " + module_name + "}\nrules:\n  - name: r\n"
           "    flows: {types: [" + type + "], include: ['*']}\n    ensure: [{module: m}]\n";
  };
  auto timed_parse = [](const std::string& text, LoadResult& result) {
    REQUIRE(text.size() <= kMaxManifestBytes);
    auto started = std::chrono::steady_clock::now();
    result = parse_manifest(text, "huge.yaml");
    return std::chrono::steady_clock::now() - started;
  };
  LoadResult fine, misspelt;
  auto baseline = timed_parse(manifest("inboundcall", word), fine);  // as much text, no suggestion sought
  REQUIRE(fine.ok());
  auto elapsed = timed_parse(manifest(word, "M"), misspelt);
  REQUIRE(misspelt.errors.size() == 1);
  CHECK(misspelt.errors[0].str().rfind("huge.yaml:6:21: rules[0].flows.types[0]: unknown flow type 'qqq", 0) == 0);
  CHECK(misspelt.errors[0].message.find("expected one of: inboundcall, ") != std::string::npos);
  CHECK(elapsed < baseline * 3 + std::chrono::milliseconds(200));
}
