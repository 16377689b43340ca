#pragma once
// The plan model: what must change in which flow, and what was observed when
// it was planned. Renderers (render_*.hpp) turn it into text, JSON and
// Markdown; the applier executes it. Plain data.

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "flowdoc/document.hpp"
#include "manifest/desired_state.hpp"

namespace flowlink::plan {

// 2: flows carry their lifecycle (published version, draft, lock), the
// action apply takes and the policy for someone else's unpublished draft;
// plans carry the org's identity.
inline constexpr int kFormatVersion = 2;

// One change to one flow's document.
struct Edit {
  enum class Kind { AddCall, UpdateCall, RemoveCall, MoveCall };
  Kind kind = Kind::AddCall;
  std::string rule;         // the manifest rule that asks for it
  std::string module_key;   // manifest key
  std::string module_id;    // COMMONMODULE flow id
  std::string module_name;
  std::string action_id;    // Update / Remove / Move: the existing call
  std::string action_name;  // Add: name of the new action; else the existing one
  manifest::Placement placement;            // Add / Move: as declared
  flowdoc::InsertionPoint insertion;        // Add / Move: resolved against the document
  std::string position_description;         // Add / Move: "first in task 'Main'"; Remove/Update: where it is
  flowdoc::Bindings inputs;                 // Add / Update: the wanted bindings
  flowdoc::Bindings outputs;
  struct FieldChange {
    std::string field;  // "inputs.Common.CallerAni"
    std::optional<std::string> before;
    std::optional<std::string> after;
  };
  std::vector<FieldChange> changes;  // Update: what differs
  std::string reason;                // "missing", "inputs differ", "listed under remove", "misplaced (move: true)", "duplicate (dedupe: true)"
};

// Drift that the plan reports but does not act on (misplaced without
// `move: true`, duplicates without `dedupe: true`).
struct Finding {
  enum class Kind { Misplaced, Duplicate };
  Kind kind = Kind::Misplaced;
  std::string rule;
  std::string module_key;
  std::string module_name;
  std::string action_id;
  std::string message;
};

// Who made a version or holds a lock: a person or an OAuth client.
struct Actor {
  enum class Kind { User, Client };
  Kind kind = Kind::User;
  std::string id;
  std::string name;
};

using manifest::UnpublishedPolicy;

// One version of a flow as the planner judged it.
struct VersionJudgement {
  std::string version;      // "3.0"
  std::string fingerprint;  // of its configuration, as the server sent it
  bool complies = false;    // plans to no edit, finding or error
  int edits = 0;            // edits it would need
  int findings = 0;
};

// The published version: what callers hit.
struct PublishedState : VersionJudgement {
  std::string date;  // datePublished (ISO-8601), "" when unknown
};

// A saved or checked-in version above the published one (or the only
// version of a flow never published).
struct DraftState : VersionJudgement {
  enum class Stage { Saved, CheckedIn };
  Stage stage = Stage::Saved;
  std::optional<Actor> owner;  // createdBy (a person) or else createdByClient
  std::string since;           // ISO-8601 UTC: when it was saved / checked in
  // Made by this OAuth client in a run this work dir's journal records:
  // flowlink's own change, to be finished (resumed) rather than respected.
  bool flowlink = false;
  std::string run_id;           // that run
  bool publish_intended = true; // that run meant to publish it
};

// Who holds the flow's lock, if anyone.
struct LockState {
  Actor holder;
  // Locked by this OAuth client: by a flowlink run that is still running
  // (leave it), by one that was interrupted (take it over), or by nobody
  // this work dir knows of (treated as someone else's lock).
  enum class Flowlink { No, RunningRun, InterruptedRun, Unknown };
  Flowlink flowlink = Flowlink::No;
  std::string run_id;  // RunningRun / InterruptedRun
};

// A pending state worth a line in the plan: a draft, a lock, a run left
// unfinished. `drift` counts the ones marked so.
struct Note {
  enum class Kind {
    FlowlinkPending,  // flowlink's own change saved or checked in but not published (an interrupted run)
    FlowlinkLock,     // locked by flowlink (an interrupted run, or one still running)
    ForeignDraft,     // checked in / saved by someone, unpublished
    ForeignLock,      // locked by someone
    NeverPublished,   // the flow has no published version
    AwaitingPublish,  // flowlink's change is checked in and waits for a person to publish (publish: false)
  };
  Kind kind = Kind::ForeignDraft;
  std::string message;
};

// A common module the flow's published version calls, published before the
// module's latest publish: callers run an older snapshot of the module
// (Architect snapshots a module into its consumer at the consumer's
// publish). Only for modules a rule wants `current`.
struct StaleModule {
  std::string rule;
  std::string module_key;
  std::string module_id;
  std::string module_name;
  std::string module_version;      // the module's published version now ("3.0")
  std::string module_published;    // its datePublished
  std::string consumer_published;  // the flow's published version's datePublished
  std::string snapshot_version;    // the module version the flow took, when dependency tracking said; "" unknown
  std::string decided_by = "datePublished";  // which field answered
};

// What apply does with the flow.
enum class FlowAction {
  None,          // nothing to do
  Edit,          // edit the basis document: save, check in, publish if `publish`
  Resume,        // flowlink's own draft already complies: check it in / publish it, verify
  PublishDraft,  // (unpublished: publish) someone's draft already complies: publish it as it is
  Skip,          // someone else's unpublished draft stands in the way (unpublished: skip)
  Republish,     // no edit, but a module it calls must be current: save the published content again, publish
};

// Which version the edits were planned against.
enum class Basis { Published, Draft };

struct FlowPlan {
  std::string flow_id;
  std::string flow_name;
  std::string flow_type;         // lowercase
  std::string observed_version;  // the basis version ("3.0"): what the edits were planned against
  std::string fingerprint;       // flowdoc::Document::source_fingerprint() of the basis document: its bytes as read
  std::vector<std::string> rules;  // rules that matched the flow
  std::vector<Edit> edits;
  std::vector<Finding> findings;
  std::vector<std::string> errors;  // this flow could not be planned
  bool publish = false;             // publish after check-in (any matched rule asks, and the policy allows)

  // The lifecycle (absent for an export directory: one document, judged as published).
  std::optional<PublishedState> published;
  std::optional<DraftState> draft;
  std::optional<LockState> lock;
  std::vector<Note> notes;
  std::vector<StaleModule> stale;  // modules that must be current and are not, in the published version
  Basis basis = Basis::Published;
  FlowAction action = FlowAction::None;
  UnpublishedPolicy policy = UnpublishedPolicy::Skip;  // the policy that applied
  std::string skip_reason;  // Skip: why, naming the draft's owner and date

  enum class Status { NoChange, Change, Held, Drift, Error };
  // Error > Change (an action apply takes) > Held (edits needed, Skip) >
  // Drift (findings, or a flowlink run left unfinished) > NoChange
  Status status() const;
  bool actionable() const;  // Edit, Resume, PublishDraft or Republish, and no error
};

// Which version `drift` judges (--check).
enum class DriftCheck { Published, Draft, Both };

// Does the flow differ from the manifest, as `check` sees it? Published: the
// published version (a flow never published: its draft), plus flowlink's own
// unfinished work. Draft: the draft when there is one, else the published
// version. Both: either.
bool drifted(const FlowPlan& flow, DriftCheck check);

struct PlanSummary {
  int flows_matched = 0;
  int to_change = 0;
  int held = 0;  // Skip: edits needed, someone's unpublished draft in the way
  int unchanged = 0;
  int drift_only = 0;
  int errors = 0;
  int add = 0, update = 0, remove = 0, move = 0;
  int republish = 0;  // flows republished for a module that must be current (no edit of their own)
  int cache_hits = 0;  // flows whose plan came from the cache of repeat runs (Plan::cache_hits)
};

// What is known of a plan's flows once they have been written and let go (a
// plan streamed to its renderers, see plan_sink.hpp): the counts, and the
// names the commands' exit codes and stderr lines need. Plan::tally() for a
// whole plan; a streaming producer adds each flow as it goes.
struct PlanTally {
  PlanSummary summary;  // flows_matched counts the flows added; cache_hits is the producer's to set
  bool changes = false;                // some flow is actionable()
  bool errors = false;                 // some flow has errors
  std::vector<std::string> failed;     // names of the flows with errors, in plan order
  // Names of the flows drifted(flow, check), per DriftCheck, in plan order.
  std::vector<std::string> drifted_published, drifted_draft, drifted_both;
  void add(const FlowPlan& flow);
  const std::vector<std::string>& drifted(DriftCheck check) const;
};

// How many planned flows a manifest rule selected. A rule that selects none
// is flagged unless it says allowEmpty: a typo in its patterns must not pass
// as "nothing to do" (a warning in plan, drift in drift).
struct RuleMatch {
  std::string rule;
  int flows = 0;
  bool allow_empty = false;
};

// Everything in a plan but its flows: decided before any flow is planned
// (by the manifest, the listing and the modules), and what a PlanSink is
// given first (plan_sink.hpp).
struct PlanHead {
  int format_version = kFormatVersion;
  std::string flowlink_version;
  std::vector<std::string> manifest_files;
  std::string manifest_fingerprint;  // manifest::DesiredState::fingerprint when planned
  std::string source;  // "export-dir examples/org" or "https://api.mypurecloud.com"
  std::string org_id;    // GET /api/v2/organizations/me; "" for an export directory
  std::string org_name;
  // The environment planned for (--env; manifest::Environment): its name and
  // file, "" for none. apply refuses a saved plan for another environment.
  std::string environment;
  std::string environment_file;
  std::vector<std::string> errors;    // plan-wide (e.g. a module that does not exist)
  // Flows planned from the cache of repeat runs (source/cached_plan) rather
  // than from documents read in this run: how the plan was made, not what
  // it says; the flows are the same either way.
  int cache_hits = 0;
  std::vector<RuleMatch> rules;       // every manifest rule, in manifest order
  // --target: the flows (names or ids) the run was limited to; empty: every
  // flow the rules select. Rule counts are then over the targeted flows.
  std::vector<std::string> targets;
  // The rules that selected no flow and do not allow it, in manifest order.
  // None when the plan is limited by targets: a rule may rightly select
  // none of the targeted flows.
  std::vector<std::string> empty_rules() const;
};

struct Plan : PlanHead {
  std::vector<FlowPlan> flows;  // sorted by type, then name, then id
  PlanSummary summary() const;  // tally().summary
  PlanTally tally() const;
  bool has_changes() const;  // any flow apply acts on (actionable())
  bool has_drift() const;    // has_drift(DriftCheck::Published)
  // drifted(flow, check) for any flow, or a rule that selects no flow (empty_rules).
  bool has_drift(DriftCheck check) const;
  bool has_errors() const;
};

// Drift as `check` judges it: some flow drifted (plan::drifted), or a rule
// selects no flow (empty_rules: a typo must not keep a nightly job green).
bool has_drift(const PlanHead& head, const PlanTally& tally, DriftCheck check);

// Records the environment `desired` was loaded for in `plan`, and, when the
// plan knows its org, a plan-wide error if the environment is for another org
// (manifest::org_mismatch).
void record_environment(PlanHead& plan, const manifest::DesiredState& desired);

// Why a saved plan must not be applied with `desired`: it was made for
// another environment (or for one, and `desired` for none, or the reverse).
std::optional<std::string> environment_mismatch(const PlanHead& plan, const manifest::DesiredState& desired);

const char* to_string(Edit::Kind kind);
const char* to_string(Finding::Kind kind);
const char* to_string(FlowPlan::Status status);
const char* to_string(UnpublishedPolicy policy);  // "skip", "edit-draft", "publish"
std::optional<UnpublishedPolicy> parse_unpublished_policy(std::string_view text);
const char* to_string(FlowAction action);         // "none", "edit", "resume", "publish_draft", "skip", "republish"
const char* to_string(Basis basis);               // "published", "draft"
const char* to_string(DraftState::Stage stage);   // "saved", "checked_in"
const char* to_string(LockState::Flowlink flowlink);  // "no", "running_run", "interrupted_run", "unknown"
const char* to_string(Note::Kind kind);           // "flowlink_pending", ...
const char* to_string(Actor::Kind kind);          // "user", "client"
std::optional<DriftCheck> parse_drift_check(std::string_view text);  // "published", "draft", "both"
std::string describe(const Actor& actor);
// "rule 'typo' selects no flow: check its patterns, or say allowEmpty: true if
// that is intended" (the rule name as given: the caller escapes the line).
std::string empty_rule_message(std::string_view rule);          // "Alice (user)" / "ci-bot (client)" / "user 1234..." when unnamed

}  // namespace flowlink::plan
