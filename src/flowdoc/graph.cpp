// The referrer index over a document's action graph, and positions.
#include "flowdoc/graph.hpp"

#include <fmt/format.h>

namespace flowlink::flowdoc::detail {

std::string string_field(const Json& object, const char* key) {
  if (!object.is_object()) return {};
  auto it = object.find(key);
  if (it == object.end() || !it->is_string()) return {};
  return it->get<std::string>();
}

int int_field(const Json& object, const char* key, int fallback) {
  if (!object.is_object()) return fallback;
  auto it = object.find(key);
  if (it == object.end() || !it->is_number_integer()) return fallback;
  return it->get<int>();
}

std::optional<std::string> link_field(const Json& object, const char* key) {
  std::string value = string_field(object, key);
  if (value.empty()) return std::nullopt;
  return value;
}

std::string sequence_pointer(std::size_t sequence) {
  return fmt::format("/{}/{}", kSequences, sequence);
}

std::string action_pointer(std::size_t sequence, std::size_t action) {
  return fmt::format("/{}/{}/{}/{}", kSequences, sequence, kActionList, action);
}

const ActionRef* Graph::find(const std::string& action_id) const {
  auto it = actions_by_id.find(action_id);
  if (it == actions_by_id.end() || it->second.empty()) return nullptr;
  return &actions[it->second.front()];
}

const SequenceRef* Graph::find_sequence_by_id(const std::string& id) const {
  for (const auto& sequence : sequences) {
    if (sequence.id == id) return &sequence;
  }
  return nullptr;
}

Graph build_graph(const Json& doc, const std::string& detached) {
  Graph graph;
  const std::string initial = string_field(doc, "initialSequence");
  const Json& items = doc.at(kSequences);
  for (std::size_t i = 0; i < items.size(); ++i) {
    const Json& item = items[i];
    if (!item.is_object() || !item.contains(kActionList) || !item[kActionList].is_array()) continue;
    const std::size_t sequence = graph.sequences.size();
    std::string id = string_field(item, "id");
    graph.sequences.push_back({i, id, string_field(item, "name"), !id.empty() && id == initial});
    auto add_link = [&](Slot slot, std::optional<std::string> target) {
      if (!target) return;
      graph.referrers[*target].push_back(graph.links.size());
      graph.links.push_back({slot, std::move(*target)});
    };
    add_link({Slot::Kind::TaskStart, sequence, kNone, kNone}, link_field(item, kStartAction));
    const Json& list = item[kActionList];
    for (std::size_t a = 0; a < list.size(); ++a) {
      const Json& action = list[a];
      std::string action_id = string_field(action, "id");
      graph.actions_by_id[action_id].push_back(graph.actions.size());
      graph.actions.push_back({sequence, a, action_id});
      if (!detached.empty() && action_id == detached) continue;
      add_link({Slot::Kind::NextAction, sequence, a, kNone}, link_field(action, kNextAction));
      if (action.contains(kPaths) && action[kPaths].is_array()) {
        const Json& paths = action[kPaths];
        for (std::size_t p = 0; p < paths.size(); ++p) {
          add_link({Slot::Kind::PathNext, sequence, a, p}, link_field(paths[p], kPathNext));
        }
      }
    }
  }
  return graph;
}

Json& sequence_json(Json& doc, const Graph& graph, std::size_t sequence) {
  return doc[kSequences][graph.sequences.at(sequence).index];
}

const Json& sequence_json(const Json& doc, const Graph& graph, std::size_t sequence) {
  return doc.at(kSequences).at(graph.sequences.at(sequence).index);
}

Json& action_json(Json& doc, const Graph& graph, const ActionRef& action) {
  return sequence_json(doc, graph, action.sequence)[kActionList][action.index];
}

const Json& action_json(const Json& doc, const Graph& graph, const ActionRef& action) {
  return sequence_json(doc, graph, action.sequence).at(kActionList).at(action.index);
}

namespace {
// The JSON object holding the slot's key, and that key.
template <typename J>
std::pair<J*, const char*> slot_location(J& doc, const Graph& graph, const Slot& slot) {
  auto& sequence = sequence_json(doc, graph, slot.sequence);
  switch (slot.kind) {
    case Slot::Kind::TaskStart:
      return {&sequence, kStartAction};
    case Slot::Kind::NextAction:
      return {&sequence[kActionList][slot.action], kNextAction};
    case Slot::Kind::PathNext:
      return {&sequence[kActionList][slot.action][kPaths][slot.path], kPathNext};
  }
  return {&sequence, kStartAction};
}
}  // namespace

std::optional<std::string> read_slot(const Json& doc, const Graph& graph, const Slot& slot) {
  auto [object, key] = slot_location(doc, graph, slot);
  return link_field(*object, key);
}

void write_slot(Json& doc, const Graph& graph, const Slot& slot, const std::optional<std::string>& target) {
  auto [object, key] = slot_location(doc, graph, slot);
  if (target) {
    (*object)[key] = *target;  // replaces in place: key order is kept
  } else {
    object->erase(key);
  }
}

void erase_placeholder_slot(Json& doc, const Graph& graph, const Slot& slot) {
  auto [object, key] = slot_location(doc, graph, slot);
  auto it = object->find(key);
  if (it != object->end() && it->is_string() && it->get<std::string>().empty()) object->erase(it);
}

std::string slot_owner_id(const Json& doc, const Graph& graph, const Slot& slot) {
  const Json& sequence = sequence_json(doc, graph, slot.sequence);
  if (slot.kind == Slot::Kind::TaskStart) return string_field(sequence, "id");
  return string_field(sequence.at(kActionList).at(slot.action), "id");
}

Position position_in(const Json& doc, const Graph& graph, const ActionRef& action) {
  Position position;
  const SequenceRef& sequence = graph.sequences.at(action.sequence);
  position.task_id = sequence.id;
  position.task_name = sequence.name;
  position.initial_task = sequence.initial;
  position.next_id = link_field(action_json(doc, graph, action), kNextAction).value_or("");
  auto it = graph.referrers.find(action.id);
  if (it == graph.referrers.end() || it->second.empty()) return position;
  const Link& link = graph.links[it->second.front()];
  if (link.slot.kind == Slot::Kind::TaskStart) {
    position.kind = Position::Kind::TaskStart;
    return position;
  }
  const Json& referrer = sequence_json(doc, graph, link.slot.sequence).at(kActionList).at(link.slot.action);
  position.referrer_id = string_field(referrer, "id");
  position.referrer_name = string_field(referrer, "name");
  position.referrer_tracking_id = int_field(referrer, "trackingId");
  if (link.slot.kind == Slot::Kind::NextAction) {
    position.kind = Position::Kind::AfterAction;
  } else {
    position.kind = Position::Kind::BranchStart;
    const Json& path = referrer.at(kPaths).at(link.slot.path);
    position.branch_output_id = string_field(path, "outputId");
    position.branch_label = string_field(path, "label");
  }
  return position;
}

}  // namespace flowlink::flowdoc::detail

namespace flowlink::flowdoc {

namespace {
std::string action_label(const std::string& name, int tracking_id) {
  if (tracking_id < 0) return fmt::format("'{}'", name);
  return fmt::format("'{}' (#{})", name, tracking_id);
}
}  // namespace

std::string Position::describe() const {
  switch (kind) {
    case Kind::TaskStart:
      return fmt::format("first in task '{}'", task_name);
    case Kind::AfterAction:
      return fmt::format("after {}", action_label(referrer_name, referrer_tracking_id));
    case Kind::BranchStart:
      return fmt::format("in branch '{}' of {}", branch_label.empty() ? branch_output_id : branch_label,
                         action_label(referrer_name, referrer_tracking_id));
    case Kind::Unreachable:
      break;
  }
  return fmt::format("unreachable in task '{}'", task_name);
}

std::string ActionSelector::describe() const {
  std::string text = "action";
  if (name) text += fmt::format(" named '{}'", *name);
  if (type) text += fmt::format(" of type {}", *type);
  if (tracking_id) text += fmt::format(" with trackingId {}", *tracking_id);
  if (!name && !type && !tracking_id) text = "any action";
  return text;
}

}  // namespace flowlink::flowdoc
