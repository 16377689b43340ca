#include "org_generator.hpp"

#include <chrono>
#include <cstdio>
#include <fstream>
#include <random>
#include <sstream>
#include <stdexcept>
#include <unordered_map>
#include <unordered_set>

#include <nlohmann/json.hpp>

namespace flowlink::bench {
namespace {

using Json = nlohmann::ordered_json;
namespace fs = std::filesystem;

class Ids {
 public:
  explicit Ids(unsigned long long seed) : rng_(seed) {}
  std::string uuid() {
    std::uniform_int_distribution<unsigned long long> d;
    unsigned long long a = d(rng_), b = d(rng_);
    char out[37];
    std::snprintf(out, sizeof out, "%08llx-%04llx-4%03llx-%04llx-%012llx", a >> 32, (a >> 16) & 0xffff,
                  a & 0xfff, 0x8000 | ((b >> 48) & 0x3fff), b & 0xffffffffffffULL);
    return out;
  }

 private:
  std::mt19937_64 rng_;
};

bool is_uuid_at(const std::string& s, size_t i) {
  if (i + 36 > s.size()) return false;
  for (size_t k = 0; k < 36; ++k) {
    char c = s[i + k];
    bool dash = k == 8 || k == 13 || k == 18 || k == 23;
    if (dash ? c != '-' : !std::isxdigit(static_cast<unsigned char>(c))) return false;
  }
  return true;
}

// Replaces every UUID found in `map` by its new value, in one pass.
std::string remap_uuids(const std::string& text, const std::unordered_map<std::string, std::string>& map) {
  std::string out;
  out.reserve(text.size());
  for (size_t i = 0; i < text.size();) {
    if (is_uuid_at(text, i)) {
      auto hit = map.find(text.substr(i, 36));
      if (hit != map.end()) {
        out += hit->second;
        i += 36;
        continue;
      }
    }
    out += text[i++];
  }
  return out;
}

// Ids a document (or a task) defines itself: sequence items, actions,
// variables. References to org objects (queues, data tables) are kept.
void collect_defined_ids(const Json& node, std::unordered_set<std::string>& ids) {
  if (node.is_object()) {
    auto id = node.find("id");
    bool defines = node.contains("__type") || node.contains("isInput");
    if (defines && id != node.end() && id->is_string() && id->get<std::string>().size() == 36) ids.insert(*id);
    for (const auto& [k, v] : node.items()) collect_defined_ids(v, ids);
  } else if (node.is_array()) {
    for (const auto& v : node) collect_defined_ids(v, ids);
  }
}

std::unordered_map<std::string, std::string> fresh_ids(const std::unordered_set<std::string>& ids, Ids& gen) {
  std::unordered_map<std::string, std::string> map;
  for (const auto& id : ids) map[id] = gen.uuid();
  return map;
}

Json expression(const std::string& text, const std::string& type) {
  return Json{{"config", {{"ref", {{"pos", 1}, {"text", text}, {"type", type}}}}},
              {"text", text}, {"type", type}, {"uiMetaData", {{"mode", 0}}},
              {"metaData", {{"references", Json::array()}}}, {"version", 2}};
}

// A copy of the fixture's task with fresh ids and tracking numbers, named
// apart; its manifest contexts are added to the document's manifest.
void add_task_copy(Json& doc, const Json& task, int copy_number, Ids& gen) {
  std::unordered_set<std::string> defined;
  collect_defined_ids(task, defined);
  auto map = fresh_ids(defined, gen);
  Json copy = Json::parse(remap_uuids(task.dump(), map));
  copy["name"] = task["name"].get<std::string>() + " " + std::to_string(copy_number);
  int tracking = doc["nextTrackingNumber"].get<int>();
  copy["trackingId"] = tracking++;
  for (auto& action : copy["actionList"]) action["trackingId"] = tracking++;
  doc["nextTrackingNumber"] = tracking;
  for (auto& [kind, entries] : doc["manifest"].items()) {
    for (auto& entry : entries) {
      if (!entry.contains("context")) continue;
      Json added = Json::array();
      for (const auto& ctx : entry["context"]) {
        auto hit = ctx.contains("id") && ctx["id"].is_string() ? map.find(ctx["id"].get<std::string>()) : map.end();
        if (hit == map.end()) continue;
        Json c = ctx;
        c["id"] = hit->second;
        added.push_back(c);
      }
      for (auto& c : added) entry["context"].push_back(c);
    }
  }
  doc["flowSequenceItemList"].push_back(std::move(copy));
}

void make_module(Json& doc, const std::string& name, Ids& gen) {
  doc["name"] = name;
  doc["type"] = "commonmodule";
  auto variable = [&](const std::string& var_name, const std::string& type, bool in, bool out) {
    return Json{{"id", gen.uuid()}, {"isCollection", false}, {"isInternal", false}, {"isOutput", out},
                {"isInput", in}, {"isSecure", false}, {"version", "1.0"}, {"__type", type}, {"name", var_name}};
  };
  doc["variables"] = Json::array({variable("Common.CallerAni", "StringVariable", true, false),
                                  variable("Common.QueueName", "StringVariable", true, false),
                                  variable("Common.IsValid", "BoolVariable", false, true)});
}

// Inserts a CallCommonModuleAction first in the start task (the shape
// flowlink writes), with the module in the document's manifest.
void call_module(Json& doc, const std::string& module_id, const std::string& module_name, Ids& gen) {
  Json& task = doc["flowSequenceItemList"][0];
  int tracking = doc["nextTrackingNumber"].get<int>();
  std::string id = gen.uuid();
  Json action = {{"__type", "CallCommonModuleAction"}, {"id", id}, {"name", "Call " + module_name},
                 {"trackingId", tracking}, {"uiMetaData", {{"collapsed", false}}},
                 {"flowId", module_id}, {"flowName", module_name},
                 {"inputs", Json::array({{{"name", "Common.CallerAni"}, {"value", expression("Call.Ani", "str")}},
                                         {{"name", "Common.QueueName"}, {"value", expression("Task.Queue.name", "str")}}})},
                 {"outputs", Json::array({{{"name", "Common.IsValid"}, {"value", expression("Task.AgentsIdle", "bln")}}})},
                 {"nextAction", task["startAction"]}};
  task["startAction"] = id;
  task["actionList"].insert(task["actionList"].begin(), std::move(action));
  doc["nextTrackingNumber"] = tracking + 1;
  doc["manifest"]["commonModuleFlow"] = Json::array(
      {{{"id", module_id}, {"name", module_name},
        {"context", Json::array({{{"id", id}, {"name", "Call " + module_name}, {"actionName", "Call Common Module"}}})}}});
}

}  // namespace

OrgSummary generate_org(const OrgSpec& spec) {
  const auto begin = std::chrono::steady_clock::now();
  std::ifstream in(spec.fixture);
  if (!in) throw std::runtime_error("cannot read fixture " + spec.fixture.string());
  const Json fixture = Json::parse(in);
  const Json& base_task = fixture.at("flowSequenceItemList").at(0);
  std::unordered_set<std::string> fixture_ids;
  collect_defined_ids(fixture, fixture_ids);
  const size_t target = static_cast<size_t>(spec.doc_kb) * 1024;
  const size_t task_bytes = base_task.dump().size();

  fs::remove_all(spec.out);
  fs::create_directories(spec.out);
  Ids gen(spec.seed);
  OrgSummary summary;
  Json org = Json::array();
  const int modules = std::max(1, spec.flows / std::max(1, spec.module_every));
  std::vector<std::string> module_names;

  for (int i = 0; i < spec.flows; ++i) {
    const bool is_module = i < modules;
    Json doc = fixture;
    std::string name;
    if (is_module) {
      name = "Common_Module_" + std::to_string(i);
      make_module(doc, name, gen);
    } else {
      char buf[32];
      std::snprintf(buf, sizeof buf, "Bench Flow %05d", i);
      name = buf;
      doc["name"] = name;
      size_t m = static_cast<size_t>(i) % summary.module_ids.size();
      call_module(doc, summary.module_ids[m], module_names[m], gen);
    }
    // Pad with task copies while that brings the size nearer the target.
    // (Estimated from the task's own size: dumping per copy would double the cost.)
    size_t size = doc.dump().size();
    for (int copy = 2; size + task_bytes / 2 < target; ++copy, size += task_bytes) add_task_copy(doc, base_task, copy, gen);
    std::string text = remap_uuids(doc.dump(), fresh_ids(fixture_ids, gen));

    char file[32];
    std::snprintf(file, sizeof file, "flow-%05d.json", i);
    std::ofstream(spec.out / file, std::ios::binary) << text;
    std::string id = gen.uuid();
    org.push_back({{"file", file}, {"id", id}, {"name", name},
                   {"type", is_module ? "COMMONMODULE" : "INBOUNDCALL"}, {"published", true}});
    summary.flow_ids.push_back(id);
    if (is_module) {
      summary.module_ids.push_back(id);
      module_names.push_back(name);
    }
    summary.total_bytes += text.size();
  }
  std::ofstream(spec.out / "org.json") << org.dump(1);
  summary.seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - begin).count();
  return summary;
}

}  // namespace flowlink::bench
