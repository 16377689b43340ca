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
  if (!json.is_object()) return std::nullopt;
  const Json* ref = object_at(json, key);
  if (!ref) return std::nullopt;
  return EntityRef{text(*ref, "id"), text(*ref, "name")};
}

std::optional<FlowVersionInfo> version_at(const Json& json, const char* key) {
  const Json* version = object_at(json, key);
  if (!version) return std::nullopt;
  return version_from_json(*version);
}

std::int64_t epoch_ms(const Json& json, const char* key) {
  if (!json.is_object()) return 0;
  auto it = json.find(key);
  if (it == json.end() || !it->is_number()) return 0;
  if (it->is_number_integer()) return it->get<std::int64_t>();
  const double value = it->get<double>();
  return value > 0 && value < 1e15 ? static_cast<std::int64_t>(value) : 0;
}

}  // namespace

FlowVersionInfo version_from_json(const Json& json) {
  FlowVersionInfo version;
  version.id = text(json, "id");
  version.name = text(json, "name");
  version.type = text(json, "type");
  if (!json.is_object()) return version;
  version.created_by = ref_at(json, "createdBy");
  version.created_by_client = ref_at(json, "createdByClient");
  version.date_created = epoch_ms(json, "dateCreated");
  version.date_checked_in = epoch_ms(json, "dateCheckedIn");
  version.date_published = text(json, "datePublished");
  return version;
}

Dependency dependency_from_json(const Json& json) {
  Dependency d;
  if (!json.is_object()) return d;
  d.id = text(json, "id");
  d.name = text(json, "name");
  d.version = text(json, "version");
  d.type = text(json, "type");
  d.deleted = flag(json, "deleted");
  d.updated = flag(json, "updated");
  d.state_unknown = flag(json, "stateUnknown");
  return d;
}

Organization organization_from_json(const Json& json) { return Organization{text(json, "id"), text(json, "name")}; }

Operation operation_from_json(const Json& json) {
  Operation operation;
  operation.id = text(json, "id");
  operation.complete = json.is_object() && flag(json, "complete");
  operation.action_name = text(json, "actionName");
  operation.action_status = text(json, "actionStatus");
  operation.error_message = text(json, "errorMessage");
  operation.error_code = text(json, "errorCode");
  if (json.is_object()) {
    operation.user = ref_at(json, "user");
    operation.client = ref_at(json, "client");
  }
  return operation;
}

Flow flow_from_json(const Json& json, bool raw) {
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
  flow.division = ref_at(json, "division");
  flow.deleted = flag(json, "deleted");
  if (raw) flow.raw = json.dump();
  return flow;
}

}  // namespace flowlink::genesys
