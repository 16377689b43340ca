// --output junit and --max-chars through the command line.
#include <doctest/doctest.h>

#include "support/text_checks.hpp"

#include <string>

#include "cli/cli_test_support.hpp"
#include "cli/org_cli_support.hpp"
#include "cli/output.hpp"

using namespace flowlink::cli;
using namespace flowlink::cli::test;

namespace {

using flowlink::testing::has;
using flowlink::testing::occurrences;

}  // namespace

TEST_CASE("cli: plan and drift --output junit, exit codes unchanged") {
  const auto plan = run_flowlink({"plan", "-f", kManifests, "--export-dir", kExampleOrg, "--output", "junit",
                                  "--detailed-exitcode"});
  CHECK(plan.code == kExitChanges);
  CHECK(plan.out.rfind("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<testsuites name=\"flowlink plan\"", 0) == 0);
  CHECK(has(plan.out, "<testsuite name=\"flowlink plan: rules\""));
  CHECK(has(plan.out, "type=\"change\">~ flow "));
  const auto drift = run_flowlink({"drift", "-f", kManifests, "--export-dir", kExampleOrg, "--output", "junit"});
  CHECK(drift.code == kExitChanges);
  CHECK(has(drift.out, "<testsuites name=\"flowlink drift\""));
  CHECK(has(drift.out, "type=\"drift\""));
  CHECK(occurrences(drift.out, "<testcase ") == occurrences(plan.out, "<testcase "));
}

TEST_CASE("cli: --max-chars bounds the Markdown; too small a budget is a usage error") {
  const auto full = run_flowlink({"plan", "-f", kManifests, "--export-dir", kExampleOrg, "--output", "markdown"});
  REQUIRE(full.code == kExitOk);
  CHECK_FALSE(has(full.out, "see the plan artifact"));
  REQUIRE(full.out.size() > 3000);
  const auto cut = run_flowlink({"plan", "-f", kManifests, "--export-dir", kExampleOrg, "--output", "markdown",
                                 "--max-chars", "3000"});
  CHECK(cut.code == kExitOk);
  CHECK(cut.out.size() <= 3000);
  CHECK(has(cut.out, "more flows: see the plan artifact.**"));
  const auto tiny = run_flowlink({"plan", "-f", kManifests, "--export-dir", kExampleOrg, "--output", "markdown",
                                  "--max-chars", "100"});
  CHECK(tiny.code == kExitError);
  CHECK(has(tiny.err, "--max-chars"));
}
