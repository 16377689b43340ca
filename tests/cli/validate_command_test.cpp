// run_validate on the demo manifests and on broken ones.
#include <doctest/doctest.h>

#include <regex>
#include <sstream>

#include "cli/cli_test_support.hpp"
#include "cli/output.hpp"
#include "cli/validate_command.hpp"

using namespace flowlink::cli;
using namespace flowlink::cli::test;

namespace {

struct Run {
  int code = -1;
  std::string out, err;
};

Run validate(std::vector<std::string> paths) {
  std::ostringstream out, err;
  Run run;
  ValidateCommandOptions options;
  options.manifests = std::move(paths);
  run.code = run_validate(options, out, err);
  run.out = out.str();
  run.err = err.str();
  return run;
}

}  // namespace

TEST_CASE("validate: the demo manifests are valid") {
  const auto run = validate({kManifests});
  INFO(run.err);
  CHECK(run.code == kExitOk);
  CHECK(run.err.empty());
  CHECK(run.out.rfind("manifest OK: 5 modules, 4 rules (", 0) == 0);
  CHECK(run.out.find("support.yaml") != std::string::npos);
  CHECK(run.out.find("chat.yaml") != std::string::npos);
}

TEST_CASE("validate: every error is printed as file:line:col: key: message, exit 1") {
  TempDir dir;
  const auto file = dir.write("two-errors.yaml",
                              "apiVersion: flowlink/v2\n"
                              "modules:\n"
                              "  validation:\n"
                              "    name: Common_Validation_Module\n"
                              "rules:\n"
                              "  - name: support\n"
                              "    flows:\n"
                              "      typez: [inboundcall]\n"
                              "      include: [\"*\"]\n"
                              "    ensure:\n"
                              "      - module: validation\n");
  const auto run = validate({file});
  CHECK(run.code == kExitError);
  CHECK(run.out.empty());
  CHECK(std::regex_search(run.err, std::regex(R"(two-errors\.yaml:1:\d+: apiVersion)")));
  CHECK(std::regex_search(run.err, std::regex(R"(two-errors\.yaml:8:\d+: )")));
  CHECK(run.err.find("flowlink: error:") != std::string::npos);
}

TEST_CASE("validate: a missing file or no file at all is an error") {
  auto run = validate({"/nonexistent/flowlink.yaml"});
  CHECK(run.code == kExitError);
  CHECK(run.err.find("/nonexistent/flowlink.yaml") != std::string::npos);
  run = validate({});
  CHECK(run.code == kExitError);
  CHECK(run.err.find("flowlink: error:") != std::string::npos);
}

TEST_CASE("validate: the broken example manifest shows every mistake with a suggestion") {
  const auto run = validate({kSourceDir + "/examples/broken-manifests/typos.yaml"});
  CHECK(run.code == kExitError);
  CHECK(std::regex_search(run.err, std::regex(R"(typos\.yaml:13:\d+: rules\[0\]\.flows\.types\[0\]: .*inboundcall)")));
  CHECK(std::regex_search(run.err, std::regex(R"(typos\.yaml:16:\d+: .*modlue.*'module')")));
  CHECK(std::regex_search(run.err, std::regex(R"(typos\.yaml:17:\d+: rules\[0\]\.ensure\[0\]\.at: )")));
}
