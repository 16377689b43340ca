// run_cli: argument parsing, --help, --version, usage errors, exit codes.
#include <doctest/doctest.h>

#include <sstream>
#include <vector>

#include "cli/cli_test_support.hpp"
#include "cli/commands.hpp"
#include "cli/output.hpp"

using namespace flowlink::cli;
using namespace flowlink::cli::test;

namespace {

struct Run {
  int code = -1;
  std::string out, err;
};

Run cli(std::vector<std::string> args) {
  args.insert(args.begin(), "flowlink");
  std::vector<const char*> argv;
  for (const auto& arg : args) argv.push_back(arg.c_str());
  std::ostringstream out, err;
  Run run;
  run.code = run_cli(static_cast<int>(argv.size()), argv.data(), out, err, {add_validate_command, add_plan_command});
  run.out = out.str();
  run.err = err.str();
  return run;
}

}  // namespace

TEST_CASE("flowlink --version prints the version") {
  const auto run = cli({"--version"});
  CHECK(run.code == 0);
  CHECK(run.out == "flowlink " FLOWLINK_VERSION "\n");
}

TEST_CASE("--help on the app and on every command") {
  auto run = cli({"--help"});
  CHECK(run.code == 0);
  CHECK(run.out.find("validate") != std::string::npos);
  CHECK(run.out.find("plan") != std::string::npos);
  run = cli({"plan", "--help"});
  CHECK(run.code == 0);
  CHECK(run.out.find("--export-dir") != std::string::npos);
  CHECK(run.out.find("--detailed-exitcode") != std::string::npos);
  CHECK(run.out.find("Errors trump changes") != std::string::npos);
  run = cli({"validate", "--help"});
  CHECK(run.code == 0);
  CHECK(run.out.find("MANIFEST") != std::string::npos);
}

TEST_CASE("usage errors exit 1 with a clear message") {
  for (const auto& args : std::vector<std::vector<std::string>>{
           {},                                                     // no command
           {"frobnicate"},                                         // unknown command
           {"plan", "--export-dir", kExampleOrg},                  // no -f
           {"plan", "-f", kManifests, "--output", "yaml"},         // bad format
           {"validate"},                                           // no manifest
           {"plan", "-f", kManifests, "--no-such-option"}}) {
    const auto run = cli(args);
    CAPTURE(run.err);
    CHECK(run.code == kExitError);
    CHECK(run.err.rfind("flowlink: error: ", 0) == 0);
    CHECK(run.out.empty());
  }
}

TEST_CASE("commands run through the app with their exit codes") {
  CHECK(cli({"validate", kManifests}).code == kExitOk);
  auto run = cli({"plan", "-f", kManifests, "--export-dir", kExampleOrg, "--detailed-exitcode", "--no-color"});
  CHECK(run.code == kExitChanges);
  CHECK(run.out.find("Inbound_Support_Returns") != std::string::npos);
  CHECK(run.out.find("\x1b[") == std::string::npos);  // stdout is no terminal here anyway
  run = cli({"plan", "-f", kManifests, "--export-dir", kExampleOrg, "--output", "json"});
  CHECK(run.code == kExitOk);
  CHECK(run.out.rfind("{", 0) == 0);
  run = cli({"plan", "-f", kManifests, "--export-dir", "/nonexistent/org"});
  CHECK(run.code == kExitError);
  CHECK(run.err.find("/nonexistent/org") != std::string::npos);
  // An export and an org at once is ambiguous: refused rather than one silently ignored.
  run = cli({"plan", "-f", kManifests, "--export-dir", kExampleOrg, "--api-url", "http://127.0.0.1:9"});
  CHECK(run.code == kExitError);
  CHECK(run.err.find("either --export-dir or an org") != std::string::npos);
}
