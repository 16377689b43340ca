// What makes a saved plan safe is checked by apply::apply_plan itself, so no
// caller can skip it: a plan file altered by hand (an edit injected into an
// unchanged flow, a binding changed), a blanked manifest fingerprint, a plan
// from an export directory or from another org are refused; nothing is saved.

#include <doctest/doctest.h>

#include "apply/apply_support.hpp"

using namespace flowlink;
using namespace flowlink::testing;

namespace {

const plan::FlowPlan* unchanged_flow(const plan::Plan& plan) {
  for (const auto& flow : plan.flows)
    if (flow.action == plan::FlowAction::None && flow.errors.empty() && flow.edits.empty()) return &flow;
  return nullptr;
}

plan::FlowPlan* find(plan::Plan& plan, const std::string& id) {
  for (auto& flow : plan.flows)
    if (flow.flow_id == id) return &flow;
  return nullptr;
}

}  // namespace

TEST_CASE("an edit injected into a flow the manifest leaves alone is refused, and nothing is saved") {
  OrgFixture org("tampered-inject");
  plan::Plan plan = plan_live(org);
  const plan::FlowPlan& donor = flow_with_edits(plan, "Inbound_Support_");
  const plan::FlowPlan* victim_plan = unchanged_flow(plan);
  REQUIRE(victim_plan != nullptr);
  const std::string victim = victim_plan->flow_id;
  const auto before = org.control->flow(victim);

  // The attacker's plan: only the victim, with the donor's add_call and "edit".
  plan::Plan tampered = plan;
  plan::FlowPlan* target = find(tampered, victim);
  target->edits = {donor.edits.front()};
  target->action = plan::FlowAction::Edit;
  target->publish = true;
  tampered.flows = {*target};

  apply::ApplyReport report = apply::apply_plan(*org.api, tampered, org.desired, apply_options(org));
  INFO(apply::render_apply_text(report));
  const auto* out = outcome_of(report, victim);
  REQUIRE(out != nullptr);
  CHECK(out->status == apply::FlowOutcome::Status::Failed);
  CHECK(out->reason.find("not what the manifest asks") != std::string::npos);
  CHECK(out->saved_version.empty());
  const auto after = org.control->flow(victim);
  CHECK(after["publishedVersion"]["id"] == before["publishedVersion"]["id"]);
  CHECK_FALSE(after.contains("savedVersion"));
  CHECK(org.control->locks().empty());
}

TEST_CASE("an altered binding in a saved plan is refused") {
  OrgFixture org("tampered-binding");
  plan::Plan plan = plan_live(org);
  plan::FlowPlan flow;
  plan::Edit* add = nullptr;
  for (const auto& candidate : plan.flows) {
    for (const auto& edit : candidate.edits)
      if (edit.kind == plan::Edit::Kind::AddCall && !edit.inputs.empty()) {
        flow = candidate;
        for (auto& mine : flow.edits)
          if (mine.kind == plan::Edit::Kind::AddCall && !mine.inputs.empty()) add = &mine;
        break;
      }
    if (add) break;
  }
  REQUIRE(add != nullptr);
  add->inputs.begin()->second = "Flow.AttackerControlled";
  plan::Plan tampered = plan;
  tampered.flows = {flow};
  apply::ApplyReport report = apply::apply_plan(*org.api, tampered, org.desired, apply_options(org));
  INFO(apply::render_apply_text(report));
  CHECK(report.count(apply::FlowOutcome::Status::Failed) == 1);
  CHECK(report.flows.front().saved_version.empty());
  CHECK(org.control->locks().empty());
}

TEST_CASE("apply_plan refuses a plan without a manifest fingerprint, from an export dir, or from another org") {
  OrgFixture org("tampered-whole");
  const plan::Plan plan = plan_live(org);

  plan::Plan blank = plan;
  blank.manifest_fingerprint.clear();
  CHECK_THROWS_WITH(apply::apply_plan(*org.api, blank, org.desired, apply_options(org)),
                    doctest::Contains("no manifest fingerprint"));

  plan::Plan other_manifests = plan;
  other_manifests.manifest_fingerprint = std::string(64, 'a');
  CHECK_THROWS_WITH(apply::apply_plan(*org.api, other_manifests, org.desired, apply_options(org)),
                    doctest::Contains("manifests changed"));

  plan::Plan offline = plan;
  offline.source = "export-dir examples/org";
  CHECK_THROWS_WITH(apply::apply_plan(*org.api, offline, org.desired, apply_options(org)),
                    doctest::Contains("export directory"));

  plan::Plan elsewhere = plan;
  elsewhere.org_id = "00000000-0000-4000-8000-000000000000";
  elsewhere.org_name = "Someone Else's Org";
  CHECK_THROWS_WITH(apply::apply_plan(*org.api, elsewhere, org.desired, apply_options(org)),
                    doctest::Contains("Someone Else's Org"));

  CHECK(org.control->locks().empty());
  CHECK(edits_in(plan_live(org)) == edits_in(plan));  // nothing was applied by any of them
}

TEST_CASE("apply_plan checks the plan's org against the org the caller read, and does not read it again") {
  OrgFixture org("org-handed-in");
  const genesys::Organization me = org.api->organization();
  plan::PlanOptions plan_options = org.plan_options();
  plan_options.org_id = me.id;
  plan_options.org_name = me.name;
  const plan::Plan plan = source::plan_org(*org.api, org.desired, plan_options, 4);
  REQUIRE(plan.has_changes());

  // A plan of another org is refused against the org handed in, before any request.
  plan::Plan elsewhere = plan;
  elsewhere.org_id = "00000000-0000-4000-8000-000000000000";
  elsewhere.org_name = "Someone Else's Org";
  apply::ApplyOptions options = apply_options(org);
  options.org = me;
  org.control->clear_requests();
  CHECK_THROWS_WITH(apply::apply_plan(*org.api, elsewhere, org.desired, options),
                    doctest::Contains("Someone Else's Org"));
  CHECK(org.control->requests().at("total") == 0);

  // The plan's own org: applied, with no GET /api/v2/organizations/me.
  const apply::ApplyReport report = apply::apply_plan(*org.api, plan, org.desired, options);
  CHECK(report.ok());
  CHECK(report.org_id == me.id);
  CHECK_FALSE(org.control->requests().at("by_endpoint").contains("GET /api/v2/organizations/me"));
}

TEST_CASE("apply_plan's refusals name the plan file they were given, before any request") {
  OrgFixture org("tampered-named");
  plan::Plan other_manifests = plan_live(org);
  other_manifests.manifest_fingerprint = std::string(64, 'a');
  apply::ApplyOptions options = apply_options(org);
  options.plan_file = "saved/plan.json";
  org.control->clear_requests();
  CHECK_THROWS_WITH(apply::apply_plan(*org.api, other_manifests, org.desired, options),
                    doctest::Contains("changed since plan file 'saved/plan.json' was made; plan again"));
  CHECK_THROWS_WITH(apply::require_plan_applicable(other_manifests, org.desired, "saved/plan.json"),
                    doctest::Contains("changed since plan file 'saved/plan.json' was made"));
  CHECK(org.control->requests().at("total") == 0);
}
