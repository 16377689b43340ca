// check(): proves a document's action graph and module manifest sound.
#include <fmt/format.h>

#include <map>
#include <set>
#include <unordered_set>

#include "flowdoc/call_shape.hpp"
#include "flowdoc/document.hpp"
#include "flowdoc/graph.hpp"

namespace flowlink::flowdoc {

using detail::Graph;
using detail::int_field;
using detail::string_field;

namespace {

std::string link_description(const Json& doc, const Graph& graph, const detail::Link& link) {
  const std::string owner = detail::slot_owner_id(doc, graph, link.slot);
  switch (link.slot.kind) {
    case detail::Slot::Kind::TaskStart:
      return fmt::format("startAction of task '{}'", owner);
    case detail::Slot::Kind::NextAction:
      return fmt::format("nextAction of '{}'", owner);
    case detail::Slot::Kind::PathNext:
      return fmt::format("path {} of '{}'", link.slot.path, owner);
  }
  return owner;
}

// Where the flow starts: insertions at `start` go there, and Architect runs
// nothing without it. A document without it would plan, then fail at apply.
void check_initial_sequence(const Json& doc, std::vector<Problem>& problems) {
  auto it = doc.find("initialSequence");
  if (it == doc.end()) {
    problems.push_back(
        {"/initialSequence", "missing: the flow does not say which sequence (task, menu, state) it starts with"});
    return;
  }
  if (!it->is_string() || it->get<std::string>().empty()) {
    const std::string got = it->is_string() ? "\"\"" : it->type_name();
    problems.push_back({"/initialSequence", fmt::format("is not a sequence id (got {})", got)});
    return;
  }
  const std::string initial = it->get<std::string>();
  for (const Json& item : doc["flowSequenceItemList"]) {
    if (string_field(item, "id") == initial) return;
  }
  problems.push_back({"/initialSequence", fmt::format("names '{}', which is not a sequence of the flow", initial)});
}

void check_ids(const Json& doc, const Graph& graph, std::vector<Problem>& problems) {
  std::map<std::string, int> seen;
  for (const Json& item : doc["flowSequenceItemList"]) ++seen[string_field(item, "id")];
  for (const auto& action : graph.actions) ++seen[action.id];
  for (const auto& [id, count] : seen) {
    if (count > 1) problems.push_back({id, fmt::format("id is used {} times (actions and sequences)", count)});
  }
}

void check_tracking_ids(const Json& doc, const Graph& graph, std::vector<Problem>& problems) {
  auto next_it = doc.find("nextTrackingNumber");
  std::optional<long long> next;
  if (next_it != doc.end()) {
    if (next_it->is_number_integer()) {
      next = next_it->get<long long>();
    } else {
      problems.push_back({"/nextTrackingNumber", "is not an integer"});
    }
  }
  std::map<long long, std::vector<std::string>> owners;
  auto visit = [&](const Json& object, const std::string& id) {
    auto it = object.find("trackingId");
    if (it == object.end()) return;
    if (!it->is_number_integer()) {
      problems.push_back({id, "trackingId is not an integer"});
      return;
    }
    long long tracking = it->get<long long>();
    owners[tracking].push_back(id);
    if (next && tracking >= *next) {
      problems.push_back({id, fmt::format("trackingId {} is not below nextTrackingNumber {}", tracking, *next)});
    }
  };
  for (const Json& item : doc["flowSequenceItemList"]) visit(item, string_field(item, "id"));
  for (const auto& action : graph.actions) {
    const Json& json = detail::action_json(doc, graph, action);
    if (!json.contains("trackingId")) problems.push_back({action.id, "action has no trackingId"});
    visit(json, action.id);
  }
  for (const auto& [tracking, ids] : owners) {
    for (std::size_t i = 1; i < ids.size(); ++i) {
      problems.push_back({ids[i], fmt::format("trackingId {} is also used by '{}'", tracking, ids.front())});
    }
  }
}

void check_links(const Json& doc, const Graph& graph, std::vector<Problem>& problems) {
  for (const detail::Link& link : graph.links) {
    const detail::ActionRef* target = graph.find(link.target);
    const std::string owner = detail::slot_owner_id(doc, graph, link.slot);
    if (!target) {
      problems.push_back({owner, fmt::format("{} refers to unknown action '{}'", link_description(doc, graph, link),
                                             link.target)});
    } else if (target->sequence != link.slot.sequence) {
      problems.push_back({link.target, fmt::format("{} links across sequences", link_description(doc, graph, link))});
    }
  }
  for (const auto& action : graph.actions) {
    auto it = graph.referrers.find(action.id);
    std::size_t count = it == graph.referrers.end() ? 0 : it->second.size();
    if (count == 0) {
      problems.push_back({action.id, "nothing refers to this action (unreachable)"});
    } else if (count > 1) {
      std::string which;
      for (std::size_t link : it->second) {
        which += (which.empty() ? "" : ", ") + link_description(doc, graph, graph.links[link]);
      }
      problems.push_back({action.id, fmt::format("{} links refer to this action: {}", count, which)});
    }
  }
}

// Actions that have a referrer but cannot be reached from their task's start
// (a cycle detached from the task).
void check_reachability(const Json& doc, const Graph& graph, std::vector<Problem>& problems) {
  std::unordered_set<std::string> reached;
  std::vector<std::string> pending;
  for (const detail::Link& link : graph.links) {
    if (link.slot.kind == detail::Slot::Kind::TaskStart) pending.push_back(link.target);
  }
  std::unordered_map<std::string, std::vector<std::string>> successors;
  for (const detail::Link& link : graph.links) {
    if (link.slot.kind == detail::Slot::Kind::TaskStart) continue;
    successors[detail::slot_owner_id(doc, graph, link.slot)].push_back(link.target);
  }
  while (!pending.empty()) {
    std::string id = std::move(pending.back());
    pending.pop_back();
    if (!reached.insert(id).second) continue;
    auto it = successors.find(id);
    if (it != successors.end()) pending.insert(pending.end(), it->second.begin(), it->second.end());
  }
  for (const auto& action : graph.actions) {
    if (reached.count(action.id) || !graph.referrers.count(action.id)) continue;
    problems.push_back({action.id, "not reachable from its task's startAction (a detached cycle)"});
  }
}

void check_module_manifest(const Json& doc, const Graph& graph, std::vector<Problem>& problems) {
  // module id -> action ids of the calls, as the graph has them.
  std::map<std::string, std::set<std::string>> calls;
  for (const auto& action : graph.actions) {
    const Json& json = detail::action_json(doc, graph, action);
    if (string_field(json, "__type") != call_shape::kType) continue;
    std::string module_id = string_field(json, call_shape::kModuleId);
    if (module_id.empty()) {
      problems.push_back({action.id, fmt::format("module call has no {}", call_shape::kModuleId)});
      continue;
    }
    calls[module_id].insert(action.id);
  }
  // module id -> action ids as the manifest lists them.
  std::map<std::string, std::set<std::string>> listed;
  const Json* modules = nullptr;
  if (doc.contains(call_shape::kManifest) && doc[call_shape::kManifest].contains(call_shape::kManifestKind)) {
    modules = &doc[call_shape::kManifest][call_shape::kManifestKind];
  }
  for (std::size_t m = 0; modules && m < modules->size(); ++m) {
    const Json& module = (*modules)[m];
    const std::string pointer = fmt::format("/manifest/{}/{}", call_shape::kManifestKind, m);
    std::string module_id = string_field(module, "id");
    if (module_id.empty()) {
      problems.push_back({pointer, "module entry has no id"});
      continue;
    }
    auto context = module.find(call_shape::kManifestContext);
    if (context == module.end() || !context->is_array()) {
      problems.push_back({pointer, "module entry has no context array"});
      continue;
    }
    for (std::size_t c = 0; c < context->size(); ++c) {
      std::string action_id = string_field((*context)[c], "id");
      const std::string where = action_id.empty() ? fmt::format("{}/context/{}", pointer, c) : action_id;
      if (!listed[module_id].insert(action_id).second) {
        problems.push_back({where, fmt::format("listed twice under module '{}' at {}", module_id, pointer)});
      } else if (!calls[module_id].count(action_id)) {
        problems.push_back({where, fmt::format("stale manifest entry: no call of module '{}' with this id ({})",
                                               module_id, pointer)});
      }
    }
  }
  for (const auto& [module_id, action_ids] : calls) {
    for (const std::string& action_id : action_ids) {
      if (!listed[module_id].count(action_id)) {
        problems.push_back({action_id, fmt::format("call of module '{}' is missing from manifest.{}", module_id,
                                                   call_shape::kManifestKind)});
      }
    }
  }
}

}  // namespace

std::vector<Problem> detail::check_document(const Json& doc) {
  const Graph graph = build_graph(doc);
  std::vector<Problem> problems;
  check_initial_sequence(doc, problems);
  check_ids(doc, graph, problems);
  check_tracking_ids(doc, graph, problems);
  check_links(doc, graph, problems);
  check_reachability(doc, graph, problems);
  check_module_manifest(doc, graph, problems);
  return problems;
}

std::vector<Problem> Document::check() const { return detail::check_document(json_); }

}  // namespace flowlink::flowdoc
