// What the planner refuses to plan, and how it says so: unresolvable modules,
// unknown bindings, missing or ambiguous anchors and tasks, conflicting rules,
// broken documents. An error in one flow leaves the other flows planned.
#include "plan_test_support.hpp"

using namespace plantest;
using flowlink::plan::Edit;
using flowlink::plan::FlowPlan;
using flowlink::plan::make_plan;
using flowlink::plan::Plan;

namespace {

bool contains(const std::string& text, const std::string& part) { return text.find(part) != std::string::npos; }

bool any_contains(const std::vector<std::string>& texts, const std::string& part) {
  for (const auto& t : texts)
    if (contains(t, part)) return true;
  return false;
}

std::string joined(const std::vector<std::string>& texts) {
  std::string out;
  for (const auto& t : texts) out += t + "\n";
  return out;
}

}  // namespace

TEST_CASE("a module that does not exist is a plan-wide error and an error of each flow that needs it") {
  auto state = desired({rule("support", "Inbound_*", {ensure("validation", at_start())}),
                        rule("billing", "Billing_*", {ensure("logging", at_start())})});
  state.modules["validation"].name = "Common_Validaton_Module";  // typo
  ObservedFlow billing = observed("id-billing", "Billing_Main", "inboundcall", support_flow_json());
  Plan plan = make_plan(state, with_modules({support_flow(), billing}), options());
  REQUIRE(plan.errors.size() == 1);
  CHECK(contains(plan.errors[0], "module 'validation' (Common_Validaton_Module)"));
  CHECK(contains(plan.errors[0], "no common module named 'Common_Validaton_Module'"));
  CHECK(contains(plan.errors[0], "did you mean 'Common_Validation_Module'?"));
  CHECK(contains(plan.errors[0], "rule 'support'"));
  REQUIRE(plan.flows.size() == 2);
  const FlowPlan& billing_plan = plan.flows[0];
  const FlowPlan& support_plan = plan.flows[1];
  CHECK(billing_plan.flow_name == "Billing_Main");
  CHECK(billing_plan.status() == FlowPlan::Status::Change);  // planned despite the other error
  CHECK(support_plan.status() == FlowPlan::Status::Error);
  CHECK(support_plan.edits.empty());
  CHECK(any_contains(support_plan.errors, "rule 'support' ensures module 'validation'"));
  CHECK(plan.has_errors());
  CHECK(plan.summary().errors == 1);
}

TEST_CASE("a removed module that does not exist is no error") {
  auto state = desired({rule("cleanup", "*", {}, {"old"})});
  state.modules["old"].name = "Gone_Module";
  Plan plan = make_plan(state, with_modules({support_flow()}), options());
  CHECK(plan.errors.empty());
  CHECK(plan.flows.at(0).status() == FlowPlan::Status::NoChange);
}

TEST_CASE("module resolution errors say what is wrong") {
  auto state = desired({rule("r", "*", {ensure("validation", at_start())})});
  SUBCASE("unpublished") {
    std::vector<ObservedFlow> flows = {support_flow(),
                                       module_flow(kValidationId, kValidationName, {"Common.CallerAni"}, {}, false)};
    Plan plan = make_plan(state, flows, options());
    REQUIRE(plan.errors.size() == 1);
    CHECK(contains(plan.errors[0], "is not published"));
    CHECK(plan.flows.at(0).status() == FlowPlan::Status::Error);
    // An export directory knows nothing of publishing.
    auto offline = options();
    offline.require_published_modules = false;
    Plan offline_plan = make_plan(state, flows, offline);
    CHECK(offline_plan.errors.empty());
    CHECK(offline_plan.flows.at(0).status() == FlowPlan::Status::Change);
  }
  SUBCASE("a flow of another type has the name") {
    ObservedFlow impostor = observed("id-x", kValidationName, "inboundcall", support_flow_json());
    Plan plan = make_plan(state, {support_flow(), impostor}, options());
    REQUIRE_FALSE(plan.errors.empty());
    CHECK(contains(plan.errors[0], "is a inboundcall flow (id-x), not a common module"));
  }
  SUBCASE("two modules have the name") {
    auto flows = with_modules({support_flow()});
    flows.push_back(module_flow("aaaaaaaa-0000-4000-8000-000000000009", kValidationName, {}, {}));
    Plan plan = make_plan(state, flows, options());
    REQUIRE_FALSE(plan.errors.empty());
    CHECK(contains(plan.errors[0], "2 common modules are named 'Common_Validation_Module'"));
    CHECK(contains(plan.errors[0], "pin one with `id:`"));
    // Pinning the id resolves it.
    state.modules["validation"].id = kValidationId;
    Plan pinned = make_plan(state, flows, options());
    CHECK(pinned.errors.empty());
  }
  SUBCASE("pinned id names another flow") {
    state.modules["validation"].id = kLoggingId;
    Plan plan = make_plan(state, with_modules({support_flow()}), options());
    REQUIRE_FALSE(plan.errors.empty());
    CHECK(contains(plan.errors[0], "is named 'Common_Logging_Module' in the org, but the manifest names it "
                                   "'Common_Validation_Module'"));
  }
  SUBCASE("pinned id does not exist") {
    state.modules["validation"].id = "nope";
    Plan plan = make_plan(state, with_modules({support_flow()}), options());
    REQUIRE_FALSE(plan.errors.empty());
    CHECK(contains(plan.errors[0], "no flow has the pinned id nope"));
  }
  SUBCASE("module document missing") {
    ObservedFlow module = module_flow(kValidationId, kValidationName, {}, {});
    module.document.reset();
    module.load_error = "HTTP 404 on latestconfiguration";
    Plan plan = make_plan(state, {support_flow(), module}, options());
    REQUIRE_FALSE(plan.errors.empty());
    CHECK(contains(plan.errors[0], "could not be read: HTTP 404 on latestconfiguration"));
  }
}

TEST_CASE("an unknown input or output name is a plan-wide error naming rule, module and variable") {
  auto state = desired({rule("support", "*",
                             {ensure("validation", at_start(), {{"Common.CallerAnii", "Call.Ani"}},
                                     {{"Common.Nope", "Flow.X"}})})});
  Plan plan = make_plan(state, with_modules({support_flow()}), options());
  REQUIRE(plan.errors.size() == 2);
  CHECK(contains(plan.errors[0], "rule 'support': module 'validation' (Common_Validation_Module) has no input "
                                 "'Common.CallerAnii'; did you mean 'Common.CallerAni'?"));
  CHECK(contains(plan.errors[0], "its inputs: 'Common.CallerAni', 'Common.Dnis'"));
  CHECK(contains(plan.errors[1], "has no output 'Common.Nope'"));
  CHECK_FALSE(contains(plan.errors[1], "did you mean"));
  const FlowPlan& fp = plan.flows.at(0);
  CHECK(fp.status() == FlowPlan::Status::Error);
  CHECK(any_contains(fp.errors, "Common.CallerAnii"));
}

TEST_CASE("a task that does not exist is an error of that flow, listing its tasks") {
  auto state = desired({rule("r", "*", {ensure("logging", at_task("Biling"))})});
  Plan plan = make_plan(state, with_modules({support_flow()}), options());
  CHECK(plan.errors.empty());
  const FlowPlan& fp = plan.flows.at(0);
  REQUIRE(fp.errors.size() == 1);
  CHECK(contains(fp.errors[0], "task 'Biling' not found in flow 'Inbound_Support_Main'"));
  CHECK(contains(fp.errors[0], "did you mean 'Billing'?"));
  CHECK(contains(fp.errors[0], "its tasks: 'Main', 'Billing'"));
}

TEST_CASE("a missing anchor is an error of that flow") {
  auto state = desired({rule("r", "*", {ensure("logging", after("Play Welcom"))})});
  Plan plan = make_plan(state, with_modules({support_flow()}), options());
  const FlowPlan& fp = plan.flows.at(0);
  REQUIRE(fp.errors.size() == 1);
  CHECK(contains(fp.errors[0], "anchor action named 'Play Welcom' (for `after`) not found in flow 'Inbound_Support_Main'"));
  CHECK(contains(fp.errors[0], "did you mean 'Play Welcome'?"));
  CHECK(fp.edits.empty());
}

TEST_CASE("an anchor that a call of the ensured module itself matches is not ambiguous") {
  // The anchor names "Call Common_Logging_Module"... by type only: both the
  // logging call and nothing else are CallCommonModuleAction; calls to the
  // module itself are never anchors.
  ObservedFlow flow = support_flow({call("c-log", 50, kLoggingId, kLoggingName)});
  flowlink::manifest::Placement p;
  p.kind = flowlink::manifest::Placement::Kind::After;
  p.anchor.type = "CallCommonModuleAction";
  auto state = desired({rule("r", "*", {ensure("logging", p)})});
  Plan plan = make_plan(state, with_modules({flow}), options());
  CHECK(contains(joined(plan.flows.at(0).errors), "not found"));
}

TEST_CASE("two rules demanding different things of one module in one flow is an error naming both") {
  auto state = desired({rule("first", "*", {ensure("validation", at_start())}),
                        rule("second", "Inbound_*", {ensure("validation", before("Disconnect"))})});
  ObservedFlow other = observed("id-other", "Other", "inboundcall", support_flow_json());
  Plan plan = make_plan(state, with_modules({support_flow(), other}), options());
  REQUIRE(plan.flows.size() == 2);
  const FlowPlan& conflicted = plan.flows[0];
  CHECK(conflicted.flow_name == "Inbound_Support_Main");
  REQUIRE(conflicted.errors.size() == 1);
  CHECK(contains(conflicted.errors[0], "rules 'first' and 'second' demand different calls to module 'validation'"));
  CHECK(contains(conflicted.errors[0], "at start"));
  CHECK(conflicted.edits.empty());
  CHECK(plan.flows[1].status() == FlowPlan::Status::Change);  // only 'first' matches 'Other'

  SUBCASE("bindings differ") {
    state = desired({rule("first", "*", {ensure("validation", at_start(), {{"Common.CallerAni", "a"}})}),
                     rule("second", "*", {ensure("validation", at_start(), {{"Common.CallerAni", "b"}})})});
    Plan p2 = make_plan(state, with_modules({support_flow()}), options());
    CHECK(contains(joined(p2.flows.at(0).errors), "Common.CallerAni = a"));
  }
  SUBCASE("one ensures what another removes") {
    state = desired({rule("first", "*", {ensure("validation", at_start())}), rule("second", "*", {}, {"validation"})});
    Plan p2 = make_plan(state, with_modules({support_flow()}), options());
    CHECK(contains(joined(p2.flows.at(0).errors), "rule 'first' ensures module 'validation' (Common_Validation_Module) "
                                                  "but rule 'second' removes it"));
  }
}

TEST_CASE("an anchor that the same plan removes is an error") {
  ObservedFlow flow = support_flow({call("c-old", 50, kOldId, kOldName)});
  auto state = desired({rule("r", "*", {ensure("logging", after("Call Old_Module"))}, {"old"})});
  Plan plan = make_plan(state, with_modules({flow}), options());
  const FlowPlan& fp = plan.flows.at(0);
  CHECK(contains(joined(fp.errors), "is a call this plan removes"));
  CHECK(fp.edits.empty());
}

TEST_CASE("a broken document is an error of that flow only") {
  auto state = desired({rule("r", "*", {ensure("validation", at_start())})});
  ObservedFlow unreadable;
  unreadable.id = "id-unreadable";
  unreadable.name = "Unreadable";
  unreadable.type = "inboundcall";
  unreadable.load_error = "export file 'Unreadable.i3InboundFlow' is not base64";
  Json dangling = support_flow_json();
  dangling["flowSequenceItemList"][0]["actionList"][0]["nextAction"] = "no-such-action";
  ObservedFlow unsound = observed("id-unsound", "Unsound", "inboundcall", dangling);
  Plan plan = make_plan(state, with_modules({support_flow(), unreadable, unsound}), options());
  REQUIRE(plan.flows.size() == 3);
  CHECK(plan.errors.empty());
  CHECK(plan.flows[0].flow_name == "Inbound_Support_Main");
  CHECK(plan.flows[0].status() == FlowPlan::Status::Change);
  CHECK(plan.flows[1].flow_name == "Unreadable");
  CHECK(plan.flows[1].status() == FlowPlan::Status::Error);
  CHECK(contains(joined(plan.flows[1].errors), "could not be read: export file 'Unreadable.i3InboundFlow' is not base64"));
  CHECK(plan.flows[2].flow_name == "Unsound");
  CHECK(plan.flows[2].status() == FlowPlan::Status::Error);
  CHECK(contains(joined(plan.flows[2].errors), "unsound"));
  CHECK(contains(joined(plan.flows[2].errors), "no-such-action"));
  auto summary = plan.summary();
  CHECK(summary.errors == 2);
  CHECK(summary.to_change == 1);
}
