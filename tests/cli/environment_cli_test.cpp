// --env / --env-file end to end: the committed promotion example
// (examples/environments) against the example org's export, and an emulated
// org over a socket: two environments giving two plans, each plan recording
// its environment and org, a plan for another org refused before a flow is
// read, and apply refusing a saved plan for another environment.
#include <doctest/doctest.h>

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <map>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "cli/environment_options.hpp"
#include "cli/org_cli_support.hpp"
#include "cli/output.hpp"
#include "plan/render.hpp"

using namespace flowlink;
using namespace flowlink::cli;
using namespace flowlink::cli::test;

namespace {

const std::string kPromotion = kSourceDir + "/examples/environments/manifests";

plan::Plan read_plan(const std::string& path) {
  const std::string text = read_text(path);
  REQUIRE_FALSE(text.empty());
  return plan::plan_from_json(nlohmann::ordered_json::parse(text));
}

std::vector<std::string> flow_names(const plan::Plan& plan) {
  std::vector<std::string> names;
  for (const auto& flow : plan.flows) names.push_back(flow.flow_name);
  return names;
}

int flows_with_changes(const plan::Plan& plan) {
  return static_cast<int>(std::count_if(plan.flows.begin(), plan.flows.end(),
                                        [](const plan::FlowPlan& flow) { return flow.actionable(); }));
}

bool has_flow(const plan::Plan& plan, const std::string& name) {
  const auto names = flow_names(plan);
  return std::find(names.begin(), names.end(), name) != names.end();
}

// The input binding the plan wants for `module_key` in the flow called `flow`.
std::string wanted_input(const plan::Plan& plan, const std::string& flow, const std::string& input) {
  for (const auto& f : plan.flows)
    if (f.flow_name == flow)
      for (const auto& edit : f.edits)
        if (edit.inputs.count(input)) return edit.inputs.at(input);
  return "";
}

// A manifest using variables and its environments, in a directory of the
// emulated org's: the CliOrg's own manifest is loaded without environment.
const char* kChatManifestWithVariables = R"(apiVersion: flowlink/v1
modules:
  closure: { name: Common_Closure_Check }
rules:
  - name: chat-closure
    flows: { types: [inboundchat], include: ["Chat_Support_*"], exclude: ["${var.excluded}"] }
    ensure:
      - module: closure
        at: start
        inputs: { Common.QueueName: "${var.queue}" }
        outputs: { Common.IsClosed: "Flow.IsClosed" }
    publish: ${var.publish}
)";

std::string environment_text(const std::string& org_line, const std::string& excluded, const std::string& queue) {
  return "apiVersion: flowlink/v1\nkind: Environment\norg:\n" + org_line + "\nvariables:\n  excluded: \"" + excluded +
         "\"\n  queue: '\"" + queue + "\"'\n  publish: true\n";
}

struct EnvironmentOrg {
  CliOrg cli;
  fs::path manifests;
  genesys::Organization me;

  explicit EnvironmentOrg(const std::string& name) : cli(name, flowlink::testing::kChatManifest) {
    manifests = cli.org.dir / "manifests";
    fs::create_directories(manifests / "environments");
    std::ofstream(manifests / "chat.yaml") << kChatManifestWithVariables;
    me = cli.org.api->organization();
    write_environment("dev", "  id: " + me.id, "*_Retired", "Support Dev");
    write_environment("prod", "  name: \"" + me.name + "\"", "*_Sandbox", "Support");
  }
  void write_environment(const std::string& env, const std::string& org_line, const std::string& excluded,
                         const std::string& queue) {
    std::ofstream(manifests / "environments" / (env + ".yaml")) << environment_text(org_line, excluded, queue);
  }
  Run plan(const std::string& env, const std::string& out) {
    return cli.flowlink("plan", {"-f", manifests.string(), "--env", env, "--out", out});
  }
};

}  // namespace

TEST_CASE("environments example: validate checks the manifest once per environment") {
  const Run run = run_flowlink({"validate", kPromotion});
  INFO(run.out << run.err);
  CHECK(run.code == kExitOk);
  for (const std::string env : {"dev", "prod", "test"})
    CHECK(run.out.find("manifest OK for environment " + env + " (" + kPromotion + "/environments/" + env + ".yaml)") !=
          std::string::npos);

  // One environment only, and a typo answered with the names there are.
  CHECK(run_flowlink({"validate", kPromotion, "--env", "test"}).out.find("environment test") != std::string::npos);
  const Run typo = run_flowlink({"validate", kPromotion, "--env", "prd"});
  CHECK(typo.code == kExitError);
  CHECK(typo.err.find("no environment 'prd'") != std::string::npos);
  CHECK(typo.err.find("did you mean 'prod'?") != std::string::npos);

  // Without an environment the manifest's variables are unknown.
  const Run none = run_flowlink({"plan", "-f", kPromotion, "--export-dir", kExampleOrg});
  CHECK(none.code == kExitError);
  CHECK(none.err.find("support.yaml:19:18: rules[0].flows.exclude[0]: unknown variable 'excluded_lines'") !=
        std::string::npos);
}

TEST_CASE("environments example: dev and prod plans of one manifest differ as their files say") {
  TempDir dir;
  std::map<std::string, plan::Plan> plans;
  for (const std::string env : {"dev", "test", "prod"}) {
    const std::string out = dir.file(env + ".json");
    const Run run = run_flowlink({"plan", "-f", kPromotion, "--env", env, "--export-dir", kExampleOrg, "--out", out,
                                  "--no-color"});
    INFO(env << ": " << run.err);
    REQUIRE(run.code == kExitOk);
    CHECK(run.out.find("flowlink plan of export-dir " + kExampleOrg + " for environment " + env + "\n") !=
          std::string::npos);
    plans[env] = read_plan(out);
    CHECK(plans[env].environment == env);
    CHECK(plans[env].environment_file == kPromotion + "/environments/" + env + ".yaml");
  }
  // dev's exclude pattern keeps the sandbox lines in; test's and prod's do not.
  CHECK(has_flow(plans["dev"], "Inbound_Support_Sandbox"));
  CHECK(has_flow(plans["dev"], "Chat_Support_Sandbox"));
  CHECK_FALSE(has_flow(plans["prod"], "Inbound_Support_Sandbox"));
  CHECK(flow_names(plans["test"]) == flow_names(plans["prod"]));
  // Each binds its own queue; prod checks in without publishing.
  CHECK(wanted_input(plans["dev"], "Chat_Support_Web", "Common.QueueName") == "\"Support Dev\"");
  CHECK(wanted_input(plans["prod"], "Chat_Support_Web", "Common.QueueName") == "\"Support\"");
  CHECK(plans["dev"].manifest_fingerprint != plans["prod"].manifest_fingerprint);

  const Run markdown = run_flowlink({"plan", "-f", kPromotion, "--env", "prod", "--export-dir", kExampleOrg,
                                     "--output", "markdown"});
  CHECK(markdown.out.find("Source: export-dir " + kExampleOrg + " · Environment: **prod**") != std::string::npos);
  const Run json = run_flowlink({"plan", "-f", kPromotion, "--env-file", kPromotion + "/environments/test.yaml",
                                 "--export-dir", kExampleOrg, "--output", "json"});
  const auto parsed = nlohmann::json::parse(json.out);
  CHECK(parsed.at("environment").at("name") == "test");
}

TEST_CASE("org: two environments of one manifest give two plans, each recording its environment and org") {
  EnvironmentOrg org("env-two-plans");
  const std::string dev_path = org.cli.work_file("dev.json");
  const std::string prod_path = org.cli.work_file("prod.json");
  const Run dev = org.plan("dev", dev_path);
  const Run prod = org.plan("prod", prod_path);
  INFO(dev.err << prod.err);
  REQUIRE(dev.code == kExitOk);
  REQUIRE(prod.code == kExitOk);
  const plan::Plan dev_plan = read_plan(dev_path);
  const plan::Plan prod_plan = read_plan(prod_path);
  CHECK(dev_plan.environment == "dev");
  CHECK(prod_plan.environment == "prod");
  CHECK(dev_plan.org_id == org.me.id);
  CHECK(prod_plan.org_name == org.me.name);
  CHECK(dev.out.find("for environment dev") != std::string::npos);
  CHECK(has_flow(dev_plan, "Chat_Support_Sandbox"));
  CHECK_FALSE(has_flow(prod_plan, "Chat_Support_Sandbox"));
  CHECK(wanted_input(dev_plan, "Chat_Support_Web", "Common.QueueName") == "\"Support Dev\"");
  CHECK(wanted_input(prod_plan, "Chat_Support_Web", "Common.QueueName") == "\"Support\"");
  org.cli.check_secret_never_shown(false);
}

TEST_CASE("org: an environment for another org is refused before a flow is read") {
  EnvironmentOrg org("env-wrong-org");
  org.write_environment("prod", "  id: 00000000-other-org", "*_Sandbox", "Support");
  org.cli.org.control->clear_requests();
  const Run run = org.plan("prod", org.cli.work_file("prod.json"));
  INFO(run.err);
  CHECK(run.code == kExitError);
  CHECK(run.err.find("environment 'prod' (" + (org.manifests / "environments" / "prod.yaml").string() +
                     ") is for org 00000000-other-org, but these credentials belong to org '" + org.me.name + "' (" +
                     org.me.id + "); nothing was read or changed") != std::string::npos);
  CHECK_FALSE(fs::exists(org.cli.work_file("prod.json")));
  // drift and apply -f take the same road.
  const Run drift = org.cli.flowlink("drift", {"-f", org.manifests.string(), "--env", "prod"});
  CHECK(drift.code == kExitError);
  CHECK(drift.err.find("is for org 00000000-other-org") != std::string::npos);
  const Run apply = org.cli.flowlink("apply", {"-f", org.manifests.string(), "--env", "prod", "--auto-approve",
                                               "--work-dir", org.cli.work_dir()});
  CHECK(apply.code == kExitError);
  CHECK(apply.err.find("is for org 00000000-other-org") != std::string::npos);
  const auto requests = org.cli.org.control->requests();
  for (const auto& [endpoint, count] : requests.at("by_endpoint").items()) {
    INFO(endpoint);
    CHECK(endpoint.find("/flows") == std::string::npos);
  }
}

TEST_CASE("org: apply of a saved plan takes the plan's environment, and refuses another") {
  EnvironmentOrg org("env-apply");
  const std::string dev_path = org.cli.work_file("dev.json");
  REQUIRE(org.plan("dev", dev_path).code == kExitOk);
  REQUIRE(flows_with_changes(read_plan(dev_path)) > 0);

  org.cli.org.control->clear_requests();
  const Run other = org.cli.flowlink("apply", {dev_path, "--env", "prod", "--auto-approve", "--work-dir",
                                               org.cli.work_dir()});
  INFO(other.out << other.err);
  CHECK(other.code == kExitError);
  CHECK(other.err.find("plan file '" + dev_path +
                       "': the plan was made for environment 'dev', but this apply is for environment 'prod'; "
                       "nothing was applied") != std::string::npos);
  CHECK(org.cli.writes_since_clear().empty());

  // Without --env: the environment the plan recorded.
  const Run same = org.cli.apply_plan_file(dev_path);
  INFO(same.out << same.err);
  CHECK(same.code == kExitOk);
  const Run again = org.plan("dev", org.cli.work_file("dev-again.json"));
  CHECK(again.code == kExitOk);
  CHECK(flows_with_changes(read_plan(org.cli.work_file("dev-again.json"))) == 0);
  org.cli.check_secret_never_shown();
}

TEST_CASE("org_for_environment: the environment's region unless a flag or GENESYSCLOUD_REGION gives one") {
  manifest::DesiredState desired;
  desired.environment = manifest::Environment{"prod", "environments/prod.yaml", "mypurecloud.ie", "", ""};
  const auto no_env = [](const char*) -> const char* { return nullptr; };
  const auto ie_env = [](const char* name) -> const char* {
    return std::string(name) == "GENESYSCLOUD_REGION" ? "mypurecloud.ie" : nullptr;
  };
  OrgOptions given;
  CHECK(org_for_environment(given, desired, no_env).region == "mypurecloud.ie");
  CHECK(org_for_environment(given, desired, ie_env).region.empty());  // the variable's, which agrees
  given.region = "api.mypurecloud.ie";
  CHECK_NOTHROW(org_for_environment(given, desired, no_env));  // the same API, spelt otherwise
  given.region = "mypurecloud.com";
  CHECK_THROWS_WITH(org_for_environment(given, desired, no_env),
                    "environment 'prod' (environments/prod.yaml) is in region mypurecloud.ie, but --region says "
                    "mypurecloud.com; drop one, or make them agree");
  given.api_url = "http://127.0.0.1:1";  // an emulator or gateway: the region does not apply
  CHECK_NOTHROW(org_for_environment(given, desired, no_env));
}
