// Resolving a manifest placement (start / task / after / before) against one
// flow document: the anchor action, the calls already standing there, and the
// insertion point for a new call.
#include <algorithm>
#include <deque>

#include <fmt/format.h>

#include "plan/planner_internal.hpp"

namespace flowlink::plan::detail {

namespace {

using manifest::Placement;

// Names of the flow's sequences (tasks, menus, states) for error messages.
std::vector<std::string> sequence_names(const flowdoc::Document& document) {
  std::vector<std::string> names;
  const auto& json = document.json();
  auto it = json.find("flowSequenceItemList");
  if (it == json.end() || !it->is_array()) return names;
  for (const auto& item : *it)
    if (item.is_object() && item.contains("name") && item["name"].is_string())
      names.push_back(item["name"].get<std::string>());
  return names;
}

std::string initial_task_name(const flowdoc::Document& document) {
  const auto& json = document.json();
  auto initial = json.find("initialSequence");
  auto list = json.find("flowSequenceItemList");
  if (initial == json.end() || !initial->is_string() || list == json.end() || !list->is_array()) return {};
  for (const auto& item : *list)
    if (item.is_object() && item.value("id", std::string()) == initial->get<std::string>())
      return item.value("name", std::string());
  return {};
}

// The first action of the slot's task, found through the document's own
// position analysis so that only flowdoc knows the JSON links.
std::string task_start_action(const flowdoc::Document& document, const Slot& slot) {
  for (const auto& action : document.actions()) {
    flowdoc::Position position = document.position_of(action.id);
    if (position.kind != flowdoc::Position::Kind::TaskStart) continue;
    if (slot.kind == Placement::Kind::Start ? position.initial_task : position.task_name == slot.task_name)
      return action.id;
  }
  return {};
}

bool contains(const std::vector<std::string>& ids, const std::string& id) {
  return std::find(ids.begin(), ids.end(), id) != ids.end();
}

}  // namespace

std::string describe_action(const flowdoc::ActionInfo& action) {
  return fmt::format("'{}' (#{})", action.name, action.tracking_id);
}

std::string Slot::key() const {
  // `start` and `task: <the initial task>` are the same place: one group, or
  // each would push the other out of place.
  if (kind == Placement::Kind::Start && !task_name.empty()) return "task|" + task_name;
  if (kind == Placement::Kind::Task) return "task|" + task_name;
  return fmt::format("{}|{}|{}", static_cast<int>(kind), task_name, anchor_id);
}

SlotResult resolve_slot(const flowdoc::Document& document, const Placement& placement,
                        const std::vector<std::string>& excluded_ids) {
  SlotResult result;
  Slot slot;
  slot.kind = placement.kind;
  switch (placement.kind) {
    case Placement::Kind::Start:
      slot.task_name = initial_task_name(document);
      result.slot = slot;
      return result;
    case Placement::Kind::Task: {
      if (!document.has_task(placement.task)) {
        auto names = sequence_names(document);
        result.error = fmt::format("task '{}' not found in flow '{}'", placement.task, document.name());
        std::string guess = closest_match(placement.task, names);
        if (!guess.empty()) result.error += fmt::format("; did you mean '{}'?", guess);
        result.error += fmt::format(" (its tasks: {})", quoted_list(names));
        return result;
      }
      slot.task_name = placement.task;
      result.slot = slot;
      return result;
    }
    case Placement::Kind::After:
    case Placement::Kind::Before: {
      std::vector<flowdoc::ActionInfo> candidates;
      for (auto& action : document.find_actions(placement.anchor))
        if (!contains(excluded_ids, action.id)) candidates.push_back(std::move(action));
      const char* where = placement.kind == Placement::Kind::After ? "after" : "before";
      if (candidates.empty()) {
        result.error = fmt::format("anchor {} (for `{}`) not found in flow '{}'", placement.anchor.describe(), where,
                                   document.name());
        if (placement.anchor.name) {
          std::vector<std::string> names;
          for (const auto& action : document.actions())
            if (!contains(names, action.name)) names.push_back(action.name);
          std::string guess = closest_match(*placement.anchor.name, names);
          if (!guess.empty()) result.error += fmt::format("; did you mean '{}'?", guess);
        }
        return result;
      }
      if (candidates.size() > 1) {
        std::sort(candidates.begin(), candidates.end(),
                  [](const auto& a, const auto& b) { return a.tracking_id < b.tracking_id; });
        std::vector<std::string> described;
        for (const auto& c : candidates)
          described.push_back(
              fmt::format("'{}' ({}, trackingId {}, task '{}')", c.name, c.type, c.tracking_id, c.task_name));
        result.error = fmt::format(
            "anchor {} (for `{}`) is ambiguous in flow '{}': {} actions match: {}; add `trackingId` to the anchor to "
            "pick one",
            placement.anchor.describe(), where, document.name(), candidates.size(), fmt::join(described, ", "));
        return result;
      }
      slot.anchor_id = candidates.front().id;
      slot.anchor_label = describe_action(candidates.front());
      slot.task_name = candidates.front().task_name;
      result.slot = slot;
      return result;
    }
  }
  result.error = "unknown placement";
  return result;
}

std::vector<std::string> run_at_slot(const flowdoc::Document& document, const Slot& slot,
                                     const std::vector<std::string>& group_call_ids,
                                     const std::vector<std::string>& removed_ids) {
  std::deque<std::string> run;
  // A sound document has no cycles; the bound only guards against a broken one.
  std::size_t guard = group_call_ids.size() + removed_ids.size() + 1;
  if (slot.kind == Placement::Kind::Before) {
    std::string current = slot.anchor_id;
    while (guard-- > 0) {
      flowdoc::Position position = document.position_of(current);
      if (position.kind != flowdoc::Position::Kind::AfterAction) break;
      if (contains(group_call_ids, position.referrer_id)) {
        run.push_front(position.referrer_id);
      } else if (!contains(removed_ids, position.referrer_id)) {
        break;
      }
      current = position.referrer_id;
    }
    return {run.begin(), run.end()};
  }
  std::string current = slot.kind == Placement::Kind::After ? document.position_of(slot.anchor_id).next_id
                                                            : task_start_action(document, slot);
  while (guard-- > 0 && !current.empty()) {
    if (contains(group_call_ids, current)) {
      run.push_back(current);
    } else if (!contains(removed_ids, current)) {
      break;
    }
    current = document.position_of(current).next_id;
  }
  return {run.begin(), run.end()};
}

flowdoc::InsertionPoint base_insertion(const Slot& slot) {
  flowdoc::InsertionPoint point;
  switch (slot.kind) {
    case Placement::Kind::Start: point.kind = flowdoc::InsertionPoint::Kind::InitialTaskStart; break;
    case Placement::Kind::Task:
      point.kind = flowdoc::InsertionPoint::Kind::TaskStart;
      point.task_name = slot.task_name;
      break;
    case Placement::Kind::After:
      point.kind = flowdoc::InsertionPoint::Kind::AfterAction;
      point.action_id = slot.anchor_id;
      break;
    case Placement::Kind::Before:
      point.kind = flowdoc::InsertionPoint::Kind::BeforeAction;
      point.action_id = slot.anchor_id;
      break;
  }
  return point;
}

std::string describe_insertion(const flowdoc::Document& document, const flowdoc::InsertionPoint& point) {
  auto action_label = [&](const std::string& id) {
    auto action = document.find_action_by_id(id);
    return action ? describe_action(*action) : fmt::format("action {}", id);
  };
  switch (point.kind) {
    case flowdoc::InsertionPoint::Kind::InitialTaskStart: {
      std::string name = initial_task_name(document);
      return name.empty() ? std::string("first in the initial task") : fmt::format("first in task '{}'", name);
    }
    case flowdoc::InsertionPoint::Kind::TaskStart: return fmt::format("first in task '{}'", point.task_name);
    case flowdoc::InsertionPoint::Kind::AfterAction: return "after " + action_label(point.action_id);
    case flowdoc::InsertionPoint::Kind::BeforeAction: return "before " + action_label(point.action_id);
  }
  return {};
}

}  // namespace flowlink::plan::detail
