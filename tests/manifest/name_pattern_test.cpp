// Glob and regex semantics of flow-name patterns.

#include <doctest/doctest.h>

#include <pthread.h>

#include <chrono>
#include <optional>

#include "manifest/desired_state.hpp"
#include "manifest/loader.hpp"
#include "manifest/name_pattern.hpp"

using namespace flowlink::manifest;
using detail::make_pattern;
using detail::pattern_syntax_error;

namespace {

bool glob(const std::string& pattern, const std::string& name, bool case_sensitive = true) {
  NamePattern p = make_pattern(pattern, case_sensitive, {});
  REQUIRE(p.kind == NamePattern::Kind::Glob);
  REQUIRE_FALSE(pattern_syntax_error(p).has_value());
  return p.matches(name);
}

bool regex(const std::string& pattern, const std::string& name, bool case_sensitive = true) {
  NamePattern p = make_pattern("regex:" + pattern, case_sensitive, {});
  REQUIRE(p.kind == NamePattern::Kind::Regex);
  REQUIRE(p.text == pattern);
  REQUIRE_FALSE(pattern_syntax_error(p).has_value());
  return p.matches(name);
}

}  // namespace

TEST_CASE("a pattern without wildcards matches exactly that name") {
  CHECK(glob("Inbound_Support", "Inbound_Support"));
  CHECK_FALSE(glob("Inbound_Support", "Inbound_Support2"));
  CHECK_FALSE(glob("Inbound_Support", "inbound_support"));
  CHECK_FALSE(glob("Inbound_Support", "My Inbound_Support"));
  CHECK_FALSE(glob("Inbound_Support", ""));
  CHECK(glob("Réception – Accueil ☎", "Réception – Accueil ☎"));
  CHECK_FALSE(glob("Réception", "Reception"));
}

TEST_CASE("* matches any run of characters, including none") {
  CHECK(glob("*", ""));
  CHECK(glob("*", "anything at all"));
  CHECK(glob("Inbound_*", "Inbound_"));
  CHECK(glob("Inbound_*", "Inbound_Support_EN"));
  CHECK_FALSE(glob("Inbound_*", "Outbound_Support"));
  CHECK(glob("*_Sandbox", "Support_Sandbox"));
  CHECK_FALSE(glob("*_Sandbox", "Support_Sandbox_2"));
  CHECK(glob("A*B*C", "AxxBxxBxxC"));
  CHECK_FALSE(glob("A*B*C", "AxxBxxBxxD"));
  CHECK(glob("**a", "bba"));
  CHECK(glob("*é*", "Réception"));
  // Backtracking stays linear: a pathological pattern answers at once.
  CHECK_FALSE(glob("*a*a*a*a*a*a*a*a*b", std::string(5000, 'a')));
}

TEST_CASE("? matches exactly one character, also a multi-byte one") {
  CHECK(glob("Line?", "Line1"));
  CHECK_FALSE(glob("Line?", "Line"));
  CHECK_FALSE(glob("Line?", "Line12"));
  CHECK(glob("R?ception", "Réception"));   // é is 2 bytes in UTF-8
  CHECK(glob("Call ?", "Call ☎"));         // ☎ is 3 bytes
  CHECK(glob("Emoji ?", "Emoji 😀"));      // 😀 is 4 bytes
  CHECK_FALSE(glob("Emoji ??", "Emoji 😀"));
  CHECK_FALSE(glob("R??ception", "Réception"));
}

TEST_CASE("[...] classes: sets, ranges, negation with ! or ^, literal ] and -") {
  CHECK(glob("Line[123]", "Line2"));
  CHECK_FALSE(glob("Line[123]", "Line4"));
  CHECK(glob("Line[0-9]", "Line7"));
  CHECK_FALSE(glob("Line[0-9]", "LineA"));
  CHECK(glob("Line[a-cx-z]", "Liney"));
  CHECK_FALSE(glob("Line[a-cx-z]", "Lined"));
  CHECK(glob("Line[!0-9]", "LineA"));
  CHECK_FALSE(glob("Line[!0-9]", "Line5"));
  CHECK(glob("Line[^0-9]", "LineA"));
  CHECK_FALSE(glob("Line[^0-9]", "Line5"));
  CHECK_FALSE(glob("Line[!0-9]", "Line"));  // a negated class still consumes one character
  CHECK(glob("[]]x", "]x"));                 // ] first in a class is literal
  CHECK(glob("[!]]x", "ax"));
  CHECK_FALSE(glob("[!]]x", "]x"));
  CHECK(glob("a[-b]", "a-"));               // - at either end is literal
  CHECK(glob("a[b-]", "a-"));
  CHECK(glob("R[éè]ception", "Réception"));  // classes hold characters, not bytes
  CHECK(glob("R[éè]ception", "Rèception"));
  CHECK_FALSE(glob("R[éè]ception", "Reception"));
  CHECK(glob("[à-ÿ]", "é"));                  // ranges over code points
  CHECK(glob("R[!e]ception", "Réception"));
  CHECK(glob("[\\]]", "]"));                 // escaped ] inside a class
}

TEST_CASE("backslash escapes make *, ?, [ and \\ literal") {
  CHECK(glob("Promo\\*", "Promo*"));
  CHECK_FALSE(glob("Promo\\*", "Promo_2024"));
  CHECK(glob("Is it\\?", "Is it?"));
  CHECK_FALSE(glob("Is it\\?", "Is it!"));
  CHECK(glob("Flow\\[1\\]", "Flow[1]"));
  CHECK_FALSE(glob("Flow\\[1\\]", "Flow1"));
  CHECK(glob("Flow\\[*", "Flow[beta]"));
  CHECK(glob("a\\\\b", "a\\b"));
  CHECK(glob("\\é", "é"));  // escaping a multi-byte character escapes the whole character
}

TEST_CASE("caseSensitive: false folds ASCII letters only") {
  CHECK(glob("inbound_*", "INBOUND_Support", false));
  CHECK(glob("LINE[a-c]", "lineB", false));
  CHECK(glob("line[!a-c]", "LINEd", false));
  CHECK_FALSE(glob("line[!a-c]", "LINEB", false));
  CHECK_FALSE(glob("inbound_*", "INBOUND_Support", true));
  CHECK_FALSE(glob("réception", "RÉCEPTION", false));  // É is not ASCII: not folded
  CHECK(glob("réception", "RéCEPTION", false));
}

TEST_CASE("regex: patterns are ECMAScript and must match the whole name") {
  CHECK(regex("Support-[0-9]+", "Support-42"));
  CHECK_FALSE(regex("Support-[0-9]+", "Support-42b"));
  CHECK_FALSE(regex("Support-[0-9]+", "My Support-42"));
  CHECK(regex("(Sales|Support)_.*", "Sales_EN"));
  CHECK(regex("^Support$", "Support"));
  CHECK(regex("support", "SUPPORT", false));
  CHECK_FALSE(regex("support", "SUPPORT", true));
  CHECK(regex("\\w+\\[\\d\\]", "Flow[1]"));
  CHECK(regex("R.+ception", "Réception"));
  CHECK(regex("R..ception", "Réception"));  // regexes see UTF-8 bytes: é is two
}

TEST_CASE("malformed patterns are reported, and never match") {
  auto problem = [](const std::string& written) { return pattern_syntax_error(make_pattern(written, true, {})); };
  CHECK(problem("regex:(")->find("invalid regular expression '('") == 0);
  CHECK(problem("regex:[a-")->find("invalid regular expression") == 0);
  CHECK(problem("regex:") == "empty regular expression after 'regex:'");
  CHECK(problem("Line[0-9")->find("has a '[' without a closing ']'") != std::string::npos);
  CHECK(problem("Trailing\\")->find("ends with a lone '\\'") != std::string::npos);
  CHECK(problem("[]")->find("without a closing ']'") != std::string::npos);
  CHECK(problem("")->find("empty name pattern") == 0);
  CHECK(problem("[z-a]")->find("reversed range") != std::string::npos);
  CHECK_FALSE(problem("[!]]").has_value());
  CHECK_FALSE(make_pattern("regex:(", true, {}).matches("("));
  CHECK_FALSE(make_pattern("Line[0-9", true, {}).matches("Line[0-9"));
}

TEST_CASE("a selector needs the type, an include match and no exclude match") {
  FlowSelector selector;
  selector.types = {"inboundcall", "inqueuecall"};
  selector.include = {make_pattern("Support_*", true, {}), make_pattern("regex:VIP-[0-9]+", true, {})};
  selector.exclude = {make_pattern("*_Sandbox", true, {})};
  CHECK(selector.matches("inboundcall", "Support_EN"));
  CHECK(selector.matches("InQueueCall", "VIP-7"));
  CHECK_FALSE(selector.matches("inboundchat", "Support_EN"));
  CHECK_FALSE(selector.matches("inboundcall", "Sales_EN"));
  CHECK_FALSE(selector.matches("inboundcall", "Support_EN_Sandbox"));
  CHECK_FALSE(selector.matches("commonmodule", "Support_EN"));
  FlowSelector empty;
  CHECK_FALSE(empty.matches("inboundcall", "anything"));
}

// --- limits (issue 11: std::regex overflowed the stack on 50,000 nested
// parentheses, and on a 50,000-character name under `regex:Foo.*`) ---------

namespace {

std::optional<std::string> problem_of(const std::string& written) {
  return pattern_syntax_error(make_pattern(written, true, {}));
}

bool mentions(const std::optional<std::string>& problem, const std::string& part) {
  return problem && problem->find(part) != std::string::npos;
}

// Runs `body` on a thread with a small stack: deep recursion crashes here
// long before it would on the main thread.
template <typename Body>
void on_small_stack(Body body) {
  struct Call {
    Body* body;
    static void* run(void* self) {
      (*static_cast<Call*>(self)->body)();
      return nullptr;
    }
  } call{&body};
  pthread_attr_t attributes;
  pthread_attr_init(&attributes);
  pthread_attr_setstacksize(&attributes, 128 * 1024);
  pthread_t thread;
  REQUIRE(pthread_create(&thread, &attributes, &Call::run, &call) == 0);
  pthread_join(thread, nullptr);
  pthread_attr_destroy(&attributes);
}

}  // namespace

TEST_CASE("a regex of 50,000 nested parentheses is refused for its length, and never compiled") {
  const std::string nested = std::string(50'000, '(') + "a" + std::string(50'000, ')');
  auto problem = problem_of("regex:" + nested);
  CHECK(mentions(problem, "the pattern is 100001 bytes long; a flow-name pattern may be at most 1000 bytes"));
  // Built by hand, past the loader: it matches nothing, and does not crash.
  CHECK_FALSE(make_pattern("regex:" + nested, true, {}).matches("a"));
  CHECK_FALSE(make_pattern(std::string(50'000, '*') + "a", true, {}).matches("a"));  // a glob too
}

TEST_CASE("regex groups nest at most 32 deep") {
  auto nest = [](int depth) { return std::string(depth, '(') + "a" + std::string(depth, ')'); };
  CHECK_FALSE(problem_of("regex:" + nest(32)).has_value());
  CHECK(regex(nest(32), "a"));
  CHECK(mentions(problem_of("regex:" + nest(33)), "a regular expression may nest groups at most 32 deep"));
  CHECK(mentions(problem_of("regex:" + std::string(33, '(') + "a"), "at most 32 deep"));  // unclosed: still refused
  CHECK(mentions(problem_of("regex:(?:(?:" + nest(31) + "))"), "at most 32 deep"));   // any kind of group
  CHECK_FALSE(make_pattern("regex:" + nest(33), true, {}).matches("a"));
}

TEST_CASE("a regex is at most 1000 atoms once its repetitions are counted out") {
  CHECK_FALSE(problem_of("regex:[0-9]{1,999}").has_value());  // 999 classes and the quantifier
  CHECK(regex("[0-9]{1,999}", "2024"));
  CHECK(mentions(problem_of("regex:[0-9]{1,1000}"), "more than 1000 atoms"));
  CHECK(mentions(problem_of("regex:[0-9]{1001}"), "more than 1000 atoms"));
  CHECK(mentions(problem_of("regex:(?:a{100}){100}"), "more than 1000 atoms"));
  CHECK(mentions(problem_of("regex:((((a{10}){10}){10}){10})"), "more than 1000 atoms"));
  CHECK(mentions(problem_of("regex:a{99999999999999999999}"), "more than 1000 atoms"));  // no overflow
  CHECK_FALSE(make_pattern("regex:(?:a{100}){100}", true, {}).matches("a"));
  // A brace that is no repetition is left to std::regex.
  CHECK(mentions(problem_of("regex:a{x}"), "invalid regular expression"));
}

TEST_CASE("back-references and nested lookaheads are refused; a lookahead works") {
  CHECK(mentions(problem_of("regex:(a)\\1"), "back-references such as '\\1' are not supported"));
  CHECK(mentions(problem_of("regex:(?=(?!x)a)a"), "a lookahead inside a lookahead is not supported"));
  CHECK(regex("(?!.*_Sandbox).*", "Support_EN"));
  CHECK_FALSE(regex("(?!.*_Sandbox).*", "Support_Sandbox"));
  CHECK(regex("(?=Sup)(?=.*EN)\\w+", "Support_EN"));  // side by side is fine
}

TEST_CASE("a regex runs only on names of at most 1000 bytes; a longer name does not match") {
  NamePattern foo = make_pattern("regex:Foo.*", true, {});
  const std::string at_bound = "Foo" + std::string(NamePattern::kMaxRegexNameBytes - 3, 'x');
  CHECK(foo.judges(at_bound));
  CHECK(foo.matches(at_bound));
  CHECK_FALSE(foo.judges(at_bound + "x"));
  CHECK_FALSE(foo.matches(at_bound + "x"));
  CHECK_FALSE(foo.matches("Foo" + std::string(50'000, 'x')));  // issue 11: SIGSEGV
  // Globs judge any name.
  NamePattern glob_foo = make_pattern("Foo*", true, {});
  CHECK(glob_foo.judges(std::string(1'000'000, 'x')));
  CHECK(glob_foo.matches("Foo" + std::string(1'000'000, 'x')));
}

TEST_CASE("matching a regex does not recurse along the name") {
  // The depth-first matcher recursed once or more per character: a
  // 1000-byte name overflowed a 128 KiB stack.
  NamePattern foo = make_pattern("regex:Foo.*", true, {});
  NamePattern groups = make_pattern("regex:(?:F|o|x)+", false, {});
  const std::string name = "Foo" + std::string(NamePattern::kMaxRegexNameBytes - 3, 'x');
  bool matched_foo = false, matched_groups = false;
  on_small_stack([&] {
    matched_foo = foo.matches(name);
    matched_groups = groups.matches(name);
  });
  CHECK(matched_foo);
  CHECK(matched_groups);
}

TEST_CASE("matching a regex never backtracks exponentially") {
  // (a|a)*b against 28 a's: 2^28 paths for a backtracking matcher (many seconds).
  NamePattern pattern = make_pattern("regex:(a|a)*b", true, {});
  REQUIRE_FALSE(pattern_syntax_error(pattern).has_value());
  auto started = std::chrono::steady_clock::now();
  CHECK_FALSE(pattern.matches(std::string(28, 'a')));
  CHECK_FALSE(pattern.matches(std::string(NamePattern::kMaxRegexNameBytes, 'a')));
  CHECK(make_pattern("regex:(a*)*b", true, {}).matches(std::string(999, 'a') + "b"));
  CHECK(std::chrono::steady_clock::now() - started < std::chrono::seconds(1));
}

TEST_CASE("globs are at most 1000 bytes and match long names without going quadratic in practice") {
  CHECK(mentions(problem_of(std::string(1001, 'a')), "the pattern is 1001 bytes long; a flow-name pattern may be at most 1000 bytes"));
  CHECK_FALSE(problem_of(std::string(1000, 'a')).has_value());
  CHECK_FALSE(make_pattern(std::string(1001, 'a'), true, {}).matches(std::string(1001, 'a')));
  // The worst case is (name × pattern) steps, never exponential, never recursive.
  std::string pathological;
  for (int i = 0; i < 50; ++i) pathological += "*a";
  pathological += "*b";
  auto started = std::chrono::steady_clock::now();
  bool matched = false;
  on_small_stack([&] { matched = make_pattern(pathological, true, {}).matches(std::string(100'000, 'a')); });
  CHECK_FALSE(matched);
  CHECK(std::chrono::steady_clock::now() - started < std::chrono::seconds(2));
}

TEST_CASE("a name a regex exclude pattern cannot judge is excluded; an include regex does not select it") {
  const std::string long_name = "Support_" + std::string(NamePattern::kMaxRegexNameBytes, 'x');
  FlowSelector selector;
  selector.types = {"inboundcall"};
  selector.include = {make_pattern("Support_*", true, {})};
  selector.exclude = {make_pattern("regex:.*_Sandbox", true, {})};
  CHECK(selector.matches("inboundcall", "Support_EN"));
  CHECK_FALSE(selector.matches("inboundcall", "Support_EN_Sandbox"));
  CHECK_FALSE(selector.matches("inboundcall", long_name));  // left alone: cannot tell it is no sandbox
  FlowSelector by_regex;
  by_regex.types = {"inboundcall"};
  by_regex.include = {make_pattern("regex:Support_.*", true, {})};
  CHECK(by_regex.matches("inboundcall", "Support_EN"));
  CHECK_FALSE(by_regex.matches("inboundcall", long_name));
  by_regex.include.push_back(make_pattern("Support_*", true, {}));  // a glob include still selects it
  CHECK(by_regex.matches("inboundcall", long_name));
}
