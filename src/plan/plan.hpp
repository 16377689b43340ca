#pragma once
// The plan model: what must change in which flow, and what was observed when
// it was planned. Renderers (render_*.hpp) turn it into text, JSON and
// Markdown; the applier executes it. Plain data.

#include <optional>
#include <string>
#include <vector>

#include "flowdoc/document.hpp"
#include "manifest/desired_state.hpp"

namespace flowlink::plan {

inline constexpr int kFormatVersion = 1;

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

struct FlowPlan {
  std::string flow_id;
  std::string flow_name;
  std::string flow_type;         // lowercase
  std::string observed_version;  // the version the document was read at ("3.0")
  std::string fingerprint;       // flowdoc::Document::fingerprint() of that document
  std::vector<std::string> rules;  // rules that matched the flow
  std::vector<Edit> edits;
  std::vector<Finding> findings;
  std::vector<std::string> errors;  // this flow could not be planned
  bool publish = false;             // publish after check-in (any matched rule asks)

  enum class Status { NoChange, Change, Drift, Error };
  Status status() const;  // Error > Change > Drift (findings only) > NoChange
};

struct PlanSummary {
  int flows_matched = 0;
  int to_change = 0;
  int unchanged = 0;
  int drift_only = 0;
  int errors = 0;
  int add = 0, update = 0, remove = 0, move = 0;
};

struct Plan {
  int format_version = kFormatVersion;
  std::string flowlink_version;
  std::vector<std::string> manifest_files;
  std::string manifest_fingerprint;  // manifest::DesiredState::fingerprint when planned
  std::string source;  // "export-dir examples/org" or "https://api.mypurecloud.com"
  std::vector<FlowPlan> flows;        // sorted by type, then name, then id
  std::vector<std::string> errors;    // plan-wide (e.g. a module that does not exist)
  PlanSummary summary() const;
  bool has_changes() const;  // any edit
  bool has_drift() const;    // any edit or finding
  bool has_errors() const;
};

const char* to_string(Edit::Kind kind);
const char* to_string(Finding::Kind kind);
const char* to_string(FlowPlan::Status status);

}  // namespace flowlink::plan
