// /_emulator/...: test controls. No auth, no faults, no latency, not counted;
// clearly not part of Genesys's API. The act-as controls let a test play a
// colleague working in the Architect UI: {user} is a person's name, made into
// a stable user id, and each control follows the same rules as the API call
// it stands for (locks, running operations, versions).
//   POST /_emulator/act-as/{user}/checkout?flow=ID   lock as that user -> Flow
//   POST /_emulator/act-as/{user}/save?flow=ID       body: the whole configuration document;
//                                                    save a version as that user (locks an
//                                                    unlocked flow to them) -> FlowVersion
//   POST /_emulator/act-as/{user}/checkin?flow=ID    check in as that user -> Operation (async)
//   POST /_emulator/act-as/{user}/publish?flow=ID[&version=V]
//                                                    publish as that user, as POST
//                                                    /api/v2/flows/actions/publish does -> Operation (async)
//   POST /_emulator/act-as/{user}/revert?flow=ID     discard that user's draft and unlock -> Flow
//   POST /_emulator/act-as/{user}/unlock?flow=ID     break whoever's lock (an admin's unlock) -> Flow
//   POST /_emulator/act-as/{user}/remove-call?flow=ID&module=NAME
//                                                    remove a module's calls, save and check in as that user
//   GET /_emulator/flows/{id}                        the Flow as GET /api/v2/flows/{id} shows it (deleted
//                                                    ones too), without a token and without being counted:
//                                                    for tests that wait for an operation
//   GET|DELETE /_emulator/requests                   request statistics / reset
//   GET /_emulator/locks                             [{flowId, flowName, lockedBy}]
//   GET|POST /_emulator/config                       runtime knobs: rate limit, latency, faults,
//                                                    fail_publish, drop_after (carry out, then drop)
//   GET /_emulator/health                            {"status":"ok"}
#include <fmt/format.h>

#include "emulator/endpoint_support.hpp"
#include "flowdoc/document.hpp"

namespace flowlink::emulator {

namespace {

Response act_as_checkout(Service& service, Request& request) {
  const Actor user = act_as_user(request.params[0]);
  const std::string id = required_param(request, "flow");
  require_flow(service, id);
  auto flow = service.store().update(id, [&](FlowState& f) {
    if (f.deleted) throw errors::flow_not_found(id);
    if (f.lock && !holds_lock(f, user)) throw errors::locked_by_another(f.id, f.name, *f.lock);
    require_no_running_operation(f);
    f.lock = user;
  });
  return Response::shared(200, flow->wire);
}

Response act_as_save(Service& service, Request& request) {
  const Actor user = act_as_user(request.params[0]);
  auto flow = save_version(service, required_param(request, "flow"), user, std::move(request.body), true);
  return Response::json(200, version_json(*flow, *flow->version(*flow->saved)));
}

Response act_as_checkin(Service& service, Request& request) {
  auto flow = start_checkin(service, required_param(request, "flow"), act_as_user(request.params[0]));
  return Response::json(200, operation_json(*flow->operation));
}

Response act_as_publish(Service& service, Request& request) {
  const auto version = request.query.get("version");
  auto flow = start_publish(service, required_param(request, "flow"), act_as_user(request.params[0]),
                            version.value_or(""));
  return Response::json(200, operation_json(*flow->operation));
}

Response act_as_revert(Service& service, Request& request) {
  return Response::shared(200, revert_draft(service, required_param(request, "flow"), act_as_user(request.params[0]))->wire);
}

Response act_as_unlock(Service& service, Request& request) {
  return Response::shared(200, break_lock(service, required_param(request, "flow"))->wire);
}

Response control_flow(Service& service, Request& request) {
  return Response::shared(200, require_flow(service, request.params[0], true)->wire);
}

// The demo's and tests' "someone edits the flow in the Architect UI": removes
// every call to one module from the latest configuration, saves that as the
// user and checks it in. Edits with flowlink's own document engine (it plays
// a UI user, whose edits are sound); the save judges the result with the
// emulator's own check (document_check.hpp), like any other save.
Response act_as_remove_call(Service& service, Request& request) {
  const Actor user = act_as_user(request.params[0]);
  const std::string flow_id = required_param(request, "flow");
  const std::string module = required_param(request, "module");
  auto flow = require_flow(service, flow_id);
  if (!flow->latest_config) throw errors::bad_request("flow", "the flow has no configuration");
  auto document = flowdoc::Document::parse(*flow->latest_config, "flow '" + flow->name + "' (" + flow->id + ")");
  int removed = 0;
  for (const auto& call : document.module_calls()) {
    if (call.module_name != module && call.module_id != module) continue;
    document.remove_call(call.action_id);
    ++removed;
  }
  if (removed == 0) throw errors::bad_request("module", "the flow calls no module named '" + module + "'");
  save_version(service, flow_id, user, document.serialize(), true);
  auto checked_in = start_checkin(service, flow_id, user);
  return Response::json(200, Json{{"removed", removed}, {"operation", operation_json(*checked_in->operation)}});
}

Response get_requests(Service& service, Request&) { return Response::json(200, service.request_stats()); }

Response reset_requests(Service& service, Request&) {
  service.reset_request_stats();
  return Response::json(200, service.request_stats());
}

Response locks(Service& service, Request&) {
  Json out = Json::array();
  for (const auto& flow : service.store().all()) {
    if (!flow->lock) continue;
    out.push_back({{"flowId", flow->id},
                   {"flowName", flow->name},
                   {"lockedBy", flow->lock->name},
                   {"lockedById", flow->lock->id},
                   {"lockedByKind", flow->lock->kind == Actor::Kind::User ? "user" : "client"}});
  }
  return Response::json(200, out);
}

Json config_json(const RuntimeConfig& c) {
  return Json{{"rate_limit_per_minute", c.rate_limit_per_minute},
              {"rate_window_ms", c.rate_window_ms},
              {"latency_ms", c.latency_ms},
              {"fault_rate", c.fault_rate},
              {"fault_seed", c.fault_seed},
              {"operation_delay_ms", c.operation_delay_ms},
              {"fail_publish", c.fail_publish},
              {"drop_after", c.drop_after}};
}

Response get_config(Service& service, Request&) { return Response::json(200, config_json(service.config())); }

Response post_config(Service& service, Request& request) {
  Json body = Json::parse(request.body, nullptr, false);
  if (body.is_discarded() || !body.is_object()) throw errors::bad_request("body", "expected a JSON object");
  RuntimeConfig c = service.config();
  auto number = [&](const char* key, auto& field) {
    if (!body.contains(key)) return;
    if (!body[key].is_number()) throw errors::bad_request(key, "must be a number");
    field = body[key].get<std::decay_t<decltype(field)>>();
  };
  number("rate_limit_per_minute", c.rate_limit_per_minute);
  number("rate_window_ms", c.rate_window_ms);
  number("latency_ms", c.latency_ms);
  number("fault_rate", c.fault_rate);
  number("fault_seed", c.fault_seed);
  number("operation_delay_ms", c.operation_delay_ms);
  if (c.rate_window_ms < 100) throw errors::bad_request("rate_window_ms", "must be at least 100");
  if (c.fault_rate < 0 || c.fault_rate > 1) throw errors::bad_request("fault_rate", "must be between 0 and 1");
  if (body.contains("fail_publish")) {
    if (!body["fail_publish"].is_array()) throw errors::bad_request("fail_publish", "must be an array of flow ids");
    c.fail_publish.clear();
    for (const auto& id : body["fail_publish"]) c.fail_publish.insert(id.get<std::string>());
  }
  if (body.contains("drop_after")) {
    const Json& drops = body["drop_after"];
    if (!drops.is_object())
      throw errors::bad_request("drop_after", R"(expected {"METHOD /route/{pattern}": count, ...})");
    c.drop_after.clear();
    for (const auto& [route, count] : drops.items()) {
      if (!count.is_number_integer() || count.get<int>() < 0)
        throw errors::bad_request("drop_after." + route, "must be a count (an integer, 0 or more)");
      if (!service.has_route(route))
        throw errors::bad_request("drop_after." + route, "names no API route (e.g. 'POST /api/v2/flows/{id}/versions')");
      if (count.get<int>() > 0) c.drop_after[route] = count.get<int>();
    }
  }
  // Setting fault_seed (even to the same value) restarts the fault sequence.
  service.set_config(c, body.contains("fault_seed"));
  if (body.contains("rate_limit_per_minute") || body.contains("rate_window_ms")) service.access().reset_rate_windows();
  return Response::json(200, config_json(service.config()));
}

Response health(Service& service, Request&) {
  return Response::json(200, Json{{"status", "ok"}, {"flows", service.store().size()}});
}

}  // namespace

void register_control_routes(Service& service) {
  service.add_route("POST", "/_emulator/act-as/{user}/checkout", RouteKind::Control, act_as_checkout);
  service.add_route("POST", "/_emulator/act-as/{user}/remove-call", RouteKind::Control, act_as_remove_call);
  service.add_route("POST", "/_emulator/act-as/{user}/save", RouteKind::Control, act_as_save);
  service.add_route("POST", "/_emulator/act-as/{user}/checkin", RouteKind::Control, act_as_checkin);
  service.add_route("POST", "/_emulator/act-as/{user}/publish", RouteKind::Control, act_as_publish);
  service.add_route("POST", "/_emulator/act-as/{user}/revert", RouteKind::Control, act_as_revert);
  service.add_route("POST", "/_emulator/act-as/{user}/unlock", RouteKind::Control, act_as_unlock);
  service.add_route("GET", "/_emulator/flows/{id}", RouteKind::Control, control_flow);
  service.add_route("GET", "/_emulator/requests", RouteKind::Control, get_requests);
  service.add_route("DELETE", "/_emulator/requests", RouteKind::Control, reset_requests);
  service.add_route("GET", "/_emulator/locks", RouteKind::Control, locks);
  service.add_route("GET", "/_emulator/config", RouteKind::Control, get_config);
  service.add_route("POST", "/_emulator/config", RouteKind::Control, post_config);
  service.add_route("GET", "/_emulator/health", RouteKind::Control, health);
}

}  // namespace flowlink::emulator
