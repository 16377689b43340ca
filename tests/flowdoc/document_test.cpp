// Parsing, serializing and reading flow configuration documents.
#include <doctest/doctest.h>

#include "fixture.hpp"
#include "graph_builder.hpp"
#include "util/encoding.hpp"

using namespace flowlink::flowdoc;
using namespace flowdoc_test;
namespace ce = flowdoc_test::cache_example;

namespace {
ActionSelector selector(std::optional<std::string> name, std::optional<int> tracking_id = std::nullopt,
                        std::optional<std::string> type = std::nullopt) {
  ActionSelector s;
  s.name = std::move(name);
  s.tracking_id = tracking_id;
  s.type = std::move(type);
  return s;
}

std::string parse_error(std::string_view text, const std::string& source = "flows/x.json") {
  try {
    Document::parse(text, source);
  } catch (const DocumentError& e) {
    return e.what();
  }
  return "(no error)";
}
}  // namespace

TEST_CASE("the real fixture survives parse -> serialize byte for byte") {
  const std::string original = read_text(kFixturePath);
  Document doc = Document::parse(original, kFixturePath);
  // The fixture is stored with one-space indentation, as Architect's export tools write it.
  CHECK(first_difference(doc.serialize(1), original) == "");
  Document again = Document::parse(doc.serialize(), "again");
  CHECK((again.json() == doc.json()));
  CHECK(first_difference(again.serialize(), doc.serialize()) == "");
  CHECK(doc.name() == "Cache Example");
  CHECK(doc.type() == "inboundcall");
  CHECK(doc.source() == kFixturePath);
}

TEST_CASE("unicode, unknown keys, key order and numbers survive a round trip") {
  const std::string text = R"({"zeta":1,"name":"Caf\u00e9 \u260e \u65e5\u672c 😀 \"q\"","alpha":{"b":2,"a":1},)"
                           R"("big":18446744073709551615,"negative":-9223372036854775808,"float":0.1,)"
                           R"("pi":3.141592653589793,"huge":1e300,"one":1.0,"tiny":5e-324,)"
                           R"("flowSequenceItemList":[]})";
  Document doc = Document::parse(text, "unicode.json");
  const std::string out = doc.serialize();
  CHECK(out.find("Café ☎ 日本 😀") != std::string::npos);  // raw UTF-8, not \u escapes
  CHECK(out.rfind(R"({"zeta":1,"name":)", 0) == 0);         // key order kept
  CHECK(out.find(R"("alpha":{"b":2,"a":1})") != std::string::npos);
  CHECK(out.find("18446744073709551615") != std::string::npos);
  CHECK(out.find("-9223372036854775808") != std::string::npos);
  CHECK(out.find(R"("one":1.0)") != std::string::npos);
  Document again = Document::parse(out, "again");
  CHECK(again.json() == doc.json());
  CHECK(again.serialize() == out);
  CHECK(again.json()["float"].get<double>() == 0.1);
  CHECK(again.json()["tiny"].get<double>() == 5e-324);
}

TEST_CASE("parse errors name the source and the JSON pointer") {
  CHECK(parse_error("{not json", "flows/bad.json").find("flows/bad.json: not valid JSON") == 0);
  // nlohmann reports a number too large for a double as out_of_range, not as
  // a parse error: it is still this document's error, not an escaped exception.
  CHECK(parse_error(R"({"trackingId": 1e400})", "flows/huge.json").find("flows/huge.json: not valid JSON") == 0);
  CHECK(parse_error("[]").find("not a JSON object") != std::string::npos);
  CHECK(parse_error(R"({"name":"x"})").find("at /flowSequenceItemList: missing") != std::string::npos);
  CHECK(parse_error(R"({"flowSequenceItemList":{}})").find("/flowSequenceItemList: is not an array") !=
        std::string::npos);
  CHECK(parse_error(R"({"flowSequenceItemList":[{"name":"t"}]})").find("at /flowSequenceItemList/0: sequence item has no id") !=
        std::string::npos);
  const std::string no_action_id =
      parse_error(R"({"flowSequenceItemList":[{"id":"t","actionList":[{"id":"a","__type":"X"},{"__type":"X"}]}]})");
  CHECK(no_action_id.find("flows/x.json: at /flowSequenceItemList/0/actionList/1: action has no id") == 0);
  CHECK(parse_error(R"({"flowSequenceItemList":[{"id":"t","actionList":[{"id":"a"}]}]})")
            .find("/flowSequenceItemList/0/actionList/0/__type") != std::string::npos);
  CHECK(parse_error(R"({"flowSequenceItemList":[{"id":"t","actionList":[{"id":"a","__type":"X","nextAction":5}]}]})")
            .find("/flowSequenceItemList/0/actionList/0/nextAction: link is not a string") != std::string::npos);
  CHECK(parse_error(R"({"flowSequenceItemList":[{"id":"t","actionList":[{"id":"a","__type":"X","paths":[1]}]}]})")
            .find("/flowSequenceItemList/0/actionList/0/paths/0: path is not an object") != std::string::npos);
  CHECK(parse_error(R"({"flowSequenceItemList":[],"manifest":{"commonModuleFlow":{}}})")
            .find("/manifest/commonModuleFlow: is not an array") != std::string::npos);
  CHECK_THROWS_AS(Document::from_json(Json::array(), "j"), DocumentError);
}

TEST_CASE("a type or name that is not a string is an error naming the source, not a flow no rule selects") {
  CHECK(parse_error(R"({"name":"x","type":42,"flowSequenceItemList":[]})", "flows/Odd.json") ==
        "flows/Odd.json: at /type: is not a string (got number); the flow's type (e.g. \"inboundcall\") decides "
        "which rules select it");
  CHECK(parse_error(R"({"type":["inboundcall"],"flowSequenceItemList":[]})")
            .find("at /type: is not a string (got array)") != std::string::npos);
  CHECK(parse_error(R"({"type":null,"flowSequenceItemList":[]})").find("at /type: is not a string (got null)") !=
        std::string::npos);
  CHECK(parse_error(R"({"name":{"en":"x"},"type":"inboundcall","flowSequenceItemList":[]})")
            .find("flows/x.json: at /name: is not a string (got object)") == 0);
  Json odd = GraphBuilder().task("t1", "Main").json();
  odd["type"] = true;
  CHECK_THROWS_WITH_AS(Document::from_json(odd, "flow 'Odd' (o-1)"),
                       doctest::Contains("flow 'Odd' (o-1): at /type: is not a string (got boolean)"), DocumentError);
  // Absent is not wrong here (a source may know the type otherwise); present and a string is the norm.
  CHECK(Document::parse(R"({"flowSequenceItemList":[]})", "bare").type().empty());
  CHECK(Document::parse(R"({"type":"inboundcall","flowSequenceItemList":[]})", "typed").type() == "inboundcall");
}

TEST_CASE("actions and find_actions on the fixture") {
  Document doc = load_fixture();
  auto all = doc.actions();
  REQUIRE(all.size() == 18);
  CHECK(all.front().id == ce::kLookup);
  CHECK(all.front().type == "DataTableLookupAction");
  CHECK(all.front().tracking_id == 11);
  CHECK(all.front().task_id == ce::kTask);
  CHECK(all.front().task_name == "IVR cache example");

  ActionSelector update_data;
  update_data.name = "Update Data";
  CHECK(doc.find_actions(update_data).size() == 6);
  update_data.tracking_id = 18;
  auto found = doc.find_actions(update_data);
  REQUIRE(found.size() == 1);
  CHECK(found[0].id == ce::kUpdate18);
  CHECK(doc.find_actions(selector(std::nullopt, std::nullopt, "DecisionAction")).size() == 5);  // #12 #16 #19 #22 #25
  CHECK(doc.find_actions(selector("Play Audio", std::nullopt, "DecisionAction")).empty());
  CHECK(doc.find_actions({}).size() == all.size());

  auto play = doc.find_action_by_id(ce::kPlayAudio);
  REQUIRE(play);
  CHECK(play->name == "Play Audio");
  CHECK_FALSE(doc.find_action_by_id("nope"));
  CHECK(doc.has_task("IVR cache example"));
  CHECK_FALSE(doc.has_task("Main"));
  CHECK(doc.module_calls().empty());
}

TEST_CASE("positions on the fixture: task start, after an action, branch start") {
  Document doc = load_fixture();
  Position start = doc.position_of(ce::kLookup);
  CHECK(start.kind == Position::Kind::TaskStart);
  CHECK(start.initial_task);
  CHECK(start.task_id == ce::kTask);
  CHECK(start.next_id == ce::kDecision16);
  CHECK(start.describe() == "first in task 'IVR cache example'");

  Position after = doc.position_of(ce::kPlayAudio);
  CHECK(after.kind == Position::Kind::AfterAction);
  CHECK(after.referrer_id == ce::kGoToQueue);
  CHECK(after.referrer_tracking_id == 25);
  CHECK(after.next_id == ce::kDisconnect);
  CHECK(after.describe() == "after 'Go to queue?' (#25)");

  Position branch = doc.position_of(ce::kNeedsUpdate);
  CHECK(branch.kind == Position::Kind::BranchStart);
  CHECK(branch.referrer_id == ce::kLookup);
  CHECK(branch.branch_output_id == "__FOUND__");
  CHECK(branch.branch_label == "Found");
  CHECK(branch.next_id.empty());
  CHECK(branch.describe() == "in branch 'Found' of 'Data Table Lookup' (#11)");

  Position yes = doc.position_of(ce::kDataAction17);
  CHECK(yes.describe() == "in branch 'Yes' of 'Decision' (#16)");
  CHECK_THROWS_AS(doc.position_of("missing"), DocumentError);
}

TEST_CASE("module_calls reads calls, bindings and positions") {
  GraphBuilder b;
  b.task("t1", "Main", "a1")
      .action("t1", "a1", "PlayAudioAction", "Welcome", "c1")
      .call("t1", "c1", "Call Validation", "m-valid", "Validation", "d1", {{"Common.Ani", "Call.Ani"}, {"Common.Dnis", "Call.CalledAddress"}},
            {{"Common.IsValid", "Flow.IsValid"}})
      .decision("t1", "d1", "Valid?", "c2", "")
      .call("t1", "c2", "Call Log", "m-log", "Logging");
  Document doc = b.document();
  REQUIRE(doc.check().empty());
  auto calls = doc.module_calls();
  REQUIRE(calls.size() == 2);
  CHECK(calls[0].action_id == "c1");
  CHECK(calls[0].action_name == "Call Validation");
  CHECK(calls[0].tracking_id == 3);
  CHECK(calls[0].module_id == "m-valid");
  CHECK(calls[0].module_name == "Validation");
  CHECK(calls[0].inputs == Bindings{{"Common.Ani", "Call.Ani"}, {"Common.Dnis", "Call.CalledAddress"}});
  CHECK(calls[0].outputs == Bindings{{"Common.IsValid", "Flow.IsValid"}});
  CHECK(calls[0].position.kind == Position::Kind::AfterAction);
  CHECK(calls[0].position.referrer_id == "a1");
  CHECK(calls[0].position.next_id == "d1");
  CHECK(calls[0].position.describe() == "after 'Welcome' (#2)");
  CHECK(calls[1].position.kind == Position::Kind::BranchStart);
  CHECK(calls[1].position.branch_output_id == "__YES__");
  CHECK(calls[1].position.task_name == "Main");
  CHECK(calls[1].inputs.empty());
}

TEST_CASE("an expression given as a bare string is read as its text") {
  Json json = GraphBuilder().task("t1", "Main", "c1").call("t1", "c1", "Call M", "m", "M").json();
  json["flowSequenceItemList"][0]["actionList"][0]["inputs"] = Json::parse(R"([{"name":"Common.X","value":"Call.Ani"}])");
  CHECK(Document::from_json(json, "bare").module_calls().at(0).inputs == Bindings{{"Common.X", "Call.Ani"}});
}

TEST_CASE("selector descriptions") {
  CHECK(ActionSelector{}.describe() == "any action");
  CHECK(selector("Play Audio").describe() == "action named 'Play Audio'");
  CHECK(selector("Play Audio", 27, "PlayAudioAction").describe() ==
        "action named 'Play Audio' of type PlayAudioAction with trackingId 27");
}

TEST_CASE("fingerprint is the SHA-256 of the compact serialization") {
  Document doc = load_fixture();
  CHECK(doc.fingerprint() == flowlink::util::sha256_hex(doc.serialize()));
  CHECK(doc.fingerprint().size() == 64);
  CHECK(load_fixture().fingerprint() == doc.fingerprint());
  Json changed = doc.json();
  changed["name"] = "Cache Example 2";
  CHECK(Document::from_json(changed, "changed").fingerprint() != doc.fingerprint());
}

TEST_CASE("source_fingerprint is the SHA-256 of the bytes parsed, until an edit") {
  const std::string text = read_text(kFixturePath);
  Document doc = Document::parse(text, kFixturePath);
  CHECK(doc.source_fingerprint() == flowlink::util::sha256_hex(text));
  CHECK(doc.source_fingerprint() == Document::text_fingerprint(text));
  // The fixture is indented: its bytes are not the compact serialization.
  CHECK(doc.source_fingerprint() != doc.fingerprint());
  // Other bytes, same content: another source fingerprint, the same fingerprint.
  const Document compact = Document::parse(doc.serialize(), "compact");
  CHECK(compact.source_fingerprint() != doc.source_fingerprint());
  CHECK(compact.fingerprint() == doc.fingerprint());
  CHECK(Document::from_json(doc.json(), "built").source_fingerprint() == doc.fingerprint());
  // An edited document's bytes are no longer the ones parsed: edits_test.cpp.
}

TEST_CASE("module_interface reads Common.* inputs and outputs wherever they are declared") {
  Json module = Json::parse(R"({
    "name": "Validation", "type": "commonmodule",
    "variables": [
      {"name": "Common.CallerAni", "isInput": true, "isOutput": false},
      {"name": "Flow.Internal", "isInput": true, "isOutput": true},
      {"name": "Common.Both", "isInput": true, "isOutput": true}
    ],
    "flowSequenceItemList": [{"__type": "Task", "id": "t", "name": "Main", "actionList": [],
      "variables": [
        {"name": "Common.IsValid", "isInput": false, "isOutput": true},
        {"name": "Common.CallerAni", "isInput": true},
        {"name": "Common.Neither", "isInput": false, "isOutput": false},
        {"name": "Common.Odd", "isInput": "yes"}
      ]}]
  })");
  ModuleInterface interface = Document::from_json(module, "module").module_interface();
  CHECK(interface.inputs == std::vector<std::string>{"Common.CallerAni", "Common.Both"});
  CHECK(interface.outputs == std::vector<std::string>{"Common.Both", "Common.IsValid"});
}
