// /api/v2/flows/{id}/versions: list, one version, its configuration, and
// saving a new version (the whole configuration document as the body).
#include <fmt/format.h>

#include "emulator/document_check.hpp"
#include "emulator/document_facts.hpp"
#include "emulator/endpoint_support.hpp"
#include "emulator/paging.hpp"
#include "util/encoding.hpp"

namespace flowlink::emulator {

Actor act_as_user(const std::string& name) {
  const std::string h = util::sha256_hex("user/" + name);
  return Actor{Actor::Kind::User,
               fmt::format("{}-{}-4{}-8{}-{}", h.substr(0, 8), h.substr(8, 4), h.substr(13, 3), h.substr(17, 3),
                           h.substr(20, 12)),
               name};
}

std::shared_ptr<const FlowState> save_version(Service& service, const std::string& flow_id, const Actor& actor,
                                              std::string document_text, bool lock_if_unlocked) {
  auto current = require_flow(service, flow_id);
  if (document_text.empty()) throw errors::bad_request("body", "the configuration document is missing");
  // Lock problems come before content problems, as for any write.
  if (!(lock_if_unlocked && !current->lock)) require_lock_holder(*current, actor);
  const Json document = parse_document(document_text, flow_id);
  const DocumentFacts facts = facts_of(document);
  if (!facts.type.empty() && facts.type != current->type)
    throw errors::bad_request("type", fmt::format("the document is a {} flow but flow '{}' is {}", facts.type,
                                                  current->name, current->type));
  require_sound_document(document, flow_id);  // the emulator's own judge, not flowdoc
  auto text = std::make_shared<const std::string>(std::move(document_text));
  return service.store().update(flow_id, [&](FlowState& flow) {
    if (lock_if_unlocked && !flow.lock && !flow.deleted) flow.lock = actor;
    require_lock_holder(flow, actor);
    require_no_running_operation(flow);
    VersionRecord version;
    version.number = flow.next_version++;
    version.type = "SAVE";
    version.created_by = actor;
    version.date_created = now_ms();
    version.secure = facts.secure;
    version.calls = facts.calls;
    service.store().write_config(flow.id, version.number, *text);
    flow.saved = version.number;
    flow.versions.push_back(std::move(version));
    flow.latest_config = text;
    flow.languages = facts.languages;
  });
}

namespace {

Response list_versions(Service& service, Request& request) {
  auto flow = require_flow(service, request.params[0], true);
  const PageRequest page = page_request(request.query);
  // Newest first.
  std::vector<const VersionRecord*> versions;
  for (auto it = flow->versions.rbegin(); it != flow->versions.rend(); ++it) versions.push_back(&*it);
  std::vector<std::string> bodies;
  for (const auto* v : page_slice(versions, page)) bodies.push_back(version_json(*flow, *v).dump());
  std::vector<std::string_view> entities(bodies.begin(), bodies.end());
  return Response::text(200, listing_json("/api/v2/flows/" + flow->id + "/versions", request.query, page,
                                          versions.size(), entities));
}

Response get_version(Service& service, Request& request) {
  auto flow = require_flow(service, request.params[0], true);
  const auto* version = flow->version(std::string_view(request.params[1]));
  if (!version) throw errors::version_not_found(flow->id, request.params[1]);
  return Response::json(200, version_json(*flow, *version));
}

Response get_version_configuration(Service& service, Request& request) {
  auto flow = require_flow(service, request.params[0], true);
  const auto* version = flow->version(std::string_view(request.params[1]));
  if (!version) throw errors::version_not_found(flow->id, request.params[1]);
  auto text = service.store().read_config(*flow, version->number);
  if (!text) throw errors::version_not_found(flow->id, request.params[1]);
  return Response::shared(200, std::move(text));
}

Response post_version(Service& service, Request& request) {
  auto saved = save_version(service, request.params[0], *request.caller, std::move(request.body), false);
  return Response::json(200, version_json(*saved, *saved->version(*saved->saved)));
}

}  // namespace

void register_version_routes(Service& service) {
  service.add_route("GET", "/api/v2/flows/{id}/versions", RouteKind::Api, list_versions);
  service.add_route("POST", "/api/v2/flows/{id}/versions", RouteKind::Api, post_version);
  service.add_route("GET", "/api/v2/flows/{id}/versions/{version}", RouteKind::Api, get_version);
  service.add_route("GET", "/api/v2/flows/{id}/versions/{version}/configuration", RouteKind::Api,
                    get_version_configuration);
}

}  // namespace flowlink::emulator
