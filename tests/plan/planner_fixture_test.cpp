// The planner on the real Architect document (tests/fixtures/architect):
// placements at the start, after and before real actions (one of them the
// first action of a branch), the ambiguous "Update Data" anchor, convergence.
#include "plan_test_support.hpp"

using namespace plantest;
using flowlink::flowdoc::InsertionPoint;
using flowlink::flowdoc::sequential_id_source;
using flowlink::plan::Edit;
using flowlink::plan::FlowPlan;
using flowlink::plan::make_plan;
using flowlink::plan::Plan;

namespace {

constexpr const char* kFixtureId = "40000000-0000-4000-8000-000000000001";

ObservedFlow fixture_flow() { return observed(kFixtureId, "Cache Example", "inboundcall", fixture_json(), "12.0"); }

}  // namespace

TEST_CASE("fixture: an ambiguous anchor names every candidate and suggests trackingId") {
  auto state = desired({rule("cache", "Cache *", {ensure("logging", after("Update Data"))})});
  Plan plan = make_plan(state, with_modules({fixture_flow()}), options());
  REQUIRE(plan.flows.size() == 1);
  const FlowPlan& fp = plan.flows[0];
  REQUIRE(fp.errors.size() == 1);
  const std::string& error = fp.errors[0];
  CHECK(error.find("is ambiguous in flow 'Cache Example': 6 actions match") != std::string::npos);
  for (int tracking_id : {13, 14, 15, 18, 20, 21})
    CHECK(error.find("'Update Data' (UpdateVariableAction, trackingId " + std::to_string(tracking_id) +
                     ", task 'IVR cache example')") != std::string::npos);
  CHECK(error.find("add `trackingId` to the anchor") != std::string::npos);
  CHECK(fp.edits.empty());
}

TEST_CASE("fixture: add at start, after, and before a branch's first action; apply; re-plan converges") {
  auto state = desired({rule("cache", "Cache *",
                             {ensure("validation", at_start(), {{"Common.CallerAni", "Call.Ani"}}),
                              ensure("logging", after("Play Audio"), {{"Common.Message", "\"bye\""}}),
                              ensure("old", before("Update Data", 13))})});
  ObservedFlow flow = fixture_flow();
  Plan plan = make_plan(state, with_modules({flow}), options());
  REQUIRE(plan.errors.empty());
  const FlowPlan& fp = plan.flows.at(0);
  REQUIRE(fp.errors.empty());
  REQUIRE(fp.edits.size() == 3);
  CHECK(fp.observed_version == "12.0");
  CHECK(fp.edits[0].insertion.kind == InsertionPoint::Kind::InitialTaskStart);
  CHECK(fp.edits[0].position_description == "first in task 'IVR cache example'");
  CHECK(fp.edits[1].insertion.kind == InsertionPoint::Kind::AfterAction);
  CHECK(fp.edits[1].insertion.action_id == "cae67b3b-604f-498d-9ef8-fbf8ba51a5d7");
  CHECK(fp.edits[1].position_description == "after 'Play Audio' (#27)");
  CHECK(fp.edits[2].insertion.kind == InsertionPoint::Kind::BeforeAction);
  CHECK(fp.edits[2].insertion.action_id == "e8b1f6f1-d8cd-479f-941e-1301875deb79");

  ObservedFlow after = flow;
  flowlink::plan::apply_edits(*after.document, fp, sequential_id_source());
  CHECK(after.document->check().empty());
  auto calls = after.document->module_calls();
  REQUIRE(calls.size() == 3);
  for (const auto& c : calls) {
    if (c.module_name == kOldName) {
      CHECK(c.position.kind == flowlink::flowdoc::Position::Kind::BranchStart);
      CHECK(c.position.next_id == "e8b1f6f1-d8cd-479f-941e-1301875deb79");
    }
  }
  Plan second = make_plan(state, with_modules({after}), options());
  CHECK(second.flows.at(0).status() == FlowPlan::Status::NoChange);
  // The fingerprint follows the document.
  CHECK(second.flows.at(0).fingerprint != fp.fingerprint);
  CHECK(second.flows.at(0).fingerprint == after.document->source_fingerprint());
}

TEST_CASE("fixture: a flow that no rule matches is not in the plan") {
  auto state = desired({rule("support", "Inbound_*", {ensure("validation", at_start())})});
  Plan plan = make_plan(state, with_modules({fixture_flow()}), options());
  CHECK(plan.flows.empty());
  // No flow drifts; the rule that selects nothing is what drift reports.
  CHECK(plan.empty_rules() == std::vector<std::string>{"support"});
  CHECK_FALSE(plan.has_errors());
}
