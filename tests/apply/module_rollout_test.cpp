// Rolling a common module's change out to its consumers (`current: true`),
// end to end over sockets: a module republished after its consumers makes
// them stale (drift); a canary run republishes N and stops; the next run does
// the rest; a consumer someone holds, or one with a colleague's unpublished
// check-in, is skipped and left exactly as it was; a failing republish counts
// toward --max-failures and leaves no lock.

#include <doctest/doctest.h>

#include <algorithm>
#include <chrono>
#include <set>
#include <thread>

#include "apply/apply_support.hpp"
#include "apply/run_history.hpp"

using namespace flowlink;
using namespace flowlink::testing;

namespace {

// The example manifest's support rule, with the validation module current.
const char* kCurrentManifest = R"(apiVersion: flowlink/v1
modules:
  validation: { name: Common_Validation_Module, current: true }
rules:
  - name: support-validation
    flows: { types: [inboundcall], include: ["Inbound_Support_*"], exclude: ["*_Sandbox"] }
    ensure:
      - module: validation
        at: start
        inputs: { Common.CallerAni: "Call.Ani", Common.Dnis: "Call.CalledAddressOriginal" }
        outputs: { Common.IsValid: "Flow.IsValidCaller", Common.CustomerId: "Flow.CustomerId" }
        move: true
        dedupe: true
)";


std::string module_id(OrgFixture& org) {
  genesys::ListFlowsQuery query;
  query.types = {"commonmodule"};
  for (const auto& flow : org.api->list_flows(query))
    if (flow.name == "Common_Validation_Module") return flow.id;
  FAIL("no Common_Validation_Module");
  return {};
}

// A new version of the module, published by a person (as the module's owners would).
void publish_module_again(OrgFixture& org, const std::string& id) {
  std::this_thread::sleep_for(std::chrono::milliseconds(5));  // a later datePublished than any consumer's
  const std::string text = org.api->latest_configuration(id);
  org.control->act_as_save("mona", id, text);
  org.control->act_as_checkin("mona", id);
  org.control->wait_for_operation(id);
  org.control->act_as_publish("mona", id);
  const auto flow = org.control->wait_for_operation(id);
  REQUIRE(flow["currentOperation"]["actionStatus"] == "SUCCESS");
}

std::vector<const plan::FlowPlan*> with_action(const plan::Plan& plan, plan::FlowAction action) {
  std::vector<const plan::FlowPlan*> out;
  for (const auto& flow : plan.flows)
    if (flow.action == action) out.push_back(&flow);
  return out;
}

void converge(OrgFixture& org) {
  apply::ApplyReport report = apply::apply_plan(*org.api, plan_with_history(org), org.desired, apply_options(org));
  INFO(apply::render_apply_text(report));
  REQUIRE(report.ok());
  REQUIRE_FALSE(plan_with_history(org).has_drift());
}

}  // namespace

TEST_CASE("a module change rolls out: stale consumers, a canary, the rest, someone's flows left alone") {
  OrgFixture org("rollout", kCurrentManifest);
  converge(org);
  const std::string module = module_id(org);
  publish_module_again(org, module);

  plan::Plan stale = plan_with_history(org);
  auto consumers = with_action(stale, plan::FlowAction::Republish);
  REQUIRE(consumers.size() >= 6);
  for (const auto* flow : consumers) {
    INFO(flow->flow_name);
    REQUIRE(flow->stale.size() == 1);
    CHECK(flow->stale[0].module_id == module);
    CHECK(flow->stale[0].consumer_published < flow->stale[0].module_published);
    CHECK(flow->edits.empty());
    CHECK(plan::drifted(*flow, plan::DriftCheck::Published));
    CHECK_FALSE(flow->published->complies);
  }
  CHECK(stale.summary().republish == static_cast<int>(consumers.size()));

  // Two consumers belong to colleagues for now: Bob holds one, Carol has
  // checked in a draft of another without publishing it.
  const std::string bobs = consumers[consumers.size() - 1]->flow_id;
  const std::string carols = consumers[consumers.size() - 2]->flow_id;
  org.control->act_as_checkout("bob", bobs);
  const std::string carols_text = org.api->latest_configuration(carols);
  org.control->act_as_save("carol", carols, carols_text);
  org.control->act_as_checkin("carol", carols);
  org.control->wait_for_operation(carols);
  const auto carol_before = org.control->flow(carols);

  plan::Plan plan = plan_with_history(org);
  for (const auto& flow : plan.flows) {
    if (flow.flow_id == carols) {
      CHECK(flow.action == plan::FlowAction::Skip);  // held: republishing would publish Carol's draft
      CHECK(flow.skip_reason.find("republish") != std::string::npos);
    }
    if (flow.flow_id == bobs) CHECK(flow.action == plan::FlowAction::Republish);
  }

  // The canary: three consumers republished and verified, then it stops.
  apply::ApplyOptions canary = apply_options(org);
  canary.rollout.canary = 3;
  apply::ApplyReport first = apply::apply_plan(*org.api, plan, org.desired, canary);
  INFO(apply::render_apply_text(first));
  CHECK(first.count(apply::FlowOutcome::Status::Applied) == 3);
  CHECK(first.canary_verified);
  // A verified canary is no failure in itself (the rest waits); Carol's
  // held flow is what makes this run exit 1.
  CHECK(first.count(apply::FlowOutcome::Status::SkippedDraft) == 1);
  CHECK_FALSE(first.ok());
  CHECK(first.count(apply::FlowOutcome::Status::NotStarted) == static_cast<int>(consumers.size()) - 1 - 3);
  CHECK(apply::render_apply_text(first).find("re-run apply without --canary") != std::string::npos);
  std::set<std::string> republished;
  for (const auto& out : first.flows)
    if (out.status == apply::FlowOutcome::Status::Applied) {
      CHECK(out.action == "republish");
      CHECK(out.published);
      republished.insert(out.flow_id);
    }

  plan::Plan middle = plan_with_history(org);
  for (const auto& flow : middle.flows) {
    if (!republished.count(flow.flow_id)) continue;
    INFO(flow.flow_name);
    CHECK(flow.stale.empty());
    CHECK(flow.action == plan::FlowAction::None);
  }

  // The rest.
  apply::ApplyReport second = apply::apply_plan(*org.api, middle, org.desired, apply_options(org));
  INFO(apply::render_apply_text(second));
  CHECK(second.count(apply::FlowOutcome::Status::Applied) == static_cast<int>(consumers.size()) - 2 - 3);
  const auto* bob = outcome_of(second, bobs);
  REQUIRE(bob != nullptr);
  CHECK(bob->status == apply::FlowOutcome::Status::SkippedLocked);
  CHECK(bob->reason.find("bob") != std::string::npos);
  const auto* carol = outcome_of(second, carols);
  REQUIRE(carol != nullptr);
  CHECK(carol->status == apply::FlowOutcome::Status::SkippedDraft);
  CHECK_FALSE(second.ok());

  // Bob still holds his flow; Carol's draft is exactly as she left it.
  const auto locks = org.control->locks();
  REQUIRE(locks.size() == 1);
  CHECK(locks[0]["flowId"] == bobs);
  const auto carol_after = org.control->flow(carols);
  CHECK(carol_after["checkedInVersion"]["id"] == carol_before["checkedInVersion"]["id"]);
  CHECK(carol_after["publishedVersion"]["id"] == carol_before["publishedVersion"]["id"]);
  CHECK(org.api->latest_configuration(carols) == carols_text);

  // Drift names exactly their two flows.
  plan::Plan after = plan_with_history(org);
  std::set<std::string> drifted;
  for (const auto& flow : after.flows)
    if (plan::drifted(flow, plan::DriftCheck::Published)) drifted.insert(flow.flow_id);
  CHECK(drifted == std::set<std::string>{bobs, carols});

  // Once Bob lets go, the next run finishes; Carol's stays held until she publishes.
  org.control->act_as_unlock("bob", bobs);
  apply::ApplyReport third = apply::apply_plan(*org.api, plan_with_history(org), org.desired, apply_options(org));
  INFO(apply::render_apply_text(third));
  CHECK(third.count(apply::FlowOutcome::Status::Applied) == 1);
  CHECK(outcome_of(third, bobs)->status == apply::FlowOutcome::Status::Applied);
  org.control->act_as_publish("carol", carols);
  org.control->wait_for_operation(carols);
  CHECK_FALSE(plan_with_history(org).has_drift());  // her publish snapshotted the module's latest version
  CHECK(org.control->locks().empty());
}

TEST_CASE("a failing republish counts toward --max-failures and leaves no lock") {
  OrgFixture org("rollout-failures", kCurrentManifest);
  converge(org);
  publish_module_again(org, module_id(org));
  plan::Plan plan = plan_with_history(org);
  auto consumers = with_action(plan, plan::FlowAction::Republish);
  REQUIRE(consumers.size() >= 4);
  org.control->configure({{"fail_publish", {consumers[0]->flow_id, consumers[1]->flow_id}}});

  apply::ApplyOptions options = apply_options(org);
  options.parallelism = 1;  // one at a time: the stop is exact
  options.rollout.max_failures = 1;
  apply::ApplyReport report = apply::apply_plan(*org.api, plan, org.desired, options);
  INFO(apply::render_apply_text(report));
  CHECK(report.count(apply::FlowOutcome::Status::Failed) == 1);
  CHECK(outcome_of(report, consumers[0]->flow_id)->status == apply::FlowOutcome::Status::Failed);
  CHECK(outcome_of(report, consumers[0]->flow_id)->step == "publish");
  CHECK(report.count(apply::FlowOutcome::Status::NotStarted) == static_cast<int>(consumers.size()) - 1);
  CHECK(report.rollout_stopped);
  CHECK(report.stop_reason.find("--max-failures 1") != std::string::npos);
  CHECK_FALSE(report.ok());
  CHECK(org.control->locks().empty());

  // Once the publishes work again, re-running continues and finishes.
  org.control->configure({{"fail_publish", nlohmann::json::array()}});
  apply::ApplyReport again = apply::apply_plan(*org.api, plan_with_history(org), org.desired, apply_options(org));
  INFO(apply::render_apply_text(again));
  CHECK(again.ok());
  CHECK_FALSE(plan_with_history(org).has_drift());
  CHECK(org.control->locks().empty());

  // A canary that verifies, with nothing else in the way, is a success: exit 0.
  publish_module_again(org, module_id(org));
  apply::ApplyOptions canary = apply_options(org);
  canary.rollout.canary = 2;
  apply::ApplyReport canary_run = apply::apply_plan(*org.api, plan_with_history(org), org.desired, canary);
  INFO(apply::render_apply_text(canary_run));
  CHECK(canary_run.count(apply::FlowOutcome::Status::Applied) == 2);
  CHECK(canary_run.count(apply::FlowOutcome::Status::NotStarted) == static_cast<int>(consumers.size()) - 2);
  CHECK(canary_run.ok());
  CHECK(canary_run.exit_code() == 0);
}
