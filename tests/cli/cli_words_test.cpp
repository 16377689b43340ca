// The CLI's words: help, help COMMAND, version, a misspelt command answered
// with "did you mean", and drift headed as drift.
#include <doctest/doctest.h>

#include <string>
#include <vector>

#include "cli/cli_test_support.hpp"
#include "cli/commands.hpp"
#include "cli/org_cli_support.hpp"
#include "cli/output.hpp"

using namespace flowlink::cli;
using namespace flowlink::cli::test;

namespace {

bool has(const std::string& text, const std::string& part) { return text.find(part) != std::string::npos; }

}  // namespace

TEST_CASE("flowlink version and flowlink help are words as well as flags") {
  auto run = run_flowlink({"version"});
  CHECK(run.code == kExitOk);
  CHECK(run.out == "flowlink " FLOWLINK_VERSION "\n");
  CHECK(run.err.empty());

  run = run_flowlink({"help"});
  CHECK(run.code == kExitOk);
  for (const char* command : {"validate", "plan", "drift", "apply", "help", "version"}) {
    CAPTURE(command);
    CHECK(has(run.out, command));
  }
  CHECK(run.out == run_flowlink({"--help"}).out);
}

TEST_CASE("flowlink help COMMAND is that command's --help") {
  auto run = run_flowlink({"help", "plan"});
  CHECK(run.code == kExitOk);
  CHECK(has(run.out, "--detailed-exitcode"));
  CHECK(has(run.out, "flowlink plan"));
  run = run_flowlink({"help", "drift"});
  CHECK(run.code == kExitOk);
  CHECK(has(run.out, "--check"));

  run = run_flowlink({"help", "dirft"});
  CHECK(run.code == kExitError);
  CHECK(run.out.empty());
  CHECK(has(run.err, "flowlink: error: unknown command 'dirft': did you mean 'drift'?"));
}

TEST_CASE("a misspelt command gets 'did you mean', an unknown one the list of commands") {
  auto run = run_flowlink({"plna", "-f", kManifests});
  CHECK(run.code == kExitError);
  CHECK(run.out.empty());
  CHECK(run.err.rfind("flowlink: error: unknown command 'plna': did you mean 'plan'?\n", 0) == 0);
  CHECK(has(run.err, "flowlink help"));

  run = run_flowlink({"vresion"});
  CHECK(has(run.err, "did you mean 'version'?"));

  run = run_flowlink({"frobnicate"});
  CHECK(run.code == kExitError);
  CHECK(has(run.err, "unknown command 'frobnicate': expected one of: "));
  CHECK(has(run.err, "plan"));
  CHECK_FALSE(has(run.err, "did you mean"));

  // Hostile words are escaped like every other error line.
  run = run_flowlink({"pl\x1b[2Jan"});
  CHECK(run.code == kExitError);
  CHECK_FALSE(has(run.err, "\x1b"));
}

TEST_CASE("drift output is headed drift, plan output plan") {
  for (const char* output : {"text", "markdown"}) {
    CAPTURE(output);
    const auto drift = run_flowlink({"drift", "-f", kManifests, "--export-dir", kExampleOrg, "--no-color", "--output", output});
    CHECK(drift.code == kExitChanges);
    CHECK(has(drift.out, "flowlink drift"));
    CHECK_FALSE(has(drift.out, "flowlink plan"));
    const auto plan = run_flowlink({"plan", "-f", kManifests, "--export-dir", kExampleOrg, "--no-color", "--output", output});
    CHECK(has(plan.out, "flowlink plan"));
    CHECK_FALSE(has(plan.out, "flowlink drift"));
  }
}
