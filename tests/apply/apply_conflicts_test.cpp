// Other people at work in the same org: a flow edited between plan and apply
// is refused as stale and keeps their edit; a flow someone holds is skipped
// and stays theirs (unless --force-unlock).

#include <doctest/doctest.h>

#include <algorithm>
#include <chrono>
#include <thread>

#include "apply/apply_support.hpp"
#include "plan/render.hpp"

using namespace flowlink;
using namespace flowlink::testing;

TEST_CASE("a flow edited by another user between plan and apply is refused as stale, then held by their draft") {
  OrgFixture org("apply-stale");
  plan::Plan plan = plan_live(org);
  const plan::FlowPlan& target = flow_with_edits(plan, "Inbound_Support_");
  const std::string id = target.flow_id;

  // Alice edits the flow after our plan: same document plus her own marker.
  auto document = nlohmann::ordered_json::parse(org.api->latest_configuration(id));
  document["description"] = "edited by alice after the plan";
  org.control->act_as("alice", "save", id, document.dump());
  org.control->act_as("alice", "checkin", id);
  for (int i = 0; i < 200 && org.api->get_flow(id).locked_user; ++i)
    std::this_thread::sleep_for(std::chrono::milliseconds(10));  // the check-in completes asynchronously
  const std::string alice_version = source::observed_version_of(org.api->get_flow(id));
  const std::string alice_text = org.api->latest_configuration(id);

  apply::ApplyReport report = apply::apply_plan(*org.api, plan, org.desired, apply_options(org));
  INFO(apply::render_apply_text(report));
  const apply::FlowOutcome* out = outcome_of(report, id);
  REQUIRE(out != nullptr);
  CHECK(out->status == apply::FlowOutcome::Status::SkippedStale);
  CHECK(out->step == "reread");
  CHECK(out->reason.find("changed since the plan") != std::string::npos);
  CHECK(out->backup_path.empty());
  CHECK_FALSE(report.ok());
  CHECK(report.exit_code() != 0);

  // Alice's edit stands, nothing was saved over it, nobody holds the flow.
  genesys::Flow flow = org.api->get_flow(id);
  CHECK(source::observed_version_of(flow) == alice_version);
  CHECK(org.api->latest_configuration(id) == alice_text);
  CHECK(locked_flow_ids(org).empty());

  // The others were applied.
  CHECK(report.count(apply::FlowOutcome::Status::Applied) > 0);
  CHECK(report.count(apply::FlowOutcome::Status::Failed) == 0);

  auto steps = journal_steps(journal_lines(org), report.run_id, id);
  CHECK(join(steps) == "lock-check,checkout,checkout,reread,unlock,result");

  // Alice checked in without publishing: her version is a draft above the
  // published one, and callers still run the version the plan was made on.
  genesys::Flow held = org.api->get_flow(id);
  REQUIRE(held.published_version.has_value());
  CHECK(held.published_version->id == target.observed_version);
  REQUIRE(held.checked_in_version.has_value());
  CHECK(held.checked_in_version->id == alice_version);

  // Planning again judges the published version (it still needs the edits)
  // and sees her draft: under the default policy (unpublished: skip) the
  // flow is held, so that her unpublished work is not published by us.
  plan::Plan again = plan_live(org);
  INFO(plan::render_text(again, {}));
  const plan::FlowPlan* replanned = nullptr;
  for (const auto& fp : again.flows)
    if (fp.flow_id == id) replanned = &fp;
  REQUIRE(replanned != nullptr);
  CHECK(replanned->errors.empty());
  CHECK(replanned->policy == plan::UnpublishedPolicy::Skip);
  CHECK(replanned->action == plan::FlowAction::Skip);
  CHECK(replanned->status() == plan::FlowPlan::Status::Held);
  CHECK(replanned->basis == plan::Basis::Published);
  CHECK_FALSE(replanned->edits.empty());
  REQUIRE(replanned->published.has_value());
  CHECK_FALSE(replanned->published->complies);
  REQUIRE(replanned->draft.has_value());
  CHECK(replanned->draft->version == alice_version);
  CHECK(replanned->draft->stage == plan::DraftState::Stage::CheckedIn);
  REQUIRE(replanned->draft->owner.has_value());
  CHECK(replanned->draft->owner->kind == plan::Actor::Kind::User);
  CHECK(replanned->draft->owner->name.find("alice") != std::string::npos);
  CHECK_FALSE(replanned->draft->flowlink);
  CHECK(replanned->skip_reason.find("alice") != std::string::npos);

  org.control->clear_requests();
  apply::ApplyReport second = apply::apply_plan(*org.api, again, org.desired, apply_options(org));
  INFO(apply::render_apply_text(second));
  CHECK_FALSE(second.ok());
  CHECK(second.exit_code() != 0);
  const apply::FlowOutcome* held_out = outcome_of(second, id);
  REQUIRE(held_out != nullptr);
  CHECK(held_out->status == apply::FlowOutcome::Status::SkippedDraft);
  CHECK(held_out->step == "plan");
  CHECK(held_out->reason.find("alice") != std::string::npos);
  CHECK(second.count(apply::FlowOutcome::Status::SkippedDraft) == 1);
  CHECK(second.count(apply::FlowOutcome::Status::Applied) == 0);
  CHECK(apply::render_apply_text(second).find("skipped (unpublished draft)") != std::string::npos);
  CHECK(join(journal_steps(journal_lines(org), second.run_id, id)) == "plan");
  // Not touched: nothing was written to any flow, her draft is as she left it.
  // Held in a local: a range-for over a member of a temporary reads freed
  // memory (AddressSanitizer found this one).
  const auto requests = org.control->requests();
  for (const auto& [endpoint, count] : requests.at("by_endpoint").items())
    CHECK_MESSAGE(endpoint.rfind("GET ", 0) == 0, endpoint);
  genesys::Flow untouched = org.api->get_flow(id);
  CHECK(source::observed_version_of(untouched) == alice_version);
  CHECK(untouched.published_version->id == target.observed_version);
  CHECK(org.api->latest_configuration(id) == alice_text);
  CHECK(locked_flow_ids(org).empty());

  // With consent (unpublished: publish), her draft is the basis: edited,
  // checked in and published with the manifest's calls, her edit kept.
  apply::ApplyOptions publishing = apply_options(org);
  publishing.plan_options.unpublished_override = plan::UnpublishedPolicy::Publish;
  plan::Plan consented = source::plan_org(*org.api, org.desired, publishing.plan_options, 4);
  INFO(plan::render_text(consented, {}));
  const plan::FlowPlan* on_draft = nullptr;
  for (const auto& fp : consented.flows)
    if (fp.flow_id == id) on_draft = &fp;
  REQUIRE(on_draft != nullptr);
  CHECK(on_draft->policy == plan::UnpublishedPolicy::Publish);
  CHECK(on_draft->action == plan::FlowAction::Edit);
  CHECK(on_draft->basis == plan::Basis::Draft);
  CHECK(on_draft->observed_version == alice_version);
  CHECK(on_draft->publish);
  CHECK(consented.has_changes());

  apply::ApplyReport third = apply::apply_plan(*org.api, consented, org.desired, publishing);
  INFO(apply::render_apply_text(third));
  CHECK(third.ok());
  const apply::FlowOutcome* published_out = outcome_of(third, id);
  REQUIRE(published_out != nullptr);
  CHECK(published_out->status == apply::FlowOutcome::Status::Applied);
  CHECK(published_out->published);
  CHECK(published_out->version_before == alice_version);
  genesys::Flow live = org.api->get_flow(id);
  REQUIRE(live.published_version.has_value());
  CHECK(live.published_version->id == published_out->version_after);
  auto final_doc = nlohmann::ordered_json::parse(org.api->version_configuration(id, live.published_version->id));
  CHECK(final_doc.value("description", "") == "edited by alice after the plan");
  CHECK(locked_flow_ids(org).empty());

  // Converged, under the default policy too: no draft is left in the way.
  plan::Plan converged = plan_live(org);
  INFO(plan::render_text(converged, {}));
  CHECK_FALSE(converged.has_changes());
  CHECK(edits_in(converged) == 0);
  for (const auto& fp : converged.flows) {
    CHECK_MESSAGE(fp.action != plan::FlowAction::Skip, fp.flow_name);
    if (fp.flow_id == id) CHECK_FALSE(fp.draft.has_value());
  }
}

TEST_CASE("a flow locked by another user is skipped and stays theirs") {
  OrgFixture org("apply-locked");
  plan::Plan plan = plan_live(org);
  const plan::FlowPlan& target = flow_with_edits(plan, "Inbound_Sales_");
  const std::string id = target.flow_id;
  const std::string version = target.observed_version;
  org.control->act_as("bob", "checkout", id);

  apply::ApplyReport report = apply::apply_plan(*org.api, plan, org.desired, apply_options(org));
  INFO(apply::render_apply_text(report));
  const apply::FlowOutcome* out = outcome_of(report, id);
  REQUIRE(out != nullptr);
  CHECK(out->status == apply::FlowOutcome::Status::SkippedLocked);
  CHECK(out->reason.find("bob") != std::string::npos);
  CHECK(report.exit_code() != 0);
  CHECK(apply::render_apply_text(report).find("skipped (locked)") != std::string::npos);

  auto locks = org.control->locks();
  REQUIRE(locks.size() == 1);
  CHECK(locks[0].at("flowId") == id);
  CHECK(locks[0].at("lockedBy").get<std::string>().find("bob") != std::string::npos);
  CHECK(source::observed_version_of(org.api->get_flow(id)) == version);
  CHECK(join(journal_steps(journal_lines(org), report.run_id, id)) == "lock-check,result");
  CHECK(report.count(apply::FlowOutcome::Status::Applied) > 0);

  SUBCASE("--force-unlock breaks the lock and applies") {
    apply::ApplyOptions options = apply_options(org);
    options.force_unlock = true;
    plan::Plan again = plan_live(org);
    apply::ApplyReport forced = apply::apply_plan(*org.api, again, org.desired, options);
    INFO(apply::render_apply_text(forced));
    CHECK(forced.ok());
    CHECK(outcome_of(forced, id)->status == apply::FlowOutcome::Status::Applied);
    CHECK(locked_flow_ids(org).empty());
    auto steps = journal_steps(journal_lines(org), forced.run_id, id);
    REQUIRE_FALSE(steps.empty());
    CHECK(steps.front() == "force-unlock");
    CHECK_FALSE(plan_live(org).has_changes());
  }
}
