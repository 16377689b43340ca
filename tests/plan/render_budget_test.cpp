// Markdown within a size budget (a GitHub comment), every flow counted, no
// element cut; and a forged flow name that cannot forge lines, colours or
// direction in text or Markdown.
#include <doctest/doctest.h>

#include "support/text_checks.hpp"

#include <string>

#include "plan/render.hpp"
#include "render_support.hpp"

using namespace plantest;
using flowlink::plan::Plan;

namespace {

using flowlink::testing::has;
using flowlink::testing::occurrences;

// `n` copies of the sample plan's changed flow (4 edits each), named apart.
Plan big_plan(int n) {
  const Plan sample = sample_plan();
  const auto named = [&](const std::string& name) {
    for (const auto& flow : sample.flows)
      if (flow.flow_name == name) return flow;
    FAIL("no flow " << name);
    return sample.flows[0];
  };
  Plan plan = sample;
  plan.flows.clear();
  for (int i = 0; i < n; ++i) {
    auto flow = named("Inbound_Support_Main");
    flow.flow_name = "Inbound_Support_" + std::to_string(10000 + i);
    flow.flow_id = "id-" + std::to_string(i);
    plan.flows.push_back(flow);
  }
  plan.flows.push_back(named("Quiet"));  // unchanged: counted, not listed
  return plan;
}

// The number N in "**N more flows: see the plan artifact.**", or 0.
int more_flows(const std::string& md) {
  const auto at = md.find(" more flow");
  if (at == std::string::npos) return 0;
  const auto start = md.rfind("**", at) + 2;
  return std::stoi(md.substr(start, at - start));
}

int table_rows(const std::string& md) { return occurrences(md, "\n| Inbound_Support_"); }

}  // namespace

TEST_CASE("markdown: hundreds of flows fit the budget, whole elements only, every flow counted") {
  const Plan plan = big_plan(600);
  for (std::size_t budget : {std::size_t{65'000}, std::size_t{20'000}, std::size_t{4'000}}) {
    CAPTURE(budget);
    flowlink::plan::MarkdownOptions options;
    options.max_chars = budget;
    const std::string md = flowlink::plan::render_markdown(plan, options);
    CHECK(md.size() <= budget);
    CHECK(md.size() > budget / 2);  // the budget is used, not wasted
    // The summary counts every flow; the table lists some, the closing line the rest.
    CHECK(has(md, "**Plan:** 600 to add, 600 to update, 600 to remove, 600 to move; 600 flows to change"));
    CHECK(has(md, "1 other matched flow unchanged.\n"));
    const int details = occurrences(md, "<details>");
    CHECK(details == occurrences(md, "</details>"));  // no block cut open
    CHECK(details <= table_rows(md));
    CHECK(more_flows(md) == 600 - details);
    CHECK(has(md, std::to_string(600 - details) + " more flows: see the plan artifact.**"));
    if (table_rows(md) < 600)
      CHECK(has(md, "(" + std::to_string(600 - table_rows(md)) + " of these flows are not in the table.)"));
    CHECK(has(md, "limited to " + std::to_string(budget) + " characters"));
    // Every table line is whole.
    for (std::size_t at = md.find("\n| "); at != std::string::npos; at = md.find("\n| ", at + 1)) {
      const auto end = md.find('\n', at + 1);
      REQUIRE(end != std::string::npos);
      CHECK(md.substr(end - 2, 2) == " |");
    }
    CHECK(md.back() == '\n');
  }
}

TEST_CASE("markdown: a plan within the budget is whole, with no closing line") {
  const Plan plan = big_plan(3);
  const std::string md = flowlink::plan::render_markdown(plan);
  CHECK(occurrences(md, "<details>") == 3);
  CHECK(table_rows(md) == 3);
  CHECK_FALSE(has(md, "see the plan artifact"));
  flowlink::plan::MarkdownOptions tiny;
  tiny.max_chars = 10;  // raised to the minimum that holds the summary
  CHECK(flowlink::plan::render_markdown(plan, tiny).size() <= flowlink::plan::kMinimumMarkdownBudget);
}

TEST_CASE("a forged flow name cannot forge lines, colours or direction in text or Markdown") {
  Plan plan = sample_plan();
  const std::string forged = "Evil\x1b[2J\r\nPlan: 0 to add\xe2\x80\xae\xc2\x9b" "2J\xff";
  plan.flows[0].flow_name = forged;
  plan.flows[0].flow_id = "id\x1b]0;";
  plan.flows[0].edits[0].module_name = "Mod\r\nPlan: 0 to add";
  plan.flows[0].draft = flowlink::plan::DraftState{};
  plan.flows[0].draft->owner = flowlink::plan::Actor{flowlink::plan::Actor::Kind::User, "u", "Mallory\x1b[8m\xe2\x80\xae"};

  const std::string text = flowlink::plan::render_text(plan, {});
  INFO(text);
  const std::string md = flowlink::plan::render_markdown(plan);
  INFO(md);
  for (const std::string* out : {&text, &md}) {
    CHECK_FALSE(has(*out, "\x1b"));
    CHECK_FALSE(has(*out, "\r"));
    CHECK_FALSE(has(*out, "\xe2\x80\xae"));  // U+202E RIGHT-TO-LEFT OVERRIDE
    CHECK_FALSE(has(*out, "\xc2\x9b"));      // U+009B CSI
    CHECK_FALSE(has(*out, "\xff"));          // not UTF-8
    CHECK_FALSE(has(*out, "\nPlan: 0 to add"));
    CHECK(has(*out, "Evil\\x1b[2J\\x0d\\x0aPlan: 0 to add\\u{202e}\\u{9b}2J\\xff"));
    CHECK(has(*out, "Mallory\\x1b[8m\\u{202e}"));
  }
  CHECK(occurrences(text, "\nPlan: ") == 1);  // the real summary only
  CHECK(has(text, "[id\\x1b]0;]"));
  CHECK(has(text, "Mod\\x0d\\x0aPlan: 0 to add"));
  CHECK(occurrences(md, "**Plan:**") == 1);
}
