#pragma once
// Genesys Cloud's vocabulary, as flowlink's own code speaks it: the one place
// for the names of flow types, object types, Architect export extensions,
// operations and their states, and dependency-tracking terms
// (shared/reference/genesys-api.md). Header-only, no cpprestsdk: every layer
// uses it (manifest, plan, source, apply, genesys).
//
// Flow types are kept lowercase, as queries and manifests write them
// (`type=inboundcall`); the API answers them UPPERCASE (`"type":
// "INBOUNDCALL"`), which genesys/model_json.cpp lowers on the way in.
//
// The emulator is the independent judge of what flowlink sends: it keeps its
// own copies of the facts it judges documents and requests by
// (src/emulator/model.cpp), so that a wrong fact here cannot make both sides
// agree on it.

#include <array>
#include <string>
#include <string_view>
#include <utility>

#include "util/ascii.hpp"

namespace flowlink::genesys {

// --- flow types (GET /api/v2/flows?type=, lowercase) -------------------------

namespace flow_type {
inline constexpr const char* kCommonModule = "commonmodule";
inline constexpr const char* kInboundCall = "inboundcall";
inline constexpr const char* kWorkflow = "workflow";
}  // namespace flow_type

// Every flow type the listing knows, common modules included.
inline constexpr std::array<const char*, 20> kFlowTypes = {
    "inboundcall",  "inboundchat",  "inboundemail", "inboundshortmessage", "inqueuecall",
    "inqueueemail", "inqueueshortmessage", "outboundcall", "commonmodule", "bot",
    "digitalbot",   "emailsend",    "speech",       "securecall",          "surveyinvite",
    "voice",        "voicemail",    "voicesurvey",  "workflow",            "workitem"};

// Whether `type` (lowercase) is a common module.
inline bool is_common_module(std::string_view type) { return type == flow_type::kCommonModule; }

// The same, in any case ("COMMONMODULE" as the API answers it).
inline bool is_common_module_any_case(std::string_view type) {
  return util::ascii_iequals(type, flow_type::kCommonModule);
}

// --- Architect export files (*.i3InboundFlow, ...) ---------------------------

// Architect's export extensions for the flow types flowlink meets.
inline constexpr std::array<std::pair<const char*, const char*>, 14> kExportExtensions = {{
    {".i3InboundFlow", "inboundcall"},
    {".i3InboundChatFlow", "inboundchat"},
    {".i3InboundShortMessageFlow", "inboundshortmessage"},
    {".i3InboundEmailFlow", "inboundemail"},
    {".i3InQueueCallFlow", "inqueuecall"},
    {".i3InQueueEmailFlow", "inqueueemail"},
    {".i3InQueueShortMessageFlow", "inqueueshortmessage"},
    {".i3OutboundFlow", "outboundcall"},
    {".i3SecureCallFlow", "securecall"},
    {".i3CommonModule", "commonmodule"},
    {".i3BotFlow", "bot"},
    {".i3DigitalBotFlow", "digitalbot"},
    {".i3SurveyInviteFlow", "surveyinvite"},
    {".i3WorkflowFlow", "workflow"},
}};

// --- dependency tracking: object types ---------------------------------------
// Dependency tracking names objects by "object type", not flow type
// (objectType, resourceType and Dependency.type): <FLOWTYPE>FLOW
// (COMMONMODULE -> COMMONMODULEFLOW, INBOUNDCALL -> INBOUNDCALLFLOW, ...),
// except WORKFLOW, which stays WORKFLOW.

inline constexpr const char* kCommonModuleObjectType = "COMMONMODULEFLOW";

// The object type of a flow type, in any case ("inboundcall" or
// "INBOUNDCALL" -> "INBOUNDCALLFLOW"); "" for "".
inline std::string object_type_of_flow(std::string_view flow_type) {
  if (flow_type.empty()) return {};
  const std::string upper = util::ascii_upper(flow_type);
  if (upper == "WORKFLOW") return upper;
  return upper + "FLOW";
}

// The flow type (lowercase) an object type stands for: the inverse of
// object_type_of_flow ("INBOUNDCALLFLOW" -> "inboundcall", "WORKFLOW" ->
// "workflow"); "" when it does not end in FLOW (not a flow). Used only to
// label a consumer the flow listing did not show.
inline std::string flow_type_of_object(std::string_view object_type) {
  const std::string upper = util::ascii_upper(object_type);
  if (upper == "WORKFLOW") return flow_type::kWorkflow;
  constexpr std::string_view kSuffix = "FLOW";
  if (upper.size() <= kSuffix.size() || !std::string_view(upper).ends_with(kSuffix)) return {};
  return util::ascii_lower(std::string_view(upper).substr(0, upper.size() - kSuffix.size()));
}

// consumingresources?flowFilter=: which version of the consumers counts.
namespace flow_filter {
inline constexpr const char* kPublished = "published";
inline constexpr const char* kCheckedIn = "checkedIn";
}  // namespace flow_filter

// GET .../dependencytracking/build {status}: answers are trustworthy only
// while the index is OPERATIONAL.
inline constexpr const char* kIndexOperational = "OPERATIONAL";

// --- operations (Flow.currentOperation) --------------------------------------

namespace operation {
// actionName
inline constexpr const char* kCheckin = "CHECKIN";
inline constexpr const char* kPublish = "PUBLISH";
// actionStatus
inline constexpr const char* kSuccess = "SUCCESS";
inline constexpr const char* kFailure = "FAILURE";
}  // namespace operation

}  // namespace flowlink::genesys
