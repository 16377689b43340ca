#pragma once
// Helpers shared by the endpoint files: finding flows, lock rules, type names.

#include <algorithm>
#include <memory>
#include <string>

#include "emulator/errors.hpp"
#include "emulator/model.hpp"
#include "emulator/service.hpp"
#include "util/ascii.hpp"

namespace flowlink::emulator {

// The flow, or 404. Deleted flows count as missing unless asked for.
inline std::shared_ptr<const FlowState> require_flow(Service& service, const std::string& id,
                                                     bool include_deleted = false) {
  auto flow = service.store().get(id);
  if (!flow || (flow->deleted && !include_deleted)) throw errors::flow_not_found(id);
  return flow;
}

// The `flow=` query parameter of the action endpoints.
inline std::string required_param(const Request& request, const char* key) {
  auto value = request.query.get(key);
  if (!value || value->empty()) throw errors::bad_request(key, "the query parameter is required");
  return *value;
}

inline bool holds_lock(const FlowState& flow, const Actor& actor) { return flow.lock && *flow.lock == actor; }

// Writing needs the caller's own lock: someone else's lock is 409, no lock 400.
inline void require_lock_holder(const FlowState& flow, const Actor& actor) {
  if (flow.deleted) throw errors::flow_not_found(flow.id);
  if (holds_lock(flow, actor)) return;
  if (flow.lock) throw errors::locked_by_another(flow.id, flow.name, *flow.lock);
  throw errors::not_locked_by_caller(flow.id, flow.name);
}

inline void require_no_running_operation(const FlowState& flow) {
  if (flow.operation && !flow.operation->complete) throw errors::operation_in_progress(flow.id, flow.name);
}

// A /_emulator act-as user: a stable id derived from the name.
Actor act_as_user(const std::string& name);

// Saves `document_text` as a new version of the flow on behalf of `actor`
// (lock rules already checked by the caller). Used by POST .../versions and
// the act-as save control. Returns the new state.
std::shared_ptr<const FlowState> save_version(Service& service, const std::string& flow_id, const Actor& actor,
                                              std::string document_text, bool lock_if_unlocked);

// Starts a check-in Operation and schedules its completion.
std::shared_ptr<const FlowState> start_checkin(Service& service, const std::string& flow_id, const Actor& actor);

// Starts a publish Operation on behalf of `actor` and schedules its
// completion. `version` ("2.0"; empty: the caller's own draft if they hold
// the lock, else the checked-in version) is checked now, the module
// dependencies at completion. Used by POST .../actions/publish and the
// act-as publish control, so both follow the same rules.
std::shared_ptr<const FlowState> start_publish(Service& service, const std::string& flow_id, const Actor& actor,
                                               const std::string& version);

// Drops `actor`'s saved draft (its version number is not reused) and unlocks.
std::shared_ptr<const FlowState> revert_draft(Service& service, const std::string& flow_id, const Actor& actor);

// Removes whoever's lock (Genesys's admin unlock).
std::shared_ptr<const FlowState> break_lock(Service& service, const std::string& flow_id);

}  // namespace flowlink::emulator
