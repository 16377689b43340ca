// Edits: insert, update, remove and move module calls by relinking the graph
// (see flow-configuration.md "Actions form a graph, not a list").
//
// Every edit works on a copy of the JSON and replaces the document only once
// the result passes check(), so a failed edit leaves the document unchanged.
#include <fmt/format.h>

#include "flowdoc/call_shape.hpp"
#include "flowdoc/document.hpp"
#include "flowdoc/errors.hpp"
#include "flowdoc/expression.hpp"
#include "flowdoc/graph.hpp"
#include "flowdoc/module_manifest.hpp"

namespace flowlink::flowdoc {

using detail::error_at;
using detail::Graph;
using detail::kActionList;
using detail::kNextAction;
using detail::string_field;

namespace {

// Where a new or moved action goes: the sequence that will hold it and the
// link slot that will point at it (its old target becomes the action's next).
struct Target {
  std::size_t sequence = 0;
  detail::Slot slot;
};

Target resolve_target(const Json& doc, const Graph& graph, const InsertionPoint& where, const std::string& source) {
  using Kind = InsertionPoint::Kind;
  switch (where.kind) {
    case Kind::InitialTaskStart: {
      const std::string initial = string_field(doc, "initialSequence");
      const detail::SequenceRef* sequence = initial.empty() ? nullptr : graph.find_sequence_by_id(initial);
      if (!sequence) {
        throw error_at(source, "/initialSequence",
                       fmt::format("initial sequence '{}' is not a sequence with an actionList", initial));
      }
      std::size_t index = static_cast<std::size_t>(sequence - graph.sequences.data());
      return {index, {detail::Slot::Kind::TaskStart, index, detail::kNone, detail::kNone}};
    }
    case Kind::TaskStart: {
      std::optional<std::size_t> found;
      for (std::size_t i = 0; i < graph.sequences.size(); ++i) {
        if (graph.sequences[i].name != where.task_name) continue;
        if (found) throw error_at(source, "", fmt::format("more than one task is named '{}'", where.task_name));
        found = i;
      }
      if (!found) throw error_at(source, "", fmt::format("no task named '{}'", where.task_name));
      return {*found, {detail::Slot::Kind::TaskStart, *found, detail::kNone, detail::kNone}};
    }
    case Kind::AfterAction: {
      const detail::ActionRef* anchor = graph.find(where.action_id);
      if (!anchor) throw error_at(source, "", fmt::format("no action with id '{}' to insert after", where.action_id));
      return {anchor->sequence, {detail::Slot::Kind::NextAction, anchor->sequence, anchor->index, detail::kNone}};
    }
    case Kind::BeforeAction: {
      const detail::ActionRef* anchor = graph.find(where.action_id);
      if (!anchor) throw error_at(source, "", fmt::format("no action with id '{}' to insert before", where.action_id));
      auto it = graph.referrers.find(where.action_id);
      if (it == graph.referrers.end() || it->second.size() != 1) {
        throw error_at(source, "", fmt::format("action '{}' does not have exactly one referrer", where.action_id));
      }
      return {anchor->sequence, graph.links[it->second.front()].slot};
    }
  }
  throw error_at(source, "", "unknown insertion point");
}

// Sets a moved call's nextAction in place, or removes it. A nextAction the
// call did not have goes where make_call_action puts it (before uiMetaData),
// so that a call moved away and back is the same document again.
void set_next(Json& action, const std::optional<std::string>& next) {
  if (!next) {
    action.erase(kNextAction);
  } else if (action.contains(kNextAction) || !action.contains("uiMetaData")) {
    action[kNextAction] = *next;
  } else {
    Json rebuilt = Json::object();
    for (auto it = action.begin(); it != action.end(); ++it) {
      if (it.key() == "uiMetaData") rebuilt[kNextAction] = *next;
      rebuilt[it.key()] = std::move(it.value());
    }
    action = std::move(rebuilt);
  }
}

int take_tracking_number(Json& doc, const Graph& graph) {
  auto it = doc.find("nextTrackingNumber");
  int tracking = 0;
  if (it != doc.end() && it->is_number_integer()) {
    tracking = it->get<int>();
  } else {
    // No counter (unusual): continue after the highest trackingId in use.
    for (const Json& item : doc["flowSequenceItemList"]) tracking = std::max(tracking, detail::int_field(item, "trackingId") + 1);
    for (const auto& action : graph.actions) {
      tracking = std::max(tracking, detail::int_field(detail::action_json(doc, graph, action), "trackingId") + 1);
    }
  }
  doc["nextTrackingNumber"] = tracking + 1;
  return tracking;
}

Json make_call_action(const CallSpec& call, const std::string& id, const std::string& name, int tracking_id,
                      const std::optional<std::string>& next) {
  Json action = Json::object();
  action["__type"] = call_shape::kType;
  action["id"] = id;
  action["name"] = name;
  action["trackingId"] = tracking_id;
  action[call_shape::kModuleId] = call.module_id;
  action[call_shape::kModuleName] = call.module_name;
  action[call_shape::kInputs] = Json::array();
  detail::write_bindings(action[call_shape::kInputs], call.inputs, detail::BindingDirection::Input);
  action[call_shape::kOutputs] = Json::array();
  detail::write_bindings(action[call_shape::kOutputs], call.outputs, detail::BindingDirection::Output);
  if (next) action[kNextAction] = *next;
  action["uiMetaData"] = Json{{"collapsed", false}};
  return action;
}

const detail::ActionRef& require_call(const Json& doc, const Graph& graph, std::string_view action_id,
                                      const std::string& source) {
  const detail::ActionRef* ref = graph.find(std::string(action_id));
  if (!ref) throw error_at(source, "", fmt::format("no action with id '{}'", action_id));
  const Json& action = detail::action_json(doc, graph, *ref);
  if (string_field(action, "__type") != call_shape::kType) {
    throw error_at(source, detail::action_pointer(graph.sequences[ref->sequence].index, ref->index),
                   fmt::format("action '{}' is a {}, not a {}", action_id, string_field(action, "__type"),
                               call_shape::kType));
  }
  return *ref;
}

}  // namespace

void Document::require_sound_before_edit(const char* edit) const {
  require_whole(edit);
  std::vector<Problem> problems = check();
  if (problems.empty()) return;
  throw error_at(source_, "", fmt::format("refusing to {}: the document is not sound:{}", edit,
                                          detail::describe_problems(problems)));
}

void Document::require_sound_after_edit(const Json& edited, const std::string& action_id, const char* edit) const {
  std::vector<Problem> problems = detail::check_document(edited);
  if (problems.empty()) return;
  throw error_at(source_, "", fmt::format("{} of action '{}' would leave the document unsound (a flowlink bug):{}",
                                          edit, action_id, detail::describe_problems(problems)));
}

std::string Document::insert_call(const CallSpec& call, const InsertionPoint& where, const IdSource& ids) {
  require_sound_before_edit("insert a module call");
  if (call.module_id.empty()) throw error_at(source_, "", "cannot insert a module call without a module id");
  Json doc = json_;
  const Graph graph = detail::build_graph(doc);
  const Target target = resolve_target(doc, graph, where, source_);
  const std::string id = ids();
  if (id.empty() || graph.find(id) || graph.find_sequence_by_id(id)) {
    throw error_at(source_, "", fmt::format("the id source gave an unusable id '{}'", id));
  }
  const std::string name = call.action_name.empty() ? "Call " + call.module_name : call.action_name;
  const int tracking_id = take_tracking_number(doc, graph);

  // Append first: existing actions keep their indices, so the slot stays valid.
  Json action = make_call_action(call, id, name, tracking_id, detail::read_slot(doc, graph, target.slot));
  detail::sequence_json(doc, graph, target.sequence)[kActionList].push_back(std::move(action));
  detail::write_slot(doc, graph, target.slot, id);
  detail::add_module_use(doc, call.module_id, call.module_name, id, name);

  require_sound_after_edit(doc, id, "inserting");
  json_ = std::move(doc);
  text_fingerprint_.clear();
  return id;
}

void Document::update_call(std::string_view action_id, const Bindings& inputs, const Bindings& outputs) {
  require_sound_before_edit("update a module call");
  Json doc = json_;
  const Graph graph = detail::build_graph(doc);
  Json& action = detail::action_json(doc, graph, require_call(doc, graph, action_id, source_));
  auto rewrite = [&](const char* key, const Bindings& wanted, detail::BindingDirection direction) {
    if (!action.contains(key) && wanted.empty()) return;  // don't add an empty list nobody had
    detail::write_bindings(action[key], wanted, direction);
  };
  rewrite(call_shape::kInputs, inputs, detail::BindingDirection::Input);
  rewrite(call_shape::kOutputs, outputs, detail::BindingDirection::Output);
  require_sound_after_edit(doc, std::string(action_id), "updating");
  json_ = std::move(doc);
  text_fingerprint_.clear();
}

void Document::remove_call(std::string_view action_id) {
  require_sound_before_edit("remove a module call");
  Json doc = json_;
  const Graph graph = detail::build_graph(doc);
  const detail::ActionRef& ref = require_call(doc, graph, action_id, source_);
  const std::string id(action_id);
  for (const detail::Link& link : graph.links) {
    // Actions in the call's own branches would be orphaned: not flowlink's to delete.
    if (link.slot.kind == detail::Slot::Kind::PathNext && link.slot.sequence == ref.sequence &&
        link.slot.action == ref.index) {
      throw error_at(source_, detail::action_pointer(graph.sequences[ref.sequence].index, ref.index),
                     fmt::format("cannot remove call '{}': its branch leads to action '{}'", id, link.target));
    }
  }
  // check() passed, so exactly one link refers to the call.
  const detail::Slot slot = graph.links[graph.referrers.at(id).front()].slot;
  detail::write_slot(doc, graph, slot, detail::link_field(detail::action_json(doc, graph, ref), kNextAction));
  Json& list = detail::sequence_json(doc, graph, ref.sequence)[kActionList];
  list.erase(list.begin() + static_cast<std::ptrdiff_t>(ref.index));
  detail::remove_module_use(doc, id, {had_manifest_, had_common_module_flow_});
  require_sound_after_edit(doc, id, "removing");
  json_ = std::move(doc);
  text_fingerprint_.clear();
}

void Document::move_call(std::string_view action_id, const InsertionPoint& where) {
  require_sound_before_edit("move a module call");
  const std::string id(action_id);
  if ((where.kind == InsertionPoint::Kind::AfterAction || where.kind == InsertionPoint::Kind::BeforeAction) &&
      where.action_id == id) {
    throw error_at(source_, "", fmt::format("cannot move action '{}' next to itself", id));
  }
  Json doc = json_;
  detail::Slot old_slot;
  {
    // Unlink: the call's referrer now points past it. With no next, it holds
    // "" (no link) for now rather than losing its key: if the call comes back
    // to the same place, the key keeps its position.
    const Graph graph = detail::build_graph(doc);
    const detail::ActionRef& ref = require_call(doc, graph, id, source_);
    old_slot = graph.links[graph.referrers.at(id).front()].slot;
    auto next = detail::link_field(detail::action_json(doc, graph, ref), kNextAction);
    detail::write_slot(doc, graph, old_slot, next.value_or(""));
  }
  // Relink, with the call's own outgoing link left out of the graph.
  const Graph graph = detail::build_graph(doc, id);
  const detail::ActionRef& ref = *graph.find(id);
  const Target target = resolve_target(doc, graph, where, source_);
  set_next(detail::action_json(doc, graph, ref), detail::read_slot(doc, graph, target.slot));
  detail::write_slot(doc, graph, target.slot, id);
  detail::erase_placeholder_slot(doc, graph, old_slot);  // same indices: nothing was added or erased yet
  if (target.sequence != ref.sequence) {
    Json& from = detail::sequence_json(doc, graph, ref.sequence)[kActionList];
    detail::sequence_json(doc, graph, target.sequence)[kActionList].push_back(from[ref.index]);
    from.erase(from.begin() + static_cast<std::ptrdiff_t>(ref.index));
  }
  require_sound_after_edit(doc, id, "moving");
  json_ = std::move(doc);
  text_fingerprint_.clear();
}

}  // namespace flowlink::flowdoc
