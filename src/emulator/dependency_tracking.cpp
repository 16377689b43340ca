// /api/v2/architect/dependencytracking: who calls a common module
// (consumingresources), what a flow version calls (consumedresources), and
// the build status. Computed from the per-version module calls recorded at
// save time, so always current: the build is always OPERATIONAL.
//
// A consumer is judged by its checked-in and published versions (drafts are
// not tracked, as on Genesys); flowFilter=checkedIn|published picks one. A
// published version reports the module version it snapshotted at publish.
#include <algorithm>

#include <fmt/format.h>

#include "emulator/endpoint_support.hpp"
#include "emulator/paging.hpp"
#include "util/ascii.hpp"

namespace flowlink::emulator {

namespace {

Json dependency(const std::string& id, const std::string& name, const std::string& version, const std::string& type,
                bool deleted, bool updated, bool state_unknown) {
  return Json{{"id", id},           {"name", name},       {"version", version},
              {"type", type},       {"deleted", deleted}, {"updated", updated},
              {"stateUnknown", state_unknown}, {"selfUri", "/api/v2/flows/" + id}};
}

bool calls(const VersionRecord& version, const std::string& module_id) {
  return std::any_of(version.calls.begin(), version.calls.end(), [&](const ModuleRef& c) { return c.id == module_id; });
}

std::vector<std::string> upper_values(const Query& query, const char* key) {
  std::vector<std::string> out;
  for (auto& v : query.values(key)) out.push_back(util::ascii_upper(v));
  return out;
}

Response paged(const Request& request, const std::string& path, const std::vector<Json>& entries) {
  const PageRequest page = page_request(request.query);
  std::vector<std::string> bodies;
  for (const auto& e : page_slice(entries, page)) bodies.push_back(e.dump());
  std::vector<std::string_view> views(bodies.begin(), bodies.end());
  return Response::text(200, listing_json(path, request.query, page, entries.size(), views));
}

Response consuming_resources(Service& service, Request& request) {
  const std::string id = required_param(request, "id");
  const std::string object_type = util::ascii_upper(required_param(request, "objectType"));
  const auto resource_types = upper_values(request.query, "resourceType");
  const std::string flow_filter = util::ascii_lower(request.query.get_or("flowFilter", ""));
  if (!flow_filter.empty() && flow_filter != "checkedin" && flow_filter != "published")
    throw errors::bad_request("flowFilter", fmt::format("'{}' is neither checkedIn nor published", flow_filter));
  const auto wanted_version = request.query.get("version");

  std::vector<Json> entries;
  auto target = service.store().get(id);
  const bool target_matches = target && object_type_of(target->type) == object_type;
  const std::string module_latest =
      target && target->published ? std::to_string(*target->published) + ".0" : std::string();
  // An unknown object (or one of another type) has no consumers.
  const auto flows = target_matches ? service.store().all() : std::vector<std::shared_ptr<const FlowState>>{};
  for (const auto& flow : flows) {
    if (flow->deleted || flow->id == id) continue;
    const std::string type = object_type_of(flow->type);
    if (!resource_types.empty() && std::find(resource_types.begin(), resource_types.end(), type) == resource_types.end())
      continue;
    std::vector<std::optional<int>> candidates;
    if (flow_filter != "published") candidates.push_back(flow->checked_in);
    if (flow_filter != "checkedin") candidates.push_back(flow->published);
    const VersionRecord* hit = nullptr;
    for (const auto& number : candidates) {
      const VersionRecord* v = number ? flow->version(*number) : nullptr;
      if (!v || !calls(*v, id)) continue;
      if (wanted_version) {
        auto snap = v->snapshots.find(id);
        const std::string used = snap != v->snapshots.end() ? snap->second : module_latest;
        if (used != *wanted_version) continue;
      }
      if (!hit || v->number > hit->number) hit = v;
    }
    if (hit) entries.push_back(dependency(flow->id, flow->name, hit->id(), type, false, false, false));
  }
  std::stable_sort(entries.begin(), entries.end(), [](const Json& a, const Json& b) {
    return a["name"].get<std::string>() < b["name"].get<std::string>();
  });
  return paged(request, "/api/v2/architect/dependencytracking/consumingresources", entries);
}

Response consumed_resources(Service& service, Request& request) {
  const std::string id = required_param(request, "id");
  const std::string version_id = required_param(request, "version");
  const std::string object_type = util::ascii_upper(required_param(request, "objectType"));
  const auto resource_types = upper_values(request.query, "resourceType");
  auto flow = require_flow(service, id, true);
  if (object_type_of(flow->type) != object_type)
    throw errors::bad_request("objectType", fmt::format("flow '{}' is a {}, not a {}", flow->name,
                                                        object_type_of(flow->type), object_type));
  const auto* version = flow->version(std::string_view(version_id));
  if (!version) throw errors::version_not_found(id, version_id);

  std::vector<Json> entries;
  for (const auto& call : version->calls) {
    auto module = service.store().get(call.id);
    const std::string type = module ? object_type_of(module->type) : kCommonModuleObjectType;
    if (!resource_types.empty() && std::find(resource_types.begin(), resource_types.end(), type) == resource_types.end())
      continue;
    const bool missing = !module || module->deleted;
    const std::string current = module && module->published ? std::to_string(*module->published) + ".0" : "";
    auto snap = version->snapshots.find(call.id);
    const std::string used = snap != version->snapshots.end() ? snap->second : current;
    // updated: the module was republished after this version snapshotted it.
    const bool updated = snap != version->snapshots.end() && !current.empty() && current != snap->second;
    entries.push_back(dependency(call.id, module ? module->name : call.name, used, type, missing, updated, !module));
  }
  return paged(request, "/api/v2/architect/dependencytracking/consumedresources", entries);
}

Response build_status(Service&, Request&) {
  static const std::int64_t started = now_ms();
  return Response::json(200, Json{{"id", "dependency-tracking-build"},
                                  {"name", "Dependency tracking build"},
                                  {"dateStarted", iso8601(started)},
                                  {"dateCompleted", iso8601(started)},
                                  {"status", "OPERATIONAL"},
                                  {"failedObjects", Json::array()},
                                  {"selfUri", "/api/v2/architect/dependencytracking/build"}});
}

Response rebuild(Service&, Request&) { return Response::text(202, ""); }

}  // namespace

void register_dependency_routes(Service& service) {
  service.add_route("GET", "/api/v2/architect/dependencytracking/consumingresources", RouteKind::Api,
                    consuming_resources);
  service.add_route("GET", "/api/v2/architect/dependencytracking/consumedresources", RouteKind::Api,
                    consumed_resources);
  service.add_route("GET", "/api/v2/architect/dependencytracking/build", RouteKind::Api, build_status);
  service.add_route("POST", "/api/v2/architect/dependencytracking/build", RouteKind::Api, rebuild);
}

}  // namespace flowlink::emulator
