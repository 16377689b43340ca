// The planner's edits on hand-built flows: add at each kind of place, update,
// misplaced vs move, duplicate vs dedupe, remove; and that applying a plan
// then planning again gives no change (convergence).
#include <algorithm>

#include "plan/render.hpp"
#include "plan_test_support.hpp"

using namespace plantest;
using flowlink::flowdoc::InsertionPoint;
using flowlink::flowdoc::sequential_id_source;
using flowlink::plan::Edit;
using flowlink::plan::Finding;
using flowlink::plan::FlowPlan;
using flowlink::plan::make_plan;
using flowlink::plan::Plan;

namespace {

const FlowPlan& only_flow(const Plan& plan) {
  REQUIRE(plan.flows.size() == 1);
  return plan.flows.front();
}

// Applies the flow's plan to its document, checks the result is sound, and
// returns the flow as it would be observed afterwards.
ObservedFlow applied(const ObservedFlow& flow, const FlowPlan& flow_plan) {
  ObservedFlow out = flow;
  flowlink::plan::apply_edits(*out.document, flow_plan, sequential_id_source());
  CHECK(out.document->check().empty());
  return out;
}

// Plans, applies, re-plans: the second plan must have no edits.
Plan converge(const DesiredState& state, const ObservedFlow& flow) {
  Plan first = make_plan(state, with_modules({flow}), options());
  REQUIRE(first.errors.empty());
  ObservedFlow after = applied(flow, only_flow(first));
  Plan second = make_plan(state, with_modules({after}), options());
  CHECK(second.errors.empty());
  CHECK(only_flow(second).edits.empty());
  CHECK(only_flow(second).errors.empty());
  return second;
}

}  // namespace

TEST_CASE("a missing call is added first in the initial task for `start`") {
  auto state = desired({rule("support", "Inbound_*", {ensure("validation", at_start(), {{"Common.CallerAni", "Call.Ani"}})})});
  Plan plan = make_plan(state, with_modules({support_flow()}), options());
  CHECK(plan.errors.empty());
  const FlowPlan& flow = only_flow(plan);
  CHECK(flow.status() == FlowPlan::Status::Change);
  REQUIRE(flow.edits.size() == 1);
  const Edit& edit = flow.edits[0];
  CHECK(edit.kind == Edit::Kind::AddCall);
  CHECK(edit.rule == "support");
  CHECK(edit.module_key == "validation");
  CHECK(edit.module_id == kValidationId);
  CHECK(edit.module_name == kValidationName);
  CHECK(edit.action_name == std::string("Call ") + kValidationName);
  CHECK(edit.insertion.kind == InsertionPoint::Kind::InitialTaskStart);
  CHECK(edit.position_description == "first in task 'Main'");
  CHECK(edit.inputs == Bindings{{"Common.CallerAni", "Call.Ani"}});
  CHECK(edit.reason == "missing");
  CHECK(flow.observed_version == "3.0");
  CHECK(flow.fingerprint == support_flow().document->source_fingerprint());

  ObservedFlow after = applied(support_flow(), flow);
  auto calls = after.document->module_calls();
  REQUIRE(calls.size() == 1);
  CHECK(calls[0].position.kind == flowlink::flowdoc::Position::Kind::TaskStart);
  CHECK(calls[0].position.initial_task);
  CHECK(calls[0].inputs == Bindings{{"Common.CallerAni", "Call.Ani"}});
  converge(state, support_flow());
}

TEST_CASE("task, after and before placements resolve to the right insertion point") {
  SUBCASE("task") {
    auto state = desired({rule("r", "*", {ensure("logging", at_task("Billing"), {{"Common.Message", "\"billing\""}})})});
    Plan plan = make_plan(state, with_modules({support_flow()}), options());
    const Edit& edit = only_flow(plan).edits.at(0);
    CHECK(edit.insertion.kind == InsertionPoint::Kind::TaskStart);
    CHECK(edit.insertion.task_name == "Billing");
    CHECK(edit.position_description == "first in task 'Billing'");
    ObservedFlow after = applied(support_flow(), only_flow(plan));
    auto calls = after.document->module_calls();
    REQUIRE(calls.size() == 1);
    CHECK(calls[0].position.task_name == "Billing");
    converge(state, support_flow());
  }
  SUBCASE("after") {
    auto state = desired({rule("r", "*", {ensure("logging", after("Play Welcome"))})});
    Plan plan = make_plan(state, with_modules({support_flow()}), options());
    const Edit& edit = only_flow(plan).edits.at(0);
    CHECK(edit.insertion.kind == InsertionPoint::Kind::AfterAction);
    CHECK(edit.insertion.action_id == kPlayWelcomeId);
    CHECK(edit.position_description == "after 'Play Welcome' (#1)");
    ObservedFlow after_apply = applied(support_flow(), only_flow(plan));
    auto calls = after_apply.document->module_calls();
    REQUIRE(calls.size() == 1);
    CHECK(calls[0].position.referrer_id == kPlayWelcomeId);
    CHECK(calls[0].position.next_id == kTransferId);
    converge(state, support_flow());
  }
  SUBCASE("before") {
    auto state = desired({rule("r", "*", {ensure("logging", before("Disconnect"))})});
    Plan plan = make_plan(state, with_modules({support_flow()}), options());
    const Edit& edit = only_flow(plan).edits.at(0);
    CHECK(edit.insertion.kind == InsertionPoint::Kind::BeforeAction);
    CHECK(edit.insertion.action_id == kDisconnectId);
    CHECK(edit.position_description == "before 'Disconnect' (#3)");
    ObservedFlow after_apply = applied(support_flow(), only_flow(plan));
    auto calls = after_apply.document->module_calls();
    REQUIRE(calls.size() == 1);
    CHECK(calls[0].position.referrer_id == kTransferId);
    CHECK(calls[0].position.next_id == kDisconnectId);
    converge(state, support_flow());
  }
}

TEST_CASE("a call in place with other bindings is updated; the manifest owns the whole binding set") {
  ObservedFlow flow = support_flow({call("c-1", 50, kValidationId, kValidationName,
                                         {{"Common.CallerAni", "Call.Ani"}, {"Common.Dnis", "Call.OldDnis"}})});
  auto state = desired({rule("r", "*",
                             {ensure("validation", at_start(), {{"Common.CallerAni", "Call.Ani"}},
                                     {{"Common.IsValid", "Flow.IsValid"}})})});
  Plan plan = make_plan(state, with_modules({flow}), options());
  const FlowPlan& fp = only_flow(plan);
  REQUIRE(fp.edits.size() == 1);
  const Edit& edit = fp.edits[0];
  CHECK(edit.kind == Edit::Kind::UpdateCall);
  CHECK(edit.action_id == "c-1");
  CHECK(edit.reason == "inputs and outputs differ");
  REQUIRE(edit.changes.size() == 2);
  CHECK(edit.changes[0].field == "inputs.Common.Dnis");
  CHECK(edit.changes[0].before == std::optional<std::string>("Call.OldDnis"));
  CHECK_FALSE(edit.changes[0].after.has_value());
  CHECK(edit.changes[1].field == "outputs.Common.IsValid");
  CHECK_FALSE(edit.changes[1].before.has_value());
  CHECK(edit.changes[1].after == std::optional<std::string>("Flow.IsValid"));
  converge(state, flow);
}

TEST_CASE("a call in place with the declared bindings is no change") {
  ObservedFlow flow = support_flow({call("c-1", 50, kValidationId, kValidationName, {{"Common.CallerAni", "Call.Ani"}})});
  auto state = desired({rule("r", "*", {ensure("validation", at_start(), {{"Common.CallerAni", "Call.Ani"}})})});
  Plan plan = make_plan(state, with_modules({flow}), options());
  CHECK(only_flow(plan).status() == FlowPlan::Status::NoChange);
  CHECK_FALSE(plan.has_drift());
}

TEST_CASE("a misplaced call is a finding, or a move with `move: true`") {
  // The call stands after 'Transfer'; the manifest wants it at the start.
  ObservedFlow flow = support_flow({}, {call("c-1", 50, kValidationId, kValidationName)});
  auto entry = ensure("validation", at_start());
  SUBCASE("reported") {
    auto state = desired({rule("r", "*", {entry})});
    Plan plan = make_plan(state, with_modules({flow}), options());
    const FlowPlan& fp = only_flow(plan);
    CHECK(fp.edits.empty());
    CHECK(fp.status() == FlowPlan::Status::Drift);
    REQUIRE(fp.findings.size() == 1);
    CHECK(fp.findings[0].kind == Finding::Kind::Misplaced);
    CHECK(fp.findings[0].action_id == "c-1");
    CHECK(fp.findings[0].message.find("after 'Transfer' (#2)") != std::string::npos);
    CHECK(fp.findings[0].message.find("first in task 'Main'") != std::string::npos);
    CHECK(fp.findings[0].message.find("move: true") != std::string::npos);
    CHECK(plan.has_drift());
    CHECK_FALSE(plan.has_changes());
  }
  SUBCASE("moved") {
    entry.move = true;
    entry.inputs = {{"Common.CallerAni", "Call.Ani"}};
    auto state = desired({rule("r", "*", {entry})});
    Plan plan = make_plan(state, with_modules({flow}), options());
    const FlowPlan& fp = only_flow(plan);
    CHECK(fp.findings.empty());
    REQUIRE(fp.edits.size() == 2);
    CHECK(fp.edits[0].kind == Edit::Kind::UpdateCall);  // bindings differ too
    CHECK(fp.edits[1].kind == Edit::Kind::MoveCall);
    CHECK(fp.edits[1].action_id == "c-1");
    CHECK(fp.edits[1].insertion.kind == InsertionPoint::Kind::InitialTaskStart);
    CHECK(fp.edits[1].reason.find("after 'Transfer' (#2)") != std::string::npos);
    Plan second = converge(state, flow);
    CHECK(only_flow(second).findings.empty());
  }
}

TEST_CASE("duplicates are a finding, or removed with `dedupe: true`, keeping the one in place") {
  ObservedFlow flow = support_flow({call("c-1", 50, kValidationId, kValidationName)},
                                   {call("c-2", 51, kValidationId, kValidationName)});
  auto entry = ensure("validation", at_start());
  SUBCASE("reported") {
    Plan plan = make_plan(desired({rule("r", "*", {entry})}), with_modules({flow}), options());
    const FlowPlan& fp = only_flow(plan);
    CHECK(fp.edits.empty());
    REQUIRE(fp.findings.size() == 1);
    CHECK(fp.findings[0].kind == Finding::Kind::Duplicate);
    CHECK(fp.findings[0].action_id == "c-2");
    CHECK(fp.findings[0].message.find("dedupe: true") != std::string::npos);
  }
  SUBCASE("deduped") {
    entry.dedupe = true;
    auto state = desired({rule("r", "*", {entry})});
    Plan plan = make_plan(state, with_modules({flow}), options());
    const FlowPlan& fp = only_flow(plan);
    REQUIRE(fp.edits.size() == 1);
    CHECK(fp.edits[0].kind == Edit::Kind::RemoveCall);
    CHECK(fp.edits[0].action_id == "c-2");
    CHECK(fp.edits[0].reason.find("dedupe: true") != std::string::npos);
    ObservedFlow after = applied(flow, fp);
    auto calls = after.document->module_calls();
    REQUIRE(calls.size() == 1);
    CHECK(calls[0].action_id == "c-1");
    converge(state, flow);
  }
}

TEST_CASE("misplaced duplicates with move and dedupe: the first by trackingId moves, the rest go") {
  ObservedFlow flow = support_flow({}, {call("c-2", 51, kValidationId, kValidationName),
                                        call("c-1", 50, kValidationId, kValidationName)});
  auto entry = ensure("validation", at_start());
  entry.move = entry.dedupe = true;
  auto state = desired({rule("r", "*", {entry})});
  Plan plan = make_plan(state, with_modules({flow}), options());
  const FlowPlan& fp = only_flow(plan);
  REQUIRE(fp.edits.size() == 2);
  CHECK(fp.edits[0].kind == Edit::Kind::RemoveCall);
  CHECK(fp.edits[0].action_id == "c-2");
  CHECK(fp.edits[1].kind == Edit::Kind::MoveCall);
  CHECK(fp.edits[1].action_id == "c-1");
  converge(state, flow);
}

TEST_CASE("every call to a removed module is removed, even when the module no longer exists") {
  ObservedFlow flow = support_flow({call("c-old-1", 50, kOldId, kOldName)}, {call("c-old-2", 51, kOldId, kOldName)});
  auto state = desired({rule("cleanup", "*", {}, {"old"})});
  // Only validation and logging are observed: Old_Module was deleted.
  auto modules = standard_modules();
  modules.pop_back();
  std::vector<ObservedFlow> flows = {flow};
  for (auto& m : modules) flows.push_back(m);
  Plan plan = make_plan(state, flows, options());
  CHECK(plan.errors.empty());
  const FlowPlan& fp = only_flow(plan);
  REQUIRE(fp.edits.size() == 2);
  for (const auto& edit : fp.edits) {
    CHECK(edit.kind == Edit::Kind::RemoveCall);
    CHECK(edit.reason == "listed under remove in rule 'cleanup'");
    CHECK(edit.module_key == "old");
  }
  CHECK(fp.edits[0].action_id == "c-old-1");
  CHECK(fp.edits[0].position_description == "first in task 'Main'");
  ObservedFlow after = applied(flow, fp);
  CHECK(after.document->module_calls().empty());
  Plan second = make_plan(state, {after}, options());
  CHECK(only_flow(second).status() == FlowPlan::Status::NoChange);
}

TEST_CASE("a call matches its module by flowId or by flowName") {
  // An org copied from another keeps the module's name with a new id.
  ObservedFlow flow = support_flow({call("c-1", 50, "some-other-id", kValidationName)});
  auto state = desired({rule("r", "*", {ensure("validation", at_start())})});
  Plan plan = make_plan(state, with_modules({flow}), options());
  CHECK(only_flow(plan).status() == FlowPlan::Status::NoChange);
}

TEST_CASE("several modules at one place stand in ensure order, whatever is already there") {
  std::vector<EnsureEntry> entries = {ensure("validation", at_start()), ensure("logging", at_start())};
  auto check_order = [&](const ObservedFlow& flow) {
    auto state = desired({rule("r", "*", entries)});
    Plan plan = make_plan(state, with_modules({flow}), options());
    ObservedFlow after = applied(flow, only_flow(plan));
    // The first action of 'Main' is the validation call, followed by logging.
    auto calls = after.document->module_calls();
    REQUIRE(calls.size() == 2);
    auto validation = std::find_if(calls.begin(), calls.end(), [](auto& c) { return c.module_name == kValidationName; });
    auto logging = std::find_if(calls.begin(), calls.end(), [](auto& c) { return c.module_name == kLoggingName; });
    CHECK(validation->position.kind == flowlink::flowdoc::Position::Kind::TaskStart);
    CHECK(logging->position.referrer_id == validation->action_id);
    converge(state, flow);
  };
  SUBCASE("both missing") { check_order(support_flow()); }
  SUBCASE("logging present") { check_order(support_flow({call("c-log", 50, kLoggingId, kLoggingName)})); }
  SUBCASE("validation present") { check_order(support_flow({call("c-val", 50, kValidationId, kValidationName)})); }

  SUBCASE("after one anchor") {
    entries = {ensure("validation", after("Play Welcome")), ensure("logging", after("Play Welcome"))};
    auto state = desired({rule("r", "*", entries)});
    ObservedFlow after_apply = applied(support_flow(), only_flow(make_plan(state, with_modules({support_flow()}), options())));
    auto calls = after_apply.document->module_calls();
    auto validation = std::find_if(calls.begin(), calls.end(), [](auto& c) { return c.module_name == kValidationName; });
    auto logging = std::find_if(calls.begin(), calls.end(), [](auto& c) { return c.module_name == kLoggingName; });
    CHECK(validation->position.referrer_id == kPlayWelcomeId);
    CHECK(logging->position.referrer_id == validation->action_id);
    converge(state, support_flow());
  }
  SUBCASE("before one anchor") {
    entries = {ensure("validation", before("Disconnect")), ensure("logging", before("Disconnect"))};
    auto state = desired({rule("r", "*", entries)});
    ObservedFlow after_apply = applied(support_flow(), only_flow(make_plan(state, with_modules({support_flow()}), options())));
    auto calls = after_apply.document->module_calls();
    auto validation = std::find_if(calls.begin(), calls.end(), [](auto& c) { return c.module_name == kValidationName; });
    auto logging = std::find_if(calls.begin(), calls.end(), [](auto& c) { return c.module_name == kLoggingName; });
    CHECK(validation->position.referrer_id == kTransferId);
    CHECK(logging->position.referrer_id == validation->action_id);
    CHECK(logging->position.next_id == kDisconnectId);
    converge(state, support_flow());
  }
}

TEST_CASE("`start` and `task` naming the initial task are one place: both calls stand there, in ensure order") {
  auto state = desired({rule("a", "*", {ensure("validation", at_start())}), rule("b", "*", {ensure("logging", at_task("Main"))})});
  for (const ObservedFlow& flow : {support_flow(), support_flow({call("c-log", 50, kLoggingId, kLoggingName)})}) {
    Plan plan = make_plan(state, with_modules({flow}), options());
    ObservedFlow after = applied(flow, only_flow(plan));
    auto calls = after.document->module_calls();
    REQUIRE(calls.size() == 2);
    auto validation = std::find_if(calls.begin(), calls.end(), [](auto& c) { return c.module_name == kValidationName; });
    auto logging = std::find_if(calls.begin(), calls.end(), [](auto& c) { return c.module_name == kLoggingName; });
    CHECK(validation->position.kind == flowlink::flowdoc::Position::Kind::TaskStart);
    CHECK(logging->position.referrer_id == validation->action_id);
    converge(state, flow);
  }
}

TEST_CASE("edits come in a fixed order: removes, updates, then moves and adds") {
  ObservedFlow flow = support_flow({call("c-old", 50, kOldId, kOldName)},
                                   {call("c-val", 51, kValidationId, kValidationName, {{"Common.CallerAni", "x"}})});
  auto val = ensure("validation", after("Play Welcome"), {{"Common.CallerAni", "Call.Ani"}});
  val.move = true;
  auto state = desired({rule("r", "*", {ensure("logging", at_task("Billing")), val}, {"old"})});
  Plan plan = make_plan(state, with_modules({flow}), options());
  const FlowPlan& fp = only_flow(plan);
  REQUIRE(fp.edits.size() == 4);
  CHECK(fp.edits[0].kind == Edit::Kind::RemoveCall);
  CHECK(fp.edits[1].kind == Edit::Kind::UpdateCall);
  CHECK(fp.edits[2].kind == Edit::Kind::AddCall);
  CHECK(fp.edits[3].kind == Edit::Kind::MoveCall);
  converge(state, flow);
}

TEST_CASE("flows: only matched non-module flows, sorted by type, name, id; publish if any rule asks") {
  Json other = support_flow_json();
  other["name"] = "Another";
  auto state = desired({rule("a", "*", {ensure("validation", at_start())}, {}, {"inboundcall", "inboundchat"})});
  state.rules[0].publish = false;
  auto r2 = rule("b", "Inbound_*", {});
  r2.publish = true;
  state.rules.push_back(r2);
  std::vector<ObservedFlow> flows = with_modules({
      observed("id-3", "Zeta", "inboundchat", support_flow_json()),
      observed("id-2", "Inbound_Support_Main", "inboundcall", support_flow_json()),
      observed("id-1", "Inbound_Support_Main", "inboundcall", support_flow_json()),
      observed("id-4", "Another", "inboundcall", other),
      observed("id-5", "Unmatched", "outboundcall", support_flow_json()),
  });
  Plan plan = make_plan(state, flows, options());
  REQUIRE(plan.flows.size() == 4);
  CHECK(plan.flows[0].flow_id == "id-4");
  CHECK(plan.flows[1].flow_id == "id-1");
  CHECK(plan.flows[2].flow_id == "id-2");
  CHECK(plan.flows[3].flow_id == "id-3");
  CHECK(plan.flows[0].rules == std::vector<std::string>{"a"});
  CHECK_FALSE(plan.flows[0].publish);
  CHECK(plan.flows[1].rules == std::vector<std::string>{"a", "b"});
  CHECK(plan.flows[1].publish);
  auto summary = plan.summary();
  CHECK(summary.flows_matched == 4);
  CHECK(summary.add == 4);
  CHECK(summary.to_change == 4);
}

TEST_CASE("identical demands from two rules merge into one edit") {
  auto state = desired({rule("a", "*", {ensure("validation", at_start())}), rule("b", "Inbound_*", {ensure("validation", at_start())})});
  Plan plan = make_plan(state, with_modules({support_flow()}), options());
  const FlowPlan& fp = only_flow(plan);
  CHECK(fp.errors.empty());
  REQUIRE(fp.edits.size() == 1);
  CHECK(fp.edits[0].rule == "a");
  CHECK(fp.edits[0].reason == "missing (rules 'a', 'b')");
}

TEST_CASE("the same inputs give the same plan, byte for byte, whatever the input order") {
  auto state = desired({rule("r", "*", {ensure("validation", at_start(), {{"Common.CallerAni", "Call.Ani"}}),
                                        ensure("logging", before("Disconnect"))},
                             {"old"})});
  std::vector<ObservedFlow> flows = with_modules(
      {support_flow({call("c-old", 50, kOldId, kOldName)}), observed("id-b", "B", "inboundcall", support_flow_json()),
       observed("id-a", "A", "inboundcall", support_flow_json())});
  std::string first = flowlink::plan::render_json(make_plan(state, flows, options()));
  std::string second = flowlink::plan::render_json(make_plan(state, flows, options()));
  CHECK(first == second);
  std::reverse(flows.begin(), flows.end());
  CHECK(flowlink::plan::render_json(make_plan(state, flows, options())) == first);
}

TEST_CASE("plan_flow re-plans one flow as make_plan does") {
  auto state = desired({rule("r", "*", {ensure("validation", at_start())})});
  Plan plan = make_plan(state, with_modules({support_flow()}), options());
  FlowPlan single = flowlink::plan::plan_flow(state, support_flow(), standard_modules(), options());
  Plan wrapped;
  wrapped.flows.push_back(single);
  Plan expected;
  expected.flows.push_back(only_flow(plan));
  CHECK(flowlink::plan::render_json(wrapped) == flowlink::plan::render_json(expected));
}

TEST_CASE("apply_edits refuses a flow plan with errors") {
  FlowPlan fp;
  fp.flow_name = "X";
  fp.errors.push_back("broken");
  Document doc = Document::from_json(support_flow_json(), "x");
  CHECK_THROWS_AS(flowlink::plan::apply_edits(doc, fp, sequential_id_source()), std::invalid_argument);
}
