// Exit codes, colour, error lines (see output.hpp).
#include "cli/output.hpp"

#include <unistd.h>

#include <cstdio>
#include <cstdlib>
#include <exception>
#include <stdexcept>

#include <fmt/format.h>

#include "util/terminal_text.hpp"

namespace flowlink::cli {

bool plan_has_errors(const PlanOutcome& outcome) { return !outcome.head.errors.empty() || outcome.tally.errors; }

bool plan_has_errors(const plan::Plan& plan) { return plan.has_errors(); }

int plan_exit_code(const PlanOutcome& outcome, bool detailed) {
  if (plan_has_errors(outcome)) return kExitError;
  if (detailed && outcome.tally.changes) return kExitChanges;
  return kExitOk;
}

int plan_exit_code(const plan::Plan& plan, bool detailed) {
  return plan_exit_code(PlanOutcome{plan, plan.tally()}, detailed);
}

bool stdout_is_terminal() { return ::isatty(STDOUT_FILENO) == 1; }

bool color_enabled(bool no_color_flag, bool stdout_is_tty, const char* no_color_env) {
  if (no_color_flag || !stdout_is_tty) return false;
  return no_color_env == nullptr || no_color_env[0] == '\0';
}

bool color_enabled(bool no_color_flag) {
  return color_enabled(no_color_flag, stdout_is_terminal(), std::getenv("NO_COLOR"));
}

void print_error(std::ostream& err, std::string_view message) {
  // Messages carry org-supplied text (flow names, server messages): one line, escaped.
  err << "flowlink: error: " << util::terminal_safe(message) << "\n";
}

int run_guarded(std::ostream& err, const std::function<int()>& body) {
  try {
    return body();
  } catch (const std::exception& e) {
    print_error(err, e.what());
  } catch (...) {
    print_error(err, "unexpected failure");
  }
  return kExitError;
}

}  // namespace flowlink::cli
