#pragma once
// Internal to flowdoc: an index over a document's action graph (which sequence
// holds which action, and which link refers to which action). Rebuilt from the
// JSON whenever needed; it holds positions, never references, so it stays
// valid while links are rewritten (but not once actions are erased or added).

#include <cstddef>
#include <optional>
#include <string>
#include <unordered_map>
#include <vector>

#include "flowdoc/document.hpp"

namespace flowlink::flowdoc::detail {

inline constexpr std::size_t kNone = static_cast<std::size_t>(-1);

// The keys of the action graph: the sequences, their actions, and the three
// kinds of link (task start, next action, branch path).
inline constexpr const char* kSequences = "flowSequenceItemList";
inline constexpr const char* kActionList = "actionList";
inline constexpr const char* kStartAction = "startAction";
inline constexpr const char* kNextAction = "nextAction";
inline constexpr const char* kPaths = "paths";
inline constexpr const char* kPathNext = "nextActionId";

// Small readers that tolerate absent or mistyped keys.
std::string string_field(const Json& object, const char* key);
int int_field(const Json& object, const char* key, int fallback = -1);
// A link value: a non-empty string, else nothing ("" and absent mean no link).
std::optional<std::string> link_field(const Json& object, const char* key);

std::string sequence_pointer(std::size_t sequence);
std::string action_pointer(std::size_t sequence, std::size_t action);

// A sequence item (task, menu, state, ...) that has an actionList.
struct SequenceRef {
  std::size_t index = 0;  // in flowSequenceItemList
  std::string id;
  std::string name;
  bool initial = false;
};

struct ActionRef {
  std::size_t sequence = 0;  // index in Graph::sequences
  std::size_t index = 0;     // in that sequence's actionList
  std::string id;
};

// A place that can hold a link to an action: task.startAction,
// action.nextAction or action.paths[i].nextActionId.
struct Slot {
  enum class Kind { TaskStart, NextAction, PathNext };
  Kind kind = Kind::TaskStart;
  std::size_t sequence = 0;   // index in Graph::sequences
  std::size_t action = kNone; // NextAction / PathNext: index in the actionList
  std::size_t path = kNone;   // PathNext: index in paths
};

struct Link {
  Slot slot;
  std::string target;
};

struct Graph {
  std::vector<SequenceRef> sequences;
  std::vector<ActionRef> actions;
  std::vector<Link> links;  // every non-empty link, in document order
  std::unordered_map<std::string, std::vector<std::size_t>> actions_by_id;  // -> actions
  std::unordered_map<std::string, std::vector<std::size_t>> referrers;      // target -> links

  const ActionRef* find(const std::string& action_id) const;
  const SequenceRef* find_sequence_by_id(const std::string& id) const;
};

// `detached`: an action whose own outgoing links are left out (it is being moved).
Graph build_graph(const Json& doc, const std::string& detached = {});

Json& sequence_json(Json& doc, const Graph& graph, std::size_t sequence);
const Json& sequence_json(const Json& doc, const Graph& graph, std::size_t sequence);
Json& action_json(Json& doc, const Graph& graph, const ActionRef& action);
const Json& action_json(const Json& doc, const Graph& graph, const ActionRef& action);

std::optional<std::string> read_slot(const Json& doc, const Graph& graph, const Slot& slot);
// Sets the link (in place, keeping key order), or erases its key for nullopt.
void write_slot(Json& doc, const Graph& graph, const Slot& slot, const std::optional<std::string>& target);
// Erases the slot's key if it holds exactly "" (a placeholder set by an edit).
void erase_placeholder_slot(Json& doc, const Graph& graph, const Slot& slot);
// The id of whatever holds the slot: the task id for TaskStart, else the action id.
std::string slot_owner_id(const Json& doc, const Graph& graph, const Slot& slot);

// The soundness check behind Document::check(), on any document JSON.
std::vector<Problem> check_document(const Json& doc);

Position position_in(const Json& doc, const Graph& graph, const ActionRef& action);

}  // namespace flowlink::flowdoc::detail
