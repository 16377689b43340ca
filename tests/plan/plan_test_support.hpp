#pragma once
// Hand-built flow documents, modules and desired states for the planner tests.
// Documents are plain JSON shaped like the fixture (see
// shared/reference/flow-configuration.md), read by the real flowdoc::Document.

#include <fstream>
#include <sstream>
#include <string>
#include <vector>

#include <doctest/doctest.h>
#include <nlohmann/json.hpp>

#include "flowdoc/document.hpp"
#include "manifest/desired_state.hpp"
#include "plan/plan.hpp"
#include "plan/planner.hpp"

namespace plantest {

using Json = nlohmann::ordered_json;
using flowlink::flowdoc::Bindings;
using flowlink::flowdoc::Document;
using flowlink::manifest::DesiredState;
using flowlink::manifest::EnsureEntry;
using flowlink::manifest::Placement;
using flowlink::manifest::Rule;
using flowlink::plan::ObservedFlow;

inline constexpr const char* kValidationId = "aaaaaaaa-0000-4000-8000-000000000001";
inline constexpr const char* kValidationName = "Common_Validation_Module";
inline constexpr const char* kLoggingId = "aaaaaaaa-0000-4000-8000-000000000002";
inline constexpr const char* kLoggingName = "Common_Logging_Module";
inline constexpr const char* kOldId = "aaaaaaaa-0000-4000-8000-000000000003";
inline constexpr const char* kOldName = "Old_Module";

// One action of a linear sequence; a module call when module_id is set.
struct Act {
  std::string id;
  std::string name;
  int tracking_id = 0;
  std::string type = "PlayAudioAction";
  std::string module_id;
  std::string module_name;
  Bindings inputs;
  Bindings outputs;
};

inline Act action(std::string id, std::string name, int tracking_id, std::string type = "PlayAudioAction") {
  return Act{std::move(id), std::move(name), tracking_id, std::move(type), {}, {}, {}, {}};
}

inline Act call(std::string id, int tracking_id, std::string module_id, std::string module_name, Bindings inputs = {},
                Bindings outputs = {}) {
  std::string name = "Call " + module_name;
  return Act{std::move(id), std::move(name), tracking_id, "CallCommonModuleAction", std::move(module_id),
             std::move(module_name), std::move(inputs), std::move(outputs)};
}

struct TaskSpec {
  std::string id;
  std::string name;
  std::vector<Act> actions;  // linked in this order
};

inline Json expression(const std::string& text) {
  return Json{{"config", Json::object()}, {"text", text}, {"type", "str"}, {"uiMetaData", {{"mode", 0}}}, {"version", 2}};
}

inline Json binding_list(const Bindings& bindings) {
  Json list = Json::array();
  for (const auto& [name, value] : bindings) list.push_back(Json{{"name", name}, {"value", expression(value)}});
  return list;
}

// A flow document; the first task is the initial one.
inline Json flow_json(const std::string& name, const std::string& type, const std::vector<TaskSpec>& tasks,
                      int next_tracking_number = 100) {
  Json items = Json::array();
  Json modules = Json::array();
  int task_tracking_id = 90;  // below next_tracking_number, apart from the actions'
  for (const auto& task : tasks) {
    Json list = Json::array();
    for (std::size_t i = 0; i < task.actions.size(); ++i) {
      const Act& a = task.actions[i];
      Json action{{"trackingId", a.tracking_id}, {"id", a.id}, {"name", a.name}, {"uiMetaData", {{"collapsed", false}}},
                  {"__type", a.type}};
      if (!a.module_id.empty()) {
        action["flowId"] = a.module_id;
        action["flowName"] = a.module_name;
        action["inputs"] = binding_list(a.inputs);
        action["outputs"] = binding_list(a.outputs);
        Json* entry = nullptr;
        for (auto& m : modules)
          if (m["id"] == a.module_id) entry = &m;
        if (!entry) {
          modules.push_back(Json{{"name", a.module_name}, {"id", a.module_id}, {"context", Json::array()}});
          entry = &modules.back();
        }
        (*entry)["context"].push_back(Json{{"actionName", "Call Common Module"}, {"id", a.id}, {"name", a.name}});
      }
      if (i + 1 < task.actions.size()) action["nextAction"] = task.actions[i + 1].id;
      list.push_back(std::move(action));
    }
    Json item{{"__type", "Task"}, {"id", task.id}, {"name", task.name}, {"trackingId", task_tracking_id++}, {"actionList", list},
              {"variables", Json::array()}};
    if (!task.actions.empty()) item["startAction"] = task.actions.front().id;
    items.push_back(std::move(item));
  }
  Json doc{{"defaultLanguage", "en-us"},
           {"initialSequence", tasks.front().id},
           {"name", name},
           {"nextTrackingNumber", next_tracking_number},
           {"supportedLanguages", Json::array({"en-us"})},
           {"manifest", Json::object()},
           {"type", type},
           {"flowSequenceItemList", items},
           {"variables", Json::array()}};
  if (!modules.empty()) doc["manifest"]["commonModuleFlow"] = modules;
  return doc;
}

inline Json module_json(const std::string& name, const std::vector<std::string>& inputs,
                        const std::vector<std::string>& outputs) {
  Json doc = flow_json(name, "commonmodule",
                       {TaskSpec{"module-task-" + name, "Module", {action("module-end-" + name, "End", 1, "EndTaskAction")}}});
  for (const auto& input : inputs)
    doc["variables"].push_back(Json{{"__type", "StringVariable"}, {"name", input}, {"isInput", true}, {"isOutput", false}});
  for (const auto& output : outputs)
    doc["variables"].push_back(Json{{"__type", "StringVariable"}, {"name", output}, {"isInput", false}, {"isOutput", true}});
  return doc;
}

inline ObservedFlow observed(std::string id, std::string name, std::string type, Json document,
                             std::string version = "3.0", bool published = true) {
  ObservedFlow flow;
  flow.id = std::move(id);
  flow.name = std::move(name);
  flow.type = std::move(type);
  flow.version = std::move(version);
  flow.published = published;
  flow.document = Document::from_json(std::move(document), "flow '" + flow.name + "'");
  return flow;
}

inline ObservedFlow module_flow(const std::string& id, const std::string& name, std::vector<std::string> inputs,
                                std::vector<std::string> outputs, bool published = true) {
  return observed(id, name, "commonmodule", module_json(name, inputs, outputs), "1.0", published);
}

// The three modules most tests use.
inline std::vector<ObservedFlow> standard_modules() {
  std::vector<ObservedFlow> modules;
  modules.push_back(module_flow(kValidationId, kValidationName, {"Common.CallerAni", "Common.Dnis"}, {"Common.IsValid"}));
  modules.push_back(module_flow(kLoggingId, kLoggingName, {"Common.Message"}, {}));
  modules.push_back(module_flow(kOldId, kOldName, {}, {}));
  return modules;
}

// The support flow: task 'Main' (initial) plays, transfers, disconnects; task
// 'Billing' plays. `main_calls` are put first in 'Main'.
inline Json support_flow_json(std::vector<Act> main_prefix = {}, std::vector<Act> main_suffix = {}) {
  std::vector<Act> main = std::move(main_prefix);
  main.push_back(action("10000000-0000-4000-8000-000000000001", "Play Welcome", 1));
  main.push_back(action("10000000-0000-4000-8000-000000000002", "Transfer", 2, "TransferPureMatchAction"));
  for (auto& a : main_suffix) main.push_back(std::move(a));
  main.push_back(action("10000000-0000-4000-8000-000000000003", "Disconnect", 3, "DisconnectAction"));
  return flow_json("Inbound_Support_Main", "inboundcall",
                   {TaskSpec{"20000000-0000-4000-8000-000000000001", "Main", std::move(main)},
                    TaskSpec{"20000000-0000-4000-8000-000000000002", "Billing",
                             {action("10000000-0000-4000-8000-000000000004", "Play Billing", 4)}}});
}
inline constexpr const char* kPlayWelcomeId = "10000000-0000-4000-8000-000000000001";
inline constexpr const char* kTransferId = "10000000-0000-4000-8000-000000000002";
inline constexpr const char* kDisconnectId = "10000000-0000-4000-8000-000000000003";
inline constexpr const char* kSupportFlowId = "30000000-0000-4000-8000-000000000001";

inline ObservedFlow support_flow(std::vector<Act> main_prefix = {}, std::vector<Act> main_suffix = {}) {
  return observed(kSupportFlowId, "Inbound_Support_Main", "inboundcall",
                  support_flow_json(std::move(main_prefix), std::move(main_suffix)));
}

inline Json fixture_json() {
  std::ifstream in(FLOWLINK_FIXTURES_DIR "/architect/cache-example.inboundcall.json");
  REQUIRE(in.good());
  std::stringstream text;
  text << in.rdbuf();
  return Json::parse(text.str());
}

// --- desired state ----------------------------------------------------------

inline Placement at_start() { return Placement{}; }
inline Placement at_task(std::string task) {
  Placement p;
  p.kind = Placement::Kind::Task;
  p.task = std::move(task);
  return p;
}
inline Placement after(std::string name, std::optional<int> tracking_id = std::nullopt) {
  Placement p;
  p.kind = Placement::Kind::After;
  p.anchor.name = std::move(name);
  p.anchor.tracking_id = tracking_id;
  return p;
}
inline Placement before(std::string name, std::optional<int> tracking_id = std::nullopt) {
  Placement p = after(std::move(name), tracking_id);
  p.kind = Placement::Kind::Before;
  return p;
}

inline EnsureEntry ensure(std::string module, Placement at, Bindings inputs = {}, Bindings outputs = {}) {
  EnsureEntry entry;
  entry.module = std::move(module);
  entry.at = std::move(at);
  entry.inputs = std::move(inputs);
  entry.outputs = std::move(outputs);
  return entry;
}

inline Rule rule(std::string name, std::string pattern, std::vector<EnsureEntry> ensure_entries,
                 std::vector<std::string> removes = {}, std::vector<std::string> types = {"inboundcall"}) {
  Rule r;
  r.name = std::move(name);
  r.flows.types = std::move(types);
  flowlink::manifest::NamePattern include;
  include.text = std::move(pattern);
  r.flows.include.push_back(include);
  r.ensure = std::move(ensure_entries);
  for (auto& key : removes) r.remove.push_back(flowlink::manifest::RemoveEntry{std::move(key), {}});
  return r;
}

inline DesiredState desired(std::vector<Rule> rules) {
  DesiredState state;
  state.api_version = "flowlink/v1";
  state.modules["validation"] = {"validation", kValidationName, std::nullopt, false, {}};
  state.modules["logging"] = {"logging", kLoggingName, std::nullopt, false, {}};
  state.modules["old"] = {"old", kOldName, std::nullopt, false, {}};
  state.rules = std::move(rules);
  state.files = {"manifests/flowlink.yaml"};
  return state;
}

inline flowlink::plan::PlanOptions options() {
  flowlink::plan::PlanOptions o;
  o.source = "test";
  o.flowlink_version = "0.0.0-test";
  return o;
}

inline std::vector<ObservedFlow> with_modules(std::vector<ObservedFlow> flows) {
  for (auto& m : standard_modules()) flows.push_back(std::move(m));
  return flows;
}

}  // namespace plantest
