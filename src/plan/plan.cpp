// The plan model's derived values: statuses, the summary, names of kinds.
#include "plan/plan.hpp"

#include <algorithm>

#include <fmt/format.h>

#include "manifest/environment.hpp"
#include "plan/planner_internal.hpp"

namespace flowlink::plan {

const char* to_string(Edit::Kind kind) {
  switch (kind) {
    case Edit::Kind::AddCall: return "add_call";
    case Edit::Kind::UpdateCall: return "update_call";
    case Edit::Kind::RemoveCall: return "remove_call";
    case Edit::Kind::MoveCall: return "move_call";
  }
  return "?";
}

const char* to_string(Finding::Kind kind) {
  switch (kind) {
    case Finding::Kind::Misplaced: return "misplaced";
    case Finding::Kind::Duplicate: return "duplicate";
  }
  return "?";
}

const char* to_string(FlowPlan::Status status) {
  switch (status) {
    case FlowPlan::Status::NoChange: return "no_change";
    case FlowPlan::Status::Change: return "change";
    case FlowPlan::Status::Held: return "held";
    case FlowPlan::Status::Drift: return "drift";
    case FlowPlan::Status::Error: return "error";
  }
  return "?";
}

const char* to_string(UnpublishedPolicy policy) {
  switch (policy) {
    case UnpublishedPolicy::Skip: return "skip";
    case UnpublishedPolicy::EditDraft: return "edit-draft";
    case UnpublishedPolicy::Publish: return "publish";
  }
  return "?";
}

std::optional<UnpublishedPolicy> parse_unpublished_policy(std::string_view text) {
  if (text == "skip") return UnpublishedPolicy::Skip;
  if (text == "edit-draft") return UnpublishedPolicy::EditDraft;
  if (text == "publish") return UnpublishedPolicy::Publish;
  return std::nullopt;
}

const char* to_string(FlowAction action) {
  switch (action) {
    case FlowAction::None: return "none";
    case FlowAction::Edit: return "edit";
    case FlowAction::Resume: return "resume";
    case FlowAction::PublishDraft: return "publish_draft";
    case FlowAction::Skip: return "skip";
    case FlowAction::Republish: return "republish";
  }
  return "?";
}

const char* to_string(Basis basis) { return basis == Basis::Published ? "published" : "draft"; }

const char* to_string(DraftState::Stage stage) { return stage == DraftState::Stage::Saved ? "saved" : "checked_in"; }

const char* to_string(LockState::Flowlink flowlink) {
  switch (flowlink) {
    case LockState::Flowlink::No: return "no";
    case LockState::Flowlink::RunningRun: return "running_run";
    case LockState::Flowlink::InterruptedRun: return "interrupted_run";
    case LockState::Flowlink::Unknown: return "unknown";
  }
  return "?";
}

const char* to_string(Note::Kind kind) {
  switch (kind) {
    case Note::Kind::FlowlinkPending: return "flowlink_pending";
    case Note::Kind::FlowlinkLock: return "flowlink_lock";
    case Note::Kind::ForeignDraft: return "foreign_draft";
    case Note::Kind::ForeignLock: return "foreign_lock";
    case Note::Kind::NeverPublished: return "never_published";
    case Note::Kind::AwaitingPublish: return "awaiting_publish";
  }
  return "?";
}

const char* to_string(Actor::Kind kind) { return kind == Actor::Kind::User ? "user" : "client"; }

std::optional<DriftCheck> parse_drift_check(std::string_view text) {
  if (text == "published") return DriftCheck::Published;
  if (text == "draft") return DriftCheck::Draft;
  if (text == "both") return DriftCheck::Both;
  return std::nullopt;
}

std::string describe(const Actor& actor) {
  if (actor.name.empty()) return fmt::format("{} {}", to_string(actor.kind), actor.id);
  return fmt::format("{} ({})", actor.name, to_string(actor.kind));
}

bool FlowPlan::actionable() const {
  if (!errors.empty()) return false;
  return action == FlowAction::Edit || action == FlowAction::Resume || action == FlowAction::PublishDraft ||
         action == FlowAction::Republish;
}

FlowPlan::Status FlowPlan::status() const {
  if (!errors.empty()) return Status::Error;
  if (actionable()) return Status::Change;
  if (action == FlowAction::Skip) return Status::Held;
  if (drifted(*this, DriftCheck::Published)) return Status::Drift;
  return Status::NoChange;
}

namespace {

// flowlink's own work left unfinished: a re-run of apply must finish it.
bool flowlink_unfinished(const FlowPlan& flow) {
  return std::any_of(flow.notes.begin(), flow.notes.end(), [](const Note& note) {
    return note.kind == Note::Kind::FlowlinkPending || note.kind == Note::Kind::FlowlinkLock;
  });
}

}  // namespace

bool drifted(const FlowPlan& flow, DriftCheck check) {
  if (!flow.errors.empty()) return false;  // an error is reported as one, not as drift
  // Without a lifecycle (an export directory) the one document is judged.
  if (!flow.published && !flow.draft) return !flow.edits.empty() || !flow.findings.empty();
  const bool published_differs = flow.published ? !flow.published->complies : !flow.draft->complies;
  const bool draft_differs = flow.draft ? !flow.draft->complies : published_differs;
  switch (check) {
    case DriftCheck::Published: return published_differs || flowlink_unfinished(flow);
    case DriftCheck::Draft: return draft_differs || flowlink_unfinished(flow);
    case DriftCheck::Both: return published_differs || draft_differs || flowlink_unfinished(flow);
  }
  return false;
}

void PlanTally::add(const FlowPlan& flow) {
  PlanSummary& s = summary;
  ++s.flows_matched;
  switch (flow.status()) {
    case FlowPlan::Status::NoChange: ++s.unchanged; break;
    case FlowPlan::Status::Change: ++s.to_change; break;
    case FlowPlan::Status::Held: ++s.held; break;
    case FlowPlan::Status::Drift: ++s.drift_only; break;
    case FlowPlan::Status::Error: ++s.errors; break;
  }
  if (!flow.errors.empty()) {
    errors = true;
    failed.push_back(flow.flow_name);
  }
  if (plan::drifted(flow, DriftCheck::Published)) drifted_published.push_back(flow.flow_name);
  if (plan::drifted(flow, DriftCheck::Draft)) drifted_draft.push_back(flow.flow_name);
  if (plan::drifted(flow, DriftCheck::Both)) drifted_both.push_back(flow.flow_name);
  if (!flow.actionable()) return;  // a held flow's edits are shown, not counted as planned
  changes = true;
  if (flow.action == FlowAction::Republish) ++s.republish;
  for (const auto& edit : flow.edits) {
    switch (edit.kind) {
      case Edit::Kind::AddCall: ++s.add; break;
      case Edit::Kind::UpdateCall: ++s.update; break;
      case Edit::Kind::RemoveCall: ++s.remove; break;
      case Edit::Kind::MoveCall: ++s.move; break;
    }
  }
}

const std::vector<std::string>& PlanTally::drifted(DriftCheck check) const {
  switch (check) {
    case DriftCheck::Draft: return drifted_draft;
    case DriftCheck::Both: return drifted_both;
    case DriftCheck::Published: break;
  }
  return drifted_published;
}

PlanTally Plan::tally() const {
  PlanTally tally;
  for (const auto& flow : flows) tally.add(flow);
  tally.summary.cache_hits = cache_hits;
  return tally;
}

PlanSummary Plan::summary() const { return tally().summary; }

bool Plan::has_changes() const {
  return std::any_of(flows.begin(), flows.end(), [](const FlowPlan& flow) { return flow.actionable(); });
}

bool Plan::has_drift() const { return has_drift(DriftCheck::Published); }

bool Plan::has_drift(DriftCheck check) const { return plan::has_drift(*this, tally(), check); }

bool has_drift(const PlanHead& head, const PlanTally& tally, DriftCheck check) {
  return !head.empty_rules().empty() || !tally.drifted(check).empty();
}

std::vector<std::string> PlanHead::empty_rules() const {
  std::vector<std::string> names;
  if (!targets.empty()) return names;
  for (const auto& match : rules)
    if (match.flows == 0 && !match.allow_empty) names.push_back(match.rule);
  return names;
}

void record_environment(PlanHead& plan, const manifest::DesiredState& desired) {
  if (!desired.environment) return;
  plan.environment = desired.environment->name;
  plan.environment_file = desired.environment->file;
  // An export directory has no org to judge; a live org is judged before its
  // flows are read too (the CLI), this keeps every plan honest.
  if (plan.org_id.empty()) return;
  if (auto mismatch = manifest::org_mismatch(*desired.environment, plan.org_id, plan.org_name))
    plan.errors.push_back(*mismatch);
}

std::optional<std::string> environment_mismatch(const PlanHead& plan, const manifest::DesiredState& desired) {
  const std::string wanted = desired.environment ? desired.environment->name : "";
  if (plan.environment == wanted) return std::nullopt;
  if (plan.environment.empty())
    return fmt::format("the plan was made without an environment, but this apply is for environment '{}'", wanted);
  if (wanted.empty())
    return fmt::format("the plan was made for environment '{}', but this apply has none (give --env {})",
                       plan.environment, plan.environment);
  return fmt::format("the plan was made for environment '{}', but this apply is for environment '{}'",
                     plan.environment, wanted);
}

bool Plan::has_errors() const {
  if (!errors.empty()) return true;
  for (const auto& flow : flows)
    if (!flow.errors.empty()) return true;
  return false;
}

std::string empty_rule_message(std::string_view rule) {
  return fmt::format("rule '{}' selects no flow: check its patterns, or say allowEmpty: true if that is intended", rule);
}

namespace detail {

std::string edit_note(const Edit& edit) {
  if (edit.reason.find("rule '") != std::string::npos || edit.reason.find("rules '") != std::string::npos)
    return edit.reason;
  std::string note = "rule '" + edit.rule + "'";
  return edit.reason.empty() ? note : note + ": " + edit.reason;
}

}  // namespace detail

}  // namespace flowlink::plan
