// The plan JSON: its shape, the round trip through plan_from_json, the errors
// on malformed input, and validation against schemas/plan.schema.json by ajv.
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <functional>

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
  // "summary" last: a plan is written as it is made, and the counts are
  // known only once every flow is.
  CHECK(keys == std::vector<std::string>{"format_version", "flowlink_version", "source", "org", "environment",
                                         "manifest_files", "manifest_fingerprint", "errors", "targets", "rules",
                                         "flows", "summary"});
  CHECK(json["format_version"] == 2);
  CHECK(json["org"].is_null());  // an export directory has no org
  CHECK(json["summary"]["add"] == 2);
  CHECK(json["summary"]["held"] == 0);
  std::vector<std::string> summary_keys;
  for (const auto& [key, value] : json["summary"].items()) summary_keys.push_back(key);
  CHECK(summary_keys == std::vector<std::string>{"flows_matched", "to_change", "held", "unchanged", "drift_only", "errors",
                                                 "add", "update", "remove", "move", "republish", "cache_hits"});
  CHECK(json["summary"]["republish"] == 0);
  const Json& support = json["flows"][1];
  CHECK(support["name"] == "Inbound_Support_Main");
  CHECK(support["status"] == "change");
  CHECK(support["action"] == "edit");
  CHECK(support["basis"] == "published");
  CHECK(support["published"].is_null());
  CHECK(support["draft"].is_null());
  CHECK(support["lock"].is_null());
  CHECK(support["notes"] == Json::array());
  CHECK(support["stale"] == Json::array());
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
    j["format_version"] = 1;
    CHECK(from_json_error(j) ==
          "plan JSON: format_version: plan was written by an older flowlink (format_version 1); plan again");
    j["format_version"] = 3;
    CHECK(from_json_error(j) == "plan JSON: format_version: plan was written by a newer flowlink (format_version 3; this "
                                "flowlink reads 2); upgrade flowlink or plan again");
    j["format_version"] = 0;
    CHECK(has(from_json_error(j), "format_version: 0 is not supported (this flowlink reads format_version 2)"));
    j["format_version"] = "2";
    CHECK(has(from_json_error(j), "format_version: expected an integer"));
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
  bad["format_version"] = 1;
  invalid.emplace_back("bad-version.json", bad);
  bad = anchored;
  bad["flows"][0]["edits"][0]["placement"]["anchor"] = Json::object();
  invalid.emplace_back("bad-anchor.json", bad);
  for (const auto& file : invalid) {
    CAPTURE(file.first);
    CHECK(schema_check({file}) != 0);
  }
}

// --- the lifecycle -------------------------------------------------------------

TEST_CASE("to_json: the lifecycle of each flow, the org, the held count") {
  Json json = to_json(lifecycle_plan());
  CHECK(json["org"] == Json{{"id", "0f0e0d0c-0000-4000-8000-00000000beef"}, {"name", "Acme Contact Center"}});
  CHECK(json["summary"]["held"] == 1);
  CHECK(json["summary"]["to_change"] == 5);
  CHECK(json["summary"]["add"] == 2);

  const Json& a = json["flows"][0];
  std::vector<std::string> keys;
  for (const auto& [key, value] : a.items()) keys.push_back(key);
  CHECK(keys == std::vector<std::string>{"id", "name", "type", "observed_version", "fingerprint", "status", "action",
                                         "basis", "publish", "policy", "skip_reason", "published", "draft", "lock",
                                         "notes", "rules", "edits", "stale", "findings", "errors"});
  CHECK(a["published"] == Json{{"version", "3.0"},   {"fingerprint", hex64('a')}, {"complies", false},
                               {"edits", 1},         {"findings", 0},             {"date", "2026-11-02T10:00:00.000Z"}});
  CHECK(a["draft"].is_null());

  const Json& b = json["flows"][1];
  CHECK(b["status"] == "held");
  CHECK(b["action"] == "skip");
  CHECK(b["policy"] == "skip");
  CHECK(has(b["skip_reason"].get<std::string>(), "Alice (user) has an unpublished check-in"));
  CHECK(b["draft"]["stage"] == "checked_in");
  CHECK(b["draft"]["owner"] == Json{{"kind", "user"}, {"id", "user-alice"}, {"name", "Alice"}});
  CHECK(b["notes"] == Json::array({Json{{"kind", "foreign_draft"},
                                        {"message", "checked in by Alice (user) at 2026-11-20T09:12:00.000Z, unpublished"}}}));

  const Json& c = json["flows"][2];
  CHECK(c["basis"] == "draft");
  CHECK(c["policy"] == "edit-draft");
  CHECK(c["publish"] == false);
  CHECK(c["draft"]["owner"]["kind"] == "client");
  CHECK(c["draft"]["stage"] == "saved");

  CHECK(json["flows"][4]["action"] == "publish_draft");
  CHECK(json["flows"][4]["published"]["date"] == "");

  const Json& f = json["flows"][5];
  CHECK(f["action"] == "resume");
  CHECK(f["draft"]["flowlink"] == true);
  CHECK(f["draft"]["run_id"] == "20261121T101500Z-7f3a");
  CHECK(f["draft"]["publish_intended"] == true);
  CHECK(f["lock"] == Json{{"holder", {{"kind", "client"}, {"id", "client-flowlink"}, {"name", "flowlink-ci"}}},
                          {"flowlink", "interrupted_run"},
                          {"run_id", "20261121T101500Z-7f3a"}});
  CHECK(f["notes"][0]["kind"] == "flowlink_pending");
  CHECK(f["notes"][1]["kind"] == "flowlink_lock");

  CHECK(json["flows"][6]["lock"]["flowlink"] == "no");
  CHECK(json["flows"][6]["notes"][1]["kind"] == "foreign_lock");
  CHECK(json["flows"][7]["published"].is_null());
  CHECK(json["flows"][7]["notes"][0]["kind"] == "never_published");
  CHECK(json["flows"][8]["status"] == "drift");
  CHECK(json["flows"][8]["lock"]["flowlink"] == "running_run");
  CHECK(json["flows"][9]["status"] == "no_change");
  CHECK(json["flows"][10]["lock"]["flowlink"] == "unknown");
}

TEST_CASE("plan_from_json: the lifecycle comes back exactly, byte for byte") {
  using flowlink::plan::FlowPlan;
  Plan plan = lifecycle_plan();
  // A draft whose owner and date are unknown, a never-published flow's draft
  // that flowlink made but did not mean to publish.
  plan.flows[7].draft->owner.reset();
  plan.flows[7].draft->since.clear();
  plan.flows[7].draft->flowlink = true;
  plan.flows[7].draft->run_id = "r-9";
  plan.flows[7].draft->publish_intended = false;
  const std::string written = render_json(plan);
  Plan read = plan_from_json(Json::parse(written));
  CHECK(render_json(read) == written);
  CHECK(render_json(plan_from_json(Json::parse(render_json(read)))) == written);

  CHECK(read.org_id == plan.org_id);
  CHECK(read.org_name == plan.org_name);
  CHECK(read.summary().held == 1);
  REQUIRE(read.flows.size() == plan.flows.size());
  for (std::size_t i = 0; i < plan.flows.size(); ++i) {
    const FlowPlan& want = plan.flows[i];
    const FlowPlan& got = read.flows[i];
    CAPTURE(want.flow_name);
    // What the applier acts on.
    CHECK(got.action == want.action);
    CHECK(got.basis == want.basis);
    CHECK(got.publish == want.publish);
    CHECK(got.policy == want.policy);
    CHECK(got.fingerprint == want.fingerprint);
    CHECK(got.observed_version == want.observed_version);
    CHECK(got.skip_reason == want.skip_reason);
    CHECK(got.status() == want.status());
    REQUIRE(got.draft.has_value() == want.draft.has_value());
    if (want.draft) {
      CHECK(got.draft->version == want.draft->version);
      CHECK(got.draft->fingerprint == want.draft->fingerprint);
      CHECK(got.draft->stage == want.draft->stage);
      CHECK(got.draft->flowlink == want.draft->flowlink);
      CHECK(got.draft->run_id == want.draft->run_id);
      CHECK(got.draft->publish_intended == want.draft->publish_intended);
      CHECK(got.draft->owner.has_value() == want.draft->owner.has_value());
    }
    REQUIRE(got.published.has_value() == want.published.has_value());
    if (want.published) {
      CHECK(got.published->fingerprint == want.published->fingerprint);
      CHECK(got.published->complies == want.published->complies);
      CHECK(got.published->edits == want.published->edits);
    }
    REQUIRE(got.lock.has_value() == want.lock.has_value());
    if (want.lock) {
      CHECK(got.lock->flowlink == want.lock->flowlink);
      CHECK(got.lock->holder.kind == want.lock->holder.kind);
    }
    CHECK(got.notes.size() == want.notes.size());
  }
  CHECK_FALSE(read.flows[7].draft->owner.has_value());
  CHECK_FALSE(read.flows[7].draft->publish_intended);

  SUBCASE("an export-directory plan keeps no org") {
    Plan sample = plan_from_json(to_json(sample_plan()));
    CHECK(sample.org_id.empty());
    CHECK(sample.org_name.empty());
    CHECK(render_json(sample) == render_json(sample_plan()));
  }
}

TEST_CASE("plan_from_json names the lifecycle field that is wrong") {
  const Json good = to_json(lifecycle_plan());
  REQUIRE(from_json_error(good) == "(no error)");
  struct Case {
    const char* what;
    std::function<void(Json&)> breaks;
    const char* error;
  };
  const std::vector<Case> cases = {
      {"org missing", [](Json& j) { j.erase("org"); }, "plan JSON: org: missing"},
      {"org not an object", [](Json& j) { j["org"] = "acme"; }, "plan JSON: org: expected an object or null"},
      {"org id", [](Json& j) { j["org"]["id"] = 7; }, "plan JSON: org.id: expected a string"},
      {"action", [](Json& j) { j["flows"][0]["action"] = "teleport"; },
       "plan JSON: flows[0].action: 'teleport' is not one of none, edit, resume, publish_draft, skip, republish"},
      {"basis", [](Json& j) { j["flows"][0].erase("basis"); }, "plan JSON: flows[0].basis: missing"},
      {"policy", [](Json& j) { j["flows"][2]["policy"] = "edit_draft"; },
       "plan JSON: flows[2].policy: 'edit_draft' is not one of skip, edit-draft, publish"},
      {"skip_reason", [](Json& j) { j["flows"][1]["skip_reason"] = nullptr; },
       "plan JSON: flows[1].skip_reason: expected a string"},
      {"published", [](Json& j) { j["flows"][0]["published"] = Json::array(); },
       "plan JSON: flows[0].published: expected an object or null"},
      {"published.fingerprint", [](Json& j) { j["flows"][0]["published"].erase("fingerprint"); },
       "plan JSON: flows[0].published.fingerprint: missing"},
      {"published.complies", [](Json& j) { j["flows"][0]["published"]["complies"] = "no"; },
       "plan JSON: flows[0].published.complies: expected true or false"},
      {"published.edits", [](Json& j) { j["flows"][0]["published"]["edits"] = -1; },
       "plan JSON: flows[0].published.edits: expected a count (an integer from 0)"},
      {"draft.version", [](Json& j) { j["flows"][1]["draft"]["version"] = 4.0; },
       "plan JSON: flows[1].draft.version: expected a string"},
      {"draft.stage", [](Json& j) { j["flows"][1]["draft"]["stage"] = "published"; },
       "plan JSON: flows[1].draft.stage: 'published' is not one of saved, checked_in"},
      {"draft.owner.kind", [](Json& j) { j["flows"][1]["draft"]["owner"]["kind"] = "robot"; },
       "plan JSON: flows[1].draft.owner.kind: 'robot' is not one of user, client"},
      {"draft.flowlink", [](Json& j) { j["flows"][5]["draft"]["flowlink"] = 1; },
       "plan JSON: flows[5].draft.flowlink: expected true or false"},
      {"draft.publish_intended", [](Json& j) { j["flows"][5]["draft"].erase("publish_intended"); },
       "plan JSON: flows[5].draft.publish_intended: missing"},
      {"lock.holder", [](Json& j) { j["flows"][5]["lock"]["holder"] = "flowlink"; },
       "plan JSON: flows[5].lock.holder: expected an object"},
      {"lock.flowlink", [](Json& j) { j["flows"][5]["lock"]["flowlink"] = "maybe"; },
       "plan JSON: flows[5].lock.flowlink: 'maybe' is not one of no, running_run, interrupted_run, unknown"},
      {"notes", [](Json& j) { j["flows"][6]["notes"] = Json::object(); }, "plan JSON: flows[6].notes: expected an array"},
      {"note kind", [](Json& j) { j["flows"][6]["notes"][1]["kind"] = "gossip"; },
       "plan JSON: flows[6].notes[1].kind: 'gossip' is not one of flowlink_pending, flowlink_lock, foreign_draft, "
       "foreign_lock, never_published, awaiting_publish"},
      // What apply relies on must be there.
      {"a draft basis without a draft", [](Json& j) { j["flows"][2]["draft"] = nullptr; },
       "plan JSON: flows[2].draft: null, but basis is 'draft'"},
      {"resume without a draft",
       [](Json& j) {
         j["flows"][5]["basis"] = "published";
         j["flows"][5]["draft"] = nullptr;
       },
       "plan JSON: flows[5].draft: null, but action is 'resume'"},
      // The status is derived from the action and the lifecycle.
      {"held said to change", [](Json& j) { j["flows"][1]["status"] = "change"; },
       "plan JSON: flows[1].status: says 'change' but the action, lifecycle, notes, edits, findings and errors make it "
       "'held'"},
      {"a compliant published version said to drift", [](Json& j) { j["flows"][9]["status"] = "drift"; },
       "plan JSON: flows[9].status: says 'drift'"},
      {"an action edited by hand", [](Json& j) { j["flows"][1]["action"] = "edit"; },
       "plan JSON: flows[1].status: says 'held' but the action"},
  };
  for (const auto& c : cases) {
    CAPTURE(c.what);
    Json j = good;
    c.breaks(j);
    CHECK(has(from_json_error(j), c.error));
  }
}

TEST_CASE("the lifecycle plan JSON validates against schemas/plan.schema.json, and what breaks it does not") {
  REQUIRE_MESSAGE(std::filesystem::exists(FLOWLINK_SOURCE_DIR "/tests/node/node_modules/ajv/package.json"),
                  "run scripts/install-deps: tests/node/node_modules/ajv is missing");
  const Json json = to_json(lifecycle_plan());
  CHECK(schema_check({{"lifecycle-plan.json", json}}) == 0);

  std::vector<std::pair<std::string, std::function<void(Json&)>>> breaks = {
      {"bad-held-status.json", [](Json& j) { j["flows"][1]["action"] = "edit"; }},  // held, yet apply would edit
      {"bad-change-status.json", [](Json& j) { j["flows"][0]["status"] = "held"; }},
      {"bad-held-reason.json", [](Json& j) { j["flows"][1]["skip_reason"] = ""; }},
      {"bad-draft-basis.json", [](Json& j) { j["flows"][2]["draft"] = nullptr; }},
      {"bad-stage.json", [](Json& j) { j["flows"][1]["draft"]["stage"] = "pending"; }},
      {"bad-owner.json", [](Json& j) { j["flows"][1]["draft"]["owner"]["kind"] = "robot"; }},
      {"bad-lock.json", [](Json& j) { j["flows"][5]["lock"]["flowlink"] = "maybe"; }},
      {"bad-note.json", [](Json& j) { j["flows"][6]["notes"][0].erase("message"); }},
      {"bad-org.json", [](Json& j) { j["org"].erase("name"); }},
      {"bad-no-org.json", [](Json& j) { j.erase("org"); }},
      {"bad-policy.json", [](Json& j) { j["flows"][2]["policy"] = "edit_draft"; }},
      {"bad-fingerprint.json", [](Json& j) { j["flows"][1]["draft"]["fingerprint"] = "not-a-sha"; }},
      {"bad-count.json", [](Json& j) { j["flows"][0]["published"]["edits"] = -1; }},
      {"bad-date.json", [](Json& j) { j["flows"][0]["published"]["date"] = "yesterday"; }},
      {"bad-no-held.json", [](Json& j) { j["summary"].erase("held"); }},
      {"bad-extra.json", [](Json& j) { j["flows"][5]["draft"]["colour"] = "blue"; }},
  };
  for (const auto& [name, broken] : breaks) {
    CAPTURE(name);
    Json bad = json;
    broken(bad);
    CHECK(schema_check({{name, bad}}) != 0);
  }
}

// --- modules that must be current: republish ------------------------------------

namespace {

// The plan JSON of a format-version-2 flowlink from before modules could be
// stale: no "stale" per flow, no "republish" in the summary.
Json without_stale(Json json) {
  json["summary"].erase("republish");
  for (auto& flow : json["flows"]) flow.erase("stale");
  return json;
}

}  // namespace

TEST_CASE("to_json: stale modules per flow, the republish action and count") {
  const Json json = to_json(stale_plan());
  CHECK(json["summary"]["republish"] == 1);
  CHECK(json["summary"]["to_change"] == 2);
  CHECK(json["summary"]["held"] == 1);

  const Json& a = json["flows"][0];
  CHECK(a["name"] == "Inbound_A_Republish");
  CHECK(a["action"] == "republish");
  CHECK(a["status"] == "change");
  CHECK(a["edits"] == Json::array());
  CHECK(a["published"]["complies"] == false);
  const Json want = Json::parse(R"({
    "rule": "support-validation",
    "module": {"key": "validation", "id": "aaaaaaaa-0000-4000-8000-000000000001", "name": "Common_Validation_Module"},
    "module_version": "3.0",
    "module_published": "2026-11-20T09:00:00.000Z",
    "consumer_published": "2026-11-01T10:00:00.000Z",
    "snapshot_version": "",
    "decided_by": "datePublished"
  })");
  CHECK(a["stale"] == Json::array({want}));
  CHECK(a["stale"][0].dump() == want.dump());  // the keys in this order

  const Json& b = json["flows"][1];
  CHECK(b["action"] == "skip");
  CHECK(b["status"] == "held");
  CHECK(b["stale"].size() == 1);
  CHECK(has(b["skip_reason"].get<std::string>(), "needs a republish"));

  const Json& c = json["flows"][2];
  CHECK(c["action"] == "edit");
  CHECK(c["edits"].size() == 2);
  CHECK(c["stale"].size() == 1);

  CHECK(json["flows"][3]["stale"] == Json::array());
  CHECK(json["flows"][4]["status"] == "drift");
  CHECK(json["flows"][4]["stale"][0]["rule"] == "queue-validation");
}

TEST_CASE("plan_from_json: stale modules come back exactly, byte for byte") {
  using flowlink::plan::FlowAction;
  Plan plan = stale_plan();
  plan.flows[0].stale[0].snapshot_version = "2.0";
  plan.flows[0].stale[0].decided_by = "consumedresources";
  plan.flows[2].stale.push_back(plan.flows[0].stale[0]);
  plan.flows[2].stale[1].module_published.clear();
  const std::string written = render_json(plan);
  const Plan read = plan_from_json(Json::parse(written));
  CHECK(render_json(read) == written);
  CHECK(render_json(plan_from_json(Json::parse(render_json(read)))) == written);
  REQUIRE(read.flows.size() == plan.flows.size());
  CHECK(read.flows[0].action == FlowAction::Republish);
  CHECK(read.summary().republish == 1);
  for (std::size_t i = 0; i < plan.flows.size(); ++i) {
    CAPTURE(plan.flows[i].flow_name);
    REQUIRE(read.flows[i].stale.size() == plan.flows[i].stale.size());
    for (std::size_t k = 0; k < plan.flows[i].stale.size(); ++k) {
      const auto& want = plan.flows[i].stale[k];
      const auto& got = read.flows[i].stale[k];
      CHECK(got.rule == want.rule);
      CHECK(got.module_key == want.module_key);
      CHECK(got.module_id == want.module_id);
      CHECK(got.module_name == want.module_name);
      CHECK(got.module_version == want.module_version);
      CHECK(got.module_published == want.module_published);
      CHECK(got.consumer_published == want.consumer_published);
      CHECK(got.snapshot_version == want.snapshot_version);
      CHECK(got.decided_by == want.decided_by);
    }
  }
  CHECK(read.flows[0].stale[0].snapshot_version == "2.0");
  CHECK(read.flows[0].stale[0].decided_by == "consumedresources");
  CHECK(read.flows[2].stale[1].module_published.empty());
}

TEST_CASE("plan_from_json: a format-version-2 plan without stale modules still reads") {
  const Json current = to_json(lifecycle_plan());
  const Json older = without_stale(current);
  REQUIRE_FALSE(older["flows"][0].contains("stale"));
  REQUIRE_FALSE(older["summary"].contains("republish"));
  const Plan read = plan_from_json(older);
  for (const auto& flow : read.flows) CHECK(flow.stale.empty());
  CHECK(to_json(read) == current);  // written again with the defaults
}

TEST_CASE("plan_from_json: a note that flowlink's change awaits someone's publish comes back") {
  Plan plan = lifecycle_plan();
  plan.flows[6].notes.push_back({flowlink::plan::Note::Kind::AwaitingPublish,
                                 "flowlink's change (run r-1) is checked in as version 3.0 and waits for someone to "
                                 "publish it"});
  const std::string written = render_json(plan);
  CHECK(has(written, "\"kind\": \"awaiting_publish\""));
  CHECK(from_json_error(Json::parse(written)) == "(no error)");
  CHECK(render_json(plan_from_json(Json::parse(written))) == written);
}

TEST_CASE("plan_from_json names the stale field that is wrong") {
  const Json good = to_json(stale_plan());
  REQUIRE(from_json_error(good) == "(no error)");
  struct Case {
    const char* what;
    std::function<void(Json&)> breaks;
    const char* error;
  };
  const std::vector<Case> cases = {
      {"stale not an array", [](Json& j) { j["flows"][0]["stale"] = Json::object(); },
       "plan JSON: flows[0].stale: expected an array"},
      {"stale rule", [](Json& j) { j["flows"][0]["stale"][0].erase("rule"); }, "plan JSON: flows[0].stale[0].rule: missing"},
      {"stale module", [](Json& j) { j["flows"][0]["stale"][0]["module"] = "validation"; },
       "plan JSON: flows[0].stale[0].module: expected an object"},
      {"stale module id", [](Json& j) { j["flows"][0]["stale"][0]["module"]["id"] = ""; },
       "plan JSON: flows[0].stale[0].module.id: must not be empty"},
      {"stale module version", [](Json& j) { j["flows"][0]["stale"][0]["module_version"] = 3; },
       "plan JSON: flows[0].stale[0].module_version: expected a string"},
      {"stale dates", [](Json& j) { j["flows"][2]["stale"][0].erase("consumer_published"); },
       "plan JSON: flows[2].stale[0].consumer_published: missing"},
      {"stale snapshot", [](Json& j) { j["flows"][2]["stale"][0]["snapshot_version"] = nullptr; },
       "plan JSON: flows[2].stale[0].snapshot_version: expected a string"},
      {"stale decided_by", [](Json& j) { j["flows"][1]["stale"][0]["decided_by"] = ""; },
       "plan JSON: flows[1].stale[0].decided_by: must not be empty"},
      // What apply relies on must be there.
      {"a republish without stale modules", [](Json& j) { j["flows"][0]["stale"] = Json::array(); },
       "plan JSON: flows[0].stale: empty, but action is 'republish'"},
      {"a republish of a plan that has no stale key", [](Json& j) { j["flows"][0].erase("stale"); },
       "plan JSON: flows[0].stale: empty, but action is 'republish'"},
      {"a republish without a published version", [](Json& j) { j["flows"][0]["published"] = nullptr; },
       "plan JSON: flows[0].published: null, but action is 'republish'"},
      {"stale modules without a published version",
       [](Json& j) {
         j["flows"][4]["published"] = nullptr;
       },
       "plan JSON: flows[4].published: null, but stale lists 1 module(s) the published version calls"},
      {"a published version that complies with a stale module",
       [](Json& j) { j["flows"][2]["published"]["complies"] = true; },
       "plan JSON: flows[2].published.complies: true, but stale lists 1 module(s) it runs an old snapshot of"},
      // The status is derived.
      {"a republish said to be held", [](Json& j) { j["flows"][0]["status"] = "held"; },
       "plan JSON: flows[0].status: says 'held' but the action, lifecycle, notes, edits, findings and errors make it "
       "'change'"},
      {"a held republish edited into a republish", [](Json& j) { j["flows"][1]["action"] = "republish"; },
       "plan JSON: flows[1].status: says 'held' but the action, lifecycle, notes, edits, findings and errors make it "
       "'change'"},
  };
  for (const auto& c : cases) {
    CAPTURE(c.what);
    Json j = good;
    c.breaks(j);
    CHECK(from_json_error(j) == c.error);
  }
}

TEST_CASE("the stale plan JSON validates against schemas/plan.schema.json, and what breaks it does not") {
  REQUIRE_MESSAGE(std::filesystem::exists(FLOWLINK_SOURCE_DIR "/tests/node/node_modules/ajv/package.json"),
                  "run scripts/install-deps: tests/node/node_modules/ajv is missing");
  const Json json = to_json(stale_plan());
  Plan awaiting = lifecycle_plan();
  awaiting.flows[6].notes.push_back({flowlink::plan::Note::Kind::AwaitingPublish, "waits for someone to publish it"});
  CHECK(schema_check({{"stale-plan.json", json},
                      {"lifecycle-plan-v2-without-stale.json", without_stale(to_json(lifecycle_plan()))},
                      {"awaiting-publish-plan.json", to_json(awaiting)}}) == 0);

  std::vector<std::pair<std::string, std::function<void(Json&)>>> breaks = {
      {"bad-republish-status.json", [](Json& j) { j["flows"][0]["status"] = "held"; }},
      {"bad-republish-action.json", [](Json& j) { j["flows"][0]["action"] = "republish_all"; }},
      {"bad-republish-no-stale.json", [](Json& j) { j["flows"][0]["stale"] = Json::array(); }},
      {"bad-republish-stale-missing.json", [](Json& j) { j["flows"][0].erase("stale"); }},
      {"bad-republish-unpublished.json", [](Json& j) { j["flows"][0]["published"] = nullptr; }},
      {"bad-stale-complies.json", [](Json& j) { j["flows"][2]["published"]["complies"] = true; }},
      {"bad-stale-unpublished.json", [](Json& j) { j["flows"][4]["published"] = nullptr; }},
      {"bad-stale-no-decider.json", [](Json& j) { j["flows"][1]["stale"][0].erase("decided_by"); }},
      {"bad-stale-empty-decider.json", [](Json& j) { j["flows"][1]["stale"][0]["decided_by"] = ""; }},
      {"bad-stale-extra.json", [](Json& j) { j["flows"][1]["stale"][0]["colour"] = "blue"; }},
      {"bad-stale-module-id.json", [](Json& j) { j["flows"][1]["stale"][0]["module"]["id"] = ""; }},
      {"bad-stale-date.json", [](Json& j) { j["flows"][2]["stale"][0]["module_published"] = "last week"; }},
      {"bad-stale-snapshot.json", [](Json& j) { j["flows"][2]["stale"][0]["snapshot_version"] = 2; }},
      {"bad-stale-array.json", [](Json& j) { j["flows"][2]["stale"] = Json::object(); }},
      {"bad-republish-count.json", [](Json& j) { j["summary"]["republish"] = -1; }},
      {"bad-note-kind.json", [](Json& j) { j["flows"][1]["notes"][0]["kind"] = "awaiting_publication"; }},
  };
  for (const auto& [name, broken] : breaks) {
    CAPTURE(name);
    Json bad = json;
    broken(bad);
    CHECK(schema_check({{name, bad}}) != 0);
  }
}

// --- environments --------------------------------------------------------------

TEST_CASE("the plan records its environment: JSON, its round trip, the schema, the text and Markdown headers") {
  auto state = desired({rule("r", "*", {ensure("validation", after("Play Welcome", 1))})});
  state.environment = flowlink::manifest::Environment{"prod", "manifests/environments/prod.yaml", "", "", ""};
  auto made_options = options();
  made_options.org_id = "org-prod";
  made_options.org_name = "Acme Prod";
  const Plan plan = flowlink::plan::make_plan(state, with_modules({support_flow()}), made_options);
  CHECK(plan.environment == "prod");
  CHECK(plan.environment_file == "manifests/environments/prod.yaml");
  CHECK(plan.errors.empty());

  const Json json = to_json(plan);
  CHECK(json.at("environment") == Json{{"name", "prod"}, {"file", "manifests/environments/prod.yaml"}});
  const Plan back = plan_from_json(json);
  CHECK(back.environment == "prod");
  CHECK(back.environment_file == "manifests/environments/prod.yaml");
  CHECK(to_json(Plan{}).at("environment").is_null());
  // Plans written before environments have no key: none.
  Json older = json;
  older.erase("environment");
  CHECK(plan_from_json(older).environment.empty());
  Json unnamed = json;
  unnamed["environment"]["name"] = "";
  CHECK(has(from_json_error(unnamed), "environment.name"));

  REQUIRE(std::filesystem::exists(FLOWLINK_SOURCE_DIR "/tests/node/node_modules/ajv/package.json"));
  CHECK(schema_check({{"environment-plan.json", json}, {"environment-older-plan.json", older}}) == 0);
  Json bad = json;
  bad["environment"]["name"] = "../prod";
  CHECK(schema_check({{"environment-bad-name.json", bad}}) != 0);
  bad = json;
  bad["environment"].erase("file");
  CHECK(schema_check({{"environment-no-file.json", bad}}) != 0);

  const std::string text = flowlink::plan::render_text(plan, flowlink::plan::TextStyle{false});
  CHECK(has(text.substr(0, text.find('\n')), "(org Acme Prod) for environment prod"));
  const std::string markdown = flowlink::plan::render_markdown(plan);
  CHECK(has(markdown, "Org: Acme Prod · Environment: **prod**"));
}

TEST_CASE("a plan whose org is not the environment's has a plan-wide error; apply's environment check") {
  auto state = desired({rule("r", "*", {ensure("validation", after("Play Welcome", 1))})});
  state.environment = flowlink::manifest::Environment{"prod", "prod.yaml", "", "org-prod", ""};
  auto made_options = options();
  made_options.org_id = "org-dev";
  made_options.org_name = "Acme Dev";
  const Plan plan = flowlink::plan::make_plan(state, with_modules({support_flow()}), made_options);
  REQUIRE(plan.errors.size() == 1);
  CHECK(plan.errors[0] == "environment 'prod' (prod.yaml) is for org org-prod, but these credentials belong to org "
                          "'Acme Dev' (org-dev)");
  CHECK(plan.has_errors());

  // environment_mismatch: the saved plan's environment against the manifests'.
  CHECK_FALSE(flowlink::plan::environment_mismatch(plan, state));
  auto other = state;
  other.environment->name = "test";
  CHECK(flowlink::plan::environment_mismatch(plan, other) ==
        "the plan was made for environment 'prod', but this apply is for environment 'test'");
  other.environment.reset();
  CHECK(flowlink::plan::environment_mismatch(plan, other) ==
        "the plan was made for environment 'prod', but this apply has none (give --env prod)");
  CHECK(flowlink::plan::environment_mismatch(Plan{}, state) ==
        "the plan was made without an environment, but this apply is for environment 'prod'");
}
