// The Genesys vocabulary (genesys/vocabulary.hpp): flow types to dependency
// tracking's object types and back, the flow types rules may target, and
// Architect's export extensions.
#include <doctest/doctest.h>

#include <algorithm>
#include <set>
#include <string>

#include "genesys/vocabulary.hpp"
#include "manifest/rule_reader.hpp"

using flowlink::genesys::flow_type_of_object;
using flowlink::genesys::object_type_of_flow;

TEST_CASE("object_type_of_flow: <TYPE>FLOW, except WORKFLOW; any case in") {
  CHECK(object_type_of_flow("commonmodule") == "COMMONMODULEFLOW");
  CHECK(object_type_of_flow("COMMONMODULE") == flowlink::genesys::kCommonModuleObjectType);
  CHECK(object_type_of_flow("inboundcall") == "INBOUNDCALLFLOW");
  CHECK(object_type_of_flow("InboundChat") == "INBOUNDCHATFLOW");
  CHECK(object_type_of_flow("inqueuecall") == "INQUEUECALLFLOW");
  CHECK(object_type_of_flow("workitem") == "WORKITEMFLOW");
  CHECK(object_type_of_flow("workflow") == "WORKFLOW");
  CHECK(object_type_of_flow("") == "");
}

TEST_CASE("flow_type_of_object inverts it; non-flow objects give nothing") {
  for (const char* type : {"commonmodule", "inboundcall", "inboundshortmessage", "inqueuecall", "workflow", "workitem",
                           "bot", "digitalbot"}) {
    CAPTURE(type);
    CHECK(flow_type_of_object(object_type_of_flow(type)) == type);
  }
  CHECK(flow_type_of_object("QUEUE") == "");
  CHECK(flow_type_of_object("FLOW") == "");
  CHECK(flow_type_of_object("inboundcallflow") == "inboundcall");
}

TEST_CASE("rules may target every flow type but common modules") {
  const auto& targets = flowlink::manifest::detail::target_flow_types();
  CHECK(targets.size() == flowlink::genesys::kFlowTypes.size() - 1);
  CHECK(std::find(targets.begin(), targets.end(), "commonmodule") == targets.end());
  CHECK(std::find(targets.begin(), targets.end(), "inboundcall") != targets.end());
  CHECK(std::find(targets.begin(), targets.end(), "workitem") != targets.end());
  CHECK(flowlink::genesys::is_common_module("commonmodule"));
  CHECK_FALSE(flowlink::genesys::is_common_module("COMMONMODULE"));  // stored lowercase: exact
  CHECK(flowlink::genesys::is_common_module_any_case("COMMONMODULE"));
}

TEST_CASE("every export extension names a known flow type, each once") {
  std::set<std::string> known(flowlink::genesys::kFlowTypes.begin(), flowlink::genesys::kFlowTypes.end());
  std::set<std::string> extensions;
  for (const auto& [extension, type] : flowlink::genesys::kExportExtensions) {
    CAPTURE(extension);
    CHECK(known.count(type) == 1);
    CHECK(extensions.insert(extension).second);
  }
}
