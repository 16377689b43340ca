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
//
// The lifecycle (flows read from an org): the published version is judged
// first (what callers hit); a draft above it is judged too and, by whose it
// is, decides what apply does (FlowPlan::action, basis):
//   no draft                    -> edit the published version
//   flowlink's own draft (this client, recorded in the journal)
//                               -> edit it further, or resume it (check in,
//                                  publish if that run meant to)
//   someone else's draft        -> by policy (the most cautious of the
//                                  matched rules', or the override):
//        skip       -> held when the published version needs edits
//        edit-draft -> edit the draft, check it in, never publish
//        publish    -> edit the draft and publish it; publish it as it is
//                      when only the published version lacks the calls
// An error in one flow (broken document, missing or ambiguous anchor, two
// rules that demand different things of one module) makes an error entry for
// that flow alone; the other flows are planned.
//
// Details decided here:
// - Flows: every non-COMMONMODULE flow some rule matches, sorted by type, name,
//   id; a flow no rule matches is not in the plan. publish = any matched rule's.
// - Modules: resolved by exact name among COMMONMODULE flows, or by pinned id
//   (whose flow must then carry the manifest's name). Missing, ambiguous, not a
//   module, unpublished (if required) or unreadable -> a plan-wide error naming
//   the rules that ensure it, and an error entry in each flow those rules
//   match. Modules only listed under `remove` need not exist: their calls are
//   matched by name (and pinned id).
// - Bindings: an ensure entry's input/output names must be the module's
//   Common.* isInput/isOutput variables (plan-wide error, with a did-you-mean).
//   The manifest owns a call's whole binding set: a binding the flow has and
//   the manifest does not declare is removed (FieldChange.after = nullopt).
// - A call belongs to a module if its flowId is the module's id OR its
//   flowName is the module's name (a copied org keeps names, not ids). Its
//   flowId is not rewritten.
// - Anchors: find_actions(selector) minus the calls to the ensured module;
//   exactly one must match (zero or several -> error entry naming candidates).
//   An anchor this plan removes is an error.
// - "At the declared place": ensure entries of one flow that resolve to the
//   same place (slot) form a group; their calls stand together as a run of
//   consecutive calls at the slot (start: from the initial task's first
//   action; task: from its first action; after A: from A's next action;
//   before B: the calls leading up to B). A call in that run is in place. A
//   missing or moved call is inserted next to its ensure-order neighbours in
//   the run, so the group ends up in ensure order. The call kept is the one in
//   place, else the first by trackingId; the rest are duplicates. A misplaced
//   call's bindings are still updated (UpdateCall) whether or not it moves.
// - Two rules demanding the same module with different placement or bindings,
//   or one ensuring what another removes -> error entry naming both rules.
//   Identical demands merge (move/dedupe if any of them asks).
// - Edit order, which keeps every recorded action id valid while applying:
//   removes (remove entries, then dedupe extras), updates, then moves and adds
//   together in ensure order, except that several edits inserting at the same
//   point at a start or after an action go in reverse ensure order (each pushes
//   the previous one down). A flow with an error carries no edits.

#include <map>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "flowdoc/document.hpp"
#include "manifest/desired_state.hpp"
#include "plan/plan.hpp"

namespace flowlink::plan {

// A draft as read from an org: a saved or checked-in version above the
// published one, or the only version of a flow never published.
struct ObservedDraft {
  std::string version;  // "4.0"
  DraftState::Stage stage = DraftState::Stage::Saved;
  std::optional<Actor> owner;  // createdBy, else createdByClient
  std::string since;           // ISO-8601 UTC
  bool by_this_client = false; // createdByClient is the OAuth client flowlink runs as (and no person)
  // What this work dir's journal says of it (only when by_this_client):
  bool flowlink = false;         // a flowlink run saved exactly this version
  std::string run_id;
  bool publish_intended = true;
  // The draft's document when the flow also has a published version (else
  // ObservedFlow::document is the draft's).
  std::optional<flowdoc::Document> document;
  std::string load_error;
};

// A flow's lifecycle as read from an org (absent for an export directory).
struct ObservedLifecycle {
  std::string published_version;  // "" when never published
  std::string published_date;     // ISO-8601 as sent
  std::optional<ObservedDraft> draft;
  std::optional<LockState> lock;  // LockState::flowlink says whose run, when this client holds it
};

// A flow as read from an org or an export directory.
struct ObservedFlow {
  std::string id;
  std::string name;
  std::string type;     // lowercase, e.g. "inboundcall", "commonmodule"
  std::string version;  // the version `document` was read at; "" if unknown
  bool published = false;  // has a published version (modules must be)
  // The published version's document (what callers run); for a flow never
  // published, its draft's; for an export directory, the file's.
  std::optional<flowdoc::Document> document;  // absent: load_error says why
  std::string load_error;
  std::optional<ObservedLifecycle> lifecycle;
};

struct PlanOptions {
  std::string source;            // recorded in the plan
  std::string flowlink_version;  // recorded in the plan
  // Modules must be published to be callable; an export directory has no
  // notion of publishing, so the offline plan turns this off.
  bool require_published_modules = true;
  // --unpublished: overrides every rule's `unpublished` policy for this run.
  std::optional<UnpublishedPolicy> unpublished_override;
  // The org the flows were read from (GET /api/v2/organizations/me).
  std::string org_id;
  std::string org_name;
  // --target: plan only the flows with these names or ids (recorded in the
  // plan); a target that names no flow the rules select is a plan-wide error.
  std::vector<std::string> targets;
};

// Is the flow among `targets` (by id or name)? True for every flow when there
// are none.
bool is_targeted(const std::vector<std::string>& targets, const std::string& flow_id, const std::string& flow_name);

// `flows` holds every flow read, modules included: the planner resolves the
// manifest's modules among the COMMONMODULE flows by name (or pinned id) and
// checks the ensure entries' bindings against each module's interface.
//
// `planned` (optional), by flow id: flows already planned for these same
// inputs (by a PerFlowPlanner as their documents arrived, or from the cache
// of repeat runs, see source/cached_plan.hpp). Such a flow is taken as it is,
// not planned again (its ObservedFlow needs no document); every other part of
// the plan (modules, plan-wide errors, the other flows) is made as usual.
// Plan::cache_hits is the caller's to set.
Plan make_plan(const manifest::DesiredState& desired, const std::vector<ObservedFlow>& flows,
               const PlanOptions& options, std::map<std::string, FlowPlan>* planned = nullptr);

// Resolves the manifest's modules once, then plans one flow at a time: what
// a streaming read uses to plan each flow as soon as its documents arrive and
// let them go, so that memory does not grow with the number of flows. A flow
// planned so is the FlowPlan make_plan would make for it given the same
// `flows` (the non-module flows among them need no document: modules resolve
// by type, name and id). plan() is const and safe to call from several
// threads; `flows`, `desired` and `options` must outlive the planner (the
// resolved modules point into `flows`).
class PerFlowPlanner {
 public:
  PerFlowPlanner(const manifest::DesiredState& desired, const std::vector<ObservedFlow>& flows,
                 const PlanOptions& options);
  ~PerFlowPlanner();
  PerFlowPlanner(const PerFlowPlanner&) = delete;
  PerFlowPlanner& operator=(const PerFlowPlanner&) = delete;

  // The plan without its flows (what a PlanSink's begin() is given): every
  // part of make_plan's plan for `flows` but the flows and cache_hits. The
  // flows need no document.
  PlanHead head(const std::vector<ObservedFlow>& flows) const;
  // The flow's plan; its `rules` are empty when no rule matches it.
  FlowPlan plan(const ObservedFlow& flow) const;

 private:
  struct ResolvedModules;
  const manifest::DesiredState& desired_;
  const PlanOptions& options_;
  std::unique_ptr<ResolvedModules> modules_;
};

// Re-plans a single flow (the applier's verification after an edit).
FlowPlan plan_flow(const manifest::DesiredState& desired, const ObservedFlow& flow,
                   const std::vector<ObservedFlow>& modules, const PlanOptions& options);

// Applies a flow's planned edits to its document (used by the applier on the
// re-read document after checking the fingerprint, and by tests).
void apply_edits(flowdoc::Document& document, const FlowPlan& flow_plan, const flowdoc::IdSource& ids);

}  // namespace flowlink::plan
