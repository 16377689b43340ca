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
#include "util/terminal_text.hpp"

namespace flowlink::cli {

int drift_exit_code(const PlanOutcome& outcome, plan::DriftCheck check) {
  if (plan_has_errors(outcome)) return kExitError;
  return plan::has_drift(outcome.head, outcome.tally, check) ? kExitChanges : kExitOk;
}

std::vector<std::string> drifted_flows(const plan::Plan& plan, plan::DriftCheck check) {
  return plan.tally().drifted(check);
}

int run_drift(const PlanCommandOptions& options, std::ostream& out, std::ostream& err) {
  RunFeedback feedback(err, options.progress);
  return run_guarded(err, [&] {
    const auto check = plan::parse_drift_check(options.check);
    if (!check) throw std::runtime_error(fmt::format("--check must be published, draft or both, got '{}'", options.check));
    const auto outcome = plan_and_render(options, out, err, &feedback);
    if (!outcome) return kExitError;
    const int code = drift_exit_code(*outcome, *check);
    // One line on stderr that a scheduler's log shows whatever --output is.
    auto drifted = outcome->tally.drifted(*check);
    for (auto& name : drifted) name = util::terminal_safe(name);
    if (code == kExitError) {
      print_error(err, "drift check incomplete: some flows could not be planned (see above)");
    } else if (code == kExitChanges) {
      if (!drifted.empty())
        err << fmt::format("drift ({}): {} flow{} differ{} from the manifest: {}\n", options.check, drifted.size(),
                           drifted.size() == 1 ? "" : "s", drifted.size() == 1 ? "s" : "", fmt::join(drifted, ", "));
      // A rule that selects nothing is drift too: a typo must not keep a nightly job green.
      for (const auto& rule : outcome->head.empty_rules())
        err << fmt::format("drift ({}): {}\n", options.check, util::terminal_safe(plan::empty_rule_message(rule)));
    } else {
      err << fmt::format("drift ({}): none ({} flows match the manifest)\n", options.check, outcome->tally.summary.flows_matched);
    }
    feedback.finish();
    return code;
  });
}

void add_drift_command(CLI::App& app, CliContext& context) {
  auto options = std::make_shared<PlanCommandOptions>();
  auto* command = add_read_command(app, context, "drift",
                                   "Check whether live flows still match the manifests (for a nightly job).", options,
                                   run_drift);
  options->drift = true;
  command->add_option("--check", options->check,
                      "Which version to judge: published (what callers hit; default), draft (the newest saved or "
                      "checked-in version) or both")
      ->check(CLI::IsMember({"published", "draft", "both"}));
  command->footer(
      "Exit codes: 0 no drift, 2 drift (a change to make, a misplaced or duplicate call, or flowlink's own\n"
      "change left unfinished by an interrupted run), 1 error. Errors trump drift.");
}

}  // namespace flowlink::cli
