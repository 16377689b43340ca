#pragma once
// Dependency tracking names objects by "object type", not flow type
// (GET /api/v2/architect/dependencytracking/...: objectType, resourceType and
// Dependency.type). flowlink's one mapping between the two lives here; the
// emulator keeps its own (src/emulator/model.cpp) so that it stays an
// independent judge.
//
// Flows: <FLOWTYPE>FLOW (COMMONMODULE -> COMMONMODULEFLOW, INBOUNDCALL ->
// INBOUNDCALLFLOW, INQUEUECALL -> INQUEUECALLFLOW, WORKITEM -> WORKITEMFLOW,
// ...), except WORKFLOW, which stays WORKFLOW (shared/reference/genesys-api.md,
// "Dependency tracking").

#include <string>
#include <string_view>

#include "util/ascii.hpp"

namespace flowlink::genesys {

// The object type of common modules.
inline constexpr const char* kCommonModuleObjectType = "COMMONMODULEFLOW";

// The dependency-tracking object type of a flow type, in any case
// ("inboundcall" or "INBOUNDCALL" -> "INBOUNDCALLFLOW"); "" for "".
inline std::string object_type_of_flow(std::string_view flow_type) {
  if (flow_type.empty()) return {};
  const std::string upper = util::ascii_upper(flow_type);
  if (upper == "WORKFLOW") return upper;
  return upper + "FLOW";
}

// The flow type (lowercase, as flowlink stores it) an object type stands
// for: the inverse of object_type_of_flow ("INBOUNDCALLFLOW" ->
// "inboundcall", "WORKFLOW" -> "workflow"); "" when it does not end in FLOW
// (not a flow). Used only to label a consumer the flow listing did not show.
inline std::string flow_type_of_object(std::string_view object_type) {
  const std::string upper = util::ascii_upper(object_type);
  if (upper == "WORKFLOW") return "workflow";
  constexpr std::string_view kSuffix = "FLOW";
  if (upper.size() <= kSuffix.size() || !std::string_view(upper).ends_with(kSuffix)) return {};
  return util::ascii_lower(std::string_view(upper).substr(0, upper.size() - kSuffix.size()));
}

}  // namespace flowlink::genesys
