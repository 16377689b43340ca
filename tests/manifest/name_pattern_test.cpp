// Glob and regex semantics of flow-name patterns.

#include <doctest/doctest.h>

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
