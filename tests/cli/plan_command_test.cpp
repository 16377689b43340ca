// run_plan on the committed example org and manifests, and on broken inputs.
#include <doctest/doctest.h>

#include <cstdlib>
#include <regex>
#include <sstream>

#include <nlohmann/json.hpp>

#include "cli/output.hpp"
#include "cli/plan_command.hpp"
#include "cli/cli_test_support.hpp"
#include "plan/render.hpp"

using namespace flowlink::cli;
using namespace flowlink::cli::test;
using flowlink::plan::Edit;
using flowlink::plan::FlowPlan;
using flowlink::plan::Plan;

namespace {

struct Run {
  int code = -1;
  std::string out;
  std::string err;
};

Run plan(PlanCommandOptions options) {
  std::ostringstream out, err;
  Run run;
  run.code = run_plan(options, out, err);
  run.out = out.str();
  run.err = err.str();
  return run;
}

PlanCommandOptions example_options(OutputFormat format = OutputFormat::Text) {
  PlanCommandOptions options;
  options.manifests = {kManifests};
  options.export_dir = kExampleOrg;
  options.output = format;
  options.detailed_exitcode = true;
  return options;
}

const FlowPlan& flow_named(const Plan& plan, const std::string& name) {
  for (const auto& flow : plan.flows) {
    if (flow.flow_name == name) return flow;
  }
  FAIL("no flow named " << name << " in the plan");
  throw std::logic_error("unreachable");
}

bool has_edit(const FlowPlan& flow, Edit::Kind kind, const std::string& module_name) {
  for (const auto& edit : flow.edits) {
    if (edit.kind == kind && edit.module_name == module_name) return true;
  }
  return false;
}

int count_edits(const FlowPlan& flow, Edit::Kind kind) {
  int n = 0;
  for (const auto& edit : flow.edits) n += edit.kind == kind ? 1 : 0;
  return n;
}

// node + the schema checker, when this machine has them.
bool schema_checker_available() {
  return std::filesystem::exists(kSourceDir + "/tests/node/check-schema.js") &&
         std::filesystem::exists(kSourceDir + "/tests/node/node_modules/ajv") &&
         std::system("node --version > /dev/null 2>&1") == 0;
}

}  // namespace

TEST_CASE("plan: the example org against the demo manifests has changes (exit 2 with --detailed-exitcode)") {
  const auto run = plan(example_options());
  INFO(run.err);
  CHECK(run.code == kExitChanges);
  CHECK(only_summary(run.err));
  for (const char* name : {"Inbound_Support_Returns", "Inbound_Support_Technical", "Inbound_Support_Warranty",
                           "Inbound_Sales_EMEA", "Chat_Support_Web", "SMS_Marketing_OptOut",
                           "Inbound_Support_Z\xC3\xBCrich", "Inbound_Support_[Legacy]"}) {
    CHECK_MESSAGE(run.out.find(name) != std::string::npos, name);
  }
  CHECK(run.out.find("\x1b[") == std::string::npos);  // no colour unless asked

  auto without_detailed = example_options();
  without_detailed.detailed_exitcode = false;
  CHECK(plan(without_detailed).code == kExitOk);

  auto colored = example_options();
  colored.color = true;
  CHECK(plan(colored).out.find("\x1b[") != std::string::npos);
}

TEST_CASE("plan: each kind of drift in the example org gets the edit the manifest asks for") {
  const auto run = plan(example_options(OutputFormat::Json));
  REQUIRE(run.code == kExitChanges);
  const Plan result = flowlink::plan::plan_from_json(nlohmann::ordered_json::parse(run.out));
  CHECK_FALSE(result.has_errors());
  CHECK(result.source.find("examples/org") != std::string::npos);

  // Support lines: validation first in the initial task.
  CHECK(flow_named(result, "Inbound_Support_Billing").edits.empty());  // compliant
  CHECK(has_edit(flow_named(result, "Inbound_Support_Returns"), Edit::Kind::AddCall, "Common_Validation_Module"));
  CHECK(has_edit(flow_named(result, "Inbound_Support_Technical"), Edit::Kind::UpdateCall, "Common_Validation_Module"));
  CHECK(has_edit(flow_named(result, "Inbound_Support_Warranty"), Edit::Kind::MoveCall, "Common_Validation_Module"));
  CHECK(has_edit(flow_named(result, "Inbound_Support_Enterprise"), Edit::Kind::MoveCall, "Common_Validation_Module"));
  CHECK(has_edit(flow_named(result, "Inbound_Support_Premium"), Edit::Kind::RemoveCall, "Common_Validation_Module"));
  // The sandbox is excluded from the support rule but not from the legacy removal.
  const auto& sandbox = flow_named(result, "Inbound_Support_Sandbox");
  CHECK(sandbox.edits.size() == 1);
  CHECK(has_edit(sandbox, Edit::Kind::RemoveCall, "Legacy_Auth_Module"));
  CHECK(count_edits(flow_named(result, "Inbound_Billing_Payments"), Edit::Kind::RemoveCall) == 2);

  // Sales lines: notice after "Play Welcome", VIP routing in "Main"; misplaced calls moved.
  CHECK(has_edit(flow_named(result, "Inbound_Sales_EMEA"), Edit::Kind::AddCall, "Compliance_Recording_Prompt"));
  CHECK(has_edit(flow_named(result, "Inbound_Sales_EMEA"), Edit::Kind::AddCall, "Common_VIP_Routing"));
  CHECK(flow_named(result, "Inbound_Sales_AMER").edits.empty());
  CHECK(has_edit(flow_named(result, "Inbound_Sales_APAC"), Edit::Kind::MoveCall, "Compliance_Recording_Prompt"));
  CHECK(has_edit(flow_named(result, "Inbound_Sales_Partners"), Edit::Kind::MoveCall, "Common_VIP_Routing"));

  // Chat.
  CHECK(has_edit(flow_named(result, "Chat_Support_Web"), Edit::Kind::AddCall, "Common_Closure_Check"));
  CHECK(has_edit(flow_named(result, "Chat_Support_Billing"), Edit::Kind::UpdateCall, "Common_Closure_Check"));
  CHECK(flow_named(result, "Chat_Support_Mobile").edits.empty());
}

TEST_CASE("plan --output json validates against schemas/plan.schema.json") {
  if (!schema_checker_available()) {
    MESSAGE("skipped: node or tests/node/check-schema.js not available");
    return;
  }
  TempDir dir;
  const auto run = plan(example_options(OutputFormat::Json));
  REQUIRE(run.code == kExitChanges);
  const auto file = dir.write("plan.json", run.out);
  const std::string command = "node " + kSourceDir + "/tests/node/check-schema.js " + kSourceDir +
                              "/schemas/plan.schema.json " + file + " > " + dir.file("check.log") + " 2>&1";
  const int status = std::system(command.c_str());
  INFO(read_text(dir.file("check.log")));
  CHECK(status == 0);
}

TEST_CASE("plan --output markdown renders a table") {
  const auto run = plan(example_options(OutputFormat::Markdown));
  CHECK(run.code == kExitChanges);
  CHECK(std::regex_search(run.out, std::regex(R"(\n\|[^\n]*\|\n\|\s*:?-{3,})")));
  CHECK(run.out.find("Inbound_Support_Returns") != std::string::npos);
}

TEST_CASE("plan --out writes the JSON plan atomically, whatever --output says, and it reads back") {
  TempDir dir;
  auto options = example_options(OutputFormat::Text);
  options.out_path = dir.file("plan.json");
  const auto run = plan(options);
  REQUIRE(run.code == kExitChanges);
  const auto saved = flowlink::plan::plan_from_json(nlohmann::ordered_json::parse(read_text(options.out_path)));
  const auto shown = flowlink::plan::plan_from_json(nlohmann::ordered_json::parse(plan(example_options(OutputFormat::Json)).out));
  CHECK(saved.flows.size() == shown.flows.size());
  CHECK(flowlink::plan::render_json(saved) == flowlink::plan::render_json(shown));
  int entries = 0;
  for (const auto& entry : std::filesystem::directory_iterator(dir.path)) {
    (void)entry;
    ++entries;
  }
  CHECK(entries == 1);  // no temporary file left behind

  options.out_path = dir.file("missing-dir/plan.json");
  const auto failed = plan(options);
  CHECK(failed.code == kExitError);
  CHECK(failed.err.find("missing-dir/plan.json") != std::string::npos);
}

TEST_CASE("plan: a broken manifest exits 1 naming file:line:col") {
  TempDir dir;
  const auto manifest = dir.write("broken.yaml",
                                  "apiVersion: flowlink/v1\n"
                                  "modules:\n"
                                  "  validation:\n"
                                  "    name: Common_Validation_Module\n"
                                  "rules:\n"
                                  "  - name: support\n"
                                  "    flows:\n"
                                  "      types: [inboundcall]\n"
                                  "      include: [\"*\"]\n"
                                  "    ensure:\n"
                                  "      - module: validation\n"
                                  "        at: somewhere\n");
  auto options = example_options();
  options.manifests = {manifest};
  const auto run = plan(options);
  CHECK(run.code == kExitError);
  CHECK(run.out.empty());
  CHECK(std::regex_search(run.err, std::regex(R"(broken\.yaml:12:\d+: )")));
  CHECK(run.err.find("flowlink: error:") != std::string::npos);
}

TEST_CASE("plan: a corrupt file in the export is that flow's error (exit 1); the other flows are planned") {
  TempDir dir;
  for (const auto& entry : std::filesystem::directory_iterator(kExampleOrg)) {
    const auto name = entry.path().filename().string();
    if (name.find("Common_") == 0 || name.find("Compliance_") == 0 || name.find("Legacy_Auth") == 0 ||
        name == "org.json" || name.find("Inbound_Support_Returns") == 0) {
      std::filesystem::copy_file(entry.path(), dir.path / name);
    }
  }
  dir.write("Inbound_Support_Broken.i3InboundFlow", "%%% not an export %%%");
  auto options = example_options(OutputFormat::Json);
  options.export_dir = dir.path.string();
  const auto run = plan(options);
  CHECK(run.code == kExitError);  // errors trump changes
  CHECK(run.err.find("Inbound_Support_Broken") != std::string::npos);
  const Plan result = flowlink::plan::plan_from_json(nlohmann::ordered_json::parse(run.out));
  const auto& broken = flow_named(result, "Inbound_Support_Broken");
  REQUIRE_FALSE(broken.errors.empty());
  CHECK(broken.errors.front().find("Inbound_Support_Broken.i3InboundFlow") != std::string::npos);
  CHECK(has_edit(flow_named(result, "Inbound_Support_Returns"), Edit::Kind::AddCall, "Common_Validation_Module"));
}

TEST_CASE("plan: a missing export directory, or none, is a clear error") {
  auto options = example_options();
  options.export_dir = "/nonexistent/flowlink-org";
  auto run = plan(options);
  CHECK(run.code == kExitError);
  CHECK(run.err.find("flowlink: error: export directory '/nonexistent/flowlink-org'") != std::string::npos);

  options.export_dir.clear();
  run = plan(options);
  CHECK(run.code == kExitError);
  CHECK(run.err.find("--export-dir") != std::string::npos);

  options = example_options();
  options.manifests = {"/nonexistent/manifest.yaml"};
  run = plan(options);
  CHECK(run.code == kExitError);
  CHECK(run.err.find("/nonexistent/manifest.yaml") != std::string::npos);
}

TEST_CASE("output formats by name") {
  CHECK(parse_output_format("text") == OutputFormat::Text);
  CHECK(parse_output_format("json") == OutputFormat::Json);
  CHECK(parse_output_format("markdown") == OutputFormat::Markdown);
  CHECK_THROWS_AS(parse_output_format("yaml"), std::invalid_argument);
}
