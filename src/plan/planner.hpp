#pragma once
// The planner: (desired state, observed flows) -> Plan. Pure and
// deterministic: the same inputs give the same plan, byte for byte.
//
// Per ensure entry, for a flow a rule matches:
//   missing                          -> AddCall at the declared place
//   present at the place, other bindings -> UpdateCall (the fields that differ)
//   present elsewhere                -> Finding Misplaced, or MoveCall if `move: true`
//   present more than once           -> Finding Duplicate, or RemoveCall of the
//                                       extras if `dedupe: true`
// Per remove entry: every call to that module -> RemoveCall.
// An error in one flow (broken document, missing or ambiguous anchor, two
// rules that demand different things of one module) makes an error entry for
// that flow alone; the other flows are planned.

#include <optional>
#include <string>
#include <vector>

#include "flowdoc/document.hpp"
#include "manifest/desired_state.hpp"
#include "plan/plan.hpp"

namespace flowlink::plan {

// A flow as read from an org or an export directory.
struct ObservedFlow {
  std::string id;
  std::string name;
  std::string type;     // lowercase, e.g. "inboundcall", "commonmodule"
  std::string version;  // the version the configuration was read at; "" if unknown
  bool published = false;  // has a published version (modules must be)
  std::optional<flowdoc::Document> document;  // absent: load_error says why
  std::string load_error;
};

struct PlanOptions {
  std::string source;            // recorded in the plan
  std::string flowlink_version;  // recorded in the plan
  // Modules must be published to be callable; an export directory has no
  // notion of publishing, so the offline plan turns this off.
  bool require_published_modules = true;
};

// `flows` holds every flow read, modules included: the planner resolves the
// manifest's modules among the COMMONMODULE flows by name (or pinned id) and
// checks the ensure entries' bindings against each module's interface.
Plan make_plan(const manifest::DesiredState& desired, const std::vector<ObservedFlow>& flows,
               const PlanOptions& options);

// Re-plans a single flow (the applier's verification after an edit).
FlowPlan plan_flow(const manifest::DesiredState& desired, const ObservedFlow& flow,
                   const std::vector<ObservedFlow>& modules, const PlanOptions& options);

// Applies a flow's planned edits to its document (used by the applier on the
// re-read document after checking the fingerprint, and by tests).
void apply_edits(flowdoc::Document& document, const FlowPlan& flow_plan, const flowdoc::IdSource& ids);

}  // namespace flowlink::plan
