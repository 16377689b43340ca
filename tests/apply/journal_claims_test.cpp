// What the journal may and may not claim: a run that finished gave its lock
// back, so a later lock by this client (another run elsewhere) is not
// "interrupted" and is left alone; a save that failed claims no later draft.
#include <doctest/doctest.h>
#include "apply/apply_support.hpp"
#include "apply/journal.hpp"
#include "apply/run_history.hpp"

using namespace flowlink;
using namespace flowlink::testing;

namespace {
const plan::FlowPlan* find(const plan::Plan& p, const std::string& id) {
  for (const auto& f : p.flows) if (f.flow_id == id) return &f;
  return nullptr;
}
}  // namespace

TEST_CASE("a finished run's check-out does not make a later lock by this client its own") {
  OrgFixture org("repro-a", kChatManifest);
  plan::Plan plan = plan_live(org);
  const std::string id = flow_with_edits(plan).flow_id;
  auto report = apply::apply_plan(*org.api, plan, org.desired, apply_options(org));
  REQUIRE(report.ok());
  REQUIRE(locked_flow_ids(org).empty());
  // Another apply with the same OAuth client, from another work dir, is now working on the flow:
  org.api->checkout(id);
  plan::Plan again = plan_with_history(org);
  const plan::FlowPlan* fp = find(again, id);
  REQUIRE(fp);
  REQUIRE(fp->lock);
  CHECK(fp->lock->flowlink == plan::LockState::Flowlink::Unknown);
  auto second = apply::apply_plan(*org.api, again, org.desired, apply_options(org));
  CHECK(outcome_of(second, id)->status == apply::FlowOutcome::Status::Unchanged);
  CHECK(locked_flow_ids(org) == std::vector<std::string>{id});  // the other run's lock must stay
}

TEST_CASE("a save journalled as started and then failed claims no later draft of this client") {
  OrgFixture org("repro-b", kChatManifest);
  plan::Plan plan = plan_live(org);
  const auto& target = flow_with_edits(plan);
  const std::string id = target.flow_id;
  {
    apply::Journal journal(org.work_dir() / ".flowlink" / "journal.jsonl", "20260101T000000.000Z-dead02", {});
    journal.record({id, target.flow_name, "checkout", "started"});
    journal.record({id, target.flow_name, "checkout", "ok"});
    apply::JournalEntry started{id, target.flow_name, "save", "started"};
    started.publish = true;
    journal.record(started);
    journal.record({id, target.flow_name, "save", "failed", "", "400 bad request"});
    journal.record({id, target.flow_name, "revert", "ok"});
    journal.record({id, target.flow_name, "result", "failed"});
  }
  // Later, someone else with this OAuth client (another machine) saves a draft
  // and leaves it unpublished.
  org.api->checkout(id);
  auto doc = nlohmann::ordered_json::parse(org.api->latest_configuration(id));
  doc["description"] = "someone else's unpublished work";
  auto saved = org.api->save_version(id, doc.dump());
  plan::Plan again = plan_with_history(org);
  const plan::FlowPlan* fp = find(again, id);
  REQUIRE(fp);
  REQUIRE(fp->draft);
  CHECK_FALSE(fp->draft->flowlink);
  CHECK(fp->action == plan::FlowAction::Skip);  // a draft nobody here made: held, never published by flowlink
}
