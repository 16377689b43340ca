#include "emulator/document_facts.hpp"

#include <algorithm>
#include <map>

#include <fmt/format.h>

#include "emulator/document_check.hpp"
#include "emulator/errors.hpp"
#include "util/ascii.hpp"

namespace flowlink::emulator {

namespace {

// Calls can sit in any action list (tasks, states, menus, nested actions):
// walk the whole tree rather than guess where they live.
template <typename Visit>
void visit_objects(Json& node, const Visit& visit) {
  if (node.is_object()) {
    visit(node);
    for (auto& [key, child] : node.items()) visit_objects(child, visit);
  } else if (node.is_array()) {
    for (auto& child : node) visit_objects(child, visit);
  }
}

template <typename Visit>
void visit_objects(const Json& node, const Visit& visit) {
  if (node.is_object()) {
    visit(node);
    for (const auto& [key, child] : node.items()) visit_objects(child, visit);
  } else if (node.is_array()) {
    for (const auto& child : node) visit_objects(child, visit);
  }
}

bool is_module_call(const Json& object) {
  auto it = object.find(call_shape::kActionType);
  return it != object.end() && it->is_string() && *it == call_shape::kCallType;
}

std::string string_at(const Json& object, const char* key) {
  auto it = object.find(key);
  return it != object.end() && it->is_string() ? it->get<std::string>() : std::string();
}

}  // namespace

Json parse_document(std::string_view text, std::string_view flow_id) {
  Json document = Json::parse(text, nullptr, /*allow_exceptions=*/false);
  if (document.is_discarded()) {
    throw errors::bad_request("body", fmt::format("the configuration for flow '{}' is not valid JSON", flow_id));
  }
  if (!document.is_object()) {
    throw errors::bad_request("body", fmt::format("the configuration for flow '{}' is not a JSON object", flow_id));
  }
  return document;
}

DocumentFacts facts_of(const Json& document) {
  DocumentFacts facts;
  facts.name = string_at(document, "name");
  facts.type = util::ascii_upper(string_at(document, "type"));
  if (auto it = document.find("isSecure"); it != document.end() && it->is_boolean()) facts.secure = *it;
  if (auto it = document.find("supportedLanguages"); it != document.end() && it->is_array()) {
    for (const auto& language : *it)
      if (language.is_string()) facts.languages.push_back(language.get<std::string>());
  }
  std::set<std::string> seen;
  visit_objects(document, [&](const Json& object) {
    if (!is_module_call(object)) return;
    ModuleRef ref{string_at(object, call_shape::kModuleId), string_at(object, call_shape::kModuleName)};
    if (ref.id.empty() || !seen.insert(ref.id).second) return;
    facts.calls.push_back(std::move(ref));
  });
  return facts;
}

namespace {

// SAX handler collecting DocumentFacts: a stack of open objects/arrays, each
// remembering its last key and, for objects, whether it is a module call.
class FactsCollector : public nlohmann::json_sax<Json> {
 public:
  explicit FactsCollector(DocumentFacts& facts) : facts_(facts) {}

  bool null() override { return true; }
  bool boolean(bool value) override {
    if (depth() == 1 && frames_.back().key == "isSecure") facts_.secure = value;
    return true;
  }
  bool number_integer(number_integer_t) override { return true; }
  bool number_unsigned(number_unsigned_t) override { return true; }
  bool number_float(number_float_t, const string_t&) override { return true; }
  bool binary(binary_t&) override { return true; }
  bool string(string_t& value) override {
    if (frames_.empty()) return true;
    Frame& top = frames_.back();
    if (!top.object) {
      if (top.languages) facts_.languages.push_back(value);
      return true;
    }
    if (depth() == 1) {
      if (top.key == "name") facts_.name = value;
      if (top.key == "type") facts_.type = util::ascii_upper(value);
    }
    if (top.key == call_shape::kActionType && value == call_shape::kCallType) top.call = true;
    if (top.key == call_shape::kModuleId) top.flow_id = value;
    if (top.key == call_shape::kModuleName) top.flow_name = value;
    return true;
  }
  bool start_object(std::size_t) override {
    Frame frame;
    frame.object = true;
    frames_.push_back(std::move(frame));
    return true;
  }
  bool key(string_t& value) override {
    frames_.back().key = value;
    return true;
  }
  bool end_object() override {
    Frame done = std::move(frames_.back());
    frames_.pop_back();
    if (done.call && !done.flow_id.empty() && seen_.insert(done.flow_id).second)
      facts_.calls.push_back(ModuleRef{done.flow_id, done.flow_name});
    return true;
  }
  bool start_array(std::size_t) override {
    Frame frame;
    frame.object = false;
    frame.languages = depth() == 1 && frames_.back().key == "supportedLanguages";
    frames_.push_back(std::move(frame));
    return true;
  }
  bool end_array() override {
    frames_.pop_back();
    return true;
  }
  bool parse_error(std::size_t, const std::string&, const nlohmann::detail::exception&) override { return false; }

 private:
  struct Frame {
    bool object = true;
    std::string key;
    bool call = false;
    bool languages = false;
    std::string flow_id, flow_name;
  };
  std::size_t depth() const { return frames_.size(); }

  DocumentFacts& facts_;
  std::vector<Frame> frames_;
  std::set<std::string> seen_;
};

}  // namespace

DocumentFacts facts_of_text(std::string_view text, std::string_view source) {
  DocumentFacts facts;
  std::size_t first = text.find_first_not_of(" \t\r\n");
  if (first == std::string_view::npos || text[first] != '{')
    throw errors::bad_request("body", fmt::format("{}: not a JSON object", source));
  FactsCollector collector(facts);
  if (!Json::sax_parse(text, &collector)) throw errors::bad_request("body", fmt::format("{}: not valid JSON", source));
  return facts;
}

int repoint_module_calls(Json& document, const std::set<std::string>& module_ids,
                         const std::map<std::string, std::string>& module_id_by_name) {
  int changed = 0;
  auto repoint = [&](Json& object, const char* id_key, const char* name_key) {
    const std::string id = string_at(object, id_key);
    if (module_ids.count(id)) return;
    auto target = module_id_by_name.find(string_at(object, name_key));
    if (target == module_id_by_name.end()) return;
    object[id_key] = target->second;
    ++changed;
  };
  visit_objects(document, [&](Json& object) {
    if (is_module_call(object)) repoint(object, call_shape::kModuleId, call_shape::kModuleName);
  });
  if (auto manifest = document.find(call_shape::kManifest); manifest != document.end() && manifest->is_object()) {
    if (auto modules = manifest->find(call_shape::kManifestModules); modules != manifest->end() && modules->is_array()) {
      for (auto& entry : *modules)
        if (entry.is_object()) repoint(entry, "id", "name");
    }
  }
  return changed;
}

}  // namespace flowlink::emulator
