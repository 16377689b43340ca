#pragma once
// What every command shares: exit codes, the colour decision, error lines,
// and the exception boundary.

#include <functional>
#include <ostream>
#include <string>
#include <string_view>

#include "plan/plan.hpp"

namespace flowlink::cli {

// Exit codes of every command.
//   0  success; for plan/drift: nothing to change
//   1  error: bad arguments or manifest, unreadable input, a flow that could
//      not be planned, a plan-wide error. ERRORS TRUMP CHANGES: a plan with
//      both errors and changes exits 1, so a pipeline never mistakes a
//      partial plan for a complete one.
//   2  changes (plan with --detailed-exitcode; drift)
inline constexpr int kExitOk = 0;
inline constexpr int kExitError = 1;
inline constexpr int kExitChanges = 2;

// What plan and drift know of a plan once its flows are written (and let
// go): the plan without flows (plan-wide errors, rules, targets) and the
// tally of its flows.
struct PlanOutcome {
  plan::PlanHead head;
  plan::PlanTally tally;
};

// The exit code for a plan, by the rule above. With `detailed` false a plan
// with changes but no errors exits 0.
int plan_exit_code(const plan::Plan& plan, bool detailed);
int plan_exit_code(const PlanOutcome& outcome, bool detailed);

// True if the plan has a plan-wide error or any flow could not be planned.
bool plan_has_errors(const plan::Plan& plan);
bool plan_has_errors(const PlanOutcome& outcome);

// Whether the process's stdout is a terminal.
bool stdout_is_terminal();

// ANSI colour only when stdout is a terminal, NO_COLOR is unset or empty
// (https://no-color.org) and --no-color was not given.
bool color_enabled(bool no_color_flag);
// The same decision with its inputs spelled out (for tests).
bool color_enabled(bool no_color_flag, bool stdout_is_tty, const char* no_color_env);

// "flowlink: error: <message>" on its own line.
void print_error(std::ostream& err, std::string_view message);

// Runs a command body; any exception becomes "flowlink: error: ..." and exit 1.
int run_guarded(std::ostream& err, const std::function<int()>& body);

}  // namespace flowlink::cli
