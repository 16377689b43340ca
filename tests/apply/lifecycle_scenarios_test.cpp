// The lifecycle scenario matrix, end to end over sockets: the emulator serves
// examples/org, flowlink plans it as `flowlink plan` does (this client's id,
// the work dir's run history) and applies with the real HTTP client. Each
// scenario puts a flow in one lifecycle state (a colleague's checked-in
// draft, a lock held mid-edit, flowlink's own unfinished change, a flow never
// published), then checks the plan's reading of it, what apply did, that the
// published document afterwards is exactly the one before plus the
// manifest's edits (or, when flowlink may publish someone's draft, that draft
// plus the edits), and that nothing else in the org changed.

#include <doctest/doctest.h>

#include <chrono>
#include <functional>
#include <streambuf>
#include <thread>

#include "apply/lifecycle_support.hpp"

using namespace flowlink;
using namespace flowlink::testing;

namespace {

using Status = apply::FlowOutcome::Status;
using plan::DriftCheck;
using plan::FlowAction;
using plan::Note;
using plan::UnpublishedPolicy;

const char* kCall = "Common_Closure_Check";

// Chat_Support_Web lacks the closure call (the plan adds it); Chat_Support_Mobile has it.
const char* kWeb = "Chat_Support_Web";
const char* kMobile = "Chat_Support_Mobile";
const char* kBilling = "Chat_Support_Billing";

std::string render(const apply::ApplyReport& report) { return apply::render_apply_text(report); }

// ---------------------------------------------------------------------------
// (a) published complies, a colleague's checked-in draft does not

TEST_CASE("lifecycle (a): published complies, a colleague's checked-in draft removes the call: nothing is done") {
  OrgFixture org("life-a", closure_manifest({kMobile}).c_str());
  const std::string id = flow_id_named(org, kMobile);
  const std::string published_before = published_text(org, id);
  const std::string draft = without_calls(org.api->latest_configuration(id), kCall);
  colleague_checks_in(org, "alice", id, draft);
  const auto before = org_snapshot(org);

  plan::Plan plan = plan_as_cli(org);
  REQUIRE(plan.flows.size() == 1);
  const plan::FlowPlan& flow = plan.flows[0];
  INFO(notes_of(flow));
  REQUIRE(flow.published);
  REQUIRE(flow.draft);
  CHECK(flow.published->complies);
  CHECK_FALSE(flow.draft->complies);
  CHECK(flow.draft->edits == 1);
  CHECK(flow.draft->stage == plan::DraftState::Stage::CheckedIn);
  CHECK(flow.draft->version == before.at(id).checked_in);
  CHECK(flow.draft->fingerprint == flowdoc::Document::parse(draft, "draft").source_fingerprint());
  REQUIRE(flow.draft->owner);
  CHECK(flow.draft->owner->kind == plan::Actor::Kind::User);
  CHECK(flow.draft->owner->name == "alice");
  CHECK_FALSE(flow.draft->flowlink);
  CHECK(flow.action == FlowAction::None);
  CHECK(flow.edits.empty());
  CHECK(has_note(flow, Note::Kind::ForeignDraft));
  CHECK_FALSE(plan.has_changes());
  CHECK_FALSE(plan::drifted(flow, DriftCheck::Published));
  CHECK(plan::drifted(flow, DriftCheck::Draft));
  CHECK(plan::drifted(flow, DriftCheck::Both));

  apply::ApplyReport report = apply::apply_plan(*org.api, plan, org.desired, scenario_options(org));
  INFO(render(report));
  CHECK(report.ok());
  CHECK(report.count(Status::Unchanged) == 1);
  CHECK(published_text(org, id) == published_before);
  CHECK(org.api->latest_configuration(id) == draft);  // alice's draft stands
  check_unchanged_except(before, org_snapshot(org));
}

// ---------------------------------------------------------------------------
// (b) published does not comply, a colleague's checked-in draft does

struct CompliantDraft {
  std::string id, published_before, draft;
  std::map<std::string, FlowSnapshot> before;
};

CompliantDraft compliant_draft_by_alice(OrgFixture& org) {
  CompliantDraft s;
  s.id = flow_id_named(org, kWeb);
  s.published_before = published_text(org, s.id);
  s.draft = with_marker(compliant_version_of(org, s.id), "alice added the closure check");
  colleague_checks_in(org, "alice", s.id, s.draft);
  s.before = org_snapshot(org);
  return s;
}

void check_compliant_draft_judged(const plan::FlowPlan& flow, const CompliantDraft& s) {
  REQUIRE(flow.published);
  REQUIRE(flow.draft);
  CHECK_FALSE(flow.published->complies);
  CHECK(flow.published->edits == 1);
  CHECK(flow.draft->complies);
  CHECK(flow.draft->fingerprint == flowdoc::Document::parse(s.draft, "draft").source_fingerprint());
  REQUIRE(flow.draft->owner);
  CHECK(flow.draft->owner->name == "alice");
  CHECK(plan::drifted(flow, DriftCheck::Published));
  CHECK_FALSE(plan::drifted(flow, DriftCheck::Draft));
  CHECK(has_note(flow, Note::Kind::ForeignDraft));
}

TEST_CASE("lifecycle (b): published lacks the call, a colleague's draft has it; unpublished: skip holds the flow") {
  OrgFixture org("life-b-skip", closure_manifest({kWeb}).c_str());
  const CompliantDraft s = compliant_draft_by_alice(org);

  plan::Plan plan = plan_as_cli(org);
  const plan::FlowPlan& flow = flow_plan(plan, s.id);
  INFO(notes_of(flow));
  check_compliant_draft_judged(flow, s);
  CHECK(flow.policy == UnpublishedPolicy::Skip);
  CHECK(flow.action == FlowAction::Skip);
  CHECK(flow.status() == plan::FlowPlan::Status::Held);
  CHECK(flow.skip_reason.find("alice") != std::string::npos);

  apply::ApplyReport report = apply::apply_plan(*org.api, plan, org.desired, scenario_options(org));
  INFO(render(report));
  CHECK(outcome_of(report, s.id)->status == Status::SkippedDraft);
  CHECK_FALSE(report.ok());
  CHECK(published_text(org, s.id) == s.published_before);
  CHECK(org.api->latest_configuration(s.id) == s.draft);
  check_unchanged_except(s.before, org_snapshot(org));
}

TEST_CASE("lifecycle (b): published lacks the call, a colleague's draft has it; unpublished: edit-draft leaves it") {
  OrgFixture org("life-b-edit", closure_manifest({kWeb}, "edit-draft").c_str());
  const CompliantDraft s = compliant_draft_by_alice(org);

  plan::Plan plan = plan_as_cli(org);
  const plan::FlowPlan& flow = flow_plan(plan, s.id);
  INFO(notes_of(flow));
  check_compliant_draft_judged(flow, s);
  CHECK(flow.policy == UnpublishedPolicy::EditDraft);
  CHECK(flow.action == FlowAction::None);  // their draft already complies and is theirs to publish
  CHECK(flow.edits.empty());
  CHECK_FALSE(flow.publish);

  apply::ApplyReport report = apply::apply_plan(*org.api, plan, org.desired, scenario_options(org));
  INFO(render(report));
  CHECK(report.ok());
  CHECK(outcome_of(report, s.id)->status == Status::Unchanged);
  CHECK(published_text(org, s.id) == s.published_before);
  check_unchanged_except(s.before, org_snapshot(org));
}

TEST_CASE("lifecycle (b): published lacks the call, a colleague's draft has it; unpublished: publish publishes it as it is") {
  OrgFixture org("life-b-publish", closure_manifest({kWeb}, "publish").c_str());
  const CompliantDraft s = compliant_draft_by_alice(org);

  plan::Plan plan = plan_as_cli(org);
  const plan::FlowPlan& flow = flow_plan(plan, s.id);
  INFO(notes_of(flow));
  check_compliant_draft_judged(flow, s);
  CHECK(flow.policy == UnpublishedPolicy::Publish);
  CHECK(flow.action == FlowAction::PublishDraft);
  CHECK(flow.basis == plan::Basis::Draft);
  CHECK(flow.fingerprint == flow.draft->fingerprint);  // what apply will insist on
  CHECK(flow.edits.empty());

  apply::ApplyReport report = apply::apply_plan(*org.api, plan, org.desired, scenario_options(org));
  INFO(render(report));
  CHECK(report.ok());
  const apply::FlowOutcome* out = outcome_of(report, s.id);
  CHECK(out->status == Status::Applied);
  CHECK(out->published);
  // What callers run is alice's draft, byte for byte (draft + no edits).
  CHECK(published_text(org, s.id) == s.draft);
  auto after = org_snapshot(org);
  CHECK(after.at(s.id).published == s.before.at(s.id).checked_in);
  CHECK(after.at(s.id).lock.empty());
  CHECK(versions_by_client(org, s.id, org.api->client_id()) == 0);  // nothing of ours was saved
  check_unchanged_except(s.before, after, {s.id});
  CHECK_FALSE(plan::drifted(flow_plan(plan_as_cli(org), s.id), DriftCheck::Both));
}

TEST_CASE("lifecycle (b): unpublished: publish refuses a compliant draft that changed after the plan") {
  OrgFixture org("life-b-publish-stale", closure_manifest({kWeb}, "publish").c_str());
  const CompliantDraft s = compliant_draft_by_alice(org);
  plan::Plan plan = plan_as_cli(org);
  REQUIRE(flow_plan(plan, s.id).action == FlowAction::PublishDraft);

  // Alice goes on working after the plan: a new checked-in version.
  org.control->act_as_checkout("alice", s.id);
  const std::string second = with_marker(s.draft, "alice's second thoughts");
  colleague_checks_in(org, "alice", s.id, second);
  const auto before = org_snapshot(org);

  apply::ApplyReport report = apply::apply_plan(*org.api, plan, org.desired, scenario_options(org));
  INFO(render(report));
  const apply::FlowOutcome* out = outcome_of(report, s.id);
  CHECK(out->status == Status::SkippedStale);
  CHECK_FALSE(out->published);
  CHECK(published_text(org, s.id) == s.published_before);
  CHECK(org.api->latest_configuration(s.id) == second);
  check_unchanged_except(before, org_snapshot(org));
}

// ---------------------------------------------------------------------------
// (c) a checked-in draft by another user (which needs the call too), under each policy

struct ForeignDraft {
  std::string id, published_before, draft;
  std::map<std::string, FlowSnapshot> before;
};

ForeignDraft noncompliant_draft_by_alice(OrgFixture& org) {
  ForeignDraft s;
  s.id = flow_id_named(org, kWeb);
  s.published_before = published_text(org, s.id);
  s.draft = with_marker(org.api->latest_configuration(s.id), "alice reworded the greeting");
  colleague_checks_in(org, "alice", s.id, s.draft);
  s.before = org_snapshot(org);
  return s;
}

TEST_CASE("lifecycle (c): someone's checked-in draft, unpublished: skip: held, nothing changes anywhere") {
  OrgFixture org("life-c-skip", closure_manifest({kWeb, kBilling}).c_str());
  const ForeignDraft s = noncompliant_draft_by_alice(org);
  const std::string billing = flow_id_named(org, kBilling);

  plan::Plan plan = plan_as_cli(org);
  const plan::FlowPlan& flow = flow_plan(plan, s.id);
  INFO(notes_of(flow));
  REQUIRE(flow.draft);
  CHECK_FALSE(flow.draft->complies);
  CHECK_FALSE(flow.published->complies);
  CHECK(flow.action == FlowAction::Skip);
  CHECK(flow.skip_reason.find("alice") != std::string::npos);
  CHECK(has_note(flow, Note::Kind::ForeignDraft));
  CHECK(flow_plan(plan, billing).action == FlowAction::Edit);
  const auto basis = basis_documents(org, plan);
  const auto expected = expected_documents(plan, basis);
  CHECK(expected.count(s.id) == 0);

  apply::ApplyReport report = apply::apply_plan(*org.api, plan, org.desired, scenario_options(org));
  INFO(render(report));
  const apply::FlowOutcome* out = outcome_of(report, s.id);
  CHECK(out->status == Status::SkippedDraft);
  CHECK(out->reason.find("alice") != std::string::npos);
  CHECK(report.exit_code() != 0);
  CHECK(published_text(org, s.id) == s.published_before);
  CHECK(org.api->latest_configuration(s.id) == s.draft);
  // The flow without a draft is applied as usual: its published document is the old one + the edits.
  CHECK(outcome_of(report, billing)->status == Status::Applied);
  CHECK(published_text(org, billing) == expected.at(billing));
  check_unchanged_except(s.before, org_snapshot(org), {billing});
  CHECK(locked_flow_ids(org).empty());
}

TEST_CASE("lifecycle (c): someone's checked-in draft, unpublished: edit-draft: edited and checked in, not published") {
  OrgFixture org("life-c-edit", closure_manifest({kWeb}, "edit-draft").c_str());
  const ForeignDraft s = noncompliant_draft_by_alice(org);

  plan::Plan plan = plan_as_cli(org);
  const plan::FlowPlan& flow = flow_plan(plan, s.id);
  INFO(notes_of(flow));
  CHECK(flow.action == FlowAction::Edit);
  CHECK(flow.basis == plan::Basis::Draft);
  CHECK_FALSE(flow.publish);
  CHECK(flow.fingerprint == flowdoc::Document::parse(s.draft, "draft").source_fingerprint());
  REQUIRE(flow.edits.size() == 1);
  const std::string expected = expected_documents(plan, basis_documents(org, plan)).at(s.id);
  CHECK(expected == with_edits(s.draft, flow, flowdoc::sequential_id_source(kApplyIdPrefix)));

  apply::ApplyReport report = apply::apply_plan(*org.api, plan, org.desired, scenario_options(org));
  INFO(render(report));
  CHECK(report.ok());
  const apply::FlowOutcome* out = outcome_of(report, s.id);
  CHECK(out->status == Status::Applied);
  CHECK_FALSE(out->published);
  CHECK(out->pending_publish);

  // Callers still run the old published version, byte for byte.
  CHECK(published_text(org, s.id) == s.published_before);
  auto after = org_snapshot(org);
  CHECK(after.at(s.id).published == s.before.at(s.id).published);
  CHECK(after.at(s.id).lock.empty());
  CHECK(after.at(s.id).saved.empty());
  // The new checked-in version is alice's draft + the manifest's edits, and ours.
  REQUIRE(after.at(s.id).checked_in == out->version_after);
  CHECK(after.at(s.id).checked_in != s.before.at(s.id).checked_in);
  CHECK(org.api->version_configuration(s.id, after.at(s.id).checked_in) == expected);
  CHECK(versions_by_client(org, s.id, org.api->client_id()) == 1);
  check_unchanged_except(s.before, after, {s.id});

  // Planned again: flowlink's change waits for a person to publish it; nothing to do.
  plan::Plan again = plan_as_cli(org);
  const plan::FlowPlan& now = flow_plan(again, s.id);
  INFO(notes_of(now));
  REQUIRE(now.draft);
  CHECK(now.draft->flowlink);
  CHECK(now.draft->complies);
  CHECK_FALSE(now.draft->publish_intended);
  CHECK(now.action == FlowAction::None);
  CHECK(has_note(now, Note::Kind::AwaitingPublish));
  CHECK(plan::drifted(now, DriftCheck::Published));  // callers do not run it yet
  CHECK_FALSE(plan::drifted(now, DriftCheck::Draft));
}

TEST_CASE("lifecycle (c): someone's checked-in draft, unpublished: publish: published as their draft + the edits") {
  OrgFixture org("life-c-publish", closure_manifest({kWeb}, "publish").c_str());
  const ForeignDraft s = noncompliant_draft_by_alice(org);

  plan::Plan plan = plan_as_cli(org);
  const plan::FlowPlan& flow = flow_plan(plan, s.id);
  INFO(notes_of(flow));
  CHECK(flow.action == FlowAction::Edit);
  CHECK(flow.basis == plan::Basis::Draft);
  CHECK(flow.publish);
  REQUIRE(flow.draft);
  // The draft's fingerprint is recorded: apply publishes exactly that work or nothing.
  const std::string draft_fingerprint = flowdoc::Document::parse(s.draft, "draft").source_fingerprint();
  CHECK(flow.draft->fingerprint == draft_fingerprint);
  CHECK(flow.fingerprint == draft_fingerprint);
  CHECK(flow.observed_version == s.before.at(s.id).checked_in);
  const std::string expected = expected_documents(plan, basis_documents(org, plan)).at(s.id);
  CHECK(expected == with_edits(s.draft, flow, flowdoc::sequential_id_source(kApplyIdPrefix)));

  apply::ApplyReport report = apply::apply_plan(*org.api, plan, org.desired, scenario_options(org));
  INFO(render(report));
  CHECK(report.ok());
  const apply::FlowOutcome* out = outcome_of(report, s.id);
  CHECK(out->status == Status::Applied);
  CHECK(out->published);
  CHECK(published_text(org, s.id) == expected);
  auto after = org_snapshot(org);
  CHECK(after.at(s.id).published == out->version_after);
  CHECK(after.at(s.id).lock.empty());
  check_unchanged_except(s.before, after, {s.id});
  plan::Plan again = plan_as_cli(org);
  CHECK_FALSE(again.has_changes());
  CHECK_FALSE(again.has_drift(DriftCheck::Both));
}

TEST_CASE("lifecycle (c): unpublished: publish refuses a draft that changed between plan and apply") {
  OrgFixture org("life-c-publish-stale", closure_manifest({kWeb}, "publish").c_str());
  const ForeignDraft s = noncompliant_draft_by_alice(org);
  plan::Plan plan = plan_as_cli(org);
  REQUIRE(flow_plan(plan, s.id).action == FlowAction::Edit);

  org.control->act_as_checkout("alice", s.id);
  const std::string second = with_marker(s.draft, "alice changed her mind");
  colleague_checks_in(org, "alice", s.id, second);
  const auto before = org_snapshot(org);

  apply::ApplyReport report = apply::apply_plan(*org.api, plan, org.desired, scenario_options(org));
  INFO(render(report));
  const apply::FlowOutcome* out = outcome_of(report, s.id);
  CHECK(out->status == Status::SkippedStale);
  CHECK(out->step == "reread");
  CHECK(out->saved_version.empty());
  CHECK(published_text(org, s.id) == s.published_before);
  CHECK(org.api->latest_configuration(s.id) == second);
  check_unchanged_except(before, org_snapshot(org));
  CHECK(versions_by_client(org, s.id, org.api->client_id()) == 0);
}

// ---------------------------------------------------------------------------
// (d) a user holding the lock mid-edit (checked out, saved, not checked in)

TEST_CASE("lifecycle (d): a flow someone holds mid-edit is left alone under every policy") {
  UnpublishedPolicy policy = UnpublishedPolicy::Skip;
  SUBCASE("skip") { policy = UnpublishedPolicy::Skip; }
  SUBCASE("edit-draft") { policy = UnpublishedPolicy::EditDraft; }
  SUBCASE("publish") { policy = UnpublishedPolicy::Publish; }
  CAPTURE(plan::to_string(policy));

  OrgFixture org("life-d", closure_manifest({kWeb}).c_str());
  const std::string id = flow_id_named(org, kWeb);
  const std::string published_before = published_text(org, id);
  org.control->act_as_checkout("bob", id);
  const std::string bobs = with_marker(org.api->latest_configuration(id), "bob is half-way through");
  const std::string bob_version = org.control->act_as_save("bob", id, bobs).at("id");
  const auto before = org_snapshot(org);
  REQUIRE(before.at(id).saved == bob_version);
  REQUIRE(before.at(id).lock.rfind("user ", 0) == 0);

  plan::Plan plan = plan_as_cli(org, policy);
  const plan::FlowPlan& flow = flow_plan(plan, id);
  INFO(notes_of(flow));
  REQUIRE(flow.lock);
  CHECK(flow.lock->holder.name == "bob");
  CHECK(flow.lock->flowlink == plan::LockState::Flowlink::No);
  CHECK(has_note(flow, Note::Kind::ForeignLock));
  REQUIRE(flow.draft);
  CHECK(flow.draft->stage == plan::DraftState::Stage::Saved);
  CHECK(flow.draft->version == bob_version);

  apply::ApplyReport report = apply::apply_plan(*org.api, plan, org.desired, scenario_options(org));
  INFO(render(report));
  const apply::FlowOutcome* out = outcome_of(report, id);
  CHECK_FALSE(report.ok());
  if (policy == UnpublishedPolicy::Skip) {
    CHECK(out->status == Status::SkippedDraft);  // held by the draft before the lock is even looked at
  } else {
    CHECK(out->status == Status::SkippedLocked);
    CHECK(out->reason.find("bob") != std::string::npos);
  }
  CHECK(out->saved_version.empty());
  // Bob's lock and draft are untouched; callers run what they ran.
  auto locks = org.control->locks();
  REQUIRE(locks.size() == 1);
  CHECK(locks[0].at("flowId") == id);
  CHECK(locks[0].at("lockedBy") == "bob");
  CHECK(org.api->latest_configuration(id) == bobs);
  CHECK(published_text(org, id) == published_before);
  check_unchanged_except(before, org_snapshot(org));
}

// ---------------------------------------------------------------------------
// (e) flowlink's own pending draft (an apply whose publish failed)

TEST_CASE("lifecycle (e): flowlink's own checked-in, unpublished change is resumed by the next apply") {
  OrgFixture org("life-e", closure_manifest({kWeb, kBilling}).c_str());
  const std::string web = flow_id_named(org, kWeb);
  const std::string billing = flow_id_named(org, kBilling);
  const std::string web_published_before = published_text(org, web);

  plan::Plan first_plan = plan_as_cli(org);
  REQUIRE(flow_plan(first_plan, web).action == FlowAction::Edit);
  const auto expected = expected_documents(first_plan, basis_documents(org, first_plan));
  const auto before = org_snapshot(org);

  org.control->configure({{"fail_publish", {web}}});
  apply::ApplyReport first = apply::apply_plan(*org.api, first_plan, org.desired, scenario_options(org));
  org.control->configure({{"fail_publish", nlohmann::json::array()}});
  INFO(render(first));
  const apply::FlowOutcome* failed = outcome_of(first, web);
  CHECK(failed->status == Status::Failed);
  CHECK(failed->step == "publish");
  REQUIRE_FALSE(failed->saved_version.empty());
  CHECK(outcome_of(first, billing)->status == Status::Applied);
  CHECK(locked_flow_ids(org).empty());
  // Checked in (ours), not published.
  auto mid = org_snapshot(org);
  CHECK(mid.at(web).published == before.at(web).published);
  CHECK(mid.at(web).checked_in == failed->saved_version);
  CHECK(org.api->version_configuration(web, failed->saved_version) == expected.at(web));
  CHECK(published_text(org, web) == web_published_before);

  plan::Plan second_plan = plan_as_cli(org);
  const plan::FlowPlan& pending = flow_plan(second_plan, web);
  INFO(notes_of(pending));
  REQUIRE(pending.draft);
  CHECK(pending.draft->flowlink);
  CHECK(pending.draft->run_id == first.run_id);
  CHECK(pending.draft->publish_intended);
  CHECK(pending.draft->complies);
  CHECK(pending.draft->version == failed->saved_version);
  CHECK(has_note(pending, Note::Kind::FlowlinkPending));
  CHECK((pending.action == FlowAction::Resume || pending.action == FlowAction::Edit));
  CHECK(pending.publish);
  CHECK(plan::drifted(pending, DriftCheck::Published));
  CHECK(second_plan.has_drift());
  CHECK(flow_plan(second_plan, billing).action == FlowAction::None);

  apply::ApplyReport second = apply::apply_plan(*org.api, second_plan, org.desired, scenario_options(org));
  INFO(render(second));
  CHECK(second.ok());
  const apply::FlowOutcome* resumed = outcome_of(second, web);
  CHECK(resumed->status == Status::Applied);
  CHECK(resumed->published);
  // What went live is the old published document + the manifest's edits, the version the first run saved.
  CHECK(published_text(org, web) == expected.at(web));
  CHECK(published_text(org, billing) == expected.at(billing));
  auto after = org_snapshot(org);
  CHECK(after.at(web).published == failed->saved_version);
  CHECK(versions_by_client(org, web, org.api->client_id()) == 1);  // saved once, in the first run
  CHECK(locked_flow_ids(org).empty());
  check_unchanged_except(before, after, {web, billing});

  plan::Plan third = plan_as_cli(org);
  CHECK_FALSE(third.has_changes());
  CHECK_FALSE(third.has_drift(DriftCheck::Both));
  CHECK_FALSE(has_note(flow_plan(third, web), Note::Kind::FlowlinkPending));
}

// ---------------------------------------------------------------------------
// (f) a flow never published: its only version is a colleague's checked-in draft

struct NeverPublished {
  std::string id, draft;
  std::map<std::string, FlowSnapshot> before;
};

NeverPublished never_published_flow(OrgFixture& org, const std::string& name) {
  NeverPublished s;
  // Created (through the API, by this client: Architect hands it over checked
  // out), released by an admin, then alice saves its first version and checks it in.
  s.id = create_flow(org, name, "inboundchat");
  org.control->act_as_unlock("admin", s.id);
  auto document = nlohmann::ordered_json::parse(published_text(org, flow_id_named(org, kWeb)));
  document["name"] = name;
  s.draft = document.dump();
  colleague_checks_in(org, "alice", s.id, s.draft);
  s.before = org_snapshot(org);
  REQUIRE(s.before.at(s.id).published.empty());
  REQUIRE_FALSE(s.before.at(s.id).checked_in.empty());
  return s;
}

TEST_CASE("lifecycle (f): a flow never published, a colleague's checked-in draft") {
  UnpublishedPolicy policy = UnpublishedPolicy::Skip;
  SUBCASE("skip") { policy = UnpublishedPolicy::Skip; }
  SUBCASE("edit-draft") { policy = UnpublishedPolicy::EditDraft; }
  SUBCASE("publish") { policy = UnpublishedPolicy::Publish; }
  CAPTURE(plan::to_string(policy));

  const std::string name = "Chat_Support_Kiosk";
  OrgFixture org("life-f", closure_manifest({name}).c_str());
  const NeverPublished s = never_published_flow(org, name);

  plan::Plan plan = plan_as_cli(org, policy);
  REQUIRE(plan.errors.empty());
  const plan::FlowPlan& flow = flow_plan(plan, s.id);
  INFO(notes_of(flow));
  CHECK(flow.errors.empty());
  CHECK_FALSE(flow.published);
  REQUIRE(flow.draft);
  CHECK_FALSE(flow.draft->complies);
  CHECK(flow.draft->owner->name == "alice");
  CHECK(has_note(flow, Note::Kind::NeverPublished));
  CHECK(plan::drifted(flow, DriftCheck::Published));  // judged by its draft: it is all there is
  const auto expected = expected_documents(plan, basis_documents(org, plan));

  apply::ApplyReport report = apply::apply_plan(*org.api, plan, org.desired, scenario_options(org));
  INFO(render(report));
  const apply::FlowOutcome* out = outcome_of(report, s.id);
  auto after = org_snapshot(org);
  CHECK(after.at(s.id).published.empty());  // someone's first version never goes live through flowlink
  CHECK(after.at(s.id).lock.empty());
  if (policy == UnpublishedPolicy::Skip) {
    CHECK(flow.action == FlowAction::Skip);
    CHECK(out->status == Status::SkippedDraft);
    check_unchanged_except(s.before, after);
    CHECK(org.api->latest_configuration(s.id) == s.draft);
  } else {
    CHECK(flow.action == FlowAction::Edit);
    CHECK_FALSE(flow.publish);
    CHECK(out->status == Status::Applied);
    CHECK_FALSE(out->published);
    CHECK(out->pending_publish);
    REQUIRE(expected.count(s.id) == 1);
    CHECK(expected.at(s.id) == with_edits(s.draft, flow, flowdoc::sequential_id_source(kApplyIdPrefix)));
    CHECK(after.at(s.id).checked_in == out->version_after);
    CHECK(org.api->version_configuration(s.id, after.at(s.id).checked_in) == expected.at(s.id));
    check_unchanged_except(s.before, after, {s.id});
    // Nothing more to do until someone publishes it.
    plan::Plan again = plan_as_cli(org, policy);
    const plan::FlowPlan& now = flow_plan(again, s.id);
    INFO(notes_of(now));
    CHECK(now.action == FlowAction::None);
    CHECK_FALSE(again.has_changes());
  }
}

}  // namespace
