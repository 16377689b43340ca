// Other people at work in the same org: a flow edited between plan and apply
// is refused as stale and keeps their edit; a flow someone holds is skipped
// and stays theirs (unless --force-unlock).

#include <doctest/doctest.h>

#include <algorithm>
#include <chrono>
#include <thread>

#include "apply/apply_support.hpp"

using namespace flowlink;
using namespace flowlink::testing;

TEST_CASE("a flow edited by another user between plan and apply is refused as stale") {
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
  CHECK(join(steps) == "lock-check,checkout,reread,unlock,result");

  // Planning again picks up Alice's version and converges.
  plan::Plan again = plan_live(org);
  apply::ApplyReport second = apply::apply_plan(*org.api, again, org.desired, apply_options(org));
  INFO(apply::render_apply_text(second));
  CHECK(second.ok());
  CHECK(outcome_of(second, id)->status == apply::FlowOutcome::Status::Applied);
  auto final_doc = nlohmann::ordered_json::parse(org.api->latest_configuration(id));
  CHECK(final_doc.value("description", "") == "edited by alice after the plan");
  CHECK_FALSE(plan_live(org).has_changes());
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
