#pragma once
// Builds small flow documents as JSON for flowdoc tests: tasks, plain
// actions, branching actions and module calls, linked by id. trackingIds are
// handed out in order; nextTrackingNumber follows the last one.
#include <string>
#include <utility>
#include <vector>

#include "flowdoc/document.hpp"

namespace flowdoc_test {

using flowlink::flowdoc::Json;

struct PathSpec {
  std::string label;
  std::string output_id;
  std::string next;  // "" leaves nextActionId out (an empty branch)
};

class GraphBuilder {
 public:
  // The first task added is the initial sequence.
  GraphBuilder& task(const std::string& id, const std::string& name, const std::string& start = "") {
    Json task = Json::object();
    task["__type"] = "Task";
    task["id"] = id;
    task["name"] = name;
    task["trackingId"] = next_tracking_++;
    if (!start.empty()) task["startAction"] = start;
    task["actionList"] = Json::array();
    if (!doc_.contains("initialSequence")) doc_["initialSequence"] = id;
    doc_["flowSequenceItemList"].push_back(std::move(task));
    return *this;
  }

  GraphBuilder& action(const std::string& task_id, const std::string& id, const std::string& type,
                       const std::string& name, const std::string& next = "", const std::vector<PathSpec>& paths = {}) {
    Json action = Json::object();
    action["__type"] = type;
    action["id"] = id;
    action["name"] = name;
    action["trackingId"] = next_tracking_++;
    if (!next.empty()) action["nextAction"] = next;
    if (!paths.empty()) {
      action["paths"] = Json::array();
      for (const PathSpec& path : paths) {
        Json p{{"label", path.label}, {"outputId", path.output_id}};
        if (!path.next.empty()) p["nextActionId"] = path.next;
        action["paths"].push_back(std::move(p));
      }
    }
    add(task_id, std::move(action));
    return *this;
  }

  // A decision with Yes/No branches.
  GraphBuilder& decision(const std::string& task_id, const std::string& id, const std::string& name,
                         const std::string& yes, const std::string& no, const std::string& next = "") {
    return action(task_id, id, "DecisionAction", name, next, {{"Yes", "__YES__", yes}, {"No", "__NO__", no}});
  }

  // A module call, listed in manifest.commonModuleFlow unless `listed` is false.
  GraphBuilder& call(const std::string& task_id, const std::string& id, const std::string& name,
                     const std::string& module_id, const std::string& module_name, const std::string& next = "",
                     const std::vector<std::pair<std::string, std::string>>& inputs = {},
                     const std::vector<std::pair<std::string, std::string>>& outputs = {}, bool listed = true) {
    Json action = Json::object();
    action["__type"] = "CallCommonModuleAction";
    action["id"] = id;
    action["name"] = name;
    action["trackingId"] = next_tracking_++;
    action["flowId"] = module_id;
    action["flowName"] = module_name;
    action["inputs"] = bindings(inputs);
    action["outputs"] = bindings(outputs);
    if (!next.empty()) action["nextAction"] = next;
    add(task_id, std::move(action));
    if (listed) list_in_manifest(module_id, module_name, id, name);
    return *this;
  }

  GraphBuilder& list_in_manifest(const std::string& module_id, const std::string& module_name,
                                 const std::string& action_id, const std::string& action_name) {
    Json& modules = doc_["manifest"]["commonModuleFlow"];
    if (modules.is_null()) modules = Json::array();
    for (Json& module : modules) {
      if (module["id"] == module_id) {
        module["context"].push_back(context(action_id, action_name));
        return *this;
      }
    }
    modules.push_back(Json{{"id", module_id}, {"name", module_name}, {"context", Json::array({context(action_id, action_name)})}});
    return *this;
  }

  Json json() const {
    Json doc = doc_;
    doc["nextTrackingNumber"] = next_tracking_;
    return doc;
  }
  flowlink::flowdoc::Document document(const std::string& source = "built.json") const {
    return flowlink::flowdoc::Document::from_json(json(), source);
  }

  static Json expression(const std::string& text) {
    return Json{{"config", Json::object()}, {"text", text}, {"type", "str"}, {"uiMetaData", {{"mode", 0}}},
                {"metaData", Json::object()}, {"version", 2}};
  }

 private:
  static Json context(const std::string& action_id, const std::string& action_name) {
    return Json{{"id", action_id}, {"name", action_name}, {"actionName", "Call Common Module"}};
  }
  static Json bindings(const std::vector<std::pair<std::string, std::string>>& list) {
    Json result = Json::array();
    for (const auto& [name, text] : list) result.push_back(Json{{"name", name}, {"value", expression(text)}});
    return result;
  }
  void add(const std::string& task_id, Json action) {
    for (Json& item : doc_["flowSequenceItemList"]) {
      if (item["id"] == task_id) {
        item["actionList"].push_back(std::move(action));
        return;
      }
    }
    throw std::logic_error("GraphBuilder: no task " + task_id);
  }

  Json doc_ = Json{{"name", "Built Flow"}, {"type", "inboundcall"}, {"flowSequenceItemList", Json::array()}};
  int next_tracking_ = 1;
};

}  // namespace flowdoc_test
