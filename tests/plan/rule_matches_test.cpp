// Per-rule match counts and rules that select no flow: counted by the
// planner, flagged unless allowEmpty (and not under --target), shown by every
// renderer, kept by the saved plan.
#include <doctest/doctest.h>

#include <nlohmann/json.hpp>

#include "plan/render.hpp"
#include "render_support.hpp"

using namespace plantest;
using flowlink::plan::Plan;

namespace {

bool has(const std::string& text, const std::string& part) { return text.find(part) != std::string::npos; }

// "support" selects the support flow and Quiet; "typo" selects nothing;
// "later" selects nothing and says that is intended.
Plan counted_plan() {
  auto later = rule("later", "Future_*", {ensure("logging", at_task("Billing"))});
  later.allow_empty = true;
  auto state = desired({rule("support", "*", {ensure("validation", at_start(), {{"Common.CallerAni", "Call.Ani"}})}),
                        rule("typo", "Inbund_*", {ensure("logging", at_task("Billing"))}), later});
  std::vector<ObservedFlow> flows{support_flow()};
  flows.push_back(observed("id-quiet", "Quiet", "inboundcall", support_flow_json()));
  return flowlink::plan::make_plan(state, with_modules(flows), options());
}

}  // namespace

TEST_CASE("the planner counts, per rule in manifest order, the flows it selected") {
  const Plan plan = counted_plan();
  REQUIRE(plan.rules.size() == 3);
  CHECK(plan.rules[0].rule == "support");
  CHECK(plan.rules[0].flows == 2);
  CHECK(plan.rules[1].rule == "typo");
  CHECK(plan.rules[1].flows == 0);
  CHECK_FALSE(plan.rules[1].allow_empty);
  CHECK(plan.rules[2].rule == "later");
  CHECK(plan.rules[2].allow_empty);
  CHECK(plan.empty_rules() == std::vector<std::string>{"typo"});
}

TEST_CASE("an empty rule is drift; allowEmpty and targets take it back") {
  // Nothing else differs: the support flow and Quiet comply.
  auto state = desired({rule("typo", "Inbund_*", {ensure("logging", at_task("Billing"))})});
  Plan plan = flowlink::plan::make_plan(state, with_modules({support_flow()}), options());
  CHECK(plan.flows.empty());
  CHECK(plan.has_drift(flowlink::plan::DriftCheck::Published));
  CHECK(plan.has_drift(flowlink::plan::DriftCheck::Draft));
  CHECK_FALSE(plan.has_changes());

  state.rules[0].allow_empty = true;
  plan = flowlink::plan::make_plan(state, with_modules({support_flow()}), options());
  CHECK(plan.empty_rules().empty());
  CHECK_FALSE(plan.has_drift());

  state.rules[0].allow_empty = false;
  plan = flowlink::plan::make_plan(state, with_modules({support_flow()}), options());
  plan.targets = {"Inbound_Support_Main"};
  CHECK(plan.empty_rules().empty());  // a rule may rightly select none of the targeted flows
}

TEST_CASE("text, Markdown and JSON say per rule how many flows it selected, and warn of an empty one") {
  const Plan plan = counted_plan();
  const std::string text = flowlink::plan::render_text(plan, {});
  INFO(text);
  CHECK(has(text, "rules: 'support' 2 flows, 'typo' 0 flows, 'later' 0 flows (allowEmpty)\n"));
  CHECK(has(text, "! warning: rule 'typo' selects no flow: check its patterns, or say allowEmpty: true"));
  CHECK_FALSE(has(text, "rule 'later' selects no flow"));

  const std::string md = flowlink::plan::render_markdown(plan);
  INFO(md);
  CHECK(has(md, "**Rules:** `support` 2 flows · `typo` 0 flows · `later` 0 flows (allowEmpty)\n"));
  CHECK(has(md, "> ⚠️ **warning:** rule 'typo' selects no flow"));

  const auto json = flowlink::plan::to_json(plan);
  REQUIRE(json.at("rules").size() == 3);
  CHECK(json["rules"][0] == nlohmann::ordered_json{{"name", "support"}, {"matched_flows", 2}, {"allow_empty", false}});
  CHECK(json["rules"][2]["allow_empty"] == true);
  CHECK(json.at("targets").empty());
}

TEST_CASE("a saved plan keeps its rule counts and targets; an older plan without them reads as none") {
  Plan plan = counted_plan();
  plan.targets = {"Quiet", "30000000-0000-4000-8000-000000000001"};
  const auto json = flowlink::plan::to_json(plan);
  const Plan back = flowlink::plan::plan_from_json(json);
  CHECK(flowlink::plan::to_json(back) == json);
  CHECK(back.targets == plan.targets);
  REQUIRE(back.rules.size() == 3);
  CHECK(back.rules[0].flows == 2);

  auto older = json;
  older.erase("rules");
  older.erase("targets");
  const Plan read = flowlink::plan::plan_from_json(older);
  CHECK(read.rules.empty());
  CHECK(read.targets.empty());

  auto broken = json;
  broken["rules"][1]["matched_flows"] = -1;
  CHECK_THROWS_WITH(flowlink::plan::plan_from_json(broken), doctest::Contains("rules[1].matched_flows"));
}
