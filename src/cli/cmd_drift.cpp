// `flowlink drift`: the scheduled check. The same read and plan as `plan`,
// but any difference (a change to make, or a misplaced/duplicate call that is
// only reported) exits 2, so a nightly job fails loudly when flows drift.
#include <memory>

#include <fmt/format.h>
#include <fmt/ranges.h>

#include "cli/commands.hpp"
#include "cli/drift_command.hpp"
#include "cli/output.hpp"
#include "cli/validate_command.hpp"
#include "plan/planner.hpp"
#include "plan/render.hpp"

namespace flowlink::cli {

int drift_exit_code(const plan::Plan& plan) {
  if (plan_has_errors(plan)) return kExitError;
  return plan.has_drift() ? kExitChanges : kExitOk;
}

std::vector<std::string> drifted_flows(const plan::Plan& plan) {
  std::vector<std::string> names;
  for (const auto& flow : plan.flows) {
    const auto status = flow.status();
    if (status == plan::FlowPlan::Status::Change || status == plan::FlowPlan::Status::Drift) {
      names.push_back(flow.flow_name);
    }
  }
  return names;
}

int run_drift(const PlanCommandOptions& options, std::ostream& out, std::ostream& err) {
  return run_guarded(err, [&] {
    const auto plan = plan_and_render(options, out, err);
    if (!plan) return kExitError;
    const int code = drift_exit_code(*plan);
    // One line on stderr that a scheduler's log shows whatever --output is.
    const auto drifted = drifted_flows(*plan);
    if (code == kExitError) {
      print_error(err, "drift check incomplete: some flows could not be planned (see above)");
    } else if (!drifted.empty()) {
      err << fmt::format("drift: {} flow{} differ{} from the manifest: {}\n", drifted.size(),
                         drifted.size() == 1 ? "" : "s", drifted.size() == 1 ? "s" : "", fmt::join(drifted, ", "));
    } else {
      err << fmt::format("drift: none ({} flows match the manifest)\n", plan->flows.size());
    }
    return code;
  });
}

void add_drift_command(CLI::App& app, CliContext& context) {
  auto* command = add_read_command(app, context, "drift",
                                   "Check whether live flows still match the manifests (for a nightly job).",
                                   std::make_shared<PlanCommandOptions>(), run_drift);
  command->footer(
      "Exit codes: 0 no drift, 2 drift (a change to make, or a misplaced or duplicate call), 1 error.\n"
      "Errors trump drift.");
}

}  // namespace flowlink::cli
