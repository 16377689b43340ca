// /api/v2/flows/actions/{checkout,checkin,publish,revert,unlock,deactivate}.
//
// Check-in and publish are asynchronous, as on Genesys: they answer an
// Operation {complete:false, actionStatus:"STARTED"}, show it as the flow's
// currentOperation, and complete after operation_delay_ms (SUCCESS or FAILURE
// with errorCode/errorMessage). Their effects land at completion.
#include <fmt/format.h>

#include "emulator/endpoint_support.hpp"

namespace flowlink::emulator {

namespace {

void complete_operation(Service& service, const std::string& flow_id, const std::string& operation_id);

void schedule_completion(Service& service, const std::string& flow_id, const std::string& operation_id, int delay_ms) {
  service.scheduler().after(std::chrono::milliseconds(std::max(0, delay_ms)), [&service, flow_id, operation_id] {
    complete_operation(service, flow_id, operation_id);
  });
}

OperationRecord new_operation(const Actor& by, const char* action, int target) {
  OperationRecord op;
  op.id = new_uuid();
  op.by = by;
  op.action_name = action;
  op.action_status = "STARTED";
  op.target_version = target;
  return op;
}

// The draft becomes the checked-in version; the lock is released.
void apply_checkin(FlowState& flow) {
  if (flow.saved) {
    if (auto* v = flow.version(*flow.saved)) {
      v->type = "CHECKIN";
      v->date_checked_in = now_ms();
    }
    flow.checked_in = flow.saved;
    flow.saved.reset();
  }
  flow.lock.reset();
}

// Why the modules `version` calls cannot be published against; empty if they can.
Json missing_dependencies(Service& service, const VersionRecord& version, std::string* message) {
  Json details = Json::array();
  for (const auto& call : version.calls) {
    auto module = service.store().get(call.id);
    std::string why;
    if (!module || module->deleted || module->type != kCommonModuleType) {
      why = "does not exist";
    } else if (!module->published) {
      why = "is not published";
    } else {
      continue;
    }
    const std::string name = module ? module->name : call.name;
    if (message->empty()) *message = fmt::format("it calls common module '{}' ({}), which {}", name, call.id, why);
    details.push_back({{"errorCode", errors::kPublishMissingDependencies}, {"entityId", call.id}, {"entityName", name}});
  }
  return details;
}

void apply_publish(Service& service, FlowState& flow, OperationRecord& op) {
  auto* target = flow.version(op.target_version);
  if (!target) {
    op.action_status = "FAILURE";
    op.error_code = "flow.version.not.found";
    op.error_message = fmt::format("Cannot publish flow '{}': version {}.0 no longer exists", flow.name, op.target_version);
    return;
  }
  std::string why;
  Json details = missing_dependencies(service, *target, &why);
  if (!details.empty()) {
    op.action_status = "FAILURE";
    op.error_code = errors::kPublishMissingDependencies;
    op.error_message = fmt::format("Cannot publish flow '{}' with missing dependencies: {}", flow.name, why);
    op.error_details = std::move(details);
    return;
  }
  if (service.config().fail_publish.count(flow.id)) {
    op.action_status = "FAILURE";
    op.error_code = errors::kPublishInjectedFailure;
    op.error_message = fmt::format("Publishing flow '{}' failed (injected by /_emulator/config fail_publish)", flow.name);
    return;
  }
  if (flow.saved && *flow.saved == target->number) apply_checkin(flow);
  target = flow.version(op.target_version);
  target->type = "PUBLISH";
  target->date_published = now_ms();
  if (!target->date_checked_in) target->date_checked_in = target->date_published;
  // A consumer snapshots the modules it calls as they are published now.
  target->snapshots.clear();
  for (const auto& call : target->calls) {
    if (auto module = service.store().get(call.id); module && module->published)
      target->snapshots[call.id] = std::to_string(*module->published) + ".0";
  }
  if (!flow.checked_in || *flow.checked_in < target->number) flow.checked_in = target->number;
  flow.published = target->number;
  flow.published_by = op.by;
  flow.active = true;
  op.action_status = "SUCCESS";
}

void complete_operation(Service& service, const std::string& flow_id, const std::string& operation_id) {
  auto flow = service.store().get(flow_id);
  if (!flow || !flow->operation || flow->operation->id != operation_id || flow->operation->complete) return;
  service.store().update(flow_id, [&](FlowState& f) {
    if (!f.operation || f.operation->id != operation_id || f.operation->complete) return;
    OperationRecord& op = *f.operation;
    if (op.action_name == "CHECKIN") {
      apply_checkin(f);
      op.action_status = "SUCCESS";
    } else {
      apply_publish(service, f, op);
    }
    op.complete = true;
  });
}

Response checkout(Service& service, Request& request) {
  const std::string id = required_param(request, "flow");
  require_flow(service, id);
  auto flow = service.store().update(id, [&](FlowState& f) {
    if (f.deleted) throw errors::flow_not_found(id);
    if (f.lock && !holds_lock(f, *request.caller)) throw errors::locked_by_another(f.id, f.name, *f.lock);
    require_no_running_operation(f);
    f.lock = *request.caller;  // idempotent for the holder
  });
  return Response::shared(200, flow->wire);
}

Response checkin(Service& service, Request& request) {
  auto flow = start_checkin(service, required_param(request, "flow"), *request.caller);
  return Response::json(200, operation_json(*flow->operation));
}

Response publish(Service& service, Request& request) {
  const auto wanted = request.query.get("version");
  auto flow = start_publish(service, required_param(request, "flow"), *request.caller, wanted.value_or(""));
  return Response::json(200, operation_json(*flow->operation));
}

Response revert(Service& service, Request& request) {
  return Response::shared(200, revert_draft(service, required_param(request, "flow"), *request.caller)->wire);
}

Response unlock(Service& service, Request& request) {
  return Response::shared(200, break_lock(service, required_param(request, "flow"))->wire);
}

Response deactivate(Service& service, Request& request) {
  const std::string id = required_param(request, "flow");
  require_flow(service, id);
  auto flow = service.store().update(id, [&](FlowState& f) {
    if (f.lock && !holds_lock(f, *request.caller)) throw errors::locked_by_another(f.id, f.name, *f.lock);
    f.active = false;
  });
  return Response::shared(200, flow->wire);
}

}  // namespace

std::shared_ptr<const FlowState> start_checkin(Service& service, const std::string& flow_id, const Actor& actor) {
  require_flow(service, flow_id);
  const int delay = service.config().operation_delay_ms;
  auto flow = service.store().update(flow_id, [&](FlowState& f) {
    require_lock_holder(f, actor);
    require_no_running_operation(f);
    f.operation = new_operation(actor, "CHECKIN", f.saved.value_or(0));
  });
  schedule_completion(service, flow_id, flow->operation->id, delay);
  return flow;
}

std::shared_ptr<const FlowState> start_publish(Service& service, const std::string& flow_id, const Actor& actor,
                                               const std::string& version) {
  require_flow(service, flow_id);
  const int delay = service.config().operation_delay_ms;
  auto flow = service.store().update(flow_id, [&](FlowState& f) {
    if (f.deleted) throw errors::flow_not_found(flow_id);
    if (f.lock && !holds_lock(f, actor)) throw errors::locked_by_another(f.id, f.name, *f.lock);
    require_no_running_operation(f);
    int target = 0;
    if (!version.empty()) {
      const auto* v = static_cast<const FlowState&>(f).version(std::string_view(version));
      if (!v) throw errors::version_not_found(f.id, version);
      if (v->type == "SAVE" && !holds_lock(f, actor)) throw errors::not_checked_in(f.id, f.name);
      target = v->number;
    } else if (f.saved && holds_lock(f, actor)) {
      target = *f.saved;  // publishing one's own draft checks it in too, as Architect does
    } else if (f.checked_in) {
      target = *f.checked_in;
    } else {
      throw errors::not_checked_in(f.id, f.name);
    }
    f.operation = new_operation(actor, "PUBLISH", target);
  });
  schedule_completion(service, flow_id, flow->operation->id, delay);
  return flow;
}

std::shared_ptr<const FlowState> revert_draft(Service& service, const std::string& flow_id, const Actor& actor) {
  require_flow(service, flow_id);
  return service.store().update(flow_id, [&](FlowState& f) {
    require_lock_holder(f, actor);
    require_no_running_operation(f);
    if (f.saved) {
      const int dropped = *f.saved;
      f.versions.erase(std::remove_if(f.versions.begin(), f.versions.end(),
                                      [&](const VersionRecord& v) { return v.number == dropped; }),
                       f.versions.end());
      f.saved.reset();
      f.latest_config.reset();
      if (auto latest = f.latest_number()) f.latest_config = service.store().read_config(f, *latest);
    }
    f.lock.reset();
  });
}

std::shared_ptr<const FlowState> break_lock(Service& service, const std::string& flow_id) {
  require_flow(service, flow_id);
  return service.store().update(flow_id, [&](FlowState& f) { f.lock.reset(); });
}

void resume_operations(Service& service) {
  for (const auto& flow : service.store().all()) {
    if (flow->operation && !flow->operation->complete) schedule_completion(service, flow->id, flow->operation->id, 0);
  }
}

void register_action_routes(Service& service) {
  service.add_route("POST", "/api/v2/flows/actions/checkout", RouteKind::Api, checkout);
  service.add_route("POST", "/api/v2/flows/actions/checkin", RouteKind::Api, checkin);
  service.add_route("POST", "/api/v2/flows/actions/publish", RouteKind::Api, publish);
  service.add_route("POST", "/api/v2/flows/actions/revert", RouteKind::Api, revert);
  service.add_route("POST", "/api/v2/flows/actions/unlock", RouteKind::Api, unlock);
  service.add_route("POST", "/api/v2/flows/actions/deactivate", RouteKind::Api, deactivate);
}

}  // namespace flowlink::emulator
