#pragma once
// Plans for the renderer and JSON tests: one with every kind of edit line,
// made by the real planner (in its export-directory form), one by hand with
// every lifecycle case (published, drafts, locks, notes, each action), and one
// made by the real planner with modules that must be current (republish).

#include "plan_test_support.hpp"

namespace plantest {

// The export-directory form of a planned plan: one document per flow, no
// lifecycle, so the renderer tests do not depend on how the planner reads
// ObservedFlow's version fields; apply edits a flow that needs edits.
inline flowlink::plan::Plan export_dir_form(flowlink::plan::Plan plan) {
  for (auto& flow : plan.flows) {
    flow.published.reset();
    flow.draft.reset();
    flow.lock.reset();
    flow.notes.clear();
    flow.basis = flowlink::plan::Basis::Published;
    flow.skip_reason.clear();
    flow.action = flow.errors.empty() && !flow.edits.empty() ? flowlink::plan::FlowAction::Edit
                                                             : flowlink::plan::FlowAction::None;
  }
  return plan;
}

// Flows:
//   Inbound_Support_Main: validation misplaced with stale bindings (update +
//     move), logging missing (add), an Old_Module call (remove).
//   Billing|<Main>: validation twice at the start (duplicate finding), logging
//     missing (add).
//   Quiet: everything in place (unchanged).
//   Unreadable: no document (error).
// Plan-wide: a rule ensures a module that does not exist.
inline flowlink::plan::Plan sample_plan() {
  auto validation = ensure("validation", at_start(), {{"Common.CallerAni", "Call.Ani"}});
  validation.move = true;
  auto state = desired({rule("support", "*", {validation, ensure("logging", at_task("Billing"))}, {"old"}),
                        rule("ghostly", "Nothing*", {ensure("ghost", at_start())})});
  state.modules["ghost"] = {"ghost", "Ghost_Module", std::nullopt, false, {}};

  std::vector<ObservedFlow> flows;
  flows.push_back(support_flow({call("c-old", 50, kOldId, kOldName)},
                               {call("c-val", 51, kValidationId, kValidationName, {{"Common.CallerAni", "x"}})}));
  flows.push_back(observed("id-billing", "Billing|<Main>", "inboundcall",
                           support_flow_json({call("b-1", 50, kValidationId, kValidationName, {{"Common.CallerAni", "Call.Ani"}}),
                                              call("b-2", 51, kValidationId, kValidationName,
                                                   {{"Common.CallerAni", "Call.Ani"}})})));
  Json quiet = flow_json(
      "Quiet", "inboundcall",
      {TaskSpec{"q-main", "Main",
                {call("q-1", 50, kValidationId, kValidationName, {{"Common.CallerAni", "Call.Ani"}}), action("q-2", "Play", 1)}},
       TaskSpec{"q-billing", "Billing", {call("q-3", 51, kLoggingId, kLoggingName), action("q-4", "Play", 2)}}});
  flows.push_back(observed("id-quiet", "Quiet", "inboundcall", quiet));
  ObservedFlow unreadable;
  unreadable.id = "id-unreadable";
  unreadable.name = "Unreadable";
  unreadable.type = "inboundcall";
  unreadable.load_error = "not base64";
  flows.push_back(unreadable);
  return export_dir_form(flowlink::plan::make_plan(state, with_modules(flows), options()));
}

// --- the lifecycle, by hand ---------------------------------------------------

inline flowlink::plan::Edit add_logging_edit(std::string rule_name = "support") {
  flowlink::plan::Edit edit;
  edit.kind = flowlink::plan::Edit::Kind::AddCall;
  edit.rule = std::move(rule_name);
  edit.module_key = "logging";
  edit.module_id = kLoggingId;
  edit.module_name = kLoggingName;
  edit.action_name = std::string("Call ") + kLoggingName;
  edit.placement = at_task("Billing");
  edit.insertion.kind = flowlink::flowdoc::InsertionPoint::Kind::TaskStart;
  edit.insertion.task_name = "Billing";
  edit.position_description = "first in task 'Billing'";
  edit.inputs = {{"Common.Message", "\"hello\""}};
  edit.reason = "missing";
  return edit;
}

inline flowlink::plan::Edit update_validation_edit() {
  flowlink::plan::Edit edit;
  edit.kind = flowlink::plan::Edit::Kind::UpdateCall;
  edit.rule = "support";
  edit.module_key = "validation";
  edit.module_id = kValidationId;
  edit.module_name = kValidationName;
  edit.action_id = "c-val";
  edit.action_name = std::string("Call ") + kValidationName;
  edit.position_description = "first in task 'Main'";
  edit.inputs = {{"Common.CallerAni", "Call.Ani"}};
  edit.changes = {{"inputs.Common.CallerAni", std::string("x"), std::string("Call.Ani")}};
  edit.reason = "inputs differ";
  return edit;
}

inline flowlink::plan::Actor user(std::string name, std::string id) {
  return {flowlink::plan::Actor::Kind::User, std::move(id), std::move(name)};
}
inline flowlink::plan::Actor client(std::string name, std::string id) {
  return {flowlink::plan::Actor::Kind::Client, std::move(id), std::move(name)};
}

inline std::string hex64(char c) { return std::string(64, c); }

inline flowlink::plan::PublishedState published(std::string version, bool complies, int edits, std::string date,
                                                char fingerprint) {
  flowlink::plan::PublishedState p;
  p.version = std::move(version);
  p.fingerprint = hex64(fingerprint);
  p.complies = complies;
  p.edits = edits;
  p.date = std::move(date);
  return p;
}

inline flowlink::plan::DraftState draft(std::string version, flowlink::plan::DraftState::Stage stage,
                                        std::optional<flowlink::plan::Actor> owner, std::string since, bool complies,
                                        int edits, char fingerprint) {
  flowlink::plan::DraftState d;
  d.version = std::move(version);
  d.fingerprint = hex64(fingerprint);
  d.stage = stage;
  d.owner = std::move(owner);
  d.since = std::move(since);
  d.complies = complies;
  d.edits = edits;
  return d;
}

inline flowlink::plan::FlowPlan lifecycle_flow(std::string id, std::string name) {
  flowlink::plan::FlowPlan flow;
  flow.flow_id = std::move(id);
  flow.flow_name = std::move(name);
  flow.flow_type = "inboundcall";
  flow.rules = {"support"};
  return flow;
}

inline constexpr const char* kAliceSince = "2026-11-20T09:12:00.000Z";
inline constexpr const char* kPublishedDate = "2026-11-02T10:00:00.000Z";
inline constexpr const char* kInterruptedRun = "20261121T101500Z-7f3a";

// A plan read from an org, one flow per lifecycle case (sorted by name):
//   A_Edit_Published   edit the published version (no draft): change
//   B_Held             Alice's checked-in draft in the way (unpublished: skip): held
//   C_Edit_Draft       edit ci-bot's saved draft, check in, no publish (edit-draft): change
//   D_Also_Publishes   edit Alice's draft and publish it (unpublished: publish): change
//   E_Publish_Draft    Carol's draft already complies: publish it as it is: change
//   F_Resume           flowlink's own saved draft from an interrupted run, locked by it: change
//   G_Colleague_Draft  published complies, Dave's draft does not, Bob holds the lock: unchanged, notes
//   H_Never_Published  only Erin's compliant draft: unchanged, a note
//   I_Other_Run        locked by another flowlink run still going: drift
//   J_Quiet            published complies, nothing pending: unchanged, hidden
//   K_Client_Lock      locked by flowlink's client, no run known: unchanged, a note
inline flowlink::plan::Plan lifecycle_plan() {
  using namespace flowlink::plan;
  using Stage = DraftState::Stage;
  Plan plan;
  plan.flowlink_version = "0.0.0-test";
  plan.source = "https://api.mypurecloud.ie";
  plan.org_id = "0f0e0d0c-0000-4000-8000-00000000beef";
  plan.org_name = "Acme Contact Center";
  plan.manifest_files = {"manifests/flowlink.yaml"};
  plan.manifest_fingerprint = hex64('e');

  FlowPlan a = lifecycle_flow("id-a", "A_Edit_Published");
  a.observed_version = "3.0";
  a.fingerprint = hex64('a');
  a.published = published("3.0", false, 1, kPublishedDate, 'a');
  a.action = FlowAction::Edit;
  a.publish = true;
  a.edits = {add_logging_edit()};
  plan.flows.push_back(a);

  FlowPlan b = lifecycle_flow("id-b", "B_Held");
  b.observed_version = "3.0";
  b.fingerprint = hex64('b');
  b.published = published("3.0", false, 1, kPublishedDate, 'b');
  b.draft = draft("4.0", Stage::CheckedIn, user("Alice", "user-alice"), kAliceSince, false, 2, 'c');
  b.notes = {{Note::Kind::ForeignDraft, "checked in by Alice (user) at 2026-11-20T09:12:00.000Z, unpublished"}};
  b.action = FlowAction::Skip;
  b.publish = true;
  b.skip_reason = "Alice (user) has an unpublished check-in, version 4.0 from 2026-11-20T09:12:00.000Z (unpublished: skip)";
  b.edits = {add_logging_edit()};
  plan.flows.push_back(b);

  FlowPlan c = lifecycle_flow("id-c", "C_Edit_Draft");
  c.observed_version = "5.0";
  c.fingerprint = hex64('d');
  c.published = published("4.0", false, 1, kPublishedDate, 'e');
  c.draft = draft("5.0", Stage::Saved, client("ci-bot", "client-ci"), kAliceSince, false, 1, 'd');
  c.notes = {{Note::Kind::ForeignDraft, "saved by ci-bot (client) at 2026-11-20T09:12:00.000Z, unpublished"}};
  c.basis = Basis::Draft;
  c.policy = UnpublishedPolicy::EditDraft;
  c.action = FlowAction::Edit;
  c.publish = false;
  c.edits = {add_logging_edit()};
  plan.flows.push_back(c);

  FlowPlan d = lifecycle_flow("id-d", "D_Also_Publishes");
  d.observed_version = "4.0";
  d.fingerprint = hex64('f');
  d.published = published("3.0", false, 1, kPublishedDate, '0');
  d.draft = draft("4.0", Stage::CheckedIn, user("Alice", "user-alice"), kAliceSince, false, 1, 'f');
  d.notes = {{Note::Kind::ForeignDraft, "checked in by Alice (user) at 2026-11-20T09:12:00.000Z, unpublished"}};
  d.basis = Basis::Draft;
  d.policy = UnpublishedPolicy::Publish;
  d.action = FlowAction::Edit;
  d.publish = true;
  d.edits = {update_validation_edit()};
  plan.flows.push_back(d);

  FlowPlan e = lifecycle_flow("id-e", "E_Publish_Draft");
  e.observed_version = "7.0";
  e.fingerprint = hex64('1');
  e.published = published("6.0", false, 1, "", '2');
  e.draft = draft("7.0", Stage::CheckedIn, user("Carol", "user-carol"), "2026-11-19T08:00:00.000Z", true, 0, '1');
  e.notes = {{Note::Kind::ForeignDraft, "checked in by Carol (user) at 2026-11-19T08:00:00.000Z, unpublished"}};
  e.basis = Basis::Draft;
  e.policy = UnpublishedPolicy::Publish;
  e.action = FlowAction::PublishDraft;
  e.publish = true;
  plan.flows.push_back(e);

  FlowPlan f = lifecycle_flow("id-f", "F_Resume");
  f.observed_version = "9.0";
  f.fingerprint = hex64('3');
  f.published = published("8.0", false, 1, kPublishedDate, '4');
  f.draft = draft("9.0", Stage::Saved, client("flowlink-ci", "client-flowlink"), "2026-11-21T10:15:02.000Z", true, 0, '3');
  f.draft->flowlink = true;
  f.draft->run_id = kInterruptedRun;
  f.draft->publish_intended = true;
  f.lock = LockState{client("flowlink-ci", "client-flowlink"), LockState::Flowlink::InterruptedRun, kInterruptedRun};
  f.notes = {{Note::Kind::FlowlinkPending, "flowlink's own change saved but not published (run 20261121T101500Z-7f3a)"},
             {Note::Kind::FlowlinkLock, "locked by flowlink (an interrupted run 20261121T101500Z-7f3a)"}};
  f.basis = Basis::Draft;
  f.action = FlowAction::Resume;
  f.publish = true;
  plan.flows.push_back(f);

  FlowPlan g = lifecycle_flow("id-g", "G_Colleague_Draft");
  g.observed_version = "2.0";
  g.fingerprint = hex64('5');
  g.published = published("2.0", true, 0, kPublishedDate, '5');
  g.draft = draft("3.0", Stage::CheckedIn, user("Dave", "user-dave"), "2026-11-18T07:00:00.000Z", false, 1, '6');
  g.draft->findings = 1;
  g.lock = LockState{user("Bob", "user-bob"), LockState::Flowlink::No, ""};
  g.notes = {{Note::Kind::ForeignDraft, "checked in by Dave (user) at 2026-11-18T07:00:00.000Z, unpublished"},
             {Note::Kind::ForeignLock, "locked by Bob (user)"}};
  plan.flows.push_back(g);

  FlowPlan h = lifecycle_flow("id-h", "H_Never_Published");
  h.observed_version = "1.0";
  h.fingerprint = hex64('7');
  h.draft = draft("1.0", Stage::Saved, user("Erin", "user-erin"), "2026-11-17T06:00:00.000Z", true, 0, '7');
  h.notes = {{Note::Kind::NeverPublished, "never published"}};
  h.basis = Basis::Draft;
  plan.flows.push_back(h);

  FlowPlan i = lifecycle_flow("id-i", "I_Other_Run");
  i.observed_version = "2.0";
  i.fingerprint = hex64('8');
  i.published = published("2.0", false, 1, kPublishedDate, '8');
  i.lock = LockState{client("flowlink-ci", "client-flowlink"), LockState::Flowlink::RunningRun, "20261122T080000Z-0c1d"};
  i.notes = {{Note::Kind::FlowlinkLock, "locked by another flowlink run still going (20261122T080000Z-0c1d)"}};
  i.edits = {add_logging_edit()};
  plan.flows.push_back(i);

  FlowPlan j = lifecycle_flow("id-j", "J_Quiet");
  j.observed_version = "2.0";
  j.fingerprint = hex64('9');
  j.published = published("2.0", true, 0, kPublishedDate, '9');
  plan.flows.push_back(j);

  FlowPlan k = lifecycle_flow("id-k", "K_Client_Lock");
  k.observed_version = "2.0";
  k.fingerprint = hex64('b');
  k.published = published("2.0", true, 0, kPublishedDate, 'b');
  k.lock = LockState{client("flowlink-ci", "client-flowlink"), LockState::Flowlink::Unknown, ""};
  k.notes = {{Note::Kind::ForeignLock, "locked by flowlink-ci (client), a run this work dir does not know"}};
  plan.flows.push_back(k);
  return plan;
}

// --- modules that must be current (republish), by the real planner -------------

inline constexpr const char* kModulePublished = "2026-11-20T09:00:00.000Z";  // the validation module, v3.0
inline constexpr const char* kConsumerPublished = "2026-11-01T10:00:00.000Z";  // every consumer, before it

// The flow as read from an org: published at `date`, optionally with a draft
// above it (whose document is the published one's unless given).
inline ObservedFlow with_lifecycle(ObservedFlow flow, std::string version, std::string date,
                                   std::optional<flowlink::plan::ObservedDraft> draft = std::nullopt) {
  flowlink::plan::ObservedLifecycle life;
  life.published_version = version;
  life.published_date = std::move(date);
  if (draft && !draft->document) draft->document = flow.document;
  life.draft = std::move(draft);
  flow.version = std::move(version);
  flow.lifecycle = std::move(life);
  return flow;
}

inline flowlink::plan::ObservedDraft colleague_draft(std::string version, flowlink::plan::DraftState::Stage stage,
                                                     flowlink::plan::Actor owner, std::string since) {
  flowlink::plan::ObservedDraft d;
  d.version = std::move(version);
  d.stage = stage;
  d.owner = std::move(owner);
  d.since = std::move(since);
  return d;
}

// A consumer: the validation call first in 'Main' (its CallerAni input as
// given), and, with `logging`, the logging call first in 'Billing'.
inline Json consumer_json(const std::string& name, const std::string& caller_ani, bool logging) {
  std::vector<Act> billing;
  if (logging) billing.push_back(call(name + "-log", 52, kLoggingId, kLoggingName, {{"Common.Message", "\"hello\""}}));
  billing.push_back(action(name + "-play-billing", "Play Billing", 2));
  return flow_json(name, "inboundcall",
                   {TaskSpec{name + "-main", "Main",
                             {call(name + "-val", 51, kValidationId, kValidationName, {{"Common.CallerAni", caller_ani}}),
                              action(name + "-play", "Play Welcome", 1)}},
                    TaskSpec{name + "-billing", "Billing", std::move(billing)}});
}

// Rule 'support-validation' (Inbound_*, unpublished: skip) and rule
// 'queue-validation' (Queue_*, unpublished: edit-draft) want the validation
// module current (published 2026-11-20T09:00:00.000Z, v3.0) and the logging
// call in 'Billing'. Every consumer was published on 2026-11-01, before it:
//   Inbound_A_Republish    complies otherwise, no draft: republish (change)
//   Inbound_B_Held         Alice's compliant check-in above it: held (needs a republish)
//   Inbound_C_Edit_Stale   an input differs, logging missing: edit (2 edits) and the stale module
//   Inbound_D_Current      published after the module: unchanged, hidden
//   Queue_E_Draft_Policy   Dave's compliant draft, edit-draft never publishes: drift
inline flowlink::plan::Plan stale_plan() {
  using Stage = flowlink::plan::DraftState::Stage;
  auto validation = ensure("validation", at_start(), {{"Common.CallerAni", "Call.Ani"}});
  validation.current = true;
  const auto logging = ensure("logging", at_task("Billing"), {{"Common.Message", "\"hello\""}});
  Rule support = rule("support-validation", "Inbound_*", {validation, logging});
  Rule queue = rule("queue-validation", "Queue_*", {validation, logging});
  queue.unpublished = flowlink::plan::UnpublishedPolicy::EditDraft;
  DesiredState state = desired({support, queue});

  std::vector<ObservedFlow> flows;
  flows.push_back(with_lifecycle(observed("id-sa", "Inbound_A_Republish", "inboundcall",
                                          consumer_json("Inbound_A_Republish", "Call.Ani", true)),
                                 "2.0", kConsumerPublished));
  flows.push_back(with_lifecycle(
      observed("id-sb", "Inbound_B_Held", "inboundcall", consumer_json("Inbound_B_Held", "Call.Ani", true)), "2.0",
      kConsumerPublished, colleague_draft("3.0", Stage::CheckedIn, user("Alice", "user-alice"), kAliceSince)));
  flows.push_back(with_lifecycle(observed("id-sc", "Inbound_C_Edit_Stale", "inboundcall",
                                          consumer_json("Inbound_C_Edit_Stale", "x", false)),
                                 "5.0", kConsumerPublished));
  flows.push_back(with_lifecycle(
      observed("id-sd", "Inbound_D_Current", "inboundcall", consumer_json("Inbound_D_Current", "Call.Ani", true)), "4.0",
      "2026-11-21T08:00:00.000Z"));
  flows.push_back(with_lifecycle(
      observed("id-se", "Queue_E_Draft_Policy", "inboundcall", consumer_json("Queue_E_Draft_Policy", "Call.Ani", true)),
      "2.0", kConsumerPublished,
      colleague_draft("3.0", Stage::Saved, user("Dave", "user-dave"), "2026-11-18T07:00:00.000Z")));

  std::vector<ObservedFlow> modules = standard_modules();
  modules[0] = with_lifecycle(modules[0], "3.0", kModulePublished);
  modules[1] = with_lifecycle(modules[1], "1.0", "2026-10-01T08:00:00.000Z");
  modules[2] = with_lifecycle(modules[2], "1.0", "2026-10-01T08:00:00.000Z");
  for (auto& module : modules) flows.push_back(std::move(module));

  flowlink::plan::PlanOptions o = options();
  o.source = "https://api.mypurecloud.ie";
  o.org_id = "0f0e0d0c-0000-4000-8000-00000000beef";
  o.org_name = "Acme Contact Center";
  return flowlink::plan::make_plan(state, flows, o);
}

}  // namespace plantest
