// The plan as JSON (schemas/plan.schema.json) and back. Keys are written in a
// fixed order so that the same plan always gives the same bytes.
#include <ostream>
#include <sstream>
#include <stdexcept>
#include <string_view>

#include <fmt/format.h>

#include "plan/render.hpp"

namespace flowlink::plan {

namespace {

using Json = nlohmann::ordered_json;
using manifest::Placement;

const char* placement_kind(Placement::Kind kind) {
  switch (kind) {
    case Placement::Kind::Start: return "start";
    case Placement::Kind::Task: return "task";
    case Placement::Kind::After: return "after";
    case Placement::Kind::Before: return "before";
  }
  return "?";
}

const char* insertion_kind(flowdoc::InsertionPoint::Kind kind) {
  switch (kind) {
    case flowdoc::InsertionPoint::Kind::InitialTaskStart: return "initial_task_start";
    case flowdoc::InsertionPoint::Kind::TaskStart: return "task_start";
    case flowdoc::InsertionPoint::Kind::AfterAction: return "after_action";
    case flowdoc::InsertionPoint::Kind::BeforeAction: return "before_action";
  }
  return "?";
}

bool is_placed(Edit::Kind kind) { return kind == Edit::Kind::AddCall || kind == Edit::Kind::MoveCall; }
bool has_bindings(Edit::Kind kind) { return kind == Edit::Kind::AddCall || kind == Edit::Kind::UpdateCall; }

Json bindings_json(const flowdoc::Bindings& bindings) {
  Json out = Json::object();
  for (const auto& [name, value] : bindings) out[name] = value;
  return out;
}

Json optional_string(const std::optional<std::string>& value) { return value ? Json(*value) : Json(nullptr); }

Json placement_json(const Placement& placement) {
  Json out = Json::object();
  out["kind"] = placement_kind(placement.kind);
  if (placement.kind == Placement::Kind::Task) out["task"] = placement.task;
  if (placement.kind == Placement::Kind::After || placement.kind == Placement::Kind::Before) {
    Json anchor = Json::object();
    if (placement.anchor.name) anchor["name"] = *placement.anchor.name;
    if (placement.anchor.tracking_id) anchor["trackingId"] = *placement.anchor.tracking_id;
    if (placement.anchor.type) anchor["type"] = *placement.anchor.type;
    out["anchor"] = std::move(anchor);
  }
  return out;
}

Json insertion_json(const flowdoc::InsertionPoint& point) {
  Json out = Json::object();
  out["kind"] = insertion_kind(point.kind);
  if (point.kind == flowdoc::InsertionPoint::Kind::TaskStart) out["task"] = point.task_name;
  if (point.kind == flowdoc::InsertionPoint::Kind::AfterAction || point.kind == flowdoc::InsertionPoint::Kind::BeforeAction)
    out["action_id"] = point.action_id;
  return out;
}

Json edit_json(const Edit& edit) {
  Json out = Json::object();
  out["kind"] = to_string(edit.kind);
  out["rule"] = edit.rule;
  out["module"] = Json{{"key", edit.module_key}, {"id", edit.module_id}, {"name", edit.module_name}};
  out["action"] = Json{{"id", edit.action_id}, {"name", edit.action_name}};
  if (is_placed(edit.kind)) {
    out["placement"] = placement_json(edit.placement);
    out["insertion"] = insertion_json(edit.insertion);
  }
  out["position"] = edit.position_description;
  if (has_bindings(edit.kind)) {
    out["inputs"] = bindings_json(edit.inputs);
    out["outputs"] = bindings_json(edit.outputs);
  }
  if (edit.kind == Edit::Kind::UpdateCall) {
    Json changes = Json::array();
    for (const auto& change : edit.changes)
      changes.push_back(Json{{"field", change.field}, {"before", optional_string(change.before)},
                             {"after", optional_string(change.after)}});
    out["changes"] = std::move(changes);
  }
  out["reason"] = edit.reason;
  return out;
}

Json finding_json(const Finding& finding) {
  return Json{{"kind", to_string(finding.kind)},
              {"rule", finding.rule},
              {"module", Json{{"key", finding.module_key}, {"name", finding.module_name}}},
              {"action_id", finding.action_id},
              {"message", finding.message}};
}

Json actor_json(const Actor& actor) {
  return Json{{"kind", to_string(actor.kind)}, {"id", actor.id}, {"name", actor.name}};
}

void judgement_json(Json& out, const VersionJudgement& version) {
  out["version"] = version.version;
  out["fingerprint"] = version.fingerprint;
  out["complies"] = version.complies;
  out["edits"] = version.edits;
  out["findings"] = version.findings;
}

Json published_json(const std::optional<PublishedState>& published) {
  if (!published) return nullptr;
  Json out = Json::object();
  judgement_json(out, *published);
  out["date"] = published->date;
  return out;
}

Json draft_json(const std::optional<DraftState>& draft) {
  if (!draft) return nullptr;
  Json out = Json::object();
  judgement_json(out, *draft);
  out["stage"] = to_string(draft->stage);
  out["owner"] = draft->owner ? actor_json(*draft->owner) : Json(nullptr);
  out["since"] = draft->since;
  out["flowlink"] = draft->flowlink;
  out["run_id"] = draft->run_id;
  out["publish_intended"] = draft->publish_intended;
  return out;
}

Json lock_json(const std::optional<LockState>& lock) {
  if (!lock) return nullptr;
  return Json{{"holder", actor_json(lock->holder)}, {"flowlink", to_string(lock->flowlink)}, {"run_id", lock->run_id}};
}

Json stale_json(const StaleModule& stale) {
  Json out = Json::object();
  out["rule"] = stale.rule;
  out["module"] = Json{{"key", stale.module_key}, {"id", stale.module_id}, {"name", stale.module_name}};
  out["module_version"] = stale.module_version;
  out["module_published"] = stale.module_published;
  out["consumer_published"] = stale.consumer_published;
  out["snapshot_version"] = stale.snapshot_version;
  out["decided_by"] = stale.decided_by;
  return out;
}

Json flow_json(const FlowPlan& flow) {
  Json out = Json::object();
  out["id"] = flow.flow_id;
  out["name"] = flow.flow_name;
  out["type"] = flow.flow_type;
  out["observed_version"] = flow.observed_version;
  out["fingerprint"] = flow.fingerprint;
  out["status"] = to_string(flow.status());
  out["action"] = to_string(flow.action);
  out["basis"] = to_string(flow.basis);
  out["publish"] = flow.publish;
  out["policy"] = to_string(flow.policy);
  out["skip_reason"] = flow.skip_reason;
  out["published"] = published_json(flow.published);
  out["draft"] = draft_json(flow.draft);
  out["lock"] = lock_json(flow.lock);
  Json notes = Json::array();
  for (const auto& note : flow.notes) notes.push_back(Json{{"kind", to_string(note.kind)}, {"message", note.message}});
  out["notes"] = std::move(notes);
  out["rules"] = flow.rules;
  Json edits = Json::array();
  for (const auto& edit : flow.edits) edits.push_back(edit_json(edit));
  out["edits"] = std::move(edits);
  Json stale = Json::array();
  for (const auto& module : flow.stale) stale.push_back(stale_json(module));
  out["stale"] = std::move(stale);
  Json findings = Json::array();
  for (const auto& finding : flow.findings) findings.push_back(finding_json(finding));
  out["findings"] = std::move(findings);
  out["errors"] = flow.errors;
  return out;
}

// --- reading ----------------------------------------------------------------

std::string join(const std::string& path, const std::string& key) { return path.empty() ? key : path + "." + key; }

[[noreturn]] void fail(const std::string& path, const std::string& what) {
  throw std::runtime_error(fmt::format("plan JSON: {}: {}", path, what));
}

const Json& member(const Json& object, const std::string& path, const char* key) {
  if (!object.is_object()) fail(path.empty() ? "(the plan)" : path, "expected an object");
  auto it = object.find(key);
  if (it == object.end()) fail(join(path, key), "missing");
  return *it;
}

std::string get_string(const Json& object, const std::string& path, const char* key) {
  const Json& value = member(object, path, key);
  if (!value.is_string()) fail(join(path, key), "expected a string");
  return value.get<std::string>();
}

std::optional<std::string> get_nullable_string(const Json& object, const std::string& path, const char* key) {
  const Json& value = member(object, path, key);
  if (value.is_null()) return std::nullopt;
  if (!value.is_string()) fail(join(path, key), "expected a string or null");
  return value.get<std::string>();
}

bool get_bool(const Json& object, const std::string& path, const char* key) {
  const Json& value = member(object, path, key);
  if (!value.is_boolean()) fail(join(path, key), "expected true or false");
  return value.get<bool>();
}

int get_count(const Json& object, const std::string& path, const char* key) {
  const Json& value = member(object, path, key);
  if (!value.is_number_integer() || value.get<long long>() < 0 || value.get<long long>() > 1'000'000)
    fail(join(path, key), "expected a count (an integer from 0)");
  return value.get<int>();
}

// The object at `key`, or nullptr when it is null.
const Json* get_nullable_object(const Json& object, const std::string& path, const char* key) {
  const Json& value = member(object, path, key);
  if (value.is_null()) return nullptr;
  if (!value.is_object()) fail(join(path, key), "expected an object or null");
  return &value;
}

const Json& get_array(const Json& object, const std::string& path, const char* key) {
  const Json& value = member(object, path, key);
  if (!value.is_array()) fail(join(path, key), "expected an array");
  return value;
}

std::vector<std::string> get_strings(const Json& object, const std::string& path, const char* key) {
  std::vector<std::string> out;
  const Json& array = get_array(object, path, key);
  for (std::size_t i = 0; i < array.size(); ++i) {
    if (!array[i].is_string()) fail(fmt::format("{}[{}]", join(path, key), i), "expected a string");
    out.push_back(array[i].get<std::string>());
  }
  return out;
}

template <typename Enum, std::size_t N>
Enum get_enum(const Json& object, const std::string& path, const char* key, const std::pair<const char*, Enum> (&names)[N]) {
  std::string text = get_string(object, path, key);
  std::string expected;
  for (const auto& [name, value] : names) {
    if (text == name) return value;
    expected += (expected.empty() ? "" : ", ") + std::string(name);
  }
  fail(join(path, key), fmt::format("'{}' is not one of {}", text, expected));
}

flowdoc::Bindings read_bindings(const Json& object, const std::string& path, const char* key) {
  const Json& value = member(object, path, key);
  if (!value.is_object()) fail(join(path, key), "expected an object");
  flowdoc::Bindings out;
  for (const auto& [name, expression] : value.items()) {
    if (!expression.is_string()) fail(join(join(path, key), name), "expected a string");
    out[name] = expression.get<std::string>();
  }
  return out;
}

constexpr std::pair<const char*, Edit::Kind> kEditKinds[] = {{"add_call", Edit::Kind::AddCall},
                                                             {"update_call", Edit::Kind::UpdateCall},
                                                             {"remove_call", Edit::Kind::RemoveCall},
                                                             {"move_call", Edit::Kind::MoveCall}};
constexpr std::pair<const char*, Finding::Kind> kFindingKinds[] = {{"misplaced", Finding::Kind::Misplaced},
                                                                   {"duplicate", Finding::Kind::Duplicate}};
constexpr std::pair<const char*, Placement::Kind> kPlacementKinds[] = {{"start", Placement::Kind::Start},
                                                                       {"task", Placement::Kind::Task},
                                                                       {"after", Placement::Kind::After},
                                                                       {"before", Placement::Kind::Before}};
constexpr std::pair<const char*, flowdoc::InsertionPoint::Kind> kInsertionKinds[] = {
    {"initial_task_start", flowdoc::InsertionPoint::Kind::InitialTaskStart},
    {"task_start", flowdoc::InsertionPoint::Kind::TaskStart},
    {"after_action", flowdoc::InsertionPoint::Kind::AfterAction},
    {"before_action", flowdoc::InsertionPoint::Kind::BeforeAction}};
constexpr std::pair<const char*, FlowPlan::Status> kStatuses[] = {{"no_change", FlowPlan::Status::NoChange},
                                                                  {"change", FlowPlan::Status::Change},
                                                                  {"held", FlowPlan::Status::Held},
                                                                  {"drift", FlowPlan::Status::Drift},
                                                                  {"error", FlowPlan::Status::Error}};
constexpr std::pair<const char*, FlowAction> kActions[] = {{"none", FlowAction::None},
                                                           {"edit", FlowAction::Edit},
                                                           {"resume", FlowAction::Resume},
                                                           {"publish_draft", FlowAction::PublishDraft},
                                                           {"skip", FlowAction::Skip},
                                                           {"republish", FlowAction::Republish}};
constexpr std::pair<const char*, Basis> kBases[] = {{"published", Basis::Published}, {"draft", Basis::Draft}};
constexpr std::pair<const char*, UnpublishedPolicy> kPolicies[] = {{"skip", UnpublishedPolicy::Skip},
                                                                   {"edit-draft", UnpublishedPolicy::EditDraft},
                                                                   {"publish", UnpublishedPolicy::Publish}};
constexpr std::pair<const char*, DraftState::Stage> kStages[] = {{"saved", DraftState::Stage::Saved},
                                                                 {"checked_in", DraftState::Stage::CheckedIn}};
constexpr std::pair<const char*, Actor::Kind> kActorKinds[] = {{"user", Actor::Kind::User}, {"client", Actor::Kind::Client}};
constexpr std::pair<const char*, LockState::Flowlink> kLockFlowlink[] = {
    {"no", LockState::Flowlink::No},
    {"running_run", LockState::Flowlink::RunningRun},
    {"interrupted_run", LockState::Flowlink::InterruptedRun},
    {"unknown", LockState::Flowlink::Unknown}};
constexpr std::pair<const char*, Note::Kind> kNoteKinds[] = {{"flowlink_pending", Note::Kind::FlowlinkPending},
                                                             {"flowlink_lock", Note::Kind::FlowlinkLock},
                                                             {"foreign_draft", Note::Kind::ForeignDraft},
                                                             {"foreign_lock", Note::Kind::ForeignLock},
                                                             {"never_published", Note::Kind::NeverPublished},
                                                             {"awaiting_publish", Note::Kind::AwaitingPublish}};

Actor read_actor(const Json& json, const std::string& path) {
  Actor actor;
  actor.kind = get_enum(json, path, "kind", kActorKinds);
  actor.id = get_string(json, path, "id");
  actor.name = get_string(json, path, "name");
  return actor;
}

void read_judgement(const Json& json, const std::string& path, VersionJudgement& version) {
  version.version = get_string(json, path, "version");
  version.fingerprint = get_string(json, path, "fingerprint");
  version.complies = get_bool(json, path, "complies");
  version.edits = get_count(json, path, "edits");
  version.findings = get_count(json, path, "findings");
}

std::optional<PublishedState> read_published(const Json& flow, const std::string& path) {
  const Json* json = get_nullable_object(flow, path, "published");
  if (!json) return std::nullopt;
  const std::string here = path + ".published";
  PublishedState published;
  read_judgement(*json, here, published);
  published.date = get_string(*json, here, "date");
  return published;
}

std::optional<DraftState> read_draft(const Json& flow, const std::string& path) {
  const Json* json = get_nullable_object(flow, path, "draft");
  if (!json) return std::nullopt;
  const std::string here = path + ".draft";
  DraftState draft;
  read_judgement(*json, here, draft);
  draft.stage = get_enum(*json, here, "stage", kStages);
  if (const Json* owner = get_nullable_object(*json, here, "owner")) draft.owner = read_actor(*owner, here + ".owner");
  draft.since = get_string(*json, here, "since");
  draft.flowlink = get_bool(*json, here, "flowlink");
  draft.run_id = get_string(*json, here, "run_id");
  draft.publish_intended = get_bool(*json, here, "publish_intended");
  return draft;
}

std::optional<LockState> read_lock(const Json& flow, const std::string& path) {
  const Json* json = get_nullable_object(flow, path, "lock");
  if (!json) return std::nullopt;
  const std::string here = path + ".lock";
  LockState lock;
  const Json& holder = member(*json, here, "holder");
  lock.holder = read_actor(holder, here + ".holder");
  lock.flowlink = get_enum(*json, here, "flowlink", kLockFlowlink);
  lock.run_id = get_string(*json, here, "run_id");
  return lock;
}

Placement read_placement(const Json& json, const std::string& path) {
  Placement placement;
  placement.kind = get_enum(json, path, "kind", kPlacementKinds);
  if (placement.kind == Placement::Kind::Task) placement.task = get_string(json, path, "task");
  if (placement.kind == Placement::Kind::After || placement.kind == Placement::Kind::Before) {
    const Json& anchor = member(json, path, "anchor");
    std::string anchor_path = path + ".anchor";
    if (!anchor.is_object()) fail(anchor_path, "expected an object");
    if (anchor.contains("name")) placement.anchor.name = get_string(anchor, anchor_path, "name");
    if (anchor.contains("type")) placement.anchor.type = get_string(anchor, anchor_path, "type");
    if (anchor.contains("trackingId")) {
      if (!anchor["trackingId"].is_number_integer()) fail(anchor_path + ".trackingId", "expected an integer");
      placement.anchor.tracking_id = anchor["trackingId"].get<int>();
    }
    if (!placement.anchor.name && !placement.anchor.type && !placement.anchor.tracking_id)
      fail(anchor_path, "expected at least one of name, trackingId, type");
  }
  return placement;
}

flowdoc::InsertionPoint read_insertion(const Json& json, const std::string& path) {
  flowdoc::InsertionPoint point;
  point.kind = get_enum(json, path, "kind", kInsertionKinds);
  if (point.kind == flowdoc::InsertionPoint::Kind::TaskStart) point.task_name = get_string(json, path, "task");
  if (point.kind == flowdoc::InsertionPoint::Kind::AfterAction || point.kind == flowdoc::InsertionPoint::Kind::BeforeAction)
    point.action_id = get_string(json, path, "action_id");
  return point;
}

Edit read_edit(const Json& json, const std::string& path) {
  Edit edit;
  edit.kind = get_enum(json, path, "kind", kEditKinds);
  edit.rule = get_string(json, path, "rule");
  const Json& module = member(json, path, "module");
  edit.module_key = get_string(module, path + ".module", "key");
  edit.module_id = get_string(module, path + ".module", "id");
  edit.module_name = get_string(module, path + ".module", "name");
  const Json& action = member(json, path, "action");
  edit.action_id = get_string(action, path + ".action", "id");
  edit.action_name = get_string(action, path + ".action", "name");
  if (edit.kind != Edit::Kind::AddCall && edit.action_id.empty()) fail(path + ".action.id", "must not be empty");
  if (is_placed(edit.kind)) {
    edit.placement = read_placement(member(json, path, "placement"), path + ".placement");
    edit.insertion = read_insertion(member(json, path, "insertion"), path + ".insertion");
  }
  edit.position_description = get_string(json, path, "position");
  if (has_bindings(edit.kind)) {
    edit.inputs = read_bindings(json, path, "inputs");
    edit.outputs = read_bindings(json, path, "outputs");
  }
  if (edit.kind == Edit::Kind::UpdateCall) {
    const Json& changes = get_array(json, path, "changes");
    for (std::size_t i = 0; i < changes.size(); ++i) {
      std::string change_path = fmt::format("{}.changes[{}]", path, i);
      edit.changes.push_back({get_string(changes[i], change_path, "field"),
                              get_nullable_string(changes[i], change_path, "before"),
                              get_nullable_string(changes[i], change_path, "after")});
    }
  }
  edit.reason = get_string(json, path, "reason");
  return edit;
}

StaleModule read_stale(const Json& json, const std::string& path) {
  StaleModule stale;
  stale.rule = get_string(json, path, "rule");
  const Json& module = member(json, path, "module");
  stale.module_key = get_string(module, path + ".module", "key");
  stale.module_id = get_string(module, path + ".module", "id");
  stale.module_name = get_string(module, path + ".module", "name");
  if (stale.module_id.empty()) fail(path + ".module.id", "must not be empty");
  stale.module_version = get_string(json, path, "module_version");
  stale.module_published = get_string(json, path, "module_published");
  stale.consumer_published = get_string(json, path, "consumer_published");
  stale.snapshot_version = get_string(json, path, "snapshot_version");
  stale.decided_by = get_string(json, path, "decided_by");
  if (stale.decided_by.empty()) fail(path + ".decided_by", "must not be empty");
  return stale;
}

FlowPlan read_flow(const Json& json, const std::string& path) {
  FlowPlan flow;
  flow.flow_id = get_string(json, path, "id");
  flow.flow_name = get_string(json, path, "name");
  flow.flow_type = get_string(json, path, "type");
  flow.observed_version = get_string(json, path, "observed_version");
  flow.fingerprint = get_string(json, path, "fingerprint");
  FlowPlan::Status status = get_enum(json, path, "status", kStatuses);
  flow.action = get_enum(json, path, "action", kActions);
  flow.basis = get_enum(json, path, "basis", kBases);
  flow.publish = get_bool(json, path, "publish");
  flow.policy = get_enum(json, path, "policy", kPolicies);
  flow.skip_reason = get_string(json, path, "skip_reason");
  flow.published = read_published(json, path);
  flow.draft = read_draft(json, path);
  flow.lock = read_lock(json, path);
  const Json& notes = get_array(json, path, "notes");
  for (std::size_t i = 0; i < notes.size(); ++i) {
    std::string note_path = fmt::format("{}.notes[{}]", path, i);
    Note note;
    note.kind = get_enum(notes[i], note_path, "kind", kNoteKinds);
    note.message = get_string(notes[i], note_path, "message");
    flow.notes.push_back(std::move(note));
  }
  // What apply acts on must be there: a draft basis, a draft to resume or to
  // publish names the draft's version and fingerprint.
  if (flow.basis == Basis::Draft && !flow.draft) fail(path + ".draft", "null, but basis is 'draft'");
  if ((flow.action == FlowAction::Resume || flow.action == FlowAction::PublishDraft) && !flow.draft)
    fail(path + ".draft", fmt::format("null, but action is '{}'", to_string(flow.action)));
  flow.rules = get_strings(json, path, "rules");
  const Json& edits = get_array(json, path, "edits");
  for (std::size_t i = 0; i < edits.size(); ++i) flow.edits.push_back(read_edit(edits[i], fmt::format("{}.edits[{}]", path, i)));
  // Format version 2 plans written before modules could be stale have no
  // "stale": none.
  if (json.contains("stale")) {
    const Json& stale = get_array(json, path, "stale");
    for (std::size_t i = 0; i < stale.size(); ++i)
      flow.stale.push_back(read_stale(stale[i], fmt::format("{}.stale[{}]", path, i)));
  }
  // A republish publishes the published version again, for its stale
  // modules (which apply verifies current afterwards); and a published version
  // that runs an old snapshot does not comply.
  if (flow.action == FlowAction::Republish && !flow.published)
    fail(path + ".published", "null, but action is 'republish'");
  if (flow.action == FlowAction::Republish && flow.stale.empty()) fail(path + ".stale", "empty, but action is 'republish'");
  if (!flow.stale.empty() && !flow.published)
    fail(path + ".published", fmt::format("null, but stale lists {} module(s) the published version calls", flow.stale.size()));
  if (!flow.stale.empty() && flow.published->complies)
    fail(path + ".published.complies", fmt::format("true, but stale lists {} module(s) it runs an old snapshot of",
                                                   flow.stale.size()));
  const Json& findings = get_array(json, path, "findings");
  for (std::size_t i = 0; i < findings.size(); ++i) {
    std::string finding_path = fmt::format("{}.findings[{}]", path, i);
    const Json& f = findings[i];
    Finding finding;
    finding.kind = get_enum(f, finding_path, "kind", kFindingKinds);
    finding.rule = get_string(f, finding_path, "rule");
    const Json& module = member(f, finding_path, "module");
    finding.module_key = get_string(module, finding_path + ".module", "key");
    finding.module_name = get_string(module, finding_path + ".module", "name");
    finding.action_id = get_string(f, finding_path, "action_id");
    finding.message = get_string(f, finding_path, "message");
    flow.findings.push_back(std::move(finding));
  }
  flow.errors = get_strings(json, path, "errors");
  // The status is derived; one that disagrees means the file was edited by hand.
  if (status != flow.status())
    fail(path + ".status", fmt::format("says '{}' but the action, lifecycle, notes, edits, findings and errors make it '{}'",
                                       to_string(status), to_string(flow.status())));
  return flow;
}

}  // namespace

namespace {

Json summary_json(const PlanSummary& s) {
  return Json{{"flows_matched", s.flows_matched}, {"to_change", s.to_change}, {"held", s.held},
              {"unchanged", s.unchanged},         {"drift_only", s.drift_only}, {"errors", s.errors},
              {"add", s.add},                     {"update", s.update},       {"remove", s.remove},
              {"move", s.move},                   {"republish", s.republish},
              {"cache_hits", s.cache_hits}};
}

// Every member of the plan's JSON up to "flows", which is last and empty:
// "summary" comes after the flows, so that a plan can be written as it is
// made (JsonPlanWriter).
Json plan_head_json(const PlanHead& plan) {
  Json out = Json::object();
  out["format_version"] = plan.format_version;
  out["flowlink_version"] = plan.flowlink_version;
  out["source"] = plan.source;
  // The org the flows were read from (apply refuses a plan for another); null
  // for an export directory.
  out["org"] = plan.org_id.empty() && plan.org_name.empty() ? Json(nullptr)
                                                            : Json{{"id", plan.org_id}, {"name", plan.org_name}};
  // The environment planned for (--env); null for none.
  out["environment"] = plan.environment.empty() ? Json(nullptr)
                                                : Json{{"name", plan.environment}, {"file", plan.environment_file}};
  out["manifest_files"] = plan.manifest_files;
  out["manifest_fingerprint"] = plan.manifest_fingerprint;
  out["errors"] = plan.errors;
  out["targets"] = plan.targets;
  Json rules = Json::array();
  for (const auto& match : plan.rules)
    rules.push_back(Json{{"name", match.rule}, {"matched_flows", match.flows}, {"allow_empty", match.allow_empty}});
  out["rules"] = std::move(rules);
  out["flows"] = Json::array();
  return out;
}

// `text` (a dump(2)) written with `indent` after each of its newlines, to
// stand nested: dump(2) writes a newline only between members (one inside a
// string is escaped as \n).
void write_indented(std::ostream& out, const std::string& text, std::string_view indent) {
  std::size_t line = 0;
  for (std::size_t newline; (newline = text.find('\n', line)) != std::string::npos; line = newline + 1) {
    out.write(text.data() + line, static_cast<std::streamsize>(newline + 1 - line));
    out << indent;
  }
  out.write(text.data() + line, static_cast<std::streamsize>(text.size() - line));
}

}  // namespace

Json to_json(const Plan& plan) {
  Json out = plan_head_json(plan);
  Json& flows = out["flows"];
  for (const auto& flow : plan.flows) flows.push_back(flow_json(flow));
  out["summary"] = summary_json(plan.summary());
  return out;
}

void JsonPlanWriter::begin(const PlanHead& head) {
  // dump(2) of the head ends `"flows": []` then `}`: the flows go where the
  // `[]` is, one tree at a time, then the summary.
  const std::string text = plan_head_json(head).dump(2);
  static constexpr std::string_view kEmptyFlows = "[]\n}";
  if (!std::string_view(text).ends_with(kEmptyFlows)) throw std::logic_error("the plan's JSON does not end with its flows");
  out_.write(text.data(), static_cast<std::streamsize>(text.size() - kEmptyFlows.size()));
  out_ << "[";
}

void JsonPlanWriter::flow(const FlowPlan& flow) {
  out_ << (any_flow_ ? ",\n    " : "\n    ");
  any_flow_ = true;
  write_indented(out_, flow_json(flow).dump(2), "    ");
}

void JsonPlanWriter::end(const PlanHead&, const PlanTally& tally) {
  out_ << (any_flow_ ? "\n  ]" : "]") << ",\n  \"summary\": ";
  write_indented(out_, summary_json(tally.summary).dump(2), "  ");
  out_ << "\n}\n";
}

void write_json(const Plan& plan, std::ostream& out) {
  JsonPlanWriter writer(out);
  feed(plan, writer);
}

std::string render_json(const Plan& plan) {
  std::ostringstream out;
  write_json(plan, out);
  return std::move(out).str();
}

Json flow_to_json(const FlowPlan& flow) { return flow_json(flow); }
FlowPlan flow_from_json(const Json& json) {
  if (!json.is_object()) fail("(the flow)", "expected an object");
  return read_flow(json, "flow");
}

Plan plan_from_json(const Json& json) {
  if (!json.is_object()) fail("(the plan)", "expected an object");
  const Json& version = member(json, "", "format_version");
  if (!version.is_number_integer()) fail("format_version", "expected an integer");
  const auto number = version.get<long long>();
  if (number >= 1 && number < kFormatVersion)
    fail("format_version", fmt::format("plan was written by an older flowlink (format_version {}); plan again", number));
  if (number > kFormatVersion)
    fail("format_version", fmt::format("plan was written by a newer flowlink (format_version {}; this flowlink reads {}); "
                                       "upgrade flowlink or plan again",
                                       number, kFormatVersion));
  if (number != kFormatVersion)
    fail("format_version", fmt::format("{} is not supported (this flowlink reads format_version {})", number,
                                       kFormatVersion));
  Plan plan;
  plan.format_version = kFormatVersion;
  plan.flowlink_version = get_string(json, "", "flowlink_version");
  plan.source = get_string(json, "", "source");
  if (const Json* org = get_nullable_object(json, "", "org")) {
    plan.org_id = get_string(*org, "org", "id");
    plan.org_name = get_string(*org, "org", "name");
  }
  // Added within format version 2: absent in older plans, which had none.
  if (json.contains("environment")) {
    if (const Json* environment = get_nullable_object(json, "", "environment")) {
      plan.environment = get_string(*environment, "environment", "name");
      plan.environment_file = get_string(*environment, "environment", "file");
      if (plan.environment.empty()) fail("environment.name", "expected a non-empty string");
    }
  }
  plan.manifest_files = get_strings(json, "", "manifest_files");
  if (json.contains("manifest_fingerprint")) plan.manifest_fingerprint = get_string(json, "", "manifest_fingerprint");
  const Json& summary = member(json, "", "summary");
  if (!summary.is_object()) fail("summary", "expected an object");
  // Plans written before the cache have no "cache_hits": none.
  if (summary.contains("cache_hits")) plan.cache_hits = get_count(summary, "summary", "cache_hits");
  plan.errors = get_strings(json, "", "errors");
  // targets and rules came later within format version 2: absent means none.
  if (json.contains("targets")) plan.targets = get_strings(json, "", "targets");
  if (json.contains("rules")) {
    const Json& rules = get_array(json, "", "rules");
    for (std::size_t i = 0; i < rules.size(); ++i) {
      const std::string here = fmt::format("rules[{}]", i);
      plan.rules.push_back(RuleMatch{get_string(rules[i], here, "name"), get_count(rules[i], here, "matched_flows"),
                                     get_bool(rules[i], here, "allow_empty")});
    }
  }
  const Json& flows = get_array(json, "", "flows");
  for (std::size_t i = 0; i < flows.size(); ++i) plan.flows.push_back(read_flow(flows[i], fmt::format("flows[{}]", i)));
  return plan;
}

}  // namespace flowlink::plan
