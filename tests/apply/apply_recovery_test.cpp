// When things go wrong half-way: a lock left by an earlier run of ours (or by
// a run this work dir does not know), a change that does not verify, a
// check-in that does not finish in time. No lock of ours is left behind, and
// a lock this work dir cannot tell is ours is left alone.

#include <doctest/doctest.h>

#include <chrono>
#include <thread>

#include "apply/apply_support.hpp"
#include "apply/journal.hpp"
#include "apply/run_history.hpp"

using namespace flowlink;
using namespace flowlink::testing;

namespace {


const plan::FlowPlan& planned(const plan::Plan& plan, const std::string& flow_id) {
  for (const auto& fp : plan.flows)
    if (fp.flow_id == flow_id) return fp;
  FAIL("the plan has no flow " << flow_id);
  throw std::logic_error("unreachable");
}

}  // namespace

TEST_CASE("a flow this client holds: left alone unless this work dir's journal shows an interrupted run of ours") {
  OrgFixture org("apply-own-lock", kChatManifest);
  plan::Plan plan = plan_live(org);
  const plan::FlowPlan& target = flow_with_edits(plan);
  const std::string id = target.flow_id;
  org.api->checkout(id);  // this OAuth client locks the flow, in no run of this work dir

  // Nobody here recorded that lock: another machine, another work dir or a
  // run still going elsewhere may hold it. It is treated as someone else's.
  {
    const plan::Plan replanned = plan_with_history(org);
    const plan::FlowPlan& fp = planned(replanned, id);
    REQUIRE(fp.lock.has_value());
    CHECK(fp.lock->flowlink == plan::LockState::Flowlink::Unknown);
    CHECK(fp.action == plan::FlowAction::Edit);
    apply::ApplyReport report = apply::apply_plan(*org.api, plan, org.desired, apply_options(org));
    INFO(apply::render_apply_text(report));
    CHECK_FALSE(report.ok());
    const apply::FlowOutcome* out = outcome_of(report, id);
    REQUIRE(out != nullptr);
    CHECK(out->status == apply::FlowOutcome::Status::SkippedLocked);
    CHECK(out->reason.find("this OAuth client") != std::string::npos);
    CHECK(out->reason.find("no run this work dir's journal records") != std::string::npos);
    CHECK(join(journal_steps(journal_lines(org), report.run_id, id)) == "lock-check,result");
    CHECK(locked_flow_ids(org) == std::vector<std::string>{id});  // not ours to release
    CHECK(report.count(apply::FlowOutcome::Status::Applied) > 0);   // the others were applied
  }

  // This work dir's journal shows a run that sent the check-out and died
  // (no lease: the process is gone).
  const std::string crashed_run = "20260101T000000.000Z-dead01";
  {
    apply::Journal journal(org.work_dir() / ".flowlink" / "journal.jsonl", crashed_run, {});
    journal.record({id, target.flow_name, "checkout", "started"});
  }

  SUBCASE("while that run still holds its lease, it is left to it") {
    apply::RunLease lease(org.work_dir(), crashed_run);
    REQUIRE(lease.error().empty());
    const plan::Plan replanned = plan_with_history(org);
    const plan::FlowPlan& fp = planned(replanned, id);
    REQUIRE(fp.lock.has_value());
    CHECK(fp.lock->flowlink == plan::LockState::Flowlink::RunningRun);
    CHECK(fp.lock->run_id == crashed_run);
    apply::ApplyReport report = apply::apply_plan(*org.api, plan_live(org), org.desired, apply_options(org));
    INFO(apply::render_apply_text(report));
    const apply::FlowOutcome* out = outcome_of(report, id);
    REQUIRE(out != nullptr);
    CHECK(out->status == apply::FlowOutcome::Status::SkippedLocked);
    CHECK(out->reason.find(crashed_run) != std::string::npos);
    CHECK(out->reason.find("still running") != std::string::npos);
    CHECK(locked_flow_ids(org) == std::vector<std::string>{id});
  }

  SUBCASE("once it is gone, its lock is taken over and the flow applied") {
    const plan::Plan again = plan_with_history(org);
    const plan::FlowPlan& fp = planned(again, id);
    REQUIRE(fp.lock.has_value());
    CHECK(fp.lock->flowlink == plan::LockState::Flowlink::InterruptedRun);
    CHECK(fp.lock->run_id == crashed_run);
    CHECK(fp.action == plan::FlowAction::Edit);
    apply::ApplyReport report = apply::apply_plan(*org.api, again, org.desired, apply_options(org));
    INFO(apply::render_apply_text(report));
    CHECK(report.ok());
    const apply::FlowOutcome* out = outcome_of(report, id);
    REQUIRE(out != nullptr);
    CHECK(out->status == apply::FlowOutcome::Status::Applied);
    CHECK(out->published);
    CHECK(locked_flow_ids(org).empty());
    auto lines = journal_lines(org);
    bool noted = false;
    for (const auto& line : lines)
      if (line.value("run", "") == report.run_id && line.value("flow_id", "") == id && line.at("step") == "lock-check")
        noted = line.value("message", "").find("run " + crashed_run + ", which was interrupted: taking it over") !=
                std::string::npos;
    CHECK(noted);
    // The lock it had is kept, not checked out again.
    CHECK(join(journal_steps(lines, report.run_id, id)) ==
          "lock-check,checkout,reread,backup,edit,save,save,checkin,publish,verify,result");
    CHECK_FALSE(plan_with_history(org).has_changes());
  }
}

namespace {

// The org as seen through a server that, for one flow, silently drops the
// first call to `module` from every document saved (as Genesys might if it
// rewrote a call shape it does not accept): the save "succeeds", the change
// does not converge.
class DropsCallOnSave final : public genesys::FlowApi {
 public:
  DropsCallOnSave(genesys::FlowApi& inner, std::string flow_id, std::string module)
      : inner_(inner), flow_id_(std::move(flow_id)), module_(std::move(module)) {}
  int dropped = 0;

  genesys::FlowVersionInfo save_version(const std::string& flow_id, const std::string& document) override {
    if (flow_id != flow_id_) return inner_.save_version(flow_id, document);
    auto doc = flowdoc::Document::parse(document, "the document sent");
    for (const auto& call : doc.module_calls())
      if (call.module_name == module_) {
        doc.remove_call(call.action_id);
        ++dropped;
        break;
      }
    return inner_.save_version(flow_id, doc.serialize());
  }

  std::vector<genesys::Flow> list_flows(const genesys::ListFlowsQuery& q) override { return inner_.list_flows(q); }
  genesys::Flow get_flow(const std::string& id) override { return inner_.get_flow(id); }
  std::string latest_configuration(const std::string& id) override { return inner_.latest_configuration(id); }
  std::string version_configuration(const std::string& id, const std::string& v) override {
    return inner_.version_configuration(id, v);
  }
  genesys::Flow checkout(const std::string& id) override { return inner_.checkout(id); }
  genesys::Operation checkin(const std::string& id) override { return inner_.checkin(id); }
  genesys::Operation publish(const std::string& id, const std::string& v) override { return inner_.publish(id, v); }
  genesys::Flow revert(const std::string& id) override { return inner_.revert(id); }
  genesys::Flow unlock(const std::string& id) override { return inner_.unlock(id); }
  genesys::OperationWait wait_for_operation(const std::string& id, const std::string& op,
                                            std::chrono::milliseconds timeout) override {
    return inner_.wait_for_operation(id, op, timeout);
  }
  void pause_for_operation(const std::string& id, const std::string& op) override { inner_.pause_for_operation(id, op); }
  genesys::Organization organization() override { return inner_.organization(); }
  std::vector<genesys::Dependency> consuming_resources(const std::string& id, const std::string& type,
                                                       const std::string& filter) override {
    return inner_.consuming_resources(id, type, filter);
  }
  std::vector<genesys::Dependency> consumed_resources(const std::string& id, const std::string& version,
                                                      const std::string& type) override {
    return inner_.consumed_resources(id, version, type);
  }
  std::string dependency_tracking_status() override { return inner_.dependency_tracking_status(); }
  std::string client_id() const override { return inner_.client_id(); }
  genesys::RequestStats stats() const override { return inner_.stats(); }

 private:
  genesys::FlowApi& inner_;
  std::string flow_id_, module_;
};

}  // namespace

TEST_CASE("a change that does not converge fails verification") {
  OrgFixture org("apply-verify");
  plan::Plan plan = plan_live(org);
  // A flow that needs two calls added; the server will keep only one of them.
  const plan::FlowPlan* victim = nullptr;
  for (const auto& fp : plan.flows)
    if (fp.edits.size() == 2 && fp.edits[0].kind == plan::Edit::Kind::AddCall &&
        fp.edits[1].kind == plan::Edit::Kind::AddCall && fp.edits[0].module_name != fp.edits[1].module_name) {
      victim = &fp;
      break;
    }
  REQUIRE(victim != nullptr);
  const std::string id = victim->flow_id;
  DropsCallOnSave api(*org.api, id, victim->edits.back().module_name);

  apply::ApplyReport report = apply::apply_plan(api, plan, org.desired, apply_options(org));
  INFO(apply::render_apply_text(report));
  CHECK(api.dropped == 1);
  const apply::FlowOutcome* out = outcome_of(report, id);
  REQUIRE(out != nullptr);
  CHECK(out->status == apply::FlowOutcome::Status::Failed);
  CHECK(out->step == "verify");
  CHECK(out->reason.find("verification failed") != std::string::npos);
  CHECK(out->reason.find("still asks for 1 edit(s)") != std::string::npos);
  CHECK(out->reason.find(victim->edits.back().module_name) != std::string::npos);
  CHECK_FALSE(report.ok());
  CHECK(locked_flow_ids(org).empty());
  CHECK(report.count(apply::FlowOutcome::Status::Failed) == 1);

  // The next plan + apply, through a server that keeps what it is sent, finishes the job.
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
  // The publish, sent when a check-in typically ends, is refused while it
  // runs (journalled as refused); then the check-in is waited for, and fails.
  CHECK(join(steps) == "lock-check,checkout,checkout,reread,backup,edit,save,save,publish,checkin,revert,unlock,result");
  CHECK(out->cleanup_errors.empty());  // the unlock worked
}
