#pragma once
// The emulator's own soundness check of a flow configuration document, the
// judge of what POST /api/v2/flows/{id}/versions accepts.
//
// Deliberately a second implementation: written from
// shared/reference/flow-configuration.md alone, it shares no code with
// flowlink's document engine (src/flowdoc), so a flowdoc bug that produces an
// unsound document is refused here instead of being approved by itself.
// (The act-as "remove-call" control still EDITS with flowdoc, as a UI user
// would; what it saves is judged here like anything else.)
//
// What it checks, when the document has a flowSequenceItemList:
//   - initialSequence is present and names a task, menu or state of the list;
//   - every task/menu/state and every action has a non-empty string id, and
//     ids are unique across them all; every action has a __type and a name;
//   - trackingIds are integers, unique, and below nextTrackingNumber (when
//     that is given); every action has one;
//   - every link resolves: a task's startAction, an action's nextAction and
//     its paths' nextActionId name an action of the same actionList, and an
//     action's targetTaskId (a JumpToTaskAction's) names a task/menu/state;
//   - every action has exactly one referrer (the startAction, a nextAction or
//     a nextActionId) and is reached from its task's startAction;
//   - a CallCommonModuleAction has a flowId, a flowName, inputs and outputs
//     arrays of {name, value}, and is listed, once, under its flowId in
//     manifest.commonModuleFlow[].context[]; that list names no other action.
//
// ---------------------------------------------------------------------------
// ASSUMPTION (unconfirmed): "400 on an unsound graph"
// ---------------------------------------------------------------------------
// Nothing in Genesys's documentation says that saving a version validates
// the action graph. The emulator assumes it does, and refuses an unsound
// document at save time with 400, code "bad.request", one detail whose
// errorCode is "flow.configuration.invalid", fieldName and entityId naming the
// offending action or task (or a JSON pointer such as "/initialSequence"),
// and a message naming the problem (errors::invalid_configuration). Real
// Genesys might accept such a document and fail later (check-in, publish),
// or answer with another status or code. Likewise assumed, not confirmed:
//   - a document without flowSequenceItemList is not a graph and passes;
//   - the CallCommonModuleAction and manifest keys above (the reference's
//     "Calling a common module (assumed)");
//   - JumpToTaskAction.targetTaskId, read off the example org's documents.
// flowlink's own behaviour does not depend on any of this: it checks its
// documents itself before saving. This is the one place that states the
// assumption; README ("The emulator") points here.
// ---------------------------------------------------------------------------

#include <string>
#include <string_view>
#include <vector>

#include "emulator/http_types.hpp"

namespace flowlink::emulator {

// The emulator's own reading of the CallCommonModuleAction shape (the
// reference's "Calling a common module (assumed)"), for this check and for
// the facts it records of a saved document (document_facts.cpp). Not
// flowlink's flowdoc/call_shape.hpp, on purpose: the judge reads the
// reference for itself.
namespace call_shape {
inline constexpr const char* kActionType = "__type";
inline constexpr const char* kCallType = "CallCommonModuleAction";
inline constexpr const char* kModuleId = "flowId";
inline constexpr const char* kModuleName = "flowName";
inline constexpr const char* kManifest = "manifest";
inline constexpr const char* kManifestModules = "commonModuleFlow";
inline constexpr const char* kManifestContext = "context";
}  // namespace call_shape

struct DocumentProblem {
  std::string where;    // the id of the action or task concerned, or a JSON pointer ("/initialSequence")
  std::string message;  // what is wrong, naming the link or key
};

// Every problem found, in document order (empty: sound). Never throws for
// any JSON value; reads a fixed depth, so a deeply nested document costs
// nothing extra here.
std::vector<DocumentProblem> document_problems(const Json& document);

// Throws ApiFailure 400 (errors::invalid_configuration) naming the first
// problem and how many more there are.
void require_sound_document(const Json& document, std::string_view flow_id);

}  // namespace flowlink::emulator
