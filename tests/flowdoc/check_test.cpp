// check() finds each kind of broken document, naming the action concerned.
#include <doctest/doctest.h>

#include "fixture.hpp"
#include "graph_builder.hpp"

using namespace flowlink::flowdoc;
using namespace flowdoc_test;

namespace {

// A sound document to break: a1 -> d1 (Yes: c1, No: empty) -> a2.
GraphBuilder sound() {
  GraphBuilder builder;
  builder.task("t1", "Main", "a1")
      .action("t1", "a1", "PlayAudioAction", "Welcome", "d1")
      .decision("t1", "d1", "Decision", "c1", "", "a2")
      .call("t1", "c1", "Call Validation", "m1", "Validation")
      .action("t1", "a2", "DisconnectAction", "Bye");
  return builder;
}

Json& action(Json& doc, std::size_t index) { return doc["flowSequenceItemList"][0]["actionList"][index]; }

// The problems check() reports for `doc`, as "where: message" lines.
std::vector<std::string> problems(const Json& doc) {
  std::vector<std::string> lines;
  for (const Problem& p : Document::from_json(doc, "broken").check()) lines.push_back(p.where + ": " + p.message);
  return lines;
}

bool has_problem(const std::vector<std::string>& lines, const std::string& where, const std::string& fragment) {
  for (const std::string& line : lines) {
    if (line.rfind(where + ": ", 0) == 0 && line.find(fragment) != std::string::npos) return true;
  }
  return false;
}

std::string joined(const std::vector<std::string>& lines) {
  std::string text;
  for (const auto& line : lines) text += line + "\n";
  return text;
}

}  // namespace

TEST_CASE("sound documents pass") {
  CHECK(load_fixture().check().empty());
  CHECK(sound().document().check().empty());
  CHECK(GraphBuilder().task("t1", "Empty").document().check().empty());
}

TEST_CASE("a dangling link") {
  Json doc = sound().json();
  action(doc, 0)["nextAction"] = "ghost";
  auto lines = problems(doc);
  CAPTURE(joined(lines));
  CHECK(has_problem(lines, "a1", "nextAction of 'a1' refers to unknown action 'ghost'"));
  CHECK(has_problem(lines, "d1", "nothing refers to this action"));  // d1 lost its only referrer

  Json path = sound().json();
  action(path, 1)["paths"][1]["nextActionId"] = "ghost";
  CHECK(has_problem(problems(path), "d1", "path 1 of 'd1' refers to unknown action 'ghost'"));

  Json start = sound().json();
  start["flowSequenceItemList"][0]["startAction"] = "ghost";
  CHECK(has_problem(problems(start), "t1", "startAction of task 't1' refers to unknown action 'ghost'"));
}

TEST_CASE("an action with two referrers, and one with none") {
  Json doc = sound().json();
  action(doc, 1)["paths"][1]["nextActionId"] = "a2";  // No branch and d1.nextAction both -> a2
  auto lines = problems(doc);
  CAPTURE(joined(lines));
  CHECK(has_problem(lines, "a2", "2 links refer to this action: nextAction of 'd1', path 1 of 'd1'"));

  Json orphan = sound().json();
  orphan["flowSequenceItemList"][0]["actionList"].push_back(
      Json{{"__type", "PlayAudioAction"}, {"id", "lost"}, {"name", "Lost"}, {"trackingId", 5}});
  orphan["nextTrackingNumber"] = 7;
  auto orphan_lines = problems(orphan);
  CAPTURE(joined(orphan_lines));
  CHECK(has_problem(orphan_lines, "lost", "nothing refers to this action (unreachable)"));
  CHECK(has_problem(orphan_lines, "lost", "trackingId 5 is also used by 'a2'"));
  CHECK(orphan_lines.size() == 2);
}

TEST_CASE("a detached cycle is unreachable even though each action has a referrer") {
  Json doc = sound().json();
  doc["nextTrackingNumber"] = 10;
  doc["flowSequenceItemList"][0]["actionList"].push_back(
      Json{{"__type", "PlayAudioAction"}, {"id", "x"}, {"name", "X"}, {"trackingId", 6}, {"nextAction", "y"}});
  doc["flowSequenceItemList"][0]["actionList"].push_back(
      Json{{"__type", "PlayAudioAction"}, {"id", "y"}, {"name", "Y"}, {"trackingId", 7}, {"nextAction", "x"}});
  auto lines = problems(doc);
  CAPTURE(joined(lines));
  CHECK(has_problem(lines, "x", "not reachable from its task's startAction"));
  CHECK(has_problem(lines, "y", "not reachable from its task's startAction"));
  CHECK(lines.size() == 2);
}

TEST_CASE("a link across tasks") {
  Json doc = sound().task("t2", "Other", "b1").action("t2", "b1", "DisconnectAction", "Bye 2").json();
  action(doc, 3)["nextAction"] = "b1";  // t1's a2 -> t2's b1
  CHECK(has_problem(problems(doc), "b1", "nextAction of 'a2' links across sequences"));
}

TEST_CASE("duplicate ids, among actions and between an action and a task") {
  Json doc = sound().json();
  action(doc, 3)["id"] = "a1";
  action(doc, 1)["nextAction"] = "a1";  // keep links resolving; a1 now has two referrers and two owners
  CHECK(has_problem(problems(doc), "a1", "id is used 2 times"));

  Json task_clash = sound().json();
  action(task_clash, 3)["id"] = "t1";
  action(task_clash, 1)["nextAction"] = "t1";
  CHECK(has_problem(problems(task_clash), "t1", "id is used 2 times (actions and sequences)"));
}

TEST_CASE("trackingIds: duplicate, not below nextTrackingNumber, missing") {
  Json duplicate = sound().json();
  action(duplicate, 3)["trackingId"] = action(duplicate, 0)["trackingId"];
  CHECK(has_problem(problems(duplicate), "a2", "trackingId 2 is also used by 'a1'"));

  Json task_duplicate = sound().json();
  action(task_duplicate, 0)["trackingId"] = 1;  // the task's
  CHECK(has_problem(problems(task_duplicate), "a1", "trackingId 1 is also used by 't1'"));

  Json too_high = sound().json();
  action(too_high, 2)["trackingId"] = too_high["nextTrackingNumber"];
  CHECK(has_problem(problems(too_high), "c1", "is not below nextTrackingNumber"));

  Json missing = sound().json();
  action(missing, 3).erase("trackingId");
  CHECK(has_problem(problems(missing), "a2", "action has no trackingId"));

  Json odd = sound().json();
  action(odd, 3)["trackingId"] = "7";
  CHECK(has_problem(problems(odd), "a2", "trackingId is not an integer"));
}

TEST_CASE("manifest.commonModuleFlow out of step with the calls") {
  SUBCASE("a call missing from the manifest") {
    Json doc = sound().json();
    doc["manifest"]["commonModuleFlow"][0]["context"] = Json::array();
    auto lines = problems(doc);
    CAPTURE(joined(lines));
    CHECK(has_problem(lines, "c1", "call of module 'm1' is missing from manifest.commonModuleFlow"));
    CHECK(lines.size() == 1);
  }
  SUBCASE("no manifest at all") {
    Json doc = sound().json();
    doc.erase("manifest");
    CHECK(has_problem(problems(doc), "c1", "is missing from manifest.commonModuleFlow"));
  }
  SUBCASE("a stale entry for an action that is gone") {
    Json doc = sound().list_in_manifest("m1", "Validation", "gone", "Old call").json();
    auto lines = problems(doc);
    CAPTURE(joined(lines));
    CHECK(has_problem(lines, "gone", "stale manifest entry: no call of module 'm1' with this id"));
    CHECK(lines.size() == 1);
  }
  SUBCASE("a stale entry naming an action that is not a call") {
    Json doc = sound().list_in_manifest("m9", "Other", "a1", "Welcome").json();
    CHECK(has_problem(problems(doc), "a1", "stale manifest entry: no call of module 'm9'"));
  }
  SUBCASE("a call listed under the wrong module") {
    Json doc = sound().json();
    doc["manifest"]["commonModuleFlow"][0]["id"] = "m2";
    auto lines = problems(doc);
    CHECK(has_problem(lines, "c1", "stale manifest entry: no call of module 'm2'"));
    CHECK(has_problem(lines, "c1", "call of module 'm1' is missing"));
  }
  SUBCASE("a call listed twice") {
    Json doc = sound().list_in_manifest("m1", "Validation", "c1", "Call Validation").json();
    CHECK(has_problem(problems(doc), "c1", "listed twice under module 'm1'"));
  }
  SUBCASE("a call without a module id") {
    Json doc = sound().json();
    action(doc, 2).erase("flowId");
    CHECK(has_problem(problems(doc), "c1", "module call has no flowId"));
  }
  SUBCASE("a module entry without id or context") {
    Json doc = sound().json();
    doc["manifest"]["commonModuleFlow"].push_back(Json{{"name", "nameless"}});
    doc["manifest"]["commonModuleFlow"].push_back(Json{{"id", "m5"}});
    auto lines = problems(doc);
    CHECK(has_problem(lines, "/manifest/commonModuleFlow/1", "module entry has no id"));
    CHECK(has_problem(lines, "/manifest/commonModuleFlow/2", "module entry has no context array"));
  }
}

TEST_CASE("initialSequence: missing, not an id, naming no sequence; a menu may be where a flow starts") {
  Json missing = sound().json();
  missing.erase("initialSequence");
  auto lines = problems(missing);
  CAPTURE(joined(lines));
  CHECK(has_problem(lines, "/initialSequence", "missing: the flow does not say which sequence"));
  CHECK(lines.size() == 1);
  // Unsound, so no edit is planned or made: the failure comes at plan time, not at apply.
  Document doc = Document::from_json(missing, "flow 'No Start' (ns-1)");
  CHECK_THROWS_WITH_AS(doc.remove_call("c1"), doctest::Contains("/initialSequence: missing"), DocumentError);

  Json number = sound().json();
  number["initialSequence"] = 7;
  CHECK(has_problem(problems(number), "/initialSequence", "is not a sequence id (got number)"));
  Json empty = sound().json();
  empty["initialSequence"] = "";
  CHECK(has_problem(problems(empty), "/initialSequence", "is not a sequence id (got \"\")"));
  Json ghost = sound().json();
  ghost["initialSequence"] = "ghost";
  CHECK(has_problem(problems(ghost), "/initialSequence", "names 'ghost', which is not a sequence of the flow"));

  Json menu_first = sound().json();
  menu_first["flowSequenceItemList"].push_back(Json{{"__type", "Menu"}, {"id", "menu1"}, {"name", "Main Menu"}});
  menu_first["initialSequence"] = "menu1";
  CHECK(problems(menu_first).empty());
}
