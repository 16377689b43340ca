// Flow documents (src/flowdoc): bytes -> Document::parse (or an Architect
// export decoded first) -> check -> every edit flowlink makes -> check again.
// A document that cannot be read or edited must be refused with a
// DocumentError; an edit that would leave the document unsound is a flowlink
// bug (its message says so) and traps, as does an insert followed by a
// remove that does not give back the parsed document. The planning view
// (Document::parse_for_planning) must read every input as parse does: the
// same error, or the same names, calls, positions, actions and problems; a
// difference traps.
#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "flowdoc/document.hpp"

namespace {

using namespace flowlink::flowdoc;

void trap_on_bug(const DocumentError& error) {
  if (std::string_view(error.what()).find("a flowlink bug") != std::string_view::npos) __builtin_trap();
}

std::optional<Document> read(std::string_view text) {
  try {
    return Document::parse(text, "fuzz.json");
  } catch (const DocumentError&) {
  }
  try {
    return Document::parse(decode_architect_export(text, "fuzz.i3InboundFlow"), "fuzz.i3InboundFlow");
  } catch (const DocumentError&) {
  }
  return std::nullopt;
}

Json without_tracking_number(Json json) {
  json.erase("nextTrackingNumber");
  return json;
}

// Insert then remove gives back the parsed document, nextTrackingNumber aside.
void insert_then_remove(const Document& original, const InsertionPoint& where) {
  Document doc = original;
  CallSpec call{"fuzz-module-id", "Fuzz Module", "", {{"Common.In", "Call.Ani"}}, {{"Common.Out", "Flow.Out"}}};
  try {
    const std::string id = doc.insert_call(call, where, sequential_id_source("ffffffff-0000-4000-8000-"));
    if (!doc.check().empty()) __builtin_trap();
    doc.remove_call(id);
  } catch (const DocumentError& error) {
    trap_on_bug(error);
    return;
  }
  if (without_tracking_number(doc.json()) != without_tracking_number(original.json())) __builtin_trap();
}

void edit_existing_calls(const Document& original) {
  const auto actions = original.actions();
  const auto calls = original.module_calls();
  for (std::size_t i = 0; i < calls.size() && i < 3; ++i) {
    const ModuleCall& call = calls[i];
    Document doc = original;
    try {
      doc.update_call(call.action_id, call.outputs, call.inputs);
      if (!doc.check().empty()) __builtin_trap();
      if (!actions.empty()) {
        doc.move_call(call.action_id, InsertionPoint{InsertionPoint::Kind::AfterAction, "", actions.front().id});
        if (!doc.check().empty()) __builtin_trap();
      }
      doc.remove_call(call.action_id);
      if (!doc.check().empty()) __builtin_trap();
    } catch (const DocumentError& error) {
      trap_on_bug(error);
    }
  }
}

// Everything planning reads of a document, as one text; or the error.
std::string planning_reads(std::string_view text, bool view) {
  try {
    const Document doc = view ? Document::parse_for_planning(text, "fuzz.json") : Document::parse(text, "fuzz.json");
    std::string out = doc.name() + "|" + doc.type() + "|" + doc.source_fingerprint() + "\n";
    for (const Problem& problem : doc.check()) out += problem.where + ": " + problem.message + "\n";
    for (const ModuleCall& call : doc.module_calls()) {
      out += call.action_id + "|" + call.action_name + "|" + std::to_string(call.tracking_id) + "|" + call.module_id +
             "|" + call.module_name + "|" + call.position.describe() + "|" + call.position.next_id + "\n";
      for (const auto& [name, value] : call.inputs) out += " in " + name + "=" + value + "\n";
      for (const auto& [name, value] : call.outputs) out += " out " + name + "=" + value + "\n";
    }
    for (const ActionInfo& action : doc.actions())
      out += action.id + "|" + action.name + "|" + action.type + "|" + std::to_string(action.tracking_id) + "|" +
             action.task_id + "|" + action.task_name + "\n";
    return out;
  } catch (const DocumentError& error) {
    return std::string("error: ") + error.what();
  }
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string_view text(reinterpret_cast<const char*>(data), size);
  if (planning_reads(text, true) != planning_reads(text, false)) __builtin_trap();
  std::optional<Document> doc = read(text);
  if (!doc) return 0;
  doc->name();
  doc->type();
  doc->fingerprint();
  doc->module_interface();
  const auto problems = doc->check();
  const auto actions = doc->actions();
  for (const ModuleCall& call : doc->module_calls()) call.position.describe();
  if (!problems.empty()) return 0;

  // One kind of edit per input (documents are large: every edit copies and
  // checks the whole of it), chosen by the input's size.
  switch (size % 5) {
    case 0: insert_then_remove(*doc, InsertionPoint{}); break;
    case 1: edit_existing_calls(*doc); break;
    default:
      if (actions.empty()) break;
      const ActionInfo& anchor = actions[size % actions.size()];
      if (size % 5 == 2) insert_then_remove(*doc, InsertionPoint{InsertionPoint::Kind::AfterAction, "", anchor.id});
      if (size % 5 == 3) insert_then_remove(*doc, InsertionPoint{InsertionPoint::Kind::BeforeAction, "", anchor.id});
      if (size % 5 == 4) insert_then_remove(*doc, InsertionPoint{InsertionPoint::Kind::TaskStart, anchor.task_name, ""});
  }
  // What a plan writes back must read again.
  Document::parse(doc->serialize(), "fuzz.json");
  return 0;
}
