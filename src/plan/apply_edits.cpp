// Executes a flow's planned edits on a document, in the planned order (removes,
// updates, then moves and adds; see FlowPlanner::plan for why that order keeps
// every recorded anchor valid).
#include <stdexcept>

#include <fmt/format.h>

#include "plan/planner.hpp"

namespace flowlink::plan {

void apply_edits(flowdoc::Document& document, const FlowPlan& flow_plan, const flowdoc::IdSource& ids) {
  if (!flow_plan.errors.empty())
    throw std::invalid_argument(fmt::format("flow '{}' ({}) has planning errors and cannot be edited: {}",
                                            flow_plan.flow_name, flow_plan.flow_id, flow_plan.errors.front()));
  for (const auto& edit : flow_plan.edits) {
    switch (edit.kind) {
      case Edit::Kind::RemoveCall: document.remove_call(edit.action_id); break;
      case Edit::Kind::UpdateCall: document.update_call(edit.action_id, edit.inputs, edit.outputs); break;
      case Edit::Kind::MoveCall: document.move_call(edit.action_id, edit.insertion); break;
      case Edit::Kind::AddCall: {
        flowdoc::CallSpec call;
        call.module_id = edit.module_id;
        call.module_name = edit.module_name;
        call.action_name = edit.action_name;
        call.inputs = edit.inputs;
        call.outputs = edit.outputs;
        document.insert_call(call, edit.insertion, ids);
        break;
      }
    }
  }
}

}  // namespace flowlink::plan
