// When things go wrong half-way: a lock left by an earlier run of ours, a
// change that does not verify, a check-in that does not finish in time. In
// every case no lock of ours is left behind.

#include <doctest/doctest.h>

#include <chrono>
#include <thread>

#include "apply/apply_support.hpp"

using namespace flowlink;
using namespace flowlink::testing;

TEST_CASE("a flow this client already holds (an earlier run that crashed) is applied") {
  OrgFixture org("apply-own-lock", kChatManifest);
  plan::Plan plan = plan_live(org);
  const plan::FlowPlan& target = flow_with_edits(plan);
  org.api->checkout(target.flow_id);

  apply::ApplyReport report = apply::apply_plan(*org.api, plan, org.desired, apply_options(org));
  INFO(apply::render_apply_text(report));
  CHECK(report.ok());
  CHECK(outcome_of(report, target.flow_id)->status == apply::FlowOutcome::Status::Applied);
  CHECK(locked_flow_ids(org).empty());
  auto lines = journal_lines(org);
  bool noted = false;
  for (const auto& line : lines)
    if (line.value("flow_id", "") == target.flow_id && line.at("step") == "lock-check")
      noted = line.value("message", "").find("already locked by this client") != std::string::npos;
  CHECK(noted);
}

TEST_CASE("a change that does not converge fails verification") {
  OrgFixture org("apply-verify");
  plan::Plan plan = plan_live(org);
  // Drop one of the two edits a flow needs: what is applied leaves work undone.
  std::string id;
  for (auto& fp : plan.flows)
    if (fp.edits.size() == 2) {
      fp.edits.pop_back();
      id = fp.flow_id;
      break;
    }
  REQUIRE_FALSE(id.empty());

  apply::ApplyReport report = apply::apply_plan(*org.api, plan, org.desired, apply_options(org));
  INFO(apply::render_apply_text(report));
  const apply::FlowOutcome* out = outcome_of(report, id);
  REQUIRE(out != nullptr);
  CHECK(out->status == apply::FlowOutcome::Status::Failed);
  CHECK(out->step == "verify");
  CHECK(out->reason.find("verification failed") != std::string::npos);
  CHECK(out->reason.find("1 edit(s)") != std::string::npos);
  CHECK_FALSE(report.ok());
  CHECK(locked_flow_ids(org).empty());

  // The next plan + apply finishes the job.
  apply::ApplyReport second = apply::apply_plan(*org.api, plan_live(org), org.desired, apply_options(org));
  CHECK(second.ok());
  CHECK(outcome_of(second, id)->status == apply::FlowOutcome::Status::Applied);
  CHECK_FALSE(plan_live(org).has_changes());
}

TEST_CASE("a check-in that does not finish in time fails the flow and leaves no lock") {
  OrgFixture org("apply-checkin-timeout", kChatManifest);
  plan::Plan plan = plan_live(org);
  const plan::FlowPlan& target = flow_with_edits(plan);
  // The check-in runs far longer than the applier waits (100 ms), by a margin
  // a loaded machine cannot eat: the revert must meet it still running.
  org.control->configure({{"operation_delay_ms", 10000}});
  apply::ApplyOptions options = apply_options(org);
  options.operation_timeout = std::chrono::milliseconds(100);

  apply::ApplyReport report = apply::apply_plan(*org.api, plan, org.desired, options);
  INFO(apply::render_apply_text(report));
  const apply::FlowOutcome* out = outcome_of(report, target.flow_id);
  REQUIRE(out != nullptr);
  CHECK(out->status == apply::FlowOutcome::Status::Failed);
  CHECK(out->step == "checkin");
  CHECK_FALSE(out->saved_version.empty());
  // Released right away, though the check-in still runs on the server (the
  // revert is refused while it runs; the unlock is not).
  CHECK(locked_flow_ids(org).empty());
  auto steps = journal_steps(journal_lines(org), report.run_id, target.flow_id);
  CHECK(join(steps) == "lock-check,checkout,reread,backup,edit,save,checkin,revert,unlock,result");
  CHECK(out->cleanup_errors.empty());  // the unlock worked
}
