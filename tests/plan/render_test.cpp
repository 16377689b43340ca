// The text and Markdown renderers: the key lines, colour only when asked,
// names from the org escaped in Markdown.
#include "plan/render.hpp"
#include "render_support.hpp"

using namespace plantest;
using flowlink::plan::Plan;
using flowlink::plan::render_markdown;
using flowlink::plan::render_text;
using flowlink::plan::TextStyle;

namespace {

bool has(const std::string& text, const std::string& part) { return text.find(part) != std::string::npos; }

}  // namespace

TEST_CASE("the sample plan has what the renderer tests expect") {
  Plan plan = sample_plan();
  auto s = plan.summary();
  CHECK(s.add == 2);
  CHECK(s.update == 1);
  CHECK(s.remove == 1);
  CHECK(s.move == 1);
  CHECK(s.to_change == 2);
  CHECK(s.unchanged == 1);
  CHECK(s.errors == 1);
  CHECK(plan.errors.size() == 1);
}

TEST_CASE("render_text: terraform-like lines and a closing summary, no colour by default") {
  Plan plan = sample_plan();
  std::string text = render_text(plan, TextStyle{});
  INFO(text);
  CHECK(has(text, "flowlink plan of test\n"));
  CHECK(has(text, "manifest: manifests/flowlink.yaml\n"));
  CHECK(has(text, "x error: module 'ghost' (Ghost_Module): no common module named 'Ghost_Module'"));
  CHECK(has(text, "~ flow Inbound_Support_Main (inboundcall) v3.0  [30000000-0000-4000-8000-000000000001], publish\n"));
  CHECK(has(text, "  + add call Common_Logging_Module first in task 'Billing'  [rule 'support': missing]\n"));
  CHECK(has(text, "        name = \"Call Common_Logging_Module\"\n"));
  CHECK(has(text, "  ~ update call 'Call Common_Validation_Module' (Common_Validation_Module) after 'Transfer' (#2)  [rule "
                  "'support': inputs differ]\n"));
  CHECK(has(text, "        inputs.Common.CallerAni: \"x\" -> \"Call.Ani\"\n"));
  CHECK(has(text, "  - remove call 'Call Old_Module' (Old_Module) first in task 'Main'  [listed under remove in rule "
                  "'support']\n"));
  CHECK(has(text, "  > move call 'Call Common_Validation_Module' (Common_Validation_Module) to first in task 'Main'  [rule "
                  "'support': misplaced: it is after 'Transfer' (#2) (move: true)]\n"));
  CHECK(has(text, "  ! duplicate call 'Call Common_Validation_Module' (#51)"));
  CHECK_FALSE(has(text, "x flow Unreadable (inboundcall) v"));  // no version known
  CHECK(has(text, "x flow Unreadable (inboundcall)  [id-unreadable]\n"));
  CHECK(has(text, "  x error: the flow document could not be read: not base64\n"));
  CHECK_FALSE(has(text, "flow Quiet"));  // unchanged flows are only counted
  CHECK(has(text, "Plan: 2 to add, 1 to update, 1 to remove, 1 to move; 2 flows to change, 1 unchanged, 1 with "
                  "errors.\n"));
  CHECK(has(text, "1 plan-wide error.\n"));
  CHECK_FALSE(has(text, "\x1b"));
}

TEST_CASE("render_text: colours when asked") {
  std::string text = render_text(sample_plan(), TextStyle{true});
  CHECK(has(text, "\x1b[32m+ add call"));
  CHECK(has(text, "\x1b[33m~ update call"));
  CHECK(has(text, "\x1b[31m- remove call"));
  CHECK(has(text, "\x1b[31mx error:"));
  CHECK(has(text, "\x1b[0m"));
}

TEST_CASE("render_text: an empty plan says so") {
  Plan plan;
  std::string text = render_text(plan, TextStyle{});
  CHECK(has(text, "No flow matches the manifest's rules."));
  CHECK(has(text, "Plan: 0 to add, 0 to update, 0 to remove, 0 to move; 0 flows to change, 0 unchanged, 0 with errors."));
}

TEST_CASE("render_markdown: summary table, details per changed or failed flow, names escaped") {
  std::string md = render_markdown(sample_plan());
  INFO(md);
  CHECK(has(md, "| Flow | Type | Status | Add | Update | Remove | Move |\n|---|---|---|---:|---:|---:|---:|\n"));
  CHECK(has(md, "| Inbound_Support_Main | inboundcall | change | 1 | 1 | 1 | 1 |\n"));
  CHECK(has(md, "| Billing\\|&lt;Main&gt; | inboundcall | change | 1 | 0 | 0 | 0 |\n"));
  // Unchanged flows are counted, not listed: the table is what a reviewer must read.
  CHECK_FALSE(has(md, "| Quiet |"));
  CHECK(has(md, "1 other matched flow unchanged."));
  CHECK(has(md, "| Unreadable | inboundcall | **error** | 0 | 0 | 0 | 0 |\n"));
  CHECK_FALSE(has(md, "<Main>"));
  CHECK(has(md, "<details><summary>Inbound_Support_Main (inboundcall) v3.0 — change</summary>"));
  CHECK(has(md, "<details><summary>Billing\\|&lt;Main&gt; (inboundcall) v3.0 — change</summary>"));
  CHECK_FALSE(has(md, "<details><summary>Quiet"));
  CHECK(has(md, "- **+ add** call Common_Logging_Module first in task 'Billing' — rule 'support': missing\n"));
  CHECK(has(md, "  - inputs.Common.CallerAni: `x` → `Call.Ani`\n"));
  CHECK(has(md, "- **! duplicate** "));
  CHECK(has(md, "- **x error:** the flow document could not be read: not base64\n"));
  CHECK(has(md, "**Plan:** 2 to add, 1 to update, 1 to remove, 1 to move; 2 flows to change, 1 unchanged, 1 with errors"));
  CHECK(has(md, "**Errors:**\n\n- module 'ghost' (Ghost_Module)"));
  // Every <details> is closed.
  std::size_t open = 0, close = 0;
  for (std::size_t at = md.find("<details>"); at != std::string::npos; at = md.find("<details>", at + 1)) ++open;
  for (std::size_t at = md.find("</details>"); at != std::string::npos; at = md.find("</details>", at + 1)) ++close;
  CHECK(open == 3);
  CHECK(close == open);
}

TEST_CASE("render_text: control characters from the org are shown escaped, never sent to the terminal") {
  Plan plan = sample_plan();
  plan.flows[0].flow_name = "Evil\x1b[2J\nName";
  plan.flows[0].edits[0].inputs["Common.Message"] = "a\rb";
  std::string text = render_text(plan, TextStyle{});
  CHECK_FALSE(has(text, "\x1b"));
  CHECK_FALSE(has(text, "\r"));
  CHECK(has(text, "flow Evil\\x1b[2J\\x0aName (inboundcall)"));
  CHECK(has(text, "inputs.Common.Message = \"a\\x0db\""));
}

TEST_CASE("render_markdown: expressions with backticks stay in their code span") {
  Plan plan = sample_plan();
  plan.flows[0].edits[0].inputs["Common.Message"] = "`x`";
  CHECK(has(render_markdown(plan), "  - inputs.Common.Message = `` `x` ``\n"));
}

TEST_CASE("render_markdown: a plan with nothing to change says so instead of a table") {
  flowlink::plan::Plan plan;
  flowlink::plan::FlowPlan quiet;
  quiet.flow_id = "f-1";
  quiet.flow_name = "Quiet";
  quiet.flow_type = "inboundcall";
  plan.flows.push_back(quiet);
  const std::string md = flowlink::plan::render_markdown(plan);
  CHECK(md.find("All 1 matched flows already call their modules as the manifest says.") != std::string::npos);
  CHECK(md.find("| Flow |") == std::string::npos);
}
