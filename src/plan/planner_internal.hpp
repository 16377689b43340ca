#pragma once
// Pieces of the planner shared between its source files (not a contract: only
// src/plan/*.cpp include this).

#include <map>
#include <optional>
#include <string>
#include <vector>

#include "flowdoc/document.hpp"
#include "manifest/desired_state.hpp"
#include "plan/plan.hpp"
#include "plan/planner.hpp"

namespace flowlink::plan::detail {

// --- text helpers (module_resolution.cpp) -----------------------------------

// The closest candidate to `word` (case-insensitive edit distance), if close
// enough to be a plausible typo; "" otherwise.
std::string closest_match(const std::string& word, const std::vector<std::string>& candidates);
// "'a', 'b', 'c'" (at most `limit` items, then ", ...").
std::string quoted_list(const std::vector<std::string>& items, std::size_t limit = 12);

// Why an edit is planned, for the renderers: "rule 'r': missing", or the
// reason alone when it already names the rule (plan.cpp).
std::string edit_note(const Edit& edit);

// --- modules (module_resolution.cpp) ----------------------------------------

// A manifest module resolved among the observed COMMONMODULE flows.
struct ResolvedModule {
  std::string key;
  std::string name;                 // as the manifest says
  std::optional<std::string> pinned_id;
  const ObservedFlow* flow = nullptr;  // set when resolution succeeded
  std::string error;                   // why it cannot be used by an ensure entry
  flowdoc::ModuleInterface interface;  // valid when error is empty
  bool ok() const { return error.empty() && flow != nullptr; }
  // The id calls are matched by: the resolved flow's id, else the pinned id.
  std::string id() const;
};

// Every module key of the manifest, resolved. `flows` may hold any flows; only
// COMMONMODULE ones can resolve a module (others are named in the error).
std::map<std::string, ResolvedModule> resolve_modules(const manifest::DesiredState& desired,
                                                      const std::vector<ObservedFlow>& flows,
                                                      const PlanOptions& options);

// Why ensure entry `entry` of rule `rule` cannot be planned (an unresolved
// module or a binding the module does not declare); "" when it can.
std::string ensure_entry_error(const manifest::Rule& rule, const manifest::EnsureEntry& entry,
                               const std::map<std::string, ResolvedModule>& modules);

// Plan-wide errors: one per unresolved module that some rule ensures, and one
// per unknown binding name. Deterministic order (module key, rule order).
std::vector<std::string> plan_wide_errors(const manifest::DesiredState& desired,
                                          const std::map<std::string, ResolvedModule>& modules);

// --- placement (placement_resolution.cpp) -----------------------------------

// Where a group of ensured calls must stand, resolved against one document.
// Several ensure entries may share a slot (two modules both at `start`); their
// calls then stand together, in ensure order, as a "run" of consecutive calls.
struct Slot {
  manifest::Placement::Kind kind = manifest::Placement::Kind::Start;
  std::string task_name;     // Start: the initial task's name; Task: the task
  std::string anchor_id;     // After / Before
  std::string anchor_label;  // "'Play Audio' (#27)"
  std::string key() const;   // identity for grouping
};

// Resolves a placement against a document, or returns the error for the flow.
// `excluded_ids`: actions that may not be anchors (calls to the module itself).
struct SlotResult {
  std::optional<Slot> slot;
  std::string error;
};
SlotResult resolve_slot(const flowdoc::Document& document, const manifest::Placement& placement,
                        const std::vector<std::string>& excluded_ids);

// The calls that stand at a slot: the consecutive actions at the slot that are
// calls in `group_call_ids` (calls to modules ensured at the same slot), in
// document order. Actions in `removed_ids` (calls the plan removes first) are
// stepped over: once they are gone, the calls around them are adjacent.
std::vector<std::string> run_at_slot(const flowdoc::Document& document, const Slot& slot,
                                     const std::vector<std::string>& group_call_ids,
                                     const std::vector<std::string>& removed_ids);

// Insertion point for the slot itself (before/after any run).
flowdoc::InsertionPoint base_insertion(const Slot& slot);
// "first in task 'Main'", "after 'Play Audio' (#27)", "before 'Disconnect' (#28)".
std::string describe_insertion(const flowdoc::Document& document, const flowdoc::InsertionPoint& point);
std::string describe_action(const flowdoc::ActionInfo& action);  // "'Play Audio' (#27)"

// --- planning one flow (planner.cpp, lifecycle_planning.cpp) ---------------

// Whether `call` calls the module with this id or (failing that) this name.
bool calls_module(const flowdoc::ModuleCall& call, const std::string& module_id, const std::string& module_name);

// Plans one document against the matched rules: fills out.fingerprint,
// edits, findings and errors (planner.cpp).
void plan_document(const manifest::DesiredState& desired, const std::vector<const manifest::Rule*>& rules,
                   const std::map<std::string, ResolvedModule>& modules, const flowdoc::Document& document,
                   const std::string& flow_name, FlowPlan& out);

// The `unpublished:` policy for a flow: the override, else the most cautious
// of its rules' (lifecycle_planning.cpp).
UnpublishedPolicy policy_of(const std::vector<const manifest::Rule*>& rules, const PlanOptions& options);

// The lifecycle decides which document is edited and what apply does
// (lifecycle_planning.cpp).
void plan_lifecycle(const manifest::DesiredState& desired, const std::vector<const manifest::Rule*>& rules,
                    const std::map<std::string, ResolvedModule>& modules, const ObservedFlow& flow,
                    const PlanOptions& options, FlowPlan& out);

// --- targets (targets.cpp) ----------------------------------------------------

// One error per target that names no planned flow: a flow no rule selects, or
// none at all (with a "did you mean" among the observed flows' names).
std::vector<std::string> target_errors(const std::vector<std::string>& targets,
                                       const std::vector<const ObservedFlow*>& planned,
                                       const std::vector<ObservedFlow>& observed);

}  // namespace flowlink::plan::detail
