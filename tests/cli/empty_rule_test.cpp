// A rule that selects no flow: a warning in plan (exit unchanged), drift in
// drift (exit 2), neither with allowEmpty: true.
#include <doctest/doctest.h>

#include <string>

#include "cli/cli_test_support.hpp"
#include "cli/org_cli_support.hpp"
#include "cli/output.hpp"

using namespace flowlink::cli;
using namespace flowlink::cli::test;

namespace {

bool has(const std::string& text, const std::string& part) { return text.find(part) != std::string::npos; }

std::string typo_manifest(bool allow_empty) {
  return std::string(R"(apiVersion: flowlink/v1
modules:
  closure:
    name: Common_Closure_Check
rules:
  - name: typo
    flows:
      types: [inboundcall]
      include: ["Inbund_Support_*"]
)") + (allow_empty ? "    allowEmpty: true\n" : "") +
         R"(    ensure:
      - module: closure
)";
}

}  // namespace

TEST_CASE("cli: a rule that selects nothing warns in plan and is drift in drift, unless allowEmpty") {
  TempDir dir;
  const std::string manifest = dir.write("typo.yaml", typo_manifest(false));

  auto plan = run_flowlink({"plan", "-f", manifest, "--export-dir", kExampleOrg, "--no-color", "--detailed-exitcode"});
  CHECK(plan.code == kExitOk);
  CHECK(has(plan.err, "flowlink: warning: rule 'typo' selects no flow"));
  CHECK(has(plan.out, "rules: 'typo' 0 flows\n"));

  auto drift = run_flowlink({"drift", "-f", manifest, "--export-dir", kExampleOrg, "--no-color"});
  CHECK(drift.code == kExitChanges);
  CHECK(has(drift.err, "drift (published): rule 'typo' selects no flow"));
  CHECK_FALSE(has(drift.err, "none"));

  const std::string allowed = dir.write("allowed.yaml", typo_manifest(true));
  plan = run_flowlink({"plan", "-f", allowed, "--export-dir", kExampleOrg, "--no-color"});
  CHECK(plan.code == kExitOk);
  CHECK(only_summary(plan.err));  // no warning: the rule allows it
  CHECK(has(plan.out, "'typo' 0 flows (allowEmpty)"));
  drift = run_flowlink({"drift", "-f", allowed, "--export-dir", kExampleOrg, "--no-color"});
  CHECK(drift.code == kExitOk);
  CHECK(has(drift.err, "drift (published): none"));
}

TEST_CASE("cli: the demo manifests' rules all select flows, with their counts in every output") {
  const auto text = run_flowlink({"plan", "-f", kManifests, "--export-dir", kExampleOrg, "--no-color"});
  CHECK(has(text.out, "rules: 'chat-closure-check' 4 flows, 'support-validation' 15 flows, "));
  CHECK_FALSE(has(text.out, "0 flows"));
  CHECK_FALSE(has(text.err, "warning"));
  const auto json = run_flowlink({"plan", "-f", kManifests, "--export-dir", kExampleOrg, "--output", "json"});
  CHECK(has(json.out, "\"matched_flows\""));
  const auto md = run_flowlink({"plan", "-f", kManifests, "--export-dir", kExampleOrg, "--output", "markdown"});
  CHECK(has(md.out, "**Rules:** `chat-closure-check` 4 flows · `support-validation` 15 flows · "));
}
