#pragma once
// `flowlink drift`: exit 2 when live flows differ from the manifests.

#include <ostream>
#include <string>
#include <vector>

#include "cli/plan_command.hpp"

namespace flowlink::cli {

// 1 on any error, 2 when any flow drifted as `check` judges (plan::drifted), else 0.
int drift_exit_code(const PlanOutcome& outcome, plan::DriftCheck check = plan::DriftCheck::Published);
// The names of the flows that differ, in plan order.
std::vector<std::string> drifted_flows(const plan::Plan& plan, plan::DriftCheck check = plan::DriftCheck::Published);

int run_drift(const PlanCommandOptions& options, std::ostream& out, std::ostream& err);

}  // namespace flowlink::cli
