// The plan JSON: its shape, the round trip through plan_from_json, the errors
// on malformed input, and validation against schemas/plan.schema.json by ajv.
#include <cstdlib>
#include <filesystem>
#include <fstream>

#include "plan/render.hpp"
#include "render_support.hpp"

using namespace plantest;
using flowlink::plan::Plan;
using flowlink::plan::plan_from_json;
using flowlink::plan::render_json;
using flowlink::plan::to_json;

namespace {

bool has(const std::string& text, const std::string& part) { return text.find(part) != std::string::npos; }

std::string from_json_error(const Json& json) {
  try {
    plan_from_json(json);
  } catch (const std::runtime_error& e) {
    return e.what();
  }
  return "(no error)";
}

// Writes each JSON to a file in the build tree and runs the schema checker on
// them all at once; returns its exit status (0: every file valid).
int schema_check(const std::vector<std::pair<std::string, Json>>& files) {
  namespace fs = std::filesystem;
  fs::path dir = fs::path(FLOWLINK_BINARY_DIR) / "test-plan-schema";
  fs::create_directories(dir);
  std::string command = std::string("node '") + FLOWLINK_SOURCE_DIR + "/tests/node/check-schema.js' '" +
                        FLOWLINK_SOURCE_DIR + "/schemas/plan.schema.json'";
  for (const auto& [name, json] : files) {
    std::ofstream(dir / name) << json.dump(2) << "\n";
    command += " '" + (dir / name).string() + "'";
  }
  command += " > '" + (dir / (files.front().first + ".log")).string() + "' 2>&1";
  return std::system(command.c_str());
}

}  // namespace

TEST_CASE("to_json: keys in a fixed order, kinds by name") {
  Json json = to_json(sample_plan());
  std::vector<std::string> keys;
  for (const auto& [key, value] : json.items()) keys.push_back(key);
  CHECK(keys == std::vector<std::string>{"format_version", "flowlink_version", "source", "manifest_files",
                                         "manifest_fingerprint", "summary", "errors", "flows"});
  CHECK(json["format_version"] == 1);
  CHECK(json["summary"]["add"] == 2);
  const Json& support = json["flows"][1];
  CHECK(support["name"] == "Inbound_Support_Main");
  CHECK(support["status"] == "change");
  CHECK(support["edits"][0]["kind"] == "remove_call");
  CHECK(support["edits"][1]["kind"] == "update_call");
  CHECK(support["edits"][1]["changes"][0] ==
        Json{{"field", "inputs.Common.CallerAni"}, {"before", "x"}, {"after", "Call.Ani"}});
  const Json& add = support["edits"][3];
  CHECK(add["kind"] == "add_call");
  CHECK(add["placement"] == Json{{"kind", "task"}, {"task", "Billing"}});
  CHECK(add["insertion"] == Json{{"kind", "task_start"}, {"task", "Billing"}});
  CHECK(add["module"] == Json{{"key", "logging"}, {"id", kLoggingId}, {"name", kLoggingName}});
  CHECK_FALSE(add.contains("changes"));
  const Json& move = support["edits"][2];
  CHECK(move["kind"] == "move_call");
  CHECK(move["insertion"] == Json{{"kind", "initial_task_start"}});
  CHECK_FALSE(move.contains("inputs"));
  CHECK(render_json(sample_plan()) == json.dump(2) + "\n");
}

TEST_CASE("plan_from_json reads back exactly what to_json wrote") {
  Json json = to_json(sample_plan());
  Plan read = plan_from_json(json);
  CHECK(to_json(read) == json);
  CHECK(to_json(read).dump() == json.dump());
  REQUIRE(read.flows.size() == 4);
  CHECK(read.flows[1].edits[3].insertion.task_name == "Billing");
  CHECK(read.summary().move == 1);

  SUBCASE("after and before placements with anchors") {
    auto state = desired({rule("r", "*", {ensure("validation", after("Play Welcome", 1)), ensure("logging", before("Disconnect"))})});
    Json anchored = to_json(flowlink::plan::make_plan(state, with_modules({support_flow()}), options()));
    CHECK(anchored["flows"][0]["edits"][0]["placement"] ==
          Json{{"kind", "after"}, {"anchor", {{"name", "Play Welcome"}, {"trackingId", 1}}}});
    CHECK(anchored["flows"][0]["edits"][1]["insertion"] == Json{{"kind", "before_action"}, {"action_id", kDisconnectId}});
    CHECK(to_json(plan_from_json(anchored)) == anchored);
  }
}

TEST_CASE("plan_from_json names the field that is wrong") {
  Json good = to_json(sample_plan());
  SUBCASE("format_version") {
    Json j = good;
    j["format_version"] = 2;
    std::string error = from_json_error(j);
    CHECK(has(error, "format_version"));
    CHECK(has(error, "2 is not supported"));
  }
  SUBCASE("missing key") {
    Json j = good;
    j["flows"][1]["edits"][0].erase("rule");
    CHECK(has(from_json_error(j), "flows[1].edits[0].rule: missing"));
  }
  SUBCASE("unknown kind") {
    Json j = good;
    j["flows"][1]["edits"][2]["kind"] = "teleport_call";
    CHECK(has(from_json_error(j), "flows[1].edits[2].kind: 'teleport_call' is not one of add_call"));
  }
  SUBCASE("wrong type") {
    Json j = good;
    j["flows"][0]["publish"] = "yes";
    CHECK(has(from_json_error(j), "flows[0].publish: expected true or false"));
  }
  SUBCASE("status that contradicts the content") {
    Json j = good;
    j["flows"][1]["status"] = "no_change";
    CHECK(has(from_json_error(j), "flows[1].status: says 'no_change'"));
  }
  SUBCASE("not an object") { CHECK(has(from_json_error(Json::array()), "expected an object")); }
}

TEST_CASE("the plan JSON validates against schemas/plan.schema.json (ajv, draft 2020-12)") {
  REQUIRE_MESSAGE(std::filesystem::exists(FLOWLINK_SOURCE_DIR "/tests/node/node_modules/ajv/package.json"),
                  "run scripts/install-deps: tests/node/node_modules/ajv is missing");
  Json json = to_json(sample_plan());
  auto state = desired({rule("r", "*", {ensure("validation", after("Play Welcome", 1)), ensure("logging", before("Disconnect"))})});
  Json anchored = to_json(flowlink::plan::make_plan(state, with_modules({support_flow()}), options()));
  CHECK(schema_check({{"sample-plan.json", json}, {"empty-plan.json", to_json(Plan{})}, {"anchored-plan.json", anchored}}) == 0);

  // Each of these breaks one rule of the schema and must be refused.
  std::vector<std::pair<std::string, Json>> invalid;
  Json bad = json;
  bad["flows"][1]["edits"][0]["kind"] = "teleport_call";
  invalid.emplace_back("bad-kind.json", bad);
  bad = json;
  bad["flows"][0]["colour"] = "blue";
  invalid.emplace_back("bad-key.json", bad);
  bad = json;
  bad["flows"][1]["edits"][3].erase("insertion");
  invalid.emplace_back("bad-add.json", bad);
  bad = json;
  bad["format_version"] = 2;
  invalid.emplace_back("bad-version.json", bad);
  bad = anchored;
  bad["flows"][0]["edits"][0]["placement"]["anchor"] = Json::object();
  invalid.emplace_back("bad-anchor.json", bad);
  for (const auto& file : invalid) {
    CAPTURE(file.first);
    CHECK(schema_check({file}) != 0);
  }
}
