// Inserting, removing and moving module calls on the real fixture.
#include <doctest/doctest.h>

#include "fixture.hpp"
#include "graph_builder.hpp"

using namespace flowlink::flowdoc;
using namespace flowdoc_test;
namespace ce = flowdoc_test::cache_example;

namespace {

CallSpec validation_call() {
  return {.module_id = "mod-valid",
          .module_name = "Common_Validation_Module",
          .action_name = "",
          .inputs = {{"Common.CallerAni", "Call.Ani"}},
          .outputs = {{"Common.IsValid", "Task.LookupResult"}}};
}

const Json& action_json(const Document& doc, const std::string& id) {
  for (const Json& item : doc.json()["flowSequenceItemList"]) {
    for (const Json& action : item["actionList"]) {
      if (action["id"] == id) return action;
    }
  }
  throw std::runtime_error("no action " + id);
}

// The fixture's serialization with nextTrackingNumber put back: what an
// insert followed by a remove must give back byte for byte.
std::string with_original_tracking(Document doc) {
  Json json = doc.json();
  json["nextTrackingNumber"] = 29;
  return Document::from_json(json, "reset").serialize(1);
}

struct Placement {
  const char* label;
  InsertionPoint where;
  Position::Kind kind;
  std::string describe;
  std::string next;  // the new call's nextAction
};

}  // namespace

TEST_CASE("insert first in the initial task of the fixture") {
  Document doc = load_fixture();
  const std::string original = read_text(kFixturePath);
  const std::string id = doc.insert_call(validation_call(), {}, sequential_id_source());
  CHECK(id == "00000000-0000-4000-8000-000000000001");
  CHECK(doc.check().empty());
  CHECK(doc.json()["nextTrackingNumber"] == 30);

  const Json& action = action_json(doc, id);
  std::vector<std::string> keys;
  for (auto it = action.begin(); it != action.end(); ++it) keys.push_back(it.key());
  CHECK(keys == std::vector<std::string>{"__type", "id", "name", "trackingId", "flowId", "flowName", "inputs", "outputs",
                                         "nextAction", "uiMetaData"});
  CHECK(action["name"] == "Call Common_Validation_Module");
  CHECK(action["trackingId"] == 29);
  CHECK(action["nextAction"] == ce::kLookup);
  CHECK(action["inputs"][0]["value"]["text"] == "Call.Ani");
  CHECK(action["uiMetaData"] == Json{{"collapsed", false}});
  CHECK(doc.json()["flowSequenceItemList"][0]["startAction"] == id);

  const Json& modules = doc.json()["manifest"]["commonModuleFlow"];
  REQUIRE(modules.size() == 1);
  CHECK(modules[0] == Json::parse(R"({"id":"mod-valid","name":"Common_Validation_Module","context":[
        {"id":"00000000-0000-4000-8000-000000000001","name":"Call Common_Validation_Module",
         "actionName":"Call Common Module"}]})"));

  auto calls = doc.module_calls();
  REQUIRE(calls.size() == 1);
  CHECK(calls[0].action_id == id);
  CHECK(calls[0].tracking_id == 29);
  CHECK(calls[0].inputs == validation_call().inputs);
  CHECK(calls[0].outputs == validation_call().outputs);
  CHECK(calls[0].position.kind == Position::Kind::TaskStart);
  CHECK(calls[0].position.initial_task);
  CHECK(calls[0].position.next_id == ce::kLookup);
  CHECK(doc.position_of(ce::kLookup).describe() == "after 'Call Common_Validation_Module' (#29)");

  doc.remove_call(id);
  CHECK(doc.check().empty());
  CHECK(doc.json()["nextTrackingNumber"] == 30);  // trackingIds are never reused
  CHECK(first_difference(with_original_tracking(doc), original) == "");
}

TEST_CASE("every placement on the fixture, each undone by remove") {
  const std::string original = read_text(kFixturePath);
  const std::vector<Placement> placements = {
      {"initial task", {InsertionPoint::Kind::InitialTaskStart, "", ""}, Position::Kind::TaskStart,
       "first in task 'IVR cache example'", ce::kLookup},
      {"named task", {InsertionPoint::Kind::TaskStart, "IVR cache example", ""}, Position::Kind::TaskStart,
       "first in task 'IVR cache example'", ce::kLookup},
      {"after an action with a next", {InsertionPoint::Kind::AfterAction, "", ce::kPlayAudio},
       Position::Kind::AfterAction, "after 'Play Audio' (#27)", ce::kDisconnect},
      {"after the last action", {InsertionPoint::Kind::AfterAction, "", ce::kDisconnect}, Position::Kind::AfterAction,
       "after 'Disconnect' (#28)", ""},
      {"after a branching action (once its branches end)", {InsertionPoint::Kind::AfterAction, "", ce::kDecision16},
       Position::Kind::AfterAction, "after 'Decision' (#16)", ce::kGoToQueue},
      {"after the last action of a branch", {InsertionPoint::Kind::AfterAction, "", ce::kNeedsUpdate},
       Position::Kind::AfterAction, "after 'Needs update?' (#12)", ""},
      {"after an action inside a branch that has a next", {InsertionPoint::Kind::AfterAction, "", ce::kUpdate18},
       Position::Kind::AfterAction, "after 'Update Data' (#18)", "710989b5-59d3-49a3-a06a-b66a0515494e"},
      {"before the task's start action", {InsertionPoint::Kind::BeforeAction, "", ce::kLookup},
       Position::Kind::TaskStart, "first in task 'IVR cache example'", ce::kLookup},
      {"before an action that starts a branch", {InsertionPoint::Kind::BeforeAction, "", ce::kNeedsUpdate},
       Position::Kind::BranchStart, "in branch 'Found' of 'Data Table Lookup' (#11)", ce::kNeedsUpdate},
      {"before an action that starts a nested branch", {InsertionPoint::Kind::BeforeAction, "", ce::kUpdate18},
       Position::Kind::BranchStart, "in branch 'Success' of 'Call Data Action' (#17)", ce::kUpdate18},
      {"before an action that follows another", {InsertionPoint::Kind::BeforeAction, "", ce::kDisconnect},
       Position::Kind::AfterAction, "after 'Play Audio' (#27)", ce::kDisconnect},
  };
  for (const Placement& placement : placements) {
    CAPTURE(placement.label);
    Document doc = load_fixture();
    const std::string id = doc.insert_call(validation_call(), placement.where, sequential_id_source("call-"));
    CHECK(doc.check().empty());
    Position position = doc.position_of(id);
    CHECK(position.kind == placement.kind);
    CHECK(position.describe() == placement.describe);
    CHECK(position.next_id == placement.next);
    CHECK(action_json(doc, id).contains("nextAction") == !placement.next.empty());
    if (placement.where.kind == InsertionPoint::Kind::BeforeAction) {
      CHECK(doc.position_of(placement.where.action_id).referrer_id == id);
    }
    if (placement.where.kind == InsertionPoint::Kind::AfterAction) {
      CHECK(action_json(doc, placement.where.action_id)["nextAction"] == id);
    }
    CHECK(doc.actions().size() == 19);
    doc.remove_call(id);
    CHECK(first_difference(with_original_tracking(doc), original) == "");
  }
}

TEST_CASE("two calls of one module share a manifest entry until the last goes") {
  Document doc = load_fixture();
  IdSource ids = sequential_id_source();
  CallSpec spec = validation_call();
  const std::string first = doc.insert_call(spec, {}, ids);
  spec.action_name = "Validate again";
  const std::string second = doc.insert_call(spec, {InsertionPoint::Kind::AfterAction, "", ce::kPlayAudio}, ids);
  CHECK(doc.json()["nextTrackingNumber"] == 31);
  CHECK(action_json(doc, second)["trackingId"] == 30);
  const Json& modules = doc.json()["manifest"]["commonModuleFlow"];
  REQUIRE(modules.size() == 1);
  CHECK(modules[0]["context"].size() == 2);
  CHECK(modules[0]["context"][1]["name"] == "Validate again");
  CHECK(doc.module_calls().size() == 2);

  doc.remove_call(first);
  REQUIRE(doc.json()["manifest"]["commonModuleFlow"].size() == 1);
  CHECK(doc.json()["manifest"]["commonModuleFlow"][0]["context"].size() == 1);
  CHECK(doc.check().empty());
  doc.remove_call(second);
  CHECK_FALSE(doc.json()["manifest"].contains("commonModuleFlow"));  // the fixture had none
  CHECK(doc.check().empty());
}

TEST_CASE("calls of two modules get two manifest entries") {
  Document doc = load_fixture();
  IdSource ids = sequential_id_source();
  doc.insert_call(validation_call(), {}, ids);
  const std::string log = doc.insert_call({.module_id = "mod-log", .module_name = "Logging", .action_name = "", .inputs = {}, .outputs = {}},
                                          {InsertionPoint::Kind::BeforeAction, "", ce::kDisconnect}, ids);
  const Json& modules = doc.json()["manifest"]["commonModuleFlow"];
  REQUIRE(modules.size() == 2);
  CHECK(modules[1]["id"] == "mod-log");
  CHECK(modules[1]["context"][0]["id"] == log);
  CHECK(action_json(doc, log)["inputs"] == Json::array());
  doc.remove_call(log);
  CHECK(doc.json()["manifest"]["commonModuleFlow"].size() == 1);
}

TEST_CASE("move keeps the call's id, trackingId and manifest entry") {
  Document doc = load_fixture();
  const std::string id = doc.insert_call(validation_call(), {}, sequential_id_source());
  const std::string before_move = doc.serialize(1);
  const Json manifest = doc.json()["manifest"];

  doc.move_call(id, {InsertionPoint::Kind::AfterAction, "", ce::kPlayAudio});
  CHECK(doc.check().empty());
  CHECK(doc.position_of(id).describe() == "after 'Play Audio' (#27)");
  CHECK(doc.position_of(id).next_id == ce::kDisconnect);
  CHECK(doc.position_of(ce::kLookup).kind == Position::Kind::TaskStart);  // the old place closed up
  CHECK(action_json(doc, id)["trackingId"] == 29);
  CHECK(doc.json()["nextTrackingNumber"] == 30);
  CHECK(doc.json()["manifest"] == manifest);

  doc.move_call(id, {InsertionPoint::Kind::BeforeAction, "", ce::kNeedsUpdate});
  CHECK(doc.position_of(id).describe() == "in branch 'Found' of 'Data Table Lookup' (#11)");
  CHECK(doc.position_of(ce::kDisconnect).referrer_id == ce::kPlayAudio);
  CHECK(doc.check().empty());

  doc.move_call(id, {InsertionPoint::Kind::AfterAction, "", ce::kNeedsUpdate});  // to the end of that branch
  CHECK(doc.position_of(id).describe() == "after 'Needs update?' (#12)");
  CHECK_FALSE(action_json(doc, id).contains("nextAction"));

  doc.move_call(id, {});  // back where it was inserted
  CHECK(first_difference(doc.serialize(1), before_move) == "");
}

TEST_CASE("moving a call before the action that already follows it changes nothing") {
  Document doc = load_fixture();
  const std::string id = doc.insert_call(validation_call(), {InsertionPoint::Kind::AfterAction, "", ce::kPlayAudio},
                                         sequential_id_source());
  const std::string before = doc.serialize();
  doc.move_call(id, {InsertionPoint::Kind::BeforeAction, "", ce::kDisconnect});
  CHECK(first_difference(doc.serialize(), before) == "");
  doc.move_call(id, {InsertionPoint::Kind::AfterAction, "", ce::kPlayAudio});
  CHECK(first_difference(doc.serialize(), before) == "");
  CHECK_THROWS_AS(doc.move_call(id, {InsertionPoint::Kind::AfterAction, "", id}), DocumentError);
  CHECK_THROWS_AS(doc.move_call(id, {InsertionPoint::Kind::BeforeAction, "", id}), DocumentError);
}

TEST_CASE("update_call rewrites only the bindings that changed") {
  Document doc = load_fixture();
  const std::string id = doc.insert_call(
      {.module_id = "m", .module_name = "M", .action_name = "", .inputs = {{"Common.A", "Call.Ani"}, {"Common.B", "Call.Dnis"}}, .outputs = {}}, {},
      sequential_id_source());
  // Make the kept binding distinctive, as Architect would have written it.
  Json json = doc.json();
  Json& inputs = json["flowSequenceItemList"][0]["actionList"].back()["inputs"];
  inputs[0]["value"]["config"] = Json::parse(R"({"ref":{"pos":1,"text":"Call.Ani","type":"str"}})");
  inputs[0]["extra"] = "kept";
  doc = Document::from_json(json, "edited");
  const Json kept = inputs[0];

  doc.update_call(id, {{"Common.A", "Call.Ani"}, {"Common.B", "Call.CalledAddress"}, {"Common.C", "\"literal\""}},
                  {{"Common.Out", "Task.LookupResult"}});
  const Json& action = action_json(doc, id);
  REQUIRE(action["inputs"].size() == 3);
  CHECK(action["inputs"][0] == kept);
  CHECK(action["inputs"][1]["name"] == "Common.B");
  CHECK(action["inputs"][1]["value"]["text"] == "Call.CalledAddress");
  CHECK(action["inputs"][2]["name"] == "Common.C");
  CHECK(action["outputs"][0]["value"]["text"] == "Task.LookupResult");
  CHECK(doc.module_calls()[0].inputs ==
        Bindings{{"Common.A", "Call.Ani"}, {"Common.B", "Call.CalledAddress"}, {"Common.C", "\"literal\""}});

  doc.update_call(id, {{"Common.A", "Call.Ani"}}, {});
  CHECK(action_json(doc, id)["inputs"] == Json::array({kept}));
  CHECK(action_json(doc, id)["outputs"] == Json::array());
  CHECK(doc.check().empty());

  const std::string unchanged = doc.serialize();
  doc.update_call(id, {{"Common.A", "Call.Ani"}}, {});
  CHECK(first_difference(doc.serialize(), unchanged) == "");
}

TEST_CASE("edits refuse bad targets and leave the document unchanged") {
  Document doc = load_fixture();
  const std::string before = doc.serialize();
  CHECK_THROWS_WITH_AS(doc.insert_call(validation_call(), {InsertionPoint::Kind::TaskStart, "Nope", ""},
                                       sequential_id_source()),
                       doctest::Contains("no task named 'Nope'"), DocumentError);
  CHECK_THROWS_WITH_AS(doc.insert_call(validation_call(), {InsertionPoint::Kind::AfterAction, "", "ghost"},
                                       sequential_id_source()),
                       doctest::Contains("'ghost'"), DocumentError);
  CHECK_THROWS_WITH_AS(doc.insert_call(validation_call(), {InsertionPoint::Kind::BeforeAction, "", "ghost"},
                                       sequential_id_source()),
                       doctest::Contains("'ghost'"), DocumentError);
  CHECK_THROWS_WITH_AS(doc.insert_call(validation_call(), {}, [] { return std::string(ce::kLookup); }),
                       doctest::Contains("unusable id"), DocumentError);
  CHECK_THROWS_WITH_AS(doc.insert_call({.module_id = "", .module_name = "X", .action_name = "", .inputs = {}, .outputs = {}}, {}, sequential_id_source()),
                       doctest::Contains("without a module id"), DocumentError);
  CHECK_THROWS_WITH_AS(doc.remove_call(ce::kPlayAudio), doctest::Contains("is a PlayAudioAction, not a"),
                       DocumentError);
  CHECK_THROWS_WITH_AS(doc.update_call("ghost", {}, {}), doctest::Contains("no action with id 'ghost'"),
                       DocumentError);
  CHECK_THROWS_AS(doc.move_call(ce::kPlayAudio, {}), DocumentError);
  CHECK(first_difference(doc.serialize(), before) == "");
  CHECK(doc.json()["nextTrackingNumber"] == 29);
}

TEST_CASE("an edit on a document that already fails check() is refused, naming the problems") {
  Json json = load_fixture().json();
  json["flowSequenceItemList"][0]["actionList"][17]["nextAction"] = "ghost";  // Disconnect -> nowhere
  Document doc = Document::from_json(json, "flow 'Cache Example' (f1)");
  REQUIRE_FALSE(doc.check().empty());
  try {
    doc.insert_call(validation_call(), {}, sequential_id_source());
    FAIL("expected DocumentError");
  } catch (const DocumentError& e) {
    const std::string message = e.what();
    CHECK(message.find("flow 'Cache Example' (f1): refusing to insert a module call") == 0);
    CHECK(message.find(std::string(ce::kDisconnect) + ": nextAction of '" + ce::kDisconnect +
                       "' refers to unknown action 'ghost'") != std::string::npos);
  }
  CHECK(first_difference(doc.serialize(), Document::from_json(json, "x").serialize()) == "");
}

TEST_CASE("an edited document's source fingerprint is its content's, no longer the parsed bytes'") {
  const std::string text = read_text(kFixturePath);
  Document doc = Document::parse(text, kFixturePath);
  REQUIRE(doc.source_fingerprint() == Document::text_fingerprint(text));
  doc.insert_call(validation_call(), {}, sequential_id_source());
  CHECK(doc.source_fingerprint() == doc.fingerprint());
  CHECK(doc.source_fingerprint() != Document::text_fingerprint(text));
}
