// Exit codes, the colour decision, atomic writes, the exception boundary.
#include <doctest/doctest.h>

#include <sstream>
#include <stdexcept>

#include "cli/cli_test_support.hpp"
#include "cli/output.hpp"

using namespace flowlink::cli;
using namespace flowlink::cli::test;
using flowlink::plan::Edit;
using flowlink::plan::FlowPlan;
using flowlink::plan::Plan;

TEST_CASE("plan exit codes: 0 no changes, 2 changes with --detailed-exitcode, 1 errors (errors trump changes)") {
  Plan plan;
  FlowPlan unchanged;
  unchanged.flow_name = "A";
  plan.flows.push_back(unchanged);
  CHECK(plan_exit_code(plan, false) == kExitOk);
  CHECK(plan_exit_code(plan, true) == kExitOk);

  // Edits held by someone's unpublished draft are not a change apply makes.
  FlowPlan held;
  held.flow_name = "H";
  held.edits.push_back(Edit{});
  held.action = flowlink::plan::FlowAction::Skip;
  plan.flows.push_back(held);
  CHECK(plan_exit_code(plan, false) == kExitOk);
  CHECK(plan_exit_code(plan, true) == kExitOk);

  FlowPlan changed;
  changed.flow_name = "B";
  changed.edits.push_back(Edit{});
  changed.action = flowlink::plan::FlowAction::Edit;
  plan.flows.push_back(changed);
  CHECK(plan_exit_code(plan, false) == kExitOk);
  CHECK(plan_exit_code(plan, true) == kExitChanges);

  FlowPlan broken;
  broken.flow_name = "C";
  broken.errors.push_back("C: cannot be read");
  Plan with_flow_error = plan;
  with_flow_error.flows.push_back(broken);
  CHECK(plan_exit_code(with_flow_error, false) == kExitError);
  CHECK(plan_exit_code(with_flow_error, true) == kExitError);

  Plan with_plan_error = plan;
  with_plan_error.errors.push_back("module 'validation' not found");
  CHECK(plan_exit_code(with_plan_error, true) == kExitError);
}

TEST_CASE("colour only on a terminal, without NO_COLOR, without --no-color") {
  CHECK(color_enabled(false, true, nullptr));
  CHECK(color_enabled(false, true, ""));  // NO_COLOR set but empty does not count
  CHECK_FALSE(color_enabled(false, true, "1"));
  CHECK_FALSE(color_enabled(false, false, nullptr));
  CHECK_FALSE(color_enabled(true, true, nullptr));
}

TEST_CASE("run_guarded turns an exception into a flowlink error and exit 1") {
  std::ostringstream err;
  CHECK(run_guarded(err, [] () -> int { throw std::runtime_error("boom in flow 'X'"); }) == kExitError);
  CHECK(err.str() == "flowlink: error: boom in flow 'X'\n");
  std::ostringstream quiet;
  CHECK(run_guarded(quiet, [] { return 2; }) == 2);
  CHECK(quiet.str().empty());
}
