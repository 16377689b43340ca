// Flow types to dependency tracking's object types and back: the one mapping
// on flowlink's side (genesys/object_types.hpp).
#include <doctest/doctest.h>

#include "genesys/object_types.hpp"

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
