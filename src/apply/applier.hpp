#pragma once
// The applier: executes a Plan against a live org, one flow at a time per
// worker, safely. Per flow, by the plan's action (plan.hpp FlowAction):
//   plan errors -> not applied (failed, the plan's error); none -> unchanged
//   skip (someone's unpublished draft in the way) -> skipped_draft
//   locked by someone else -> skipped (or, with force_unlock, unlocked first);
//     locked by this client: by a run of this work dir that still runs ->
//     skipped; by one that was interrupted -> taken over; by no run this
//     work dir knows -> someone else's
//   edit: check out -> re-read -> the latest version or its fingerprint differ
//     from the plan's basis -> skipped as stale (lock released, their edit
//     kept) -> back up the original under .flowlink/backups/ -> apply the
//     edits -> save a version -> check in (wait) -> publish that version if
//     the plan says (wait) -> verify
//   resume (flowlink's own draft left by an interrupted run) -> check in
//     (if saved) -> publish if that run meant to -> verify
//   publish_draft (unpublished: publish) -> the draft must be what the plan
//     recorded -> publish that version -> verify
// Verify: the version that went live (or, without publish, the checked-in
// one) is re-read and re-planned: it must plan to no edits.
// Operations are waited for by their id; when another operation replaces
// ours, the flow's versions say whether ours landed.
// Whatever fails after the check-out, the flow is reverted (unlocked when
// nothing was saved or the revert fails): flowlink never leaves a flow
// locked. The check-out is journalled before it is sent, so a run killed
// while it was under way is known for the lock's holder by the next run.
// ApplyOptions::cancel (SIGTERM/SIGINT in the CLI) stops new flows from
// starting; flows under way are released before their save or finished
// after it.
// Every step is appended to .flowlink/journal.jsonl, one JSON object a line.
// Re-running converges: a second plan + apply finds nothing to do.

#include <atomic>
#include <chrono>
#include <filesystem>
#include <functional>
#include <optional>
#include <ostream>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "flowdoc/document.hpp"
#include "genesys/flow_api.hpp"
#include "manifest/desired_state.hpp"
#include "plan/plan.hpp"
#include "plan/planner.hpp"
#include "util/progress.hpp"

namespace flowlink::apply {

using Clock = std::function<std::chrono::system_clock::time_point()>;

// How the flows are rolled out (all default to off).
struct Rollout {
  int canary = 0;        // apply to the first N flows, verify them, stop (a re-run without it does the rest)
  int max_failures = 0;  // start no flow after K failures
  int batch_size = 0;    // flows per batch (0: one batch)
  std::chrono::milliseconds pause{0};  // between batches
};

struct ApplyOptions {
  std::filesystem::path work_dir = ".";  // .flowlink/ (backups, journal) is made here
  bool force_unlock = false;             // break other people's locks instead of skipping
  std::chrono::milliseconds operation_timeout{120000};  // per check-in / publish
  int parallelism = 4;                   // flows applied at once
  flowdoc::IdSource ids;                 // ids of new actions; empty: random UUIDs
  Clock now;                             // journal and backup timestamps; empty: system clock
  // For people: a line per flow as it finishes (render_apply_flow_lines);
  // null: quiet. Flows that never started (cancelled, a rollout stopped)
  // have no line: the summary counts them.
  std::ostream* progress = nullptr;
  bool progress_steps = false;  // and before it, a line per step (the journal has every step either way)
  bool progress_color = false;  // ANSI colours in the flow lines
  util::ProgressCounters* counters = nullptr;  // `applied` counts flows finished; null: none
  std::string run_id;                    // empty: derived from the time and a random suffix
  // Options for the verification re-plan (require_published_modules, ...).
  plan::PlanOptions plan_options;
  // The common modules to verify against (as read_org read them); null: the
  // applier reads them itself (source::read_modules), only if a flow has edits.
  const std::vector<plan::ObservedFlow>* modules = nullptr;
  // Set (by a signal handler, say) to stop: no new flow starts, flows under
  // way are released or finished, the report says what was not done.
  const std::atomic<bool>* cancel = nullptr;
  Rollout rollout;
  // The saved plan's file, named in refusals ("" for a plan made in this process).
  std::string plan_file;
  // The org `api`'s credentials belong to, as the caller read it through
  // this same `api` (FlowApi::organization(); the CLI does before planning):
  // apply_plan checks the plan's org and the environment's against it, and
  // does not ask again. Empty: apply_plan reads it (one request).
  std::optional<genesys::Organization> org;
};

struct FlowOutcome {
  enum class Status { Applied, Unchanged, SkippedStale, SkippedLocked, SkippedDraft, Cancelled, NotStarted, Failed };
  std::string flow_id;
  std::string flow_name;
  std::string flow_type;
  Status status = Status::Unchanged;
  std::string step;    // Failed / Skipped: the step that stopped it ("checkin", "verification", ...)
  std::string reason;  // Failed / Skipped: why, e.g. "locked by Alice (user u-1)"
  int edits = 0;       // edits the plan asked for
  int added = 0, updated = 0, removed = 0, moved = 0;  // those edits by kind (calls added, ...)
  std::string version_before;  // the plan's observed_version
  std::string version_after;   // the checked-in (or published) version after apply
  std::string saved_version;   // the version our save created
  bool published = false;      // a publish was done and succeeded
  bool pending_publish = false;  // checked in, deliberately not published (publish: false, edit-draft)
  std::string action;          // the plan's action: "edit", "resume", "publish_draft", ...
  std::string backup_path;     // where the original document was kept
  std::vector<std::string> cleanup_errors;  // revert/unlock problems (the flow may still be locked)
};

struct ApplyReport {
  std::string run_id;
  std::string org_id;    // the org applied to (GET /api/v2/organizations/me, or ApplyOptions::org)
  std::string org_name;
  bool cancelled = false;  // ApplyOptions::cancel was set during the run
  bool rollout_stopped = false;  // the canary or --max-failures stopped the rollout
  bool canary_verified = false;  // a canary run whose N flows all verified (the rest waiting is no failure)
  std::string stop_reason;
  std::string journal_path;
  std::string journal_error;  // why the journal could not be written ("" when it was)
  std::vector<FlowOutcome> flows;       // in plan order
  std::vector<std::string> plan_errors; // plan-wide errors carried over
  genesys::RequestStats stats;          // requests this apply made
  std::chrono::milliseconds elapsed{0};

  int count(FlowOutcome::Status status) const;
  // True when nothing failed, was cancelled or was skipped (stale, locked,
  // held by a draft), and the plan had no plan-wide error.
  bool ok() const;
  // The CLI's exit code for apply: 0 when ok(), else 1.
  int exit_code() const { return ok() ? 0 : 1; }
};

// The checks that make a plan safe to apply and need no org: it was made
// against an org (not from an export directory), it records a manifest
// fingerprint, and that is `desired`'s (the manifests the flows are re-planned
// and verified with). Throws std::runtime_error, naming `plan_file` when
// given. apply_plan runs them before any request; a caller may run them
// earlier too (the CLI does, before it asks for confirmation).
void require_plan_applicable(const plan::Plan& plan, const manifest::DesiredState& desired,
                             const std::string& plan_file = "");

// Refuses (std::runtime_error, nothing applied) a plan require_plan_applicable
// refuses (naming options.plan_file), and one made against another org than
// the one `api` talks to.
ApplyReport apply_plan(genesys::FlowApi& api, const plan::Plan& plan, const manifest::DesiredState& desired,
                       const ApplyOptions& options);

const char* to_string(FlowOutcome::Status status);  // "applied", "unchanged", "skipped_stale", ...

// Human report: the run, one line per flow that was not unchanged
// (render_apply_flow_lines, no colour), then render_apply_summary's lines.
std::string render_apply_text(const ApplyReport& report);
// What happened to one flow, on one line ("✓ Inbound A (id): 1 added,
// published 4.0"; "✗ ...: skipped (stale) — changed since the plan ...");
// a lock that could not be given back adds an indented line. Org-supplied
// text is escaped for the terminal. Each line ends with a newline.
std::string render_apply_flow_lines(const FlowOutcome& flow, bool color);
// The report without its flows: the run, plan errors, why the rollout
// stopped, the totals, requests and the journal (what `flowlink apply`
// prints after the flows' lines).
std::string render_apply_summary(const ApplyReport& report);
nlohmann::ordered_json apply_report_to_json(const ApplyReport& report);
std::string render_apply_json(const ApplyReport& report);  // dump(2) + "\n"

}  // namespace flowlink::apply
