// The emulator's own soundness check of configuration documents
// (src/emulator/document_check.*), independent of flowdoc: documents broken
// each way are refused, on their own and by POST .../versions with a 400
// naming the problem; the real Architect export, the example org and the
// test documents pass.
#include <doctest/doctest.h>

#include <filesystem>
#include <fstream>
#include <functional>
#include <sstream>

#include "emulator/document_check.hpp"
#include "flowdoc/document.hpp"  // only to decode the example org's export files
#include "support.hpp"

using namespace emutest;
using flowlink::emulator::document_problems;
using flowlink::emulator::Emulator;

namespace {

const std::string kModuleId = "11111111-0000-4000-8000-000000000001";
const std::string kCallId = "00000000-0000-4000-8000-0000000000c0";

// Line: task kTaskId (trackingId 1) -> call kCallId (2) -> disconnect kEndActionId (3); nextTrackingNumber 4.
Json sound() { return consumer_doc("Line", "inboundcall", {{kModuleId, "Validate"}}); }

Json& actions(Json& doc) { return doc["flowSequenceItemList"][0]["actionList"]; }
Json& call(Json& doc) { return actions(doc)[0]; }
Json& end(Json& doc) { return actions(doc)[1]; }

Json action(const std::string& id, int tracking, const std::string& next = "") {
  Json a = {{"__type", "UpdateVariableAction"}, {"id", id}, {"name", "Update " + id}, {"trackingId", tracking}};
  if (!next.empty()) a["nextAction"] = next;
  return a;
}

struct Broken {
  std::string name;
  std::function<void(Json&)> damage;
  std::string where;     // the first problem's place
  std::string fragment;  // in its message
};

std::vector<Broken> broken_documents() {
  return {
      {"no initialSequence", [](Json& d) { d.erase("initialSequence"); }, "/initialSequence", "is missing"},
      {"initialSequence names nothing", [](Json& d) { d["initialSequence"] = "nowhere"; }, "/initialSequence",
       "names 'nowhere', which is no task"},
      {"a dangling nextAction", [](Json& d) { call(d)["nextAction"] = "ghost"; }, kCallId,
       "nextAction of '" + kCallId + "' refers to 'ghost', which is no action"},
      {"a dangling startAction", [](Json& d) { d["flowSequenceItemList"][0]["startAction"] = "ghost"; }, kTaskId,
       "startAction of task '" + kTaskId + "' refers to 'ghost'"},
      {"a dangling path",
       [](Json& d) {
         end(d)["paths"] = Json::array({Json{{"label", "Yes"}, {"outputId", "__YES__"}, {"nextActionId", "ghost"}}});
       },
       kEndActionId, "path 0 ('Yes') of '" + kEndActionId + "' refers to 'ghost'"},
      {"two referrers",
       [](Json& d) { call(d)["paths"] = Json::array({Json{{"label", "Yes"}, {"nextActionId", kEndActionId}}}); },
       kEndActionId, "2 links refer to this action (nextAction of '" + kCallId + "', path 0 ('Yes') of '" + kCallId},
      {"an action nothing refers to",
       [](Json& d) {
         actions(d).push_back(action("lost", 4));
         d["nextTrackingNumber"] = 5;
       },
       "lost", "nothing refers to this action"},
      {"a detached loop",
       [](Json& d) {
         actions(d).push_back(action("x", 4, "y"));
         actions(d).push_back(action("y", 5, "x"));
         d["nextTrackingNumber"] = 6;
       },
       "x", "not reached from its task's startAction"},
      {"a startAction that loops back",
       [](Json& d) { end(d)["nextAction"] = kCallId; }, kCallId, "2 links refer to this action"},
      {"a duplicate id",
       [](Json& d) {
         Json copy = end(d);
         copy["trackingId"] = 4;
         actions(d).push_back(copy);
         d["nextTrackingNumber"] = 5;
       },
       kEndActionId, "the id is used 2 times"},
      {"an action with the task's id", [](Json& d) { d["flowSequenceItemList"][0]["id"] = kEndActionId;
                                                     d["initialSequence"] = kEndActionId; },
       kEndActionId, "the id is used 2 times"},
      {"a duplicate trackingId", [](Json& d) { end(d)["trackingId"] = 2; }, kEndActionId,
       "trackingId 2 is also used by '" + kCallId + "'"},
      {"a trackingId not below nextTrackingNumber", [](Json& d) { d["nextTrackingNumber"] = 3; }, kEndActionId,
       "trackingId 3 is not below nextTrackingNumber 3"},
      {"an action without a trackingId", [](Json& d) { end(d).erase("trackingId"); }, kEndActionId,
       "has no trackingId"},
      {"a trackingId that is not an integer", [](Json& d) { end(d)["trackingId"] = "3"; }, kEndActionId,
       "trackingId is not an integer"},
      {"an action without an id", [](Json& d) { end(d).erase("id"); }, "/flowSequenceItemList/0/actionList/1",
       "an action without an id"},
      {"an action without a __type", [](Json& d) { end(d).erase("__type"); }, kEndActionId, "has no __type"},
      {"a link into another task",
       [](Json& d) {
         d["flowSequenceItemList"].push_back(Json{{"__type", "Task"},
                                                  {"id", "t2"},
                                                  {"name", "Other"},
                                                  {"trackingId", 4},
                                                  {"startAction", "a2"},
                                                  {"actionList", Json::array({action("a2", 5, kEndActionId)})}});
         d["nextTrackingNumber"] = 6;
       },
       "a2", "refers to '" + kEndActionId + "', an action of another task ('" + kTaskId + "')"},
      {"a jump to no task",
       [](Json& d) {
         end(d) = Json{{"__type", "JumpToTaskAction"}, {"id", kEndActionId}, {"name", "Jump"}, {"trackingId", 3},
                       {"targetTaskId", "t9"}};
       },
       kEndActionId, "targetTaskId of '" + kEndActionId + "' names 't9', which is no task"},
      {"a module call without flowId", [](Json& d) { call(d).erase("flowId"); }, kCallId,
       "the module call has no flowId"},
      {"a module call without flowName", [](Json& d) { call(d).erase("flowName"); }, kCallId,
       "the module call has no flowName"},
      {"a module call whose inputs are not an array", [](Json& d) { call(d)["inputs"] = Json::object(); }, kCallId,
       "the module call has no inputs array"},
      {"a module call binding without a name",
       [](Json& d) { call(d)["outputs"] = Json::array({Json{{"value", Json::object()}}}); }, kCallId,
       "outputs 0 of the module call is not {name, value}"},
      {"a module call missing from the manifest", [](Json& d) { d["manifest"] = Json::object(); }, kCallId,
       "the call of module '" + kModuleId + "' is missing from /manifest/commonModuleFlow"},
      {"a stale manifest entry",
       [](Json& d) {
         d["manifest"]["commonModuleFlow"][0]["context"].push_back(
             Json{{"id", "ghost"}, {"name", "Gone"}, {"actionName", "Call Common Module"}});
       },
       "ghost", "lists it as a call of module '" + kModuleId + "', but no such module call exists"},
      {"a call listed twice",
       [](Json& d) {
         auto& context = d["manifest"]["commonModuleFlow"][0]["context"];
         context.push_back(context[0]);
       },
       kCallId, "listed twice under module '" + kModuleId + "'"},
      {"flowSequenceItemList not an array", [](Json& d) { d["flowSequenceItemList"] = Json::object(); },
       "/flowSequenceItemList", "is not an array"},
      {"a link that is not a string", [](Json& d) { call(d)["nextAction"] = 7; }, kCallId,
       "nextAction of '" + kCallId + "' is not an id (7)"},
  };
}

std::string read_file(const std::filesystem::path& path) {
  std::ifstream in(path, std::ios::binary);
  std::stringstream text;
  text << in.rdbuf();
  return text.str();
}

std::string problems_text(const Json& doc) {
  std::string out;
  for (const auto& p : document_problems(doc)) out += p.where + ": " + p.message + "\n";
  return out;
}

}  // namespace

TEST_CASE("the check passes sound documents: the test documents, the real Architect export, the example org") {
  CHECK(problems_text(sound()) == "");
  CHECK(problems_text(module_doc("Validate")) == "");
  CHECK(problems_text(consumer_doc("Empty", "inboundcall", {})) == "");
  CHECK(problems_text(consumer_doc("Two", "inboundcall", {{kModuleId, "Validate"}, {"m2", "Other"}})) == "");

  const auto fixture = std::filesystem::path(FLOWLINK_FIXTURES_DIR) / "architect" / "cache-example.inboundcall.json";
  REQUIRE_MESSAGE(std::filesystem::exists(fixture), fixture.string());
  const Json real = Json::parse(read_file(fixture));
  CHECK(problems_text(real) == "");

  int checked = 0;
  for (const auto& entry : std::filesystem::directory_iterator(std::filesystem::path(FLOWLINK_SOURCE_DIR) / "examples" / "org")) {
    const std::string name = entry.path().filename().string();
    if (name == "org.json") continue;
    std::string text = read_file(entry.path());
    if (flowlink::flowdoc::is_architect_export_name(name)) {
      text = flowlink::flowdoc::decode_architect_export(text, name);
    } else if (entry.path().extension() != ".json") {
      continue;
    }
    CAPTURE(name);
    CHECK(problems_text(Json::parse(text)) == "");
    ++checked;
  }
  CHECK(checked >= 40);

  // Not a graph: passes (an assumption, see document_check.hpp).
  CHECK(problems_text(Json{{"name", "X"}, {"type", "inboundcall"}}) == "");
}

TEST_CASE("documents broken each way: the check names the place and the problem") {
  for (const auto& broken : broken_documents()) {
    CAPTURE(broken.name);
    Json doc = sound();
    broken.damage(doc);
    const auto problems = document_problems(doc);
    REQUIRE_FALSE(problems.empty());
    CAPTURE(problems_text(doc));
    CHECK(problems.front().where == broken.where);
    CHECK(problems.front().message.find(broken.fragment) != std::string::npos);
  }
}

TEST_CASE("hostile shapes are problems, never exceptions") {
  for (const Json& doc :
       {Json::array(), Json(3), Json{{"flowSequenceItemList", Json::array({1, "x", nullptr, Json::array()})}},
        Json{{"flowSequenceItemList", Json::array({Json{{"id", 5}, {"actionList", "no"}}})}, {"initialSequence", 5}},
        Json{{"flowSequenceItemList", Json::array({Json{{"id", "t"}, {"startAction", Json::object()},
                                                        {"actionList", Json::array({1, Json{{"paths", 3}}})}}})},
             {"initialSequence", "t"},
             {"manifest", Json{{"commonModuleFlow", Json::array({1, Json{{"id", "m"}, {"context", Json::array({2})}}})}}}}}) {
    CAPTURE(doc.dump());
    std::vector<flowlink::emulator::DocumentProblem> problems;
    CHECK_NOTHROW(problems = document_problems(doc));
    CHECK_FALSE(problems.empty());
  }
}

TEST_CASE("saving a broken document answers 400 naming the problem; nothing is saved; a sound one is saved") {
  TempDir dir;
  Emulator emulator(options_for(dir.path / "state"));
  emulator.start();
  Client client(emulator.base_url());
  client.login();
  Reply created = client.api("POST", "/api/v2/flows", Json{{"name", "Line"}, {"type", "inboundcall"}}.dump());
  REQUIRE(created.status == 200);
  const std::string id = created.json()["id"];
  const std::string versions = "/api/v2/flows/" + id + "/versions";

  for (const auto& broken : broken_documents()) {
    CAPTURE(broken.name);
    Json doc = sound();
    broken.damage(doc);
    Reply refused = client.api("POST", versions, doc.dump());
    CHECK(refused.status == 400);
    const Json error = refused.json();
    CAPTURE(error.dump());
    CHECK(error["code"] == "bad.request");
    CHECK(error["details"][0]["errorCode"] == "flow.configuration.invalid");
    CHECK(error["details"][0]["entityId"] == broken.where);
    CHECK(error["message"].get<std::string>().find(broken.fragment) != std::string::npos);
    CHECK(error["message"].get<std::string>().find("Flow '" + id + "'") != std::string::npos);
  }
  CHECK(client.api("GET", "/api/v2/flows/" + id).json().contains("savedVersion") == false);

  // Several problems: the first is named, the rest counted.
  Json many = sound();
  many.erase("initialSequence");
  call(many)["nextAction"] = "ghost";
  const std::string message = client.api("POST", versions, many.dump()).json()["message"];
  CHECK(message.find("is missing") != std::string::npos);
  CHECK(message.find("(and 2 more problems)") != std::string::npos);  // the dangling link, the orphaned end

  // The real export and the test documents are saved.
  const auto fixture = std::filesystem::path(FLOWLINK_FIXTURES_DIR) / "architect" / "cache-example.inboundcall.json";
  CHECK(client.api("POST", versions, read_file(fixture)).status == 200);
  CHECK(client.api("POST", versions, sound().dump()).status == 200);
}

TEST_CASE("bytes >= 0x80 where the API expects digits are refused, never read as digits") {
  TempDir dir;
  Emulator emulator(options_for(dir.path / "state"));
  emulator.start();
  Client client(emulator.base_url());
  client.login();
  // ARABIC-INDIC DIGIT THREE, FULLWIDTH DIGIT ONE, a lone 0xFF, a Latin-1 superscript two.
  for (const std::string value : {"%D9%A3", "%EF%BC%91", "%FF", "1%B2", "%B9"}) {
    CAPTURE(value);
    for (const std::string key : {"pageSize", "pageNumber"}) {
      Reply reply = client.api("GET", "/api/v2/flows?" + key + "=" + value);
      CHECK(reply.status == 400);
      CHECK(reply.json()["details"][0]["fieldName"] == key);
    }
  }
  Reply created = client.api("POST", "/api/v2/flows", Json{{"name", "Line"}, {"type", "inboundcall"}}.dump());
  REQUIRE(created.status == 200);
  const std::string id = created.json()["id"];
  Reply saved = client.api("POST", "/api/v2/flows/" + id + "/versions", sound().dump());
  REQUIRE(saved.status == 200);
  CHECK(client.api("GET", "/api/v2/flows/" + id + "/versions/" + saved.json()["id"].get<std::string>()).status == 200);
  for (const std::string version : {"%D9%A1.0", "%EF%BC%91", "1%B2.0", "%FF"}) {
    CAPTURE(version);
    CHECK(client.api("GET", "/api/v2/flows/" + id + "/versions/" + version).status == 404);
  }
}
