// plan, drift and apply against a live (emulated) org over a socket, as a
// user runs them: credentials from the environment, --api-url, exit codes,
// what stdout/stderr say, refusals, and the client secret never shown.
#include <doctest/doctest.h>

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "cli/drift_command.hpp"
#include "cli/org_cli_support.hpp"
#include "cli/output.hpp"
#include "flowdoc/document.hpp"
#include "plan/render.hpp"
#include "util/atomic_file.hpp"

using namespace flowlink;
using namespace flowlink::cli;
using namespace flowlink::cli::test;

namespace {

plan::Plan read_plan(const std::string& path) {
  const std::string text = flowlink::cli::test::read_text(path);
  REQUIRE_FALSE(text.empty());
  return plan::plan_from_json(nlohmann::ordered_json::parse(text));
}

int flows_with_edits(const plan::Plan& plan) {
  return static_cast<int>(
      std::count_if(plan.flows.begin(), plan.flows.end(), [](const plan::FlowPlan& f) { return !f.edits.empty(); }));
}

const plan::FlowPlan& first_flow_with_edits(const plan::Plan& plan) {
  for (const auto& flow : plan.flows)
    if (!flow.edits.empty()) return flow;
  FAIL("the plan has no flow with edits");
  throw std::logic_error("unreachable");
}

int lines_starting(const std::string& out, const std::string& prefix) {
  int count = 0;
  std::istringstream lines(out);
  for (std::string line; std::getline(lines, line);)
    if (line.rfind(prefix, 0) == 0) ++count;
  return count;
}

std::string summary_line(const std::string& out) {
  const auto at = out.find("Summary: ");
  return at == std::string::npos ? "" : out.substr(at, out.find('\n', at) - at);
}

// Another user opens the flow in Architect, deletes the call to `module`
// (the first one), saves and checks in.
void another_user_removes_call(CliOrg& cli, const std::string& flow_id, const std::string& module) {
  auto document = flowdoc::Document::parse(cli.org.api->latest_configuration(flow_id), "flow " + flow_id);
  const auto calls = document.module_calls();
  const auto call = std::find_if(calls.begin(), calls.end(), [&](const auto& c) { return c.module_name == module; });
  REQUIRE_MESSAGE(call != calls.end(), "the flow does not call " << module);
  document.remove_call(call->action_id);
  cli.org.control->act_as("alice", "save", flow_id, document.serialize());
  cli.org.control->act_as("alice", "checkin", flow_id);
  cli.wait_until_unlocked(flow_id);
}

// Another user changes the flow in a way the manifest does not care about.
void another_user_edits_description(CliOrg& cli, const std::string& flow_id) {
  auto document = nlohmann::ordered_json::parse(cli.org.api->latest_configuration(flow_id));
  document["description"] = "edited by alice after the plan";
  cli.org.control->act_as("alice", "save", flow_id, document.dump());
  cli.org.control->act_as("alice", "checkin", flow_id);
  cli.wait_until_unlocked(flow_id);
}

}  // namespace

TEST_CASE("org: plan, drift, apply -f --auto-approve, then no drift (demo manifests)") {
  CliOrg cli("cli-converge");
  const std::string plan_path = cli.work_file("plan.json");

  const Run planned = cli.plan({"--detailed-exitcode", "--out", plan_path});
  INFO("plan stderr: " << planned.err);
  REQUIRE(planned.code == kExitChanges);
  CHECK(only_summary(planned.err));
  for (const char* name : {"Inbound_Support_Returns", "Inbound_Support_Technical", "Inbound_Sales_EMEA",
                           "Chat_Support_Web", "Inbound_Support_Z\xC3\xBCrich"}) {
    CHECK_MESSAGE(planned.out.find(name) != std::string::npos, name);
  }
  CHECK(planned.out.find(cli.url()) != std::string::npos);  // the text says where it looked

  const plan::Plan saved = read_plan(plan_path);
  CHECK(saved.source == cli.url());
  CHECK(saved.has_changes());
  CHECK_FALSE(plan_has_errors(saved));
  const int to_change = flows_with_edits(saved);
  CHECK(to_change > 5);

  // Without --detailed-exitcode changes are not a failure.
  CHECK(cli.plan().code == kExitOk);

  const Run drifting = cli.drift();
  INFO("drift stderr: " << drifting.err);
  CHECK(drifting.code == kExitChanges);
  const auto drifted = drifted_flows(saved);
  CHECK(drift_line_flows(drifting.err) == drifted);
  CHECK(drifting.err.find(std::to_string(drifted.size()) + " flows differ from the manifest") != std::string::npos);

  const Run applied = cli.apply_auto();
  INFO("apply stdout: " << applied.out << "\napply stderr: " << applied.err);
  CHECK(applied.code == kExitOk);
  CHECK(only_summary(applied.err));
  const std::string summary = summary_line(applied.out);
  CHECK(summary.rfind("Summary: " + std::to_string(to_change) + " applied, ", 0) == 0);
  CHECK(summary.find(" unchanged, 0 skipped as stale, 0 skipped as locked, 0 skipped for an unpublished draft, "
                     "0 cancelled, 0 not started, 0 failed.") != std::string::npos);
  CHECK(applied.out.find(", published") != std::string::npos);
  CHECK(applied.out.find("Journal: ") != std::string::npos);
  // One line per flow as it is done; its steps are in the journal (and on
  // the terminal with --verbose), not here.
  CHECK(lines_starting(applied.out, "✓ ") == to_change);
  CHECK(applied.out.find(": checkout ok") == std::string::npos);
  CHECK(applied.out.find(": verify ok") == std::string::npos);
  CHECK(cli.org.control->locks().empty());

  const Run clean = cli.drift();
  INFO("drift after apply: " << clean.out << clean.err);
  CHECK(clean.code == kExitOk);
  CHECK(clean.err.rfind("drift (published): none (" + std::to_string(saved.flows.size()) + " flows match", 0) == 0);
  CHECK(cli.plan({"--detailed-exitcode"}).code == kExitOk);

  // A second apply has nothing to do and changes nothing.
  cli.org.control->clear_requests();
  const Run again = cli.apply_auto();
  CHECK(again.code == kExitOk);
  CHECK(again.out.find("No changes to apply") != std::string::npos);
  CHECK(cli.writes_since_clear().empty());

  cli.check_secret_never_shown();
  CHECK(read_text(plan_path).find(flowlink::testing::OrgFixture::kSecret) == std::string::npos);
}

TEST_CASE("org: another user removes a call and checks in -> a draft, not drift; once published, drift names "
          "exactly that flow -> apply repairs it") {
  CliOrg cli("cli-redrift", flowlink::testing::kChatManifest);
  REQUIRE(cli.apply_auto().code == kExitOk);
  REQUIRE(cli.drift().code == kExitOk);

  const std::string id = cli.flow_id("Chat_Support_Web");
  another_user_removes_call(cli, id, "Common_Closure_Check");

  // Checked in, not published: callers still run a version with the call.
  const Run published_check = cli.drift();
  INFO("drift: " << published_check.out << published_check.err);
  CHECK(published_check.code == kExitOk);
  CHECK(published_check.err.rfind("drift (published): none", 0) == 0);
  // Her draft lacks it: --check draft (and both) name exactly that flow.
  for (const char* check : {"draft", "both"}) {
    const Run draft_check = cli.flowlink("drift", {"-f", cli.manifest, "--check", check});
    INFO("drift --check " << check << ": " << draft_check.out << draft_check.err);
    CHECK(draft_check.code == kExitChanges);
    CHECK(drift_line_flows(draft_check.err) == std::vector<std::string>{"Chat_Support_Web"});
    CHECK(draft_check.err.find("drift (" + std::string(check) + "): 1 flow differs from the manifest") !=
          std::string::npos);
  }
  // The plan shows her draft; apply leaves it alone (nothing is live to repair).
  const Run planned = cli.plan({"--detailed-exitcode"});
  INFO("plan: " << planned.out << planned.err);
  CHECK(planned.code == kExitOk);
  CHECK(planned.out.find("alice") != std::string::npos);
  cli.org.control->clear_requests();
  const Run left_alone = cli.apply_auto();
  INFO("apply: " << left_alone.out << left_alone.err);
  CHECK(left_alone.code == kExitOk);
  CHECK(cli.writes_since_clear().empty());
  const auto draft_flow = cli.org.api->get_flow(id);
  REQUIRE(draft_flow.checked_in_version.has_value());
  REQUIRE(draft_flow.published_version.has_value());
  CHECK(draft_flow.checked_in_version->id != draft_flow.published_version->id);  // still her unpublished draft

  // She publishes: now the live flow differs.
  cli.org.control->act_as_publish("alice", id);
  const auto published = cli.org.control->wait_for_operation(id);
  REQUIRE(published.at("currentOperation").at("actionStatus") == "SUCCESS");
  const Run drifting = cli.drift();
  INFO("drift: " << drifting.out << drifting.err);
  CHECK(drifting.code == kExitChanges);
  CHECK(drift_line_flows(drifting.err) == std::vector<std::string>{"Chat_Support_Web"});
  CHECK(drifting.err.find("drift (published): 1 flow differs from the manifest") != std::string::npos);

  const Run repaired = cli.apply_auto();
  INFO("apply: " << repaired.out << repaired.err);
  CHECK(repaired.code == kExitOk);
  CHECK(summary_line(repaired.out).rfind("Summary: 1 applied, ", 0) == 0);
  // One line for the flow, when it is done: what was added, what went live.
  CHECK(repaired.out.find("✓ Chat_Support_Web (" + id + "): 1 added, published ") != std::string::npos);

  const Run clean = cli.flowlink("drift", {"-f", cli.manifest, "--check", "both"});
  CHECK(clean.code == kExitOk);
  CHECK(clean.err.rfind("drift (both): none", 0) == 0);
  cli.check_secret_never_shown();
}

TEST_CASE("org: apply --verbose prints every step of every flow, then its line") {
  CliOrg cli("cli-verbose", flowlink::testing::kChatManifest);
  const Run applied =
      cli.flowlink("apply", {"-f", cli.manifest, "--auto-approve", "--verbose", "--work-dir", cli.work_dir()});
  INFO("apply --verbose: " << applied.out << applied.err);
  CHECK(applied.code == kExitOk);
  const int flows = lines_starting(applied.out, "✓ ");
  CHECK(flows >= 2);
  CHECK(lines_starting(applied.out, "  Chat_") >= flows * 5);  // steps, indented under no heading
  for (const char* step : {": checkout ok", ": reread ok", ": save ok", ": publish ok", ": verify ok"})
    CHECK_MESSAGE(applied.out.find(step) != std::string::npos, step);
  // A flow's steps come before its line.
  const auto web_line = applied.out.find("✓ Chat_Support_Web (");
  REQUIRE(web_line != std::string::npos);
  const auto web_verified = applied.out.find("  Chat_Support_Web: verify ok");
  REQUIRE(web_verified != std::string::npos);
  CHECK(web_verified < web_line);
  CHECK(summary_line(applied.out).rfind("Summary: " + std::to_string(flows) + " applied, ", 0) == 0);
}

TEST_CASE("org: a saved plan applies; a flow changed since the plan is skipped as stale (exit 1)") {
  CliOrg cli("cli-saved-plan", flowlink::testing::kChatManifest);
  const std::string plan_path = cli.work_file("chat-plan.json");
  REQUIRE(cli.plan({"--detailed-exitcode", "--out", plan_path}).code == kExitChanges);
  const plan::Plan saved = read_plan(plan_path);
  REQUIRE(flows_with_edits(saved) >= 2);
  const plan::FlowPlan& changed = first_flow_with_edits(saved);
  another_user_edits_description(cli, changed.flow_id);
  const std::string alice_text = cli.org.api->latest_configuration(changed.flow_id);

  const Run applied = cli.apply_plan_file(plan_path);
  INFO("apply: " << applied.out << applied.err);
  CHECK(applied.code == kExitError);
  CHECK(applied.out.find("✗ " + changed.flow_name + " (" + changed.flow_id +
                         "): skipped (stale) — changed since the plan") != std::string::npos);
  const int compliant = static_cast<int>(saved.flows.size()) - flows_with_edits(saved);
  CHECK(summary_line(applied.out) == "Summary: " + std::to_string(flows_with_edits(saved) - 1) + " applied, " +
                                         std::to_string(compliant) +
                                         " unchanged, 1 skipped as stale, 0 skipped as locked, 0 skipped for an "
                                         "unpublished draft, 0 cancelled, 0 not started, 0 failed.");
  CHECK(cli.org.api->latest_configuration(changed.flow_id) == alice_text);  // her edit stands
  CHECK(cli.org.control->locks().empty());

  // Only the stale flow still drifts: its published version still lacks the call.
  const Run drifting = cli.drift();
  CHECK(drifting.code == kExitChanges);
  CHECK(drift_line_flows(drifting.err) == std::vector<std::string>{changed.flow_name});

  // Her check-in was not published: a fresh plan holds the flow under the
  // default policy (unpublished: skip) rather than publish her work.
  const Run held = cli.apply_auto();
  INFO("apply (held): " << held.out << held.err);
  CHECK(held.code == kExitError);
  CHECK(held.out.find("✗ " + changed.flow_name + " (" + changed.flow_id + "): skipped (unpublished draft) — ") !=
        std::string::npos);
  CHECK(held.out.find("alice") != std::string::npos);
  CHECK(summary_line(held.out) == "Summary: 0 applied, " + std::to_string(saved.flows.size() - 1) +
                                      " unchanged, 0 skipped as stale, 0 skipped as locked, 1 skipped for an "
                                      "unpublished draft, 0 cancelled, 0 not started, 0 failed.");
  CHECK(cli.org.api->latest_configuration(changed.flow_id) == alice_text);
  CHECK(cli.drift().code == kExitChanges);

  // With consent (--unpublished publish) her draft gets the call and goes live.
  const Run consented =
      cli.flowlink("apply", {"-f", cli.manifest, "--auto-approve", "--work-dir", cli.work_dir(), "--unpublished", "publish"});
  INFO("apply --unpublished publish: " << consented.out << consented.err);
  CHECK(consented.code == kExitOk);
  CHECK(summary_line(consented.out).rfind("Summary: 1 applied, ", 0) == 0);
  const auto live = cli.org.api->get_flow(changed.flow_id);
  REQUIRE(live.published_version.has_value());
  const auto live_doc = nlohmann::ordered_json::parse(
      cli.org.api->version_configuration(changed.flow_id, live.published_version->id));
  CHECK(live_doc.value("description", "") == "edited by alice after the plan");
  CHECK(cli.drift().code == kExitOk);
  cli.check_secret_never_shown();
}

TEST_CASE("org: apply refuses a plan made from an export directory or against another org") {
  CliOrg cli("cli-plan-source", flowlink::testing::kChatManifest);

  const std::string export_plan = cli.work_file("export-plan.json");
  REQUIRE(run_flowlink({"plan", "-f", cli.manifest, "--export-dir", kExampleOrg, "--out", export_plan}).code ==
          kExitOk);
  cli.org.control->clear_requests();
  const Run from_export = cli.apply_plan_file(export_plan);
  INFO(from_export.err);
  CHECK(from_export.code == kExitError);
  CHECK(from_export.err.find("flowlink: error: plan file '" + export_plan + "' was made from an export directory") !=
        std::string::npos);
  CHECK(from_export.err.find("plan against the org to apply") != std::string::npos);

  const std::string org_plan = cli.work_file("org-plan.json");
  REQUIRE(cli.plan({"--out", org_plan}).code == kExitOk);
  auto json = nlohmann::ordered_json::parse(read_text(org_plan));
  json["source"] = "https://api.mypurecloud.com";
  const std::string other_plan = cli.work_file("other-org-plan.json");
  std::ofstream(other_plan) << json.dump(2);
  cli.org.control->clear_requests();
  const Run from_other = cli.apply_plan_file(other_plan);
  INFO(from_other.err);
  CHECK(from_other.code == kExitError);
  CHECK(from_other.err.find("was made against https://api.mypurecloud.com but this apply talks to " + cli.url()) !=
        std::string::npos);
  CHECK(cli.org.control->requests().at("total") == 0);  // refused before talking to the org

  // The unmodified plan is accepted, also when one side wrote the URL with a trailing slash.
  const Run slash = run_flowlink({"plan", "-f", cli.manifest, "--out", org_plan, "--api-url", cli.url() + "/"});
  cli.runs.push_back(slash);
  REQUIRE(slash.code == kExitOk);
  CHECK(read_plan(org_plan).source == cli.url());
  const Run accepted = cli.apply_plan_file(org_plan);
  INFO(accepted.out << accepted.err);
  CHECK(accepted.code == kExitOk);
  cli.check_secret_never_shown();
}

TEST_CASE("org: apply refuses a saved plan whose manifests changed since it was made") {
  CliOrg cli("cli-manifest-changed", flowlink::testing::kChatManifest);
  const std::string plan_path = cli.work_file("plan.json");
  REQUIRE(cli.plan({"--detailed-exitcode", "--out", plan_path}).code == kExitChanges);
  CHECK(read_plan(plan_path).manifest_fingerprint.size() == 64);

  // Even a comment changes the manifests the verification would re-plan with.
  std::ofstream(cli.manifest, std::ios::app) << "# edited after planning\n";
  cli.org.control->clear_requests();
  const Run refused = cli.apply_plan_file(plan_path);
  INFO(refused.err);
  CHECK(refused.code == kExitError);
  CHECK(refused.err.find("changed since plan file '" + plan_path + "' was made; plan again") != std::string::npos);
  CHECK(cli.org.control->requests().at("total") == 0);  // refused before talking to the org

  // Planned again with the edited manifest, the plan applies.
  REQUIRE(cli.plan({"--out", plan_path}).code == kExitOk);
  const Run applied = cli.apply_plan_file(plan_path);
  INFO(applied.out << applied.err);
  CHECK(applied.code == kExitOk);
  cli.check_secret_never_shown();
}

TEST_CASE("org: a saved plan whose manifest paths do not resolve here says how to go on, and writes nothing") {
  CliOrg cli("cli-manifest-elsewhere", flowlink::testing::kChatManifest);
  const std::string plan_path = cli.work_file("plan.json");
  REQUIRE(cli.plan({"--out", plan_path}).code == kExitOk);
  // As if planned in another directory: the recorded path is relative to it.
  auto json = nlohmann::json::parse(std::ifstream(plan_path));
  json["manifest_files"] = {"team-repo/manifests/chat.yaml"};
  std::ofstream(plan_path) << json.dump(2);
  const std::filesystem::path missing = std::filesystem::current_path() / "team-repo/manifests/chat.yaml";
  REQUIRE_FALSE(std::filesystem::exists(missing));

  cli.org.control->clear_requests();
  const Run refused = cli.apply_plan_file(plan_path);
  INFO(refused.err);
  CHECK(refused.code == kExitError);
  CHECK(refused.err.find("team-repo/manifests/chat.yaml") != std::string::npos);
  CHECK(refused.err.find("run apply from the directory plan ran in, or pass them with -f") != std::string::npos);
  CHECK(cli.org.control->requests().at("total") == 0);
}

TEST_CASE("org: apply -f asks for confirmation; without a terminal it refuses, 'no' cancels, 'yes' applies") {
  CliOrg cli("cli-confirm", flowlink::testing::kChatManifest);
  ApplyCommandOptions options;

  cli.org.control->clear_requests();
  const Run refused = cli.apply_with_input(options, "yes\n");  // not a terminal: the input is not read
  INFO("refused: " << refused.out << refused.err);
  CHECK(refused.code == kExitError);
  CHECK(refused.err.find("refusing to apply without confirmation") != std::string::npos);
  CHECK(refused.err.find("--auto-approve") != std::string::npos);
  CHECK(cli.writes_since_clear().empty());

  options.interactive = true;
  const Run declined = cli.apply_with_input(options, "no\n");
  INFO("declined: " << declined.out << declined.err);
  CHECK(declined.code == kExitError);
  CHECK(declined.out.find("Only 'yes' will be accepted") != std::string::npos);
  CHECK(declined.out.find("Apply cancelled") != std::string::npos);
  CHECK(cli.writes_since_clear().empty());
  CHECK(cli.drift().code == kExitChanges);

  const Run accepted = cli.apply_with_input(options, "yes\n");
  INFO("accepted: " << accepted.out << accepted.err);
  CHECK(accepted.code == kExitOk);
  CHECK(summary_line(accepted.out).find(" applied, ") != std::string::npos);
  CHECK_FALSE(cli.writes_since_clear().empty());
  CHECK(cli.drift().code == kExitOk);
  cli.check_secret_never_shown();
}

TEST_CASE("org: apply --output json prints only the JSON report on stdout, also when nothing changes") {
  CliOrg cli("cli-json-report", flowlink::testing::kChatManifest);
  const std::string plan_path = cli.work_file("plan.json");
  REQUIRE(cli.plan({"--out", plan_path}).code == kExitOk);
  const plan::Plan planned = read_plan(plan_path);
  const int to_change = flows_with_edits(planned);
  REQUIRE(to_change > 0);

  const Run applied = cli.flowlink("apply", {"-f", cli.manifest, "--auto-approve", "--output", "json", "--work-dir",
                                             cli.work_dir()});
  INFO("apply: " << applied.out << "\n---\n" << applied.err);
  CHECK(applied.code == kExitOk);
  const auto report = nlohmann::json::parse(applied.out, nullptr, false);
  REQUIRE_FALSE(report.is_discarded());
  CHECK(report.at("ok") == true);
  CHECK(report.at("summary").at("applied") == to_change);
  CHECK(report.at("flows").size() == planned.flows.size());
  CHECK(applied.err.find("Chat_Support_Web") != std::string::npos);  // the plan and progress, for people

  const Run again = cli.flowlink("apply", {"-f", cli.manifest, "--auto-approve", "--output", "json", "--work-dir",
                                           cli.work_dir()});
  INFO("again: " << again.out << "\n---\n" << again.err);
  CHECK(again.code == kExitOk);
  const auto unchanged = nlohmann::json::parse(again.out, nullptr, false);
  REQUIRE_FALSE(unchanged.is_discarded());
  CHECK(unchanged.at("ok") == true);
  CHECK(unchanged.at("summary").at("applied") == 0);
  CHECK(unchanged.at("summary").at("unchanged") == planned.flows.size());
  CHECK(again.err.find("No changes to apply") != std::string::npos);
  cli.check_secret_never_shown();
}

TEST_CASE("org: plan --output json --out writes the plan as it is made to both, the same bytes; a failed plan "
          "writes no --out file") {
  CliOrg cli("cli-plan-streamed");
  const std::string plan_path = cli.work_file("streamed.json");
  const Run planned = cli.plan({"--output", "json", "--out", plan_path});
  INFO(planned.err);
  REQUIRE(planned.code == kExitOk);
  CHECK(read_text(plan_path) == planned.out);
  const auto json = nlohmann::ordered_json::parse(planned.out);
  CHECK(json.at("summary").at("flows_matched") == json.at("flows").size());
  CHECK(json.at("flows").size() > 5);
  // Text the same way: what drift and plan print by default.
  const Run text = cli.plan();
  CHECK(text.out.find("Plan: ") != std::string::npos);
  CHECK(text.out.find("flowlink plan of " + cli.url()) == 0);

  const std::string failed_path = cli.work_file("failed.json");
  ScopedEnv env{{kClientSecretVar, "wrong-secret"}};
  const Run failed = cli.plan({"--output", "json", "--out", failed_path});
  CHECK(failed.code == kExitError);
  CHECK_FALSE(std::filesystem::exists(failed_path));
  for (const auto& entry : std::filesystem::directory_iterator(std::filesystem::path(failed_path).parent_path()))
    CHECK_FALSE(flowlink::util::is_atomic_temp_name(entry.path().filename().string()));
}

TEST_CASE("org: a wrong client secret fails cleanly and is never shown") {
  CliOrg cli("cli-wrong-secret", flowlink::testing::kChatManifest);
  const std::string wrong = "wrong-secret-5b8e1d2f-do-not-print";
  ScopedEnv env{{kClientSecretVar, wrong.c_str()}};
  for (const char* command : {"plan", "drift"}) {
    const Run run = cli.flowlink(command, {"-f", cli.manifest});
    INFO(command << ": " << run.err);
    CHECK(run.code == kExitError);
    CHECK(run.err.find("flowlink: error: ") != std::string::npos);
    CHECK(run.both().find(wrong) == std::string::npos);
  }
  const Run apply = cli.apply_auto();
  CHECK(apply.code == kExitError);
  CHECK(apply.both().find(wrong) == std::string::npos);
  cli.check_secret_never_shown(/*expect_files=*/false);
}

TEST_CASE("org commands: no credentials, an unknown region or plain http to a remote host exit 1 with a message") {
  TempDir dir;
  const std::string manifest = dir.write("chat.yaml", flowlink::testing::kChatManifest);
  const std::string secret = "env-secret-3c1a-never-shown";
  const std::vector<std::vector<std::string>> commands = {
      {"plan", "-f", manifest},
      {"drift", "-f", manifest},
      {"apply", "-f", manifest, "--auto-approve", "--work-dir", dir.path.string()},
  };
  auto with = [](std::vector<std::string> args, std::initializer_list<std::string> more) {
    args.insert(args.end(), more);
    return args;
  };

  SUBCASE("no credentials in the environment") {
    ScopedEnv env{{kClientIdVar, nullptr}, {kClientSecretVar, nullptr}, {kRegionVar, nullptr}};
    for (const auto& command : commands) {
      const Run run = run_flowlink(with(command, {"--api-url", "http://127.0.0.1:9"}));
      INFO(command[0] << ": " << run.err);
      CHECK(run.code == kExitError);
      CHECK(run.err.find("flowlink: error: ") != std::string::npos);
      CHECK(run.err.find("GENESYSCLOUD_OAUTHCLIENT_ID") != std::string::npos);
    }
  }
  SUBCASE("an unknown region lists the known ones") {
    ScopedEnv env{{kClientIdVar, "someone"}, {kClientSecretVar, secret.c_str()}, {kRegionVar, nullptr}};
    for (const auto& command : commands) {
      const Run run = run_flowlink(with(command, {"--region", "moon.example"}));
      INFO(command[0] << ": " << run.err);
      CHECK(run.code == kExitError);
      CHECK(run.err.find("moon.example") != std::string::npos);
      CHECK(run.err.find("known regions") != std::string::npos);
      CHECK(run.err.find("mypurecloud.com") != std::string::npos);
      CHECK(run.both().find(secret) == std::string::npos);
    }
  }
  SUBCASE("no region and no --api-url") {
    ScopedEnv env{{kClientIdVar, "someone"}, {kClientSecretVar, secret.c_str()}, {kRegionVar, nullptr}};
    for (const auto& command : commands) {
      const Run run = run_flowlink(command);
      INFO(command[0] << ": " << run.err);
      CHECK(run.code == kExitError);
      CHECK(run.err.find("--region") != std::string::npos);
    }
  }
  SUBCASE("plain http to a host that is not loopback") {
    ScopedEnv env{{kClientIdVar, "someone"}, {kClientSecretVar, secret.c_str()}, {kRegionVar, nullptr}};
    for (const auto& command : commands) {
      const Run run = run_flowlink(with(command, {"--api-url", "http://api.example.com"}));
      INFO(command[0] << ": " << run.err);
      CHECK(run.code == kExitError);
      CHECK(run.err.find("https://") != std::string::npos);
      CHECK(run.both().find(secret) == std::string::npos);
    }
  }
  SUBCASE("credentials in --api-url are refused without being shown") {
    ScopedEnv env{{kClientIdVar, "someone"}, {kClientSecretVar, secret.c_str()}, {kRegionVar, nullptr}};
    for (const auto& command : commands) {
      const Run run = run_flowlink(with(command, {"--api-url", "http://admin:url-password-77@127.0.0.1:9/"}));
      INFO(command[0] << ": " << run.err);
      CHECK(run.code == kExitError);
      CHECK(run.err.find("must not carry credentials") != std::string::npos);
      CHECK(run.both().find("url-password-77") == std::string::npos);
    }
  }
  // Nothing was written: no plan, no journal.
  CHECK_FALSE(fs::exists(dir.path / ".flowlink"));
}

TEST_CASE("drift --help and apply --help print their usage") {
  const Run drift = run_flowlink({"drift", "--help"});
  CHECK(drift.code == kExitOk);
  CHECK(drift.err.empty());
  CHECK(drift.out.find("Usage") != std::string::npos);
  CHECK(drift.out.find("--api-url") != std::string::npos);
  CHECK(drift.out.find("2 drift") != std::string::npos);

  const Run apply = run_flowlink({"apply", "--help"});
  CHECK(apply.code == kExitOk);
  CHECK(apply.err.empty());
  CHECK(apply.out.find("Usage") != std::string::npos);
  CHECK(apply.out.find("--auto-approve") != std::string::npos);
  CHECK(apply.out.find("--force-unlock") != std::string::npos);
  CHECK(apply.out.find("--work-dir") != std::string::npos);
}
