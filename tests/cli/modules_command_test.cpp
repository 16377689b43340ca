// `flowlink modules` end to end against the emulated example org: a module's
// new version published by a colleague makes its consumers stale (with the
// snapshot version), --detailed-exitcode says so, republishing one consumer
// makes it current; text, JSON (checked against the schema by ajv) and
// Markdown; errors; the real binary registers the command.
#include <doctest/doctest.h>
#include <sys/wait.h>

#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <string>
#include <vector>

#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include "cli/modules_command.hpp"
#include "cli/org_cli_support.hpp"

using namespace flowlink;
using namespace flowlink::cli;
using namespace flowlink::cli::test;
using Json = nlohmann::json;

namespace {

// The example manifest with validation required current.
std::string current_manifest() {
  std::string text = flowlink::testing::kExampleManifest;
  const std::string from = "validation: { name: Common_Validation_Module }";
  const auto at = text.find(from);
  REQUIRE(at != std::string::npos);
  text.replace(at, from.size(), "validation: { name: Common_Validation_Module, current: true }");
  return text;
}

// `flowlink modules -f MANIFEST ARGS... --api-url URL --no-color`, in process.
Run modules(CliOrg& org, std::vector<std::string> args) {
  std::vector<std::string> all = {"flowlink", "modules", "-f", org.manifest};
  all.insert(all.end(), args.begin(), args.end());
  all.insert(all.end(), {"--api-url", org.url(), "--no-color"});
  std::vector<const char*> argv;
  for (const auto& arg : all) argv.push_back(arg.c_str());
  std::ostringstream out, err;
  Run run;
  run.code = run_cli(static_cast<int>(argv.size()), argv.data(), out, err,
                     {add_validate_command, add_plan_command, add_drift_command, add_apply_command, add_modules_command});
  run.out = out.str();
  run.err = err.str();
  org.runs.push_back(run);
  return run;
}

// A colleague publishes the flow's published content again (check out, save,
// check in, publish), as one does in the UI.
void republish_as(CliOrg& org, const std::string& user, const std::string& flow_id) {
  const genesys::Flow flow = org.org.api->get_flow(flow_id);
  REQUIRE(flow.published_version);
  const std::string document = org.org.api->version_configuration(flow_id, flow.published_version->id);
  org.org.control->act_as_checkout(user, flow_id);
  org.org.control->act_as_save(user, flow_id, document);
  org.org.control->act_as_checkin(user, flow_id);
  org.org.control->wait_for_operation(flow_id);
  org.org.control->act_as_publish(user, flow_id);
  REQUIRE(org.org.control->wait_for_operation(flow_id)["currentOperation"]["actionStatus"] == "SUCCESS");
}

const Json& module_json(const Json& report, const std::string& name) {
  for (const auto& module : report["modules"])
    if (module["name"] == name) return module;
  FAIL("no module " << name);
  return report;
}

const Json* consumer_json(const Json& module, const std::string& name) {
  for (const auto& consumer : module["consumers"])
    if (consumer["flow"]["name"] == name) return &consumer;
  return nullptr;
}

std::string line_with(const std::string& text, const std::string& part) {
  std::istringstream in(text);
  for (std::string line; std::getline(in, line);)
    if (line.find(part) != std::string::npos) return line;
  return "";
}

int schema_check(const std::string& name, const std::string& json_text) {
  namespace fs = std::filesystem;
  const fs::path dir = fs::path(FLOWLINK_BINARY_DIR) / "test-modules-cli";
  fs::create_directories(dir);
  std::ofstream(dir / name) << json_text;
  const std::string command = std::string("node '") + FLOWLINK_SOURCE_DIR + "/tests/node/check-schema.js' '" +
                              FLOWLINK_SOURCE_DIR + "/schemas/modules.schema.json' '" + (dir / name).string() +
                              "' > '" + (dir / (name + ".log")).string() + "' 2>&1";
  return std::system(command.c_str());
}

}  // namespace

TEST_CASE("modules: a new module version makes its consumers stale; a republished one is current again") {
  const std::string manifest = current_manifest();
  CliOrg org("modules-cli", manifest.c_str());

  // Fresh org: everything current; exit 0 even with --detailed-exitcode.
  Run fresh = modules(org, {"--module", "validation", "--detailed-exitcode"});
  INFO(fresh.err);
  REQUIRE(fresh.code == 0);
  const std::string main_line = line_with(fresh.out, " Inbound_Support_Main (");
  CHECK(main_line.rfind("  = current  Inbound_Support_Main (inboundcall, division Home) v1.0, published ", 0) == 0);
  CHECK(main_line.find("; snapshot v1.0; by datePublished; must be current  [") != std::string::npos);
  CHECK(fresh.err.find("modules: ") != std::string::npos);
  CHECK(fresh.err.find(": 0 stale (0 that must be current)") != std::string::npos);

  // Alice publishes the module's version 2.0.
  const std::string module_id = org.flow_id("Common_Validation_Module");
  republish_as(org, "alice", module_id);

  Run stale = modules(org, {"--module", "validation", "--output", "json", "--detailed-exitcode"});
  INFO(stale.err);
  CHECK(stale.code == 2);
  CHECK(schema_check("stale.json", stale.out) == 0);
  const Json report = Json::parse(stale.out);
  const Json& validation = module_json(report, "Common_Validation_Module");
  CHECK(validation["published_version"] == "2.0");
  CHECK(validation["key"] == "validation");
  const int consumers = static_cast<int>(validation["consumers"].size());
  REQUIRE(consumers >= 5);
  for (const auto& consumer : validation["consumers"]) {
    CAPTURE(consumer["flow"]["name"]);
    CHECK(consumer["status"] == "stale");
    CHECK(consumer["snapshot_version"] == "1.0");
    CHECK(consumer["decided_by"] == "datePublished");
    CHECK(consumer["must_be_current"] == true);
  }
  CHECK(report["summary"]["stale_must_be_current"] == consumers);
  CHECK(report["dependency_tracking"]["status"] == "OPERATIONAL");

  // Without --detailed-exitcode staleness is not a failure.
  Run text = modules(org, {"--module", "Common_Validation_Module"});
  CHECK(text.code == 0);
  const std::string stale_line = line_with(text.out, " Inbound_Support_Main (");
  CHECK(stale_line.rfind("  ~ stale    Inbound_Support_Main (inboundcall, division Home) v1.0, published ", 0) == 0);
  CHECK(stale_line.find("; snapshot v1.0; by datePublished; must be current  [" + org.flow_id("Inbound_Support_Main") +
                        "]") != std::string::npos);
  CHECK(line_with(text.out, "module Common_Validation_Module [validation] v2.0, published ").rfind("module ", 0) == 0);
  CHECK(text.out.find(fmt::format("  {} consumers: 0 current, {} stale ({} must be current), 0 unknown\n", consumers,
                                  consumers, consumers)) != std::string::npos);

  // Bob republishes Inbound_Support_Main: it takes 2.0, the others stay stale.
  republish_as(org, "bob", org.flow_id("Inbound_Support_Main"));
  Run after = modules(org, {"--module", "validation", "--output", "json", "--detailed-exitcode"});
  CHECK(after.code == 2);
  const Json report_after = Json::parse(after.out);
  const Json& validation_after = module_json(report_after, "Common_Validation_Module");
  const Json* main = consumer_json(validation_after, "Inbound_Support_Main");
  REQUIRE(main);
  CHECK((*main)["status"] == "current");
  CHECK((*main)["snapshot_version"] == "2.0");
  CHECK((*main)["published_version"] == "2.0");
  CHECK(report_after["summary"]["stale"] == consumers - 1);
  CHECK(report_after["summary"]["current"] == 1);

  // Markdown: the table row of each.
  Run md = modules(org, {"--module", "validation", "--output", "markdown"});
  CHECK(md.code == 0);
  CHECK(line_with(md.out, "| Inbound_Support_Main |").find("| current (must be current) | v2.0 | datePublished |") !=
        std::string::npos);
  CHECK(line_with(md.out, "| Inbound_Support_APAC |").find("| **stale** (must be current) | v1.0 | datePublished |") !=
        std::string::npos);

  org.check_secret_never_shown(false);
}

TEST_CASE("modules: every module, the lists, errors") {
  CliOrg org("modules-cli-all");
  Run all = modules(org, {"--output", "json"});
  INFO(all.err);
  REQUIRE(all.code == 0);
  CHECK(schema_check("all.json", all.out) == 0);
  const Json report = Json::parse(all.out);
  CHECK(report["module_filter"].is_null());
  CHECK(report["summary"]["stale"] == 0);
  CHECK(report["summary"]["modules"].get<int>() >= 6);
  // A module no manifest names appears both as a module without key and in the list.
  for (const auto& entry : report["unmanaged"]) CHECK(module_json(report, entry["module_name"])["key"].is_null());

  Run unknown = modules(org, {"--module", "Nope"});
  CHECK(unknown.code == 1);
  CHECK(unknown.err.find("flowlink: error: --module 'Nope': no common module of the org has that name") !=
        std::string::npos);

  Run bad_output = modules(org, {"--output", "yaml"});
  CHECK(bad_output.code == 1);

  org.check_secret_never_shown(false);
}

TEST_CASE("modules: the flowlink binary has the command") {
  CliOrg org("modules-cli-binary");
  const std::filesystem::path out = org.org.dir / "modules.txt";
  const std::string command = std::string("'") + FLOWLINK_BINARY_DIR + "/flowlink' modules -f '" + org.manifest +
                              "' --module closure --api-url " + org.url() + " > '" + out.string() + "' 2>&1";
  const int status = std::system(command.c_str());
  const std::string text = read_text(out);
  INFO(text);
  CHECK(WIFEXITED(status));
  CHECK(WEXITSTATUS(status) == 0);
  CHECK(text.find("module Common_Closure_Check [closure] v1.0, published ") != std::string::npos);
  CHECK(text.find("  = current  Chat_Support_Billing (inboundchat, division Home) v1.0") != std::string::npos);
}
