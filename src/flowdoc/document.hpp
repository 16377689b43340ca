#pragma once
// The flow configuration document: what GET /api/v2/flows/{id}/latestconfiguration
// returns and POST /api/v2/flows/{id}/versions takes. See
// shared/reference/flow-configuration.md.
//
// Document owns the JSON and only ever touches what flowlink owns: the
// CallCommonModuleAction actions, the links that reach them, nextTrackingNumber
// and manifest.commonModuleFlow. Everything else (unknown keys, key order,
// numbers, unicode, uiMetaData) survives parse -> serialize untouched.
//
// Pure: no I/O. New action ids come from an IdSource so tests are deterministic.

#include <functional>
#include <map>
#include <optional>
#include <stdexcept>
#include <string>
#include <string_view>
#include <vector>

#include <nlohmann/json.hpp>

namespace flowlink::flowdoc {

using Json = nlohmann::ordered_json;

// Thrown for a document that cannot be read or edited; `what()` names the
// source (file or flow) and the JSON pointer of the offending value.
class DocumentError : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

// Source of fresh action ids (UUID v4 strings). The default draws random
// UUIDs; tests pass a counter.
using IdSource = std::function<std::string()>;
IdSource random_uuid_source();
IdSource sequential_id_source(std::string prefix = "00000000-0000-4000-8000-");

// One input or output binding of a module call: the module's variable name
// (e.g. "Common.CallerAni") and the expression text bound to it ("Call.Ani").
// Ordered by name so that comparisons do not depend on document order.
using Bindings = std::map<std::string, std::string>;

// Where an action sits in the graph, described by what refers to it.
struct Position {
  enum class Kind {
    TaskStart,    // the task's startAction
    AfterAction,  // some action's nextAction
    BranchStart,  // some action's paths[].nextActionId
    Unreachable,  // nothing refers to it (a broken or unusual document)
  };
  Kind kind = Kind::Unreachable;
  std::string task_id;
  std::string task_name;
  bool initial_task = false;        // task_id == initialSequence
  std::string referrer_id;          // AfterAction / BranchStart: the referring action
  std::string referrer_name;
  int referrer_tracking_id = -1;
  std::string branch_output_id;     // BranchStart: paths[].outputId, e.g. "__YES__"
  std::string branch_label;         // BranchStart: paths[].label, e.g. "Yes"
  std::string next_id;              // the action after it in its sequence, if any

  std::string describe() const;     // "first in task 'Main'", "after 'Play Welcome' (#27)", ...
};

// A CallCommonModuleAction found in the document.
struct ModuleCall {
  std::string action_id;
  std::string action_name;
  int tracking_id = -1;
  std::string module_id;    // flowId
  std::string module_name;  // flowName
  Bindings inputs;
  Bindings outputs;
  Position position;
};

// Any action, for anchors and diagnostics.
struct ActionInfo {
  std::string id;
  std::string name;
  std::string type;  // __type, e.g. "PlayAudioAction"
  int tracking_id = -1;
  std::string task_id;
  std::string task_name;
};

// How a manifest names an anchor action. Every set field must match.
struct ActionSelector {
  std::optional<std::string> name;
  std::optional<int> tracking_id;
  std::optional<std::string> type;  // __type
  std::string describe() const;
};

// Where to insert a new call.
struct InsertionPoint {
  enum class Kind { InitialTaskStart, TaskStart, AfterAction, BeforeAction };
  Kind kind = Kind::InitialTaskStart;
  std::string task_name;    // TaskStart
  std::string action_id;    // AfterAction / BeforeAction: the resolved anchor's id
};

// What to insert.
struct CallSpec {
  std::string module_id;
  std::string module_name;
  std::string action_name;  // empty: "Call <module_name>"
  Bindings inputs;
  Bindings outputs;
};

// A soundness problem found by check(): names the action or key concerned.
struct Problem {
  std::string where;    // action id, task id, or JSON pointer
  std::string message;
};

// A module's interface, read from a COMMONMODULE document: its Common.*
// variables marked isInput / isOutput.
struct ModuleInterface {
  std::vector<std::string> inputs;
  std::vector<std::string> outputs;
};

class Document {
 public:
  // Parses a configuration document. `source` names it in errors (a file
  // path or "flow 'Name' (id)"). Throws DocumentError if the text is not JSON,
  // nests deeper than util::kMaxJsonDepth (checked before anything is built:
  // serializing and copying recurse per level), has a `name` or `type` that
  // is not a string, or lacks the structure flowlink needs
  // (flowSequenceItemList, ...). from_json applies the same checks.
  static Document parse(std::string_view text, std::string source);
  static Document from_json(Json json, std::string source);
  // For planning a flow that is read, planned and let go: the same answers
  // from every reader (name, type, module_calls, actions, positions,
  // check(), source_fingerprint) and the same errors as parse(), from a view
  // that keeps only the action graph and the module calls (planning_view.hpp),
  // several times faster than parse() on a real flow. The view cannot be
  // edited, serialized or fingerprinted by content, nor give a module
  // interface: those throw std::logic_error (apply edits what it re-reads,
  // parsed whole). Text the view does not take exactly as parse() would is
  // parsed whole, so the result never depends on which way was taken.
  static Document parse_for_planning(std::string_view text, std::string source);
  // Made by parse_for_planning's view (not every call of it makes one).
  bool is_planning_view() const { return planning_view_; }

  const Json& json() const { return json_; }
  const std::string& source() const { return source_; }
  std::string name() const;
  std::string type() const;  // lowercase as in the document, e.g. "inboundcall"

  // Serialized as Architect does: UTF-8 JSON. indent < 0 gives compact output.
  std::string serialize(int indent = -1) const;
  // SHA-256 (hex) of the compact serialization: the content, whatever its
  // formatting (apply compares a document it sent with what the server kept).
  std::string fingerprint() const;
  // SHA-256 (hex) of the text the document was parsed from, as the server or
  // the file had it: what a plan records to detect that a flow changed
  // between plan and apply (the re-read's text_fingerprint, no parse needed).
  // Hashing the bytes costs a fraction of re-serializing them. For a
  // document built by from_json, or edited since, it is fingerprint().
  std::string source_fingerprint() const;
  static std::string text_fingerprint(std::string_view text);

  // Reading.
  std::vector<ModuleCall> module_calls() const;
  std::vector<ActionInfo> actions() const;
  std::vector<ActionInfo> find_actions(const ActionSelector& selector) const;
  std::optional<ActionInfo> find_action_by_id(std::string_view id) const;
  bool has_task(std::string_view task_name) const;
  Position position_of(std::string_view action_id) const;
  ModuleInterface module_interface() const;  // for COMMONMODULE documents

  // Edits. Each relinks the graph, keeps manifest.commonModuleFlow in step and
  // runs check(); a failed check throws DocumentError naming the action (a bug).
  // An edit on a document that already fails check() is refused (DocumentError
  // listing the problems). A failed edit leaves the document unchanged.
  // - insert_call takes a fresh id from `ids` and trackingId = nextTrackingNumber
  //   (then bumps it), appends the action to its sequence's actionList and lists
  //   it under its module in manifest.commonModuleFlow (created as needed).
  // - remove_call points the call's referrer at its nextAction, or erases the
  //   referrer's key when it has none; a module entry goes with its last call,
  //   and commonModuleFlow / manifest go once empty only if the parsed document
  //   did not have them. So insert then remove gives back the parsed document,
  //   apart from nextTrackingNumber (trackingIds are never reused).
  // - update_call keeps binding objects whose expression text is unchanged.
  // Returns the new action's id.
  std::string insert_call(const CallSpec& call, const InsertionPoint& where, const IdSource& ids);
  void update_call(std::string_view action_id, const Bindings& inputs, const Bindings& outputs);
  void remove_call(std::string_view action_id);
  // Moves an existing call to a new place (remove + insert keeping id/trackingId).
  void move_call(std::string_view action_id, const InsertionPoint& where);

  // Proves the document sound: initialSequence names one of its sequences,
  // every link resolves, each action has exactly one referrer, ids and
  // trackingIds unique, trackingIds below nextTrackingNumber,
  // manifest.commonModuleFlow consistent with the calls.
  std::vector<Problem> check() const;

 private:
  Document(Json json, std::string source);
  void require_whole(const char* what) const;
  void require_sound_before_edit(const char* edit) const;
  void require_sound_after_edit(const Json& edited, const std::string& action_id, const char* edit) const;

  Json json_;
  std::string source_;
  std::string text_fingerprint_;  // parse's; cleared by an edit
  // Whether manifest / manifest.commonModuleFlow existed when parsed: an edit
  // that empties commonModuleFlow removes those keys only if flowlink added
  // them, so that insert then remove gives back the original document.
  bool had_manifest_ = true;
  bool had_common_module_flow_ = true;
  bool planning_view_ = false;
};

// An Architect export file (*.i3InboundFlow, *.i3CommonModule, ...) is the
// configuration document URL-encoded then base64-encoded. Returns the JSON
// text; throws DocumentError naming `source` if it does not decode.
std::string decode_architect_export(std::string_view file_text, const std::string& source);
std::string encode_architect_export(std::string_view json_text);

// True for Architect export file names (*.i3InboundFlow, *.i3CommonModule, ...).
bool is_architect_export_name(std::string_view filename);

}  // namespace flowlink::flowdoc
