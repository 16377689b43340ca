// Document::parse_for_planning against Document::parse: every reader gives
// the same answer and every bad text the same error, whichever way the text
// was taken; the view refuses what it cannot do.
#include <doctest/doctest.h>

#include <filesystem>
#include <stdexcept>
#include <string>

#include <fmt/format.h>

#include "flowdoc/document.hpp"
#include "flowdoc/fixture.hpp"
#include "flowdoc/outline.hpp"
#include "flowdoc/planning_view.hpp"
#include "util/json_depth.hpp"

namespace {

using flowlink::flowdoc::Document;
using flowlink::flowdoc::DocumentError;
using flowlink::flowdoc::Position;
using flowdoc_test::first_difference;
using flowdoc_test::read_text;

std::string describe(const Position& p) {
  return fmt::format("{}|{}|{}|{}|{}|{}|{}|{}|{}|{}|{}", static_cast<int>(p.kind), p.task_id, p.task_name,
                     p.initial_task, p.referrer_id, p.referrer_name, p.referrer_tracking_id, p.branch_output_id,
                     p.branch_label, p.next_id, p.describe());
}

// Everything a reader of the document can learn, as one text.
std::string everything_read(const Document& doc) {
  std::string out = fmt::format("name={} type={} fingerprint={}\n", doc.name(), doc.type(), doc.source_fingerprint());
  for (const auto& problem : doc.check()) out += fmt::format("problem {}: {}\n", problem.where, problem.message);
  for (const auto& call : doc.module_calls()) {
    out += fmt::format("call {} '{}' #{} module {} '{}' at {}\n", call.action_id, call.action_name, call.tracking_id,
                       call.module_id, call.module_name, describe(call.position));
    for (const auto& [name, value] : call.inputs) out += fmt::format("  in {}={}\n", name, value);
    for (const auto& [name, value] : call.outputs) out += fmt::format("  out {}={}\n", name, value);
  }
  for (const auto& action : doc.actions()) {
    out += fmt::format("action {} '{}' {} #{} in {} '{}' task={}\n", action.id, action.name, action.type,
                       action.tracking_id, action.task_id, action.task_name, doc.has_task(action.task_name));
    if (doc.check().empty()) out += "  " + describe(doc.position_of(action.id)) + "\n";
  }
  const auto outline = flowlink::flowdoc::outline(doc);
  for (const auto& sequence : outline.sequences)
    out += fmt::format("sequence {} '{}' {} initial={} actions={}\n", sequence.id, sequence.name, sequence.type,
                       sequence.initial, sequence.actions.size());
  return out;
}

// What parse makes of the text: everything read, or its error.
std::string outcome(const std::string& text, bool view) {
  try {
    const Document doc = view ? Document::parse_for_planning(text, "flow 'X'") : Document::parse(text, "flow 'X'");
    return everything_read(doc);
  } catch (const DocumentError& e) {
    return std::string("error: ") + e.what();
  }
}

void require_same_outcome(const std::string& text) {
  const std::string whole = outcome(text, false);
  const std::string view = outcome(text, true);
  INFO(text.substr(0, 300));
  CHECK_MESSAGE(first_difference(view, whole).empty(), first_difference(view, whole));
}

// A small sound flow: one task, a play, a module call, a decision with a branch.
const std::string kSmall = R"({
  "name": "Main Line", "type": "inboundcall", "initialSequence": "t1", "nextTrackingNumber": 9,
  "description": "dropped by the view", "uiMetaData": {"x": [1, 2, {"y": "z"}]},
  "manifest": {"prompt": [{"id": "p1"}], "commonModuleFlow": [{"id": "m1", "context": [{"id": "c1"}]}]},
  "flowSequenceItemList": [
    {"__type": "Task", "id": "t1", "name": "Main", "trackingId": 1, "startAction": "a1", "variables": [1],
     "actionList": [
       {"__type": "PlayAudioAction", "id": "a1", "name": "Welcome", "trackingId": 2, "nextAction": "c1",
        "prompt": {"text": "Hello \u00e9 \ud83d\ude00"}},
       {"__type": "CallCommonModuleAction", "id": "c1", "name": "Call Closure", "trackingId": 3, "nextAction": "d1",
        "flowId": "m1", "flowName": "Closure", "inputs": [{"name": "Common.Ani", "value": {"text": "Call.Ani"}}],
        "outputs": [], "extra": {"kept": true}},
       {"__type": "DecisionAction", "id": "d1", "name": "Open?", "trackingId": 4,
        "condition": {"text": "true"},
        "paths": [{"outputId": "__YES__", "label": "Yes", "nextActionId": "a2"}, {"outputId": "__NO__", "label": "No"}]},
       {"__type": "DisconnectAction", "id": "a2", "name": "Bye", "trackingId": 5}
     ]},
    {"__type": "Menu", "id": "menu1", "name": "Main Menu", "trackingId": 6}
  ]
})";

std::string with(std::string text, const std::string& from, const std::string& to) {
  const auto at = text.find(from);
  REQUIRE(at != std::string::npos);
  return text.replace(at, from.size(), to);
}

}  // namespace

TEST_CASE("the planning view reads the real Architect flow as the whole parse does, from a fraction of it") {
  const std::string text = read_text(flowdoc_test::kFixturePath);
  const Document view = Document::parse_for_planning(text, "fixture");
  CHECK(view.is_planning_view());
  CHECK_FALSE(Document::parse(text, "fixture").is_planning_view());
  // A view that kept everything would be no faster than the whole parse.
  CHECK(view.json().dump().size() * 4 < text.size());
  require_same_outcome(text);
}

TEST_CASE("the planning view agrees with the whole parse on every example flow file") {
  int compared = 0;
  for (const auto& entry : std::filesystem::directory_iterator(FLOWLINK_SOURCE_DIR "/examples/org")) {
    const std::string name = entry.path().filename().string();
    std::string text = read_text(entry.path().string());
    if (flowlink::flowdoc::is_architect_export_name(name)) {
      text = flowlink::flowdoc::decode_architect_export(text, name);
    } else if (entry.path().extension() != ".json" || name == "org.json") {
      continue;
    }
    INFO(name);
    require_same_outcome(text);
    ++compared;
  }
  CHECK(compared >= 10);
}

TEST_CASE("the planning view keeps structure, links and module calls and drops the rest") {
  const Document view = Document::parse_for_planning(kSmall, "small");
  REQUIRE(view.is_planning_view());
  const auto& json = view.json();
  CHECK_FALSE(json.contains("description"));
  CHECK_FALSE(json.contains("uiMetaData"));
  CHECK(json["manifest"].size() == 1);  // commonModuleFlow only
  const auto& task = json["flowSequenceItemList"][0];
  CHECK_FALSE(task.contains("variables"));
  CHECK_FALSE(task["actionList"][0].contains("prompt"));
  CHECK_FALSE(task["actionList"][2].contains("condition"));
  CHECK(task["actionList"][2]["paths"].size() == 2);
  CHECK(task["actionList"][1]["extra"]["kept"] == true);  // a module call is kept whole
  require_same_outcome(kSmall);
}

TEST_CASE("the planning view gives the whole parse's answer or error on odd and broken texts") {
  const std::vector<std::string> texts = {
      kSmall,
      "",
      "   ",
      "nope",
      "[]",
      "\"a string\"",
      "{}",
      "\xEF\xBB\xBF" + kSmall,                                // a byte-order mark
      kSmall + " x",                                          // trailing garbage
      kSmall.substr(0, kSmall.size() / 2),                    // truncated
      with(kSmall, "\"Main Line\"", "\"Main \\ud800 Line\""), // a lone surrogate
      with(kSmall, "\"Main Line\"", "\"Main \xC3\x28 Line\""),  // invalid UTF-8
      with(kSmall, "\"Main Line\"", "\"Main \x01 Line\""),    // a control character
      with(kSmall, "\"Main Line\"", "17"),                    // name not a string
      with(kSmall, "\"type\": \"inboundcall\"", "\"type\": [\"inboundcall\"]"),
      with(kSmall, "\"trackingId\": 2,", "\"trackingId\": -0,"),
      with(kSmall, "\"trackingId\": 2,", "\"trackingId\": 2.0,"),
      with(kSmall, "\"trackingId\": 2,", "\"trackingId\": 2e0,"),
      with(kSmall, "\"trackingId\": 2,", "\"trackingId\": -2,"),
      with(kSmall, "\"trackingId\": 2,", "\"trackingId\": 100000000000000000000,"),  // beyond 64 bits
      with(kSmall, "\"trackingId\": 2,", "\"trackingId\": 18446744073709551615,"),
      with(kSmall, "\"trackingId\": 2,", "\"trackingId\": 1e400,"),
      with(kSmall, "\"trackingId\": 2,", "\"trackingId\": \"2\","),
      with(kSmall, "\"nextTrackingNumber\": 9", "\"nextTrackingNumber\": 3"),
      with(kSmall, "\"nextTrackingNumber\": 9", "\"nextTrackingNumber\": 9, \"nextTrackingNumber\": 4"),
      // Keys given twice: the last value counts, at the first key's place.
      with(kSmall, "\"id\": \"a2\",", "\"id\": \"zz\", \"id\": \"a2\","),
      with(kSmall, "\"__type\": \"PlayAudioAction\",", "\"__type\": \"CallCommonModuleAction\", \"__type\": \"PlayAudioAction\","),
      with(kSmall, "\"__type\": \"PlayAudioAction\",", "\"__type\": \"PlayAudioAction\", \"__type\": \"CallCommonModuleAction\", \"flowId\": \"m1\","),
      with(kSmall, "\"flowSequenceItemList\": [", "\"flowSequenceItemList\": 5, \"flowSequenceItemList\": ["),
      with(kSmall, "\"manifest\": {", "\"manifest\": 3, \"manifest\": {"),
      with(kSmall, "\"manifest\": {", "\"manifest\": {\"commonModuleFlow\": 1}, \"manifest\": {"),
      with(kSmall, "\"commonModuleFlow\": [", "\"commonModuleFlow\": 7, \"x\": ["),
      with(kSmall, "\"manifest\": {\"prompt\"", "\"manifest\": [], \"m\": {\"prompt\""),
      with(kSmall, "\"actionList\": [", "\"actionList\": {}, \"a\": ["),
      with(kSmall, "{\"__type\": \"Menu\"", "7, {\"__type\": \"Menu\""),
      with(kSmall, "\"startAction\": \"a1\"", "\"startAction\": {\"id\": \"a1\"}"),
      with(kSmall, "\"nextAction\": \"c1\"", "\"nextAction\": 12"),
      with(kSmall, "\"nextAction\": \"c1\"", "\"nextAction\": \"nowhere\""),
      with(kSmall, "\"paths\": [", "\"paths\": 3, \"p\": ["),
      with(kSmall, "{\"outputId\": \"__NO__\"", "[], {\"outputId\": \"__NO__\""),
      with(kSmall, "{\"__type\": \"DisconnectAction\"", "null, {\"__type\": \"DisconnectAction\""),
      with(kSmall, "\"initialSequence\": \"t1\"", "\"initialSequence\": \"menu1\""),
      with(kSmall, "\"initialSequence\": \"t1\"", "\"initialSequence\": null"),
      with(kSmall, "\"flowId\": \"m1\",", ""),
      with(kSmall, "\"name\": \"Common.Ani\"", "\"name\": \"Common.Ani\", \"name\": \"Common.Dnis\""),
      with(kSmall, "\"Welcome\"", "\"We\\u006ccome \\\"quoted\\\" \\\\ \\u0000\""),
      with(kSmall, "\"trackingId\": 5", "\"trackingId\": 4"),
      with(kSmall, "\"id\": \"a2\"", "\"id\": \"a1\""),
  };
  for (const auto& text : texts) require_same_outcome(text);
}

TEST_CASE("the planning view refuses nesting past the bound exactly where the whole parse does") {
  auto nested = [](std::size_t depth) {
    std::string deep(depth - 2, '[');
    deep += std::string(depth - 2, ']');
    return with(kSmall, "\"x\": [1, 2, {\"y\": \"z\"}]", "\"x\": " + deep);
  };
  // Depth 512 in all (the document object, uiMetaData, then the arrays) is
  // accepted; one more is refused, with parse's message.
  require_same_outcome(nested(flowlink::util::kMaxJsonDepth));
  require_same_outcome(nested(flowlink::util::kMaxJsonDepth + 1));
  CHECK(outcome(nested(flowlink::util::kMaxJsonDepth), true).rfind("error", 0) != 0);
  CHECK(outcome(nested(flowlink::util::kMaxJsonDepth + 1), true).find("nested deeper than") != std::string::npos);
  CHECK(outcome(nested(100000), true).find("nested deeper than") != std::string::npos);
}

TEST_CASE("a planning view cannot be edited, serialized, fingerprinted by content or read as a module") {
  Document view = Document::parse_for_planning(kSmall, "flow 'Main Line'");
  REQUIRE(view.is_planning_view());
  CHECK_THROWS_AS(view.serialize(), std::logic_error);
  CHECK_THROWS_AS(view.fingerprint(), std::logic_error);
  CHECK_THROWS_AS(view.module_interface(), std::logic_error);
  CHECK_THROWS_AS(view.remove_call("c1"), std::logic_error);
  CHECK_THROWS_AS(view.update_call("c1", {}, {}), std::logic_error);
  flowlink::flowdoc::CallSpec spec{"m1", "Closure", "", {}, {}};
  CHECK_THROWS_AS(view.insert_call(spec, {}, flowlink::flowdoc::sequential_id_source()), std::logic_error);
  CHECK_THROWS_AS(view.move_call("c1", {}), std::logic_error);
  // The fingerprint of the bytes read is the same either way.
  CHECK(view.source_fingerprint() == Document::parse(kSmall, "x").source_fingerprint());
  CHECK(view.source_fingerprint() == Document::text_fingerprint(kSmall));
}

TEST_CASE("a text above the per-thread buffer's size still gets a view, with its own buffer") {
  const std::string large = with(kSmall, "\"description\": \"dropped by the view\"",
                                 "\"description\": \"" + std::string(flowlink::flowdoc::detail::kMaxRetainedText, 'x') + "\"");
  CHECK(Document::parse_for_planning(large, "large").is_planning_view());
  require_same_outcome(large);
  CHECK(Document::parse_for_planning(kSmall, "small after large").is_planning_view());
}

TEST_CASE("texts above the view's size bound are parsed whole") {
  std::string big = with(kSmall, "\"description\": \"dropped by the view\"",
                         "\"description\": \"" + std::string(flowlink::flowdoc::detail::kMaxPlanningViewText, 'x') + "\"");
  const Document doc = Document::parse_for_planning(big, "big");
  CHECK_FALSE(doc.is_planning_view());
  CHECK(doc.json().contains("description"));
}
