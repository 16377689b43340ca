// Genesys JSON -> the model. Missing or null fields stay empty: Genesys leaves
// out what is not set (no lockedUser on an unlocked flow, for instance).

#include "genesys/model_json.hpp"

#include <algorithm>
#include <cctype>

#include "util/ascii.hpp"

namespace flowlink::genesys {
namespace {

std::string text(const Json& json, const char* key) {
  if (!json.is_object()) return {};
  auto it = json.find(key);
  if (it == json.end() || it->is_null()) return {};
  if (it->is_string()) return it->get<std::string>();
  if (it->is_number()) return it->dump();
  return {};
}

bool flag(const Json& json, const char* key) {
  auto it = json.find(key);
  return it != json.end() && it->is_boolean() && it->get<bool>();
}

const Json* object_at(const Json& json, const char* key) {
  auto it = json.find(key);
  if (it == json.end() || !it->is_object()) return nullptr;
  return &*it;
}

std::optional<EntityRef> ref_at(const Json& json, const char* key) {
  const Json* ref = object_at(json, key);
  if (!ref) return std::nullopt;
  return EntityRef{text(*ref, "id"), text(*ref, "name")};
}

std::optional<FlowVersionInfo> version_at(const Json& json, const char* key) {
  const Json* version = object_at(json, key);
  if (!version) return std::nullopt;
  return version_from_json(*version);
}

}  // namespace

FlowVersionInfo version_from_json(const Json& json) {
  return FlowVersionInfo{text(json, "id"), text(json, "name"), text(json, "type")};
}

Operation operation_from_json(const Json& json) {
  Operation operation;
  operation.id = text(json, "id");
  operation.complete = json.is_object() && flag(json, "complete");
  operation.action_name = text(json, "actionName");
  operation.action_status = text(json, "actionStatus");
  operation.error_message = text(json, "errorMessage");
  operation.error_code = text(json, "errorCode");
  return operation;
}

Flow flow_from_json(const Json& json) {
  Flow flow;
  if (!json.is_object()) return flow;
  flow.id = text(json, "id");
  flow.name = text(json, "name");
  flow.type = util::ascii_lower(text(json, "type"));
  flow.locked_user = ref_at(json, "lockedUser");
  flow.locked_client = ref_at(json, "lockedClient");
  flow.published_version = version_at(json, "publishedVersion");
  flow.saved_version = version_at(json, "savedVersion");
  flow.checked_in_version = version_at(json, "checkedInVersion");
  if (const Json* operation = object_at(json, "currentOperation")) flow.current_operation = operation_from_json(*operation);
  flow.deleted = flag(json, "deleted");
  flow.raw = json;
  return flow;
}

}  // namespace flowlink::genesys
