// Parsing, validating, serializing and reading a flow configuration document.
#include "flowdoc/document.hpp"

#include <fmt/format.h>

#include <set>

#include "flowdoc/call_shape.hpp"
#include "flowdoc/errors.hpp"
#include "flowdoc/expression.hpp"
#include "flowdoc/graph.hpp"
#include "flowdoc/planning_view.hpp"
#include "util/encoding.hpp"
#include "util/json_depth.hpp"

namespace flowlink::flowdoc {

namespace detail {

DocumentError error_at(const std::string& source, const std::string& pointer, const std::string& message) {
  if (pointer.empty()) return DocumentError(fmt::format("{}: {}", source, message));
  return DocumentError(fmt::format("{}: at {}: {}", source, pointer, message));
}

std::string describe_problems(const std::vector<Problem>& problems) {
  std::string text;
  for (const Problem& problem : problems) text += fmt::format("\n  {}: {}", problem.where, problem.message);
  return text;
}

}  // namespace detail

using detail::error_at;
using detail::string_field;

namespace {

void require_id(const Json& object, const std::string& pointer, const std::string& what, const std::string& source) {
  auto it = object.find("id");
  if (it == object.end()) throw error_at(source, pointer, what + " has no id");
  if (!it->is_string() || it->get<std::string>().empty()) {
    throw error_at(source, pointer + "/id", what + " id is not a non-empty string");
  }
}

void require_link(const Json& object, const char* key, const std::string& pointer, const std::string& source) {
  auto it = object.find(key);
  if (it != object.end() && !it->is_string() && !it->is_null()) {
    throw error_at(source, pointer + "/" + key, "link is not a string");
  }
}

// `name` and `type` decide which rules select a flow: when present, they must
// be strings, or the flow would silently fall out of every rule.
void require_string_if_present(const Json& doc, const char* key, const char* meaning, const std::string& source) {
  auto it = doc.find(key);
  if (it == doc.end() || it->is_string()) return;
  throw error_at(source, std::string("/") + key,
                 fmt::format("is not a string (got {}); the flow's {} decides which rules select it", it->type_name(),
                             meaning));
}

// The structure flowlink relies on. Everything else is left unchecked and
// untouched; soundness of the graph is check()'s business, not parse's.
void validate_structure(const Json& doc, const std::string& source) {
  if (!doc.is_object()) throw error_at(source, "", "document is not a JSON object");
  require_string_if_present(doc, "name", "name", source);
  require_string_if_present(doc, "type", "type (e.g. \"inboundcall\")", source);
  auto items = doc.find("flowSequenceItemList");
  if (items == doc.end()) throw error_at(source, "/flowSequenceItemList", "missing (not a flow configuration?)");
  if (!items->is_array()) throw error_at(source, "/flowSequenceItemList", "is not an array");
  for (std::size_t i = 0; i < items->size(); ++i) {
    const Json& item = (*items)[i];
    const std::string item_pointer = detail::sequence_pointer(i);
    if (!item.is_object()) throw error_at(source, item_pointer, "sequence item is not an object");
    require_id(item, item_pointer, "sequence item", source);
    auto list = item.find("actionList");
    if (list == item.end()) continue;  // a sequence without actions (e.g. a menu)
    if (!list->is_array()) throw error_at(source, item_pointer + "/actionList", "is not an array");
    require_link(item, "startAction", item_pointer, source);
    for (std::size_t a = 0; a < list->size(); ++a) {
      const Json& action = (*list)[a];
      const std::string pointer = detail::action_pointer(i, a);
      if (!action.is_object()) throw error_at(source, pointer, "action is not an object");
      require_id(action, pointer, "action", source);
      if (!action.contains("__type") || !action["__type"].is_string()) {
        throw error_at(source, pointer + "/__type", "action has no __type");
      }
      require_link(action, "nextAction", pointer, source);
      auto paths = action.find("paths");
      if (paths == action.end()) continue;
      if (!paths->is_array()) throw error_at(source, pointer + "/paths", "is not an array");
      for (std::size_t p = 0; p < paths->size(); ++p) {
        const std::string path_pointer = fmt::format("{}/paths/{}", pointer, p);
        if (!(*paths)[p].is_object()) throw error_at(source, path_pointer, "path is not an object");
        require_link((*paths)[p], "nextActionId", path_pointer, source);
      }
    }
  }
  auto manifest = doc.find(call_shape::kManifest);
  if (manifest != doc.end()) {
    if (!manifest->is_object()) throw error_at(source, "/manifest", "is not an object");
    auto modules = manifest->find(call_shape::kManifestKind);
    if (modules != manifest->end() && !modules->is_array()) {
      throw error_at(source, fmt::format("/manifest/{}", call_shape::kManifestKind), "is not an array");
    }
  }
}

ActionInfo action_info(const Json& doc, const detail::Graph& graph, const detail::ActionRef& ref) {
  const Json& action = detail::action_json(doc, graph, ref);
  const detail::SequenceRef& sequence = graph.sequences[ref.sequence];
  return {ref.id, string_field(action, "name"), string_field(action, "__type"),
          detail::int_field(action, "trackingId"), sequence.id, sequence.name};
}

bool flag(const Json& object, const char* key) {
  auto it = object.find(key);
  return it != object.end() && it->is_boolean() && it->get<bool>();
}

void collect_common_variables(const Json& variables, ModuleInterface& interface,
                              std::set<std::string>& seen_inputs, std::set<std::string>& seen_outputs) {
  if (!variables.is_array()) return;
  for (const Json& variable : variables) {
    std::string name = string_field(variable, "name");
    if (name.rfind("Common.", 0) != 0) continue;
    if (flag(variable, "isInput") && seen_inputs.insert(name).second) interface.inputs.push_back(name);
    if (flag(variable, "isOutput") && seen_outputs.insert(name).second) interface.outputs.push_back(name);
  }
}

}  // namespace

Document::Document(Json json, std::string source) : json_(std::move(json)), source_(std::move(source)) {
  validate_structure(json_, source_);
  auto manifest = json_.find(call_shape::kManifest);
  had_manifest_ = manifest != json_.end();
  had_common_module_flow_ = had_manifest_ && manifest->contains(call_shape::kManifestKind);
}

Document Document::parse(std::string_view text, std::string source) {
  // Before nlohmann builds anything: dump() (fingerprint, serialize) and
  // copies recurse once per level, so a document nested 100,000 deep would
  // overflow the stack.
  if (util::json_text_depth(text, util::kMaxJsonDepth) > util::kMaxJsonDepth)
    throw DocumentError(util::json_too_deep_message(source));
  Json json;
  try {
    json = Json::parse(text.begin(), text.end());
  } catch (const Json::exception& e) {  // parse_error, and out_of_range for a number like 1e400
    throw error_at(source, "", fmt::format("not valid JSON: {}", e.what()));
  }
  Document document(std::move(json), std::move(source));
  document.text_fingerprint_ = text_fingerprint(text);
  return document;
}

Document Document::parse_for_planning(std::string_view text, std::string source) {
  std::optional<Json> view = detail::planning_view(text);
  if (!view) return parse(text, std::move(source));
  Document document(std::move(*view), std::move(source));
  document.text_fingerprint_ = text_fingerprint(text);
  document.planning_view_ = true;
  return document;
}

void Document::require_whole(const char* what) const {
  if (planning_view_)
    throw std::logic_error(fmt::format("{}: cannot {} from a planning view; parse the document whole", source_, what));
}

Document Document::from_json(Json json, std::string source) {
  // The same bound as parse(), measured without recursion.
  if (util::json_value_depth(json, util::kMaxJsonDepth) > util::kMaxJsonDepth)
    throw DocumentError(util::json_too_deep_message(source));
  return Document(std::move(json), std::move(source));
}

std::string Document::name() const { return string_field(json_, "name"); }
std::string Document::type() const { return string_field(json_, "type"); }

std::string Document::serialize(int indent) const {
  require_whole("serialize the document");
  // Strict UTF-8: parse already rejected invalid input, and edits only add
  // strings that came from valid UTF-8 (YAML, JSON).
  return json_.dump(indent);
}

std::string Document::fingerprint() const {
  require_whole("fingerprint the content");
  return util::sha256_hex(serialize(-1));
}

std::string Document::source_fingerprint() const {
  return text_fingerprint_.empty() ? fingerprint() : text_fingerprint_;
}

std::string Document::text_fingerprint(std::string_view text) { return util::sha256_hex(text); }

std::vector<ModuleCall> Document::module_calls() const {
  const detail::Graph graph = detail::build_graph(json_);
  std::vector<ModuleCall> calls;
  for (const detail::ActionRef& ref : graph.actions) {
    const Json& action = detail::action_json(json_, graph, ref);
    if (string_field(action, "__type") != call_shape::kType) continue;
    ModuleCall call;
    call.action_id = ref.id;
    call.action_name = string_field(action, "name");
    call.tracking_id = detail::int_field(action, "trackingId");
    call.module_id = string_field(action, call_shape::kModuleId);
    call.module_name = string_field(action, call_shape::kModuleName);
    if (action.contains(call_shape::kInputs)) call.inputs = detail::read_bindings(action[call_shape::kInputs]);
    if (action.contains(call_shape::kOutputs)) call.outputs = detail::read_bindings(action[call_shape::kOutputs]);
    call.position = detail::position_in(json_, graph, ref);
    calls.push_back(std::move(call));
  }
  return calls;
}

std::vector<ActionInfo> Document::actions() const {
  const detail::Graph graph = detail::build_graph(json_);
  std::vector<ActionInfo> infos;
  infos.reserve(graph.actions.size());
  for (const detail::ActionRef& ref : graph.actions) infos.push_back(action_info(json_, graph, ref));
  return infos;
}

std::vector<ActionInfo> Document::find_actions(const ActionSelector& selector) const {
  std::vector<ActionInfo> found;
  for (ActionInfo& info : actions()) {
    if (selector.name && info.name != *selector.name) continue;
    if (selector.tracking_id && info.tracking_id != *selector.tracking_id) continue;
    if (selector.type && info.type != *selector.type) continue;
    found.push_back(std::move(info));
  }
  return found;
}

std::optional<ActionInfo> Document::find_action_by_id(std::string_view id) const {
  const detail::Graph graph = detail::build_graph(json_);
  const detail::ActionRef* ref = graph.find(std::string(id));
  if (!ref) return std::nullopt;
  return action_info(json_, graph, *ref);
}

bool Document::has_task(std::string_view task_name) const {
  const detail::Graph graph = detail::build_graph(json_);
  for (const auto& sequence : graph.sequences) {
    if (sequence.name == task_name) return true;
  }
  return false;
}

Position Document::position_of(std::string_view action_id) const {
  const detail::Graph graph = detail::build_graph(json_);
  const detail::ActionRef* ref = graph.find(std::string(action_id));
  if (!ref) throw error_at(source_, "", fmt::format("no action with id '{}'", action_id));
  return detail::position_in(json_, graph, *ref);
}

ModuleInterface Document::module_interface() const {
  require_whole("read a module interface");
  // Liberal: module variables may sit at the top level or in any sequence.
  ModuleInterface interface;
  std::set<std::string> seen_inputs, seen_outputs;
  if (json_.contains("variables")) collect_common_variables(json_["variables"], interface, seen_inputs, seen_outputs);
  for (const Json& item : json_["flowSequenceItemList"]) {
    if (item.contains("variables")) collect_common_variables(item["variables"], interface, seen_inputs, seen_outputs);
  }
  return interface;
}

}  // namespace flowlink::flowdoc
