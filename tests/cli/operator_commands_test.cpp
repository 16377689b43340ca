// The operator commands against the emulated org over a socket: --target,
// show, inspect and restore, as a user runs them.
#include <doctest/doctest.h>

#include <algorithm>
#include <filesystem>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "cli/org_cli_support.hpp"
#include "cli/output.hpp"
#include "flowdoc/document.hpp"
#include "plan/plan_file.hpp"
#include "plan/render.hpp"

using namespace flowlink;
using namespace flowlink::cli;
using namespace flowlink::cli::test;

namespace {

bool has(const std::string& text, const std::string& part) { return text.find(part) != std::string::npos; }

std::vector<std::string> flow_names(const plan::Plan& plan) {
  std::vector<std::string> names;
  for (const auto& flow : plan.flows) names.push_back(flow.flow_name);
  return names;
}

// The backups apply wrote for one flow.
std::vector<fs::path> backups_of(const CliOrg& cli, const std::string& flow_id) {
  std::vector<fs::path> files;
  const fs::path dir = fs::path(cli.work_dir()) / ".flowlink" / "backups" / flow_id;
  if (!fs::exists(dir)) return files;
  for (const auto& entry : fs::directory_iterator(dir)) files.push_back(entry.path());
  std::sort(files.begin(), files.end());
  return files;
}

// The common-module calls of a document, as restore compares them.
std::vector<std::string> calls(const std::string& document_text) {
  std::vector<std::string> out;
  for (const auto& call : flowdoc::Document::parse(document_text, "test").module_calls())
    out.push_back(call.action_id + "|" + call.module_name + "|" + call.position.describe());
  return out;
}

std::string published_document(const CliOrg& cli, const std::string& flow_id) {
  const auto flow = cli.org.api->get_flow(flow_id);
  REQUIRE(flow.published_version);
  return cli.org.api->version_configuration(flow_id, flow.published_version->id);
}

}  // namespace

TEST_CASE("org: --target limits plan, drift and apply to the named flows (by name or id), recorded in the plan") {
  CliOrg cli("cli-target", flowlink::testing::kChatManifest);
  const std::string web_id = cli.flow_id("Chat_Support_Web");
  const std::string plan_path = cli.work_file("targeted.json");

  const Run all = cli.plan({"--out", cli.work_file("all.json")});
  REQUIRE(all.code == kExitOk);
  const plan::Plan whole = plan::read_plan_file(cli.work_file("all.json"));
  REQUIRE(whole.flows.size() > 2);

  const Run planned = cli.plan({"--target", web_id, "--target", "Chat_Support_Mobile", "--out", plan_path});
  INFO(planned.out << planned.err);
  REQUIRE(planned.code == kExitOk);
  const plan::Plan targeted = plan::read_plan_file(plan_path);
  CHECK(flow_names(targeted) == std::vector<std::string>{"Chat_Support_Mobile", "Chat_Support_Web"});
  CHECK(targeted.targets == std::vector<std::string>{web_id, "Chat_Support_Mobile"});
  CHECK(has(planned.out, "targets: " + web_id + ", Chat_Support_Mobile (other flows left out)\n"));
  CHECK(has(planned.out, "rules (targeted flows): 'chat-closure' 2 flows"));

  // A typo is an error with a suggestion, not an empty run.
  const Run typo = cli.plan({"--target", "Chat_Support_Wbe"});
  CHECK(typo.code == kExitError);
  CHECK(has(typo.both(), "target 'Chat_Support_Wbe' is no flow the manifest's rules select; did you mean "
                         "'Chat_Support_Web'?"));
  const Run unselected = cli.plan({"--target", "Chat_Support_Sandbox"});
  CHECK(unselected.code == kExitError);
  CHECK(has(unselected.both(), "target 'Chat_Support_Sandbox' is"));  // excluded by the rule's pattern

  // apply -f --target changes the targeted flow only.
  const Run applied = cli.flowlink("apply", {"-f", cli.manifest, "--target", "Chat_Support_Web", "--auto-approve",
                                             "--work-dir", cli.work_dir()});
  INFO(applied.out << applied.err);
  CHECK(applied.code == kExitOk);
  CHECK(cli.flowlink("drift", {"-f", cli.manifest, "--target", "Chat_Support_Web"}).code == kExitOk);
  const Run rest = cli.drift();
  CHECK(rest.code == kExitChanges);
  const auto drifting = drift_line_flows(rest.err);
  CHECK(std::find(drifting.begin(), drifting.end(), "Chat_Support_Web") == drifting.end());
  CHECK(std::find(drifting.begin(), drifting.end(), "Chat_Support_Billing") != drifting.end());  // not targeted

  // A saved plan keeps the targets it was made with.
  const Run refused = cli.flowlink("apply", {plan_path, "--target", "Chat_Support_Web", "--auto-approve"});
  CHECK(refused.code == kExitError);
  CHECK(has(refused.err, "--target applies when planning (-f)"));
  cli.check_secret_never_shown();
}

TEST_CASE("org: flowlink show renders a saved plan as text, JSON, Markdown and JUnit") {
  CliOrg cli("cli-show", flowlink::testing::kChatManifest);
  const std::string plan_path = cli.work_file("plan.json");
  REQUIRE(cli.plan({"--out", plan_path}).code == kExitOk);
  const plan::Plan saved = plan::read_plan_file(plan_path);

  Run shown = run_flowlink({"show", plan_path, "--no-color"});
  CHECK(shown.code == kExitOk);
  CHECK(shown.out == plan::render_text(saved, {}));
  CHECK(has(shown.out, "Chat_Support_Web"));
  shown = run_flowlink({"show", plan_path, "--output", "json"});
  CHECK(shown.out == read_text(plan_path));
  shown = run_flowlink({"show", plan_path, "--output", "markdown", "--max-chars", "2000"});
  CHECK(shown.code == kExitOk);
  CHECK(shown.out.rfind("### flowlink plan\n", 0) == 0);
  CHECK(shown.out.size() <= 2000);
  shown = run_flowlink({"show", plan_path, "--output", "junit"});
  CHECK(has(shown.out, "<testsuite name=\"flowlink plan: flows\" tests=\"" + std::to_string(saved.flows.size()) + "\""));

  const Run missing = run_flowlink({"show", cli.work_file("nope.json")});
  CHECK(missing.code == kExitError);
  CHECK(has(missing.err, "cannot read plan file"));
  const Run garbage = run_flowlink({"show", TempDir().write("x.json", "{\"format_version\": 2}")});
  CHECK(garbage.code == kExitError);
}

TEST_CASE("org: flowlink inspect lists a flow's tasks and actions with names, types and trackingIds") {
  CliOrg cli("cli-inspect", flowlink::testing::kChatManifest);
  const std::string id = cli.flow_id("Inbound_Sales_EMEA");
  const auto document = flowdoc::Document::parse(published_document(cli, id), "test");
  const auto actions = document.actions();
  REQUIRE(actions.size() > 2);

  const Run by_name = cli.flowlink("inspect", {"Inbound_Sales_EMEA"});
  INFO(by_name.out << by_name.err);
  REQUIRE(by_name.code == kExitOk);
  CHECK(by_name.out.rfind("flow Inbound_Sales_EMEA (inboundcall) v", 0) == 0);
  CHECK(has(by_name.out, " (published)  [" + id + "]\n"));
  CHECK(has(by_name.out, "(initial: at: start)"));
  for (const auto& action : actions) {
    CAPTURE(action.name);
    CHECK(has(by_name.out, "#" + std::to_string(action.tracking_id)));
    CHECK(has(by_name.out, "'" + action.name + "' " + action.type));
  }
  CHECK(has(by_name.out, "Task 'Main'"));  // what `at: {task: Main}` names in the demo manifests

  const Run by_id = cli.flowlink("inspect", {id, "--output", "json"});
  REQUIRE(by_id.code == kExitOk);
  const auto json = nlohmann::json::parse(by_id.out);
  CHECK(json["flow"]["id"] == id);
  CHECK(json["flow"]["published"] == true);
  std::size_t listed = 0;
  for (const auto& sequence : json["sequences"]) {
    for (const auto& action : sequence["actions"]) {
      ++listed;
      CHECK(action["trackingId"].is_number_integer());
      CHECK(action["module"].is_null() == (action["type"] != "CallCommonModuleAction"));
    }
  }
  CHECK(listed == actions.size());

  const Run exported = run_flowlink({"inspect", "Inbound_Sales_EMEA", "--export-dir", kExampleOrg});
  CHECK(exported.code == kExitOk);
  CHECK(has(exported.out, "Task 'Main'"));

  const Run typo = cli.flowlink("inspect", {"Inbound_Sales_EMAE"});
  CHECK(typo.code == kExitError);
  CHECK(has(typo.err, "no flow named or with id 'Inbound_Sales_EMAE' in the org; did you mean 'Inbound_Sales_EMEA'?"));
  cli.check_secret_never_shown(false);
}

TEST_CASE("org: flowlink restore puts a backup back through the locked, verified path; refuses a locked flow") {
  CliOrg cli("cli-restore", flowlink::testing::kChatManifest);
  const std::string id = cli.flow_id("Chat_Support_Web");
  const std::string before = published_document(cli, id);
  REQUIRE(cli.apply_auto().code == kExitOk);
  REQUIRE(calls(published_document(cli, id)) != calls(before));  // apply changed the flow
  const auto backups = backups_of(cli, id);
  REQUIRE(backups.size() == 1);
  CHECK(calls(read_text(backups[0])) == calls(before));

  const Run restored = cli.flowlink("restore", {backups[0].string(), "--work-dir", cli.work_dir()});
  INFO(restored.out << restored.err);
  REQUIRE(restored.code == kExitOk);
  CHECK(has(restored.out, "Restored flow 'Chat_Support_Web' (" + id + ") from the backup of version "));
  CHECK(has(restored.out, "published and verified"));
  CHECK(calls(published_document(cli, id)) == calls(before));
  CHECK(cli.org.control->locks().empty());
  CHECK(backups_of(cli, id).size() == 2);  // what the restore replaced, kept in turn
  const auto drifting = drift_line_flows(cli.drift().err);
  CHECK(drifting == std::vector<std::string>{"Chat_Support_Web"});

  // Restoring what is already there changes nothing.
  const Run again = cli.flowlink("restore", {backups[0].string(), "--work-dir", cli.work_dir()});
  CHECK(again.code == kExitOk);
  CHECK(has(again.out, "already has the backup's document"));

  // Someone holds the flow: refused before anything is locked or saved.
  cli.org.control->act_as_checkout("alice", id);
  const auto versions_before = cli.org.api->get_flow(id).saved_version;
  const Run locked = cli.flowlink("restore", {backups_of(cli, id)[1].string(), "--work-dir", cli.work_dir()});
  CHECK(locked.code == kExitError);
  CHECK(has(locked.err, "is locked by user alice; nothing restored"));
  const auto flow = cli.org.api->get_flow(id);
  CHECK(flow.locked_user);
  CHECK((flow.saved_version ? flow.saved_version->id : "") == (versions_before ? versions_before->id : ""));

  const Run not_backup = cli.flowlink("restore", {cli.work_file("plan.json"), "--work-dir", cli.work_dir()});
  CHECK(not_backup.code == kExitError);
  CHECK(has(not_backup.err, "is not a flowlink backup"));
  cli.check_secret_never_shown();
}
