#pragma once
// One plan with every kind of line, made by the real planner, for the
// renderer and JSON tests.

#include "plan_test_support.hpp"

namespace plantest {

// Flows:
//   Inbound_Support_Main: validation misplaced with stale bindings (update +
//     move), logging missing (add), an Old_Module call (remove).
//   Billing|<Main>: validation twice at the start (duplicate finding), logging
//     missing (add).
//   Quiet: everything in place (unchanged).
//   Unreadable: no document (error).
// Plan-wide: a rule ensures a module that does not exist.
inline flowlink::plan::Plan sample_plan() {
  auto validation = ensure("validation", at_start(), {{"Common.CallerAni", "Call.Ani"}});
  validation.move = true;
  auto state = desired({rule("support", "*", {validation, ensure("logging", at_task("Billing"))}, {"old"}),
                        rule("ghostly", "Nothing*", {ensure("ghost", at_start())})});
  state.modules["ghost"] = {"ghost", "Ghost_Module", std::nullopt, {}};

  std::vector<ObservedFlow> flows;
  flows.push_back(support_flow({call("c-old", 50, kOldId, kOldName)},
                               {call("c-val", 51, kValidationId, kValidationName, {{"Common.CallerAni", "x"}})}));
  flows.push_back(observed("id-billing", "Billing|<Main>", "inboundcall",
                           support_flow_json({call("b-1", 50, kValidationId, kValidationName, {{"Common.CallerAni", "Call.Ani"}}),
                                              call("b-2", 51, kValidationId, kValidationName,
                                                   {{"Common.CallerAni", "Call.Ani"}})})));
  Json quiet = flow_json(
      "Quiet", "inboundcall",
      {TaskSpec{"q-main", "Main",
                {call("q-1", 50, kValidationId, kValidationName, {{"Common.CallerAni", "Call.Ani"}}), action("q-2", "Play", 1)}},
       TaskSpec{"q-billing", "Billing", {call("q-3", 51, kLoggingId, kLoggingName), action("q-4", "Play", 2)}}});
  flows.push_back(observed("id-quiet", "Quiet", "inboundcall", quiet));
  ObservedFlow unreadable;
  unreadable.id = "id-unreadable";
  unreadable.name = "Unreadable";
  unreadable.type = "inboundcall";
  unreadable.load_error = "not base64";
  flows.push_back(unreadable);
  return flowlink::plan::make_plan(state, with_modules(flows), options());
}

}  // namespace plantest
