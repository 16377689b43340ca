// Edits on small hand-made graphs: empty tasks, nested branches, calls
// already present, several tasks.
#include <doctest/doctest.h>

#include "fixture.hpp"
#include "graph_builder.hpp"

using namespace flowlink::flowdoc;
using namespace flowdoc_test;

namespace {

CallSpec call_of(const std::string& module_id, const std::string& action_name = "") {
  return {.module_id = module_id, .module_name = "Module " + module_id, .action_name = action_name,
          .inputs = {{"Common.In", "Call.Ani"}}, .outputs = {}};
}

InsertionPoint after(const std::string& id) { return {InsertionPoint::Kind::AfterAction, "", id}; }
InsertionPoint before(const std::string& id) { return {InsertionPoint::Kind::BeforeAction, "", id}; }
InsertionPoint task_start(const std::string& name) { return {InsertionPoint::Kind::TaskStart, name, ""}; }

// Inserts, checks where the call landed, removes it and checks that the
// document is back to what it was (apart from nextTrackingNumber).
void insert_and_undo(const Document& original, const InsertionPoint& where, const std::string& describe,
                     const std::string& next) {
  Document doc = original;
  const std::string id = doc.insert_call(call_of("m1"), where, sequential_id_source("x-"));
  CHECK(doc.check().empty());
  CHECK(doc.position_of(id).describe() == describe);
  CHECK(doc.position_of(id).next_id == next);
  doc.remove_call(id);
  Json json = doc.json();
  json["nextTrackingNumber"] = original.json()["nextTrackingNumber"];
  CHECK(first_difference(Document::from_json(json, "undone").serialize(1), original.serialize(1)) == "");
}

// t1: d1 ─Yes→ d2 ─Yes→ a3 → a5
//                  └No→ a4
//         └No→ (empty)
//     then a9
Document nested() {
  return GraphBuilder()
      .task("t1", "Main", "d1")
      .decision("t1", "d1", "Outer", "d2", "", "a9")
      .decision("t1", "d2", "Inner", "a3", "a4")
      .action("t1", "a3", "PlayAudioAction", "Inner yes", "a5")
      .action("t1", "a4", "PlayAudioAction", "Inner no")
      .action("t1", "a5", "PlayAudioAction", "Inner yes 2")
      .action("t1", "a9", "DisconnectAction", "Bye")
      .document();
}

}  // namespace

TEST_CASE("insert into an empty task, then remove") {
  Document doc = GraphBuilder().task("t1", "Main", "a1").action("t1", "a1", "DisconnectAction", "Bye").task("t2", "Empty").document();
  REQUIRE(doc.check().empty());
  insert_and_undo(doc, task_start("Empty"), "first in task 'Empty'", "");

  Document edited = doc;
  const std::string id = edited.insert_call(call_of("m1"), task_start("Empty"), sequential_id_source());
  CHECK(edited.json()["flowSequenceItemList"][1]["startAction"] == id);
  CHECK_FALSE(edited.position_of(id).initial_task);
  CHECK(edited.module_calls().at(0).position.task_name == "Empty");
}

TEST_CASE("an empty-string link counts as no link") {
  Json json = GraphBuilder().task("t1", "Main").json();
  json["flowSequenceItemList"][0]["startAction"] = "";
  Document doc = Document::from_json(json, "empty-links");
  REQUIRE(doc.check().empty());
  const std::string id = doc.insert_call(call_of("m1"), {}, sequential_id_source());
  CHECK(doc.json()["flowSequenceItemList"][0]["startAction"] == id);
  CHECK_FALSE(doc.json()["flowSequenceItemList"][0]["actionList"][0].contains("nextAction"));

  Json branches = GraphBuilder().task("t1", "Main", "d1").decision("t1", "d1", "D", "", "").json();
  branches["flowSequenceItemList"][0]["actionList"][0]["paths"][0]["nextActionId"] = "";
  Document with_empty_path = Document::from_json(branches, "empty-path");
  CHECK(with_empty_path.check().empty());
  CHECK(with_empty_path.position_of("d1").kind == Position::Kind::TaskStart);
}

TEST_CASE("nested branches: every placement lands where asked and is undone by remove") {
  Document doc = nested();
  REQUIRE(doc.check().empty());
  insert_and_undo(doc, before("d1"), "first in task 'Main'", "d1");
  insert_and_undo(doc, before("d2"), "in branch 'Yes' of 'Outer' (#2)", "d2");
  insert_and_undo(doc, before("a3"), "in branch 'Yes' of 'Inner' (#3)", "a3");
  insert_and_undo(doc, before("a4"), "in branch 'No' of 'Inner' (#3)", "a4");
  insert_and_undo(doc, before("a5"), "after 'Inner yes' (#4)", "a5");
  insert_and_undo(doc, after("a3"), "after 'Inner yes' (#4)", "a5");   // its next is in the branch
  insert_and_undo(doc, after("a5"), "after 'Inner yes 2' (#6)", "");   // end of the nested branch
  insert_and_undo(doc, after("d2"), "after 'Inner' (#3)", "");         // after the inner decision, still in Yes
  insert_and_undo(doc, after("d1"), "after 'Outer' (#2)", "a9");
  insert_and_undo(doc, before("a9"), "after 'Outer' (#2)", "a9");
}

TEST_CASE("insert before a branch start relinks the path, not a nextAction") {
  Document doc = nested();
  const std::string id = doc.insert_call(call_of("m1"), before("a3"), sequential_id_source());
  const Json& inner = doc.json()["flowSequenceItemList"][0]["actionList"][1];
  CHECK(inner["paths"][0]["nextActionId"] == id);
  CHECK(inner["paths"][1]["nextActionId"] == "a4");
  CHECK(doc.position_of("a3").describe() == "after 'Call Module m1' (#8)");
}

TEST_CASE("a call already present: another call goes next to it and shares its manifest entry") {
  GraphBuilder builder;
  builder.task("t1", "Main", "c1").call("t1", "c1", "Existing", "m1", "Module m1", "a1").action("t1", "a1", "DisconnectAction", "Bye");
  Document doc = builder.document();
  REQUIRE(doc.check().empty());
  const std::string original = doc.serialize(1);

  const std::string id = doc.insert_call(call_of("m1", "Second"), before("c1"), sequential_id_source());
  CHECK(doc.position_of("c1").referrer_id == id);
  CHECK(doc.json()["manifest"]["commonModuleFlow"].size() == 1);
  CHECK(doc.json()["manifest"]["commonModuleFlow"][0]["context"].size() == 2);
  CHECK(doc.module_calls().size() == 2);
  doc.remove_call(id);
  Json json = doc.json();
  json["nextTrackingNumber"] = 4;
  CHECK(first_difference(Document::from_json(json, "x").serialize(1), original) == "");
}

TEST_CASE("a module called twice: its entry goes with the last call; an existing array stays") {
  Document doc = GraphBuilder()
                     .task("t1", "Main", "c1")
                     .call("t1", "c1", "First", "m1", "Module m1", "c2")
                     .call("t1", "c2", "Second", "m1", "Module m1", "c3")
                     .call("t1", "c3", "Other", "m2", "Module m2")
                     .document();
  REQUIRE(doc.check().empty());
  doc.remove_call("c2");
  CHECK(doc.json()["manifest"]["commonModuleFlow"][0]["context"] ==
        Json::parse(R"([{"id":"c1","name":"First","actionName":"Call Common Module"}])"));
  CHECK(doc.json()["flowSequenceItemList"][0]["actionList"][0]["nextAction"] == "c3");
  doc.remove_call("c1");
  CHECK(doc.json()["manifest"]["commonModuleFlow"].size() == 1);
  CHECK(doc.json()["manifest"]["commonModuleFlow"][0]["id"] == "m2");
  CHECK(doc.json()["flowSequenceItemList"][0]["startAction"] == "c3");
  doc.remove_call("c3");
  // The document had a commonModuleFlow array: it stays, empty.
  CHECK(doc.json()["manifest"]["commonModuleFlow"] == Json::array());
  CHECK_FALSE(doc.json()["flowSequenceItemList"][0].contains("startAction"));
  CHECK(doc.check().empty());
}

TEST_CASE("a document without a manifest gets one for the call, and loses it with the call") {
  Document doc = GraphBuilder().task("t1", "Main", "a1").action("t1", "a1", "DisconnectAction", "Bye").document();
  REQUIRE_FALSE(doc.json().contains("manifest"));
  const std::string id = doc.insert_call(call_of("m1"), {}, sequential_id_source());
  CHECK(doc.json()["manifest"]["commonModuleFlow"][0]["context"][0]["id"] == id);
  doc.remove_call(id);
  CHECK_FALSE(doc.json().contains("manifest"));
}

TEST_CASE("without nextTrackingNumber the next trackingId follows the highest in use") {
  Json json = GraphBuilder().task("t1", "Main", "a1").action("t1", "a1", "DisconnectAction", "Bye").json();
  json.erase("nextTrackingNumber");
  json["flowSequenceItemList"][0]["actionList"][0]["trackingId"] = 41;
  Document doc = Document::from_json(json, "no-counter");
  const std::string id = doc.insert_call(call_of("m1"), {}, sequential_id_source());
  CHECK(doc.module_calls().at(0).tracking_id == 42);
  CHECK(doc.json()["nextTrackingNumber"] == 43);
  CHECK(doc.position_of(id).next_id == "a1");
}

TEST_CASE("calls move between tasks, and back") {
  Document doc = GraphBuilder()
                     .task("t1", "Main", "c1")
                     .call("t1", "c1", "Call", "m1", "Module m1", "a1")
                     .action("t1", "a1", "DisconnectAction", "Bye")
                     .task("t2", "Other", "b1")
                     .action("t2", "b1", "DisconnectAction", "Bye 2")
                     .document();
  const std::string original = doc.serialize(1);
  doc.move_call("c1", before("b1"));
  CHECK(doc.check().empty());
  CHECK(doc.json()["flowSequenceItemList"][0]["actionList"].size() == 1);
  CHECK(doc.json()["flowSequenceItemList"][1]["actionList"].size() == 2);
  CHECK(doc.position_of("c1").describe() == "first in task 'Other'");
  CHECK(doc.position_of("c1").next_id == "b1");
  CHECK(doc.position_of("a1").kind == Position::Kind::TaskStart);
  CHECK(doc.module_calls().at(0).tracking_id == 2);

  doc.move_call("c1", task_start("Main"));
  CHECK(doc.check().empty());
  // Back in its task (at the end of the actionList, which does not order anything).
  CHECK(doc.position_of("c1").next_id == "a1");
  CHECK(doc.json()["flowSequenceItemList"][0]["actionList"][1]["id"] == "c1");
  CHECK(doc.json()["flowSequenceItemList"][0]["startAction"] == "c1");
  CHECK(doc.serialize(1) != original);
}

TEST_CASE("a move that would break the graph is refused as a bug and changes nothing") {
  // A call with a branch of its own cannot be moved to another task: its
  // branch would link across tasks.
  Json json = GraphBuilder()
                  .task("t1", "Main", "c1")
                  .call("t1", "c1", "Call", "m1", "Module m1")
                  .action("t1", "f1", "DisconnectAction", "On failure")
                  .task("t2", "Other", "b1")
                  .action("t2", "b1", "DisconnectAction", "Bye 2")
                  .json();
  json["flowSequenceItemList"][0]["actionList"][0]["paths"] =
      Json::parse(R"([{"label":"Failure","outputId":"__FAILURE__","nextActionId":"f1"}])");
  Document doc = Document::from_json(json, "flow 'Branchy'");
  REQUIRE(doc.check().empty());
  const std::string before_move = doc.serialize();
  CHECK_THROWS_WITH_AS(doc.move_call("c1", before("b1")),
                       doctest::Contains("flow 'Branchy': moving of action 'c1' would leave the document unsound"),
                       DocumentError);
  CHECK(doc.serialize() == before_move);
  // Within its task the same call moves fine, its branch with it.
  doc.move_call("c1", {});
  CHECK(doc.serialize() == before_move);
  // Removing it would orphan its branch: refused with a reason, not as a bug.
  CHECK_THROWS_WITH_AS(doc.remove_call("c1"), doctest::Contains("its branch leads to action 'f1'"), DocumentError);
  CHECK(doc.serialize() == before_move);
}

TEST_CASE("task resolution: ambiguous names, initial sequences without actions, other sequence types") {
  Document twins = GraphBuilder().task("t1", "Same").task("t2", "Same").document();
  CHECK_THROWS_WITH_AS(twins.insert_call(call_of("m1"), task_start("Same"), sequential_id_source()),
                       doctest::Contains("more than one task is named 'Same'"), DocumentError);

  Json menu_first = GraphBuilder().task("t1", "Main").json();
  menu_first["initialSequence"] = "menu1";
  menu_first["flowSequenceItemList"].push_back(Json{{"__type", "Menu"}, {"id", "menu1"}, {"name", "Main Menu"}});
  Document menu = Document::from_json(menu_first, "menu-flow");
  CHECK_THROWS_WITH_AS(menu.insert_call(call_of("m1"), {}, sequential_id_source()),
                       doctest::Contains("at /initialSequence: initial sequence 'menu1'"), DocumentError);
  CHECK_FALSE(menu.has_task("Main Menu"));

  Json states = GraphBuilder().task("t1", "Main").json();
  states["flowSequenceItemList"][0]["__type"] = "State";
  Document state_doc = Document::from_json(states, "workflow");
  const std::string id = state_doc.insert_call(call_of("m1"), task_start("Main"), sequential_id_source());
  CHECK(state_doc.position_of(id).kind == Position::Kind::TaskStart);
}
