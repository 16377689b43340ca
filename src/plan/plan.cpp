// The plan model's derived values: statuses, the summary, names of kinds.
#include "plan/plan.hpp"
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
    case FlowPlan::Status::Drift: return "drift";
    case FlowPlan::Status::Error: return "error";
  }
  return "?";
}

FlowPlan::Status FlowPlan::status() const {
  if (!errors.empty()) return Status::Error;
  if (!edits.empty()) return Status::Change;
  if (!findings.empty()) return Status::Drift;
  return Status::NoChange;
}

PlanSummary Plan::summary() const {
  PlanSummary s;
  s.flows_matched = static_cast<int>(flows.size());
  for (const auto& flow : flows) {
    switch (flow.status()) {
      case FlowPlan::Status::NoChange: ++s.unchanged; break;
      case FlowPlan::Status::Change: ++s.to_change; break;
      case FlowPlan::Status::Drift: ++s.drift_only; break;
      case FlowPlan::Status::Error: ++s.errors; break;
    }
    for (const auto& edit : flow.edits) {
      switch (edit.kind) {
        case Edit::Kind::AddCall: ++s.add; break;
        case Edit::Kind::UpdateCall: ++s.update; break;
        case Edit::Kind::RemoveCall: ++s.remove; break;
        case Edit::Kind::MoveCall: ++s.move; break;
      }
    }
  }
  return s;
}

bool Plan::has_changes() const {
  for (const auto& flow : flows)
    if (!flow.edits.empty()) return true;
  return false;
}

bool Plan::has_drift() const {
  for (const auto& flow : flows)
    if (!flow.edits.empty() || !flow.findings.empty()) return true;
  return false;
}

bool Plan::has_errors() const {
  if (!errors.empty()) return true;
  for (const auto& flow : flows)
    if (!flow.errors.empty()) return true;
  return false;
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
