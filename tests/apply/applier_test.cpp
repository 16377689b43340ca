// End to end over sockets: plan the example org in the emulator, apply, and
// check that it converged, that the journal and backups tell what happened,
// and that a second run changes nothing.

#include <doctest/doctest.h>

#include <cstdlib>
#include <map>

#include "apply/apply_support.hpp"
#include "plan/render.hpp"

using namespace flowlink;
using namespace flowlink::testing;
namespace fs = std::filesystem;

TEST_CASE("apply converges the example org, and a second apply changes nothing") {
  OrgFixture org("apply-converge");
  plan::Plan plan = plan_live(org);
  INFO(plan::render_text(plan, {}));
  REQUIRE_FALSE(plan.has_errors());
  REQUIRE(plan.has_changes());

  // What the flows looked like before.
  std::map<std::string, genesys::Flow> before;
  for (const auto& fp : plan.flows) before[fp.flow_id] = org.api->get_flow(fp.flow_id);

  std::ostringstream progress;
  apply::ApplyReport report = apply::apply_plan(*org.api, plan, org.desired, apply_options(org, &progress));
  INFO(apply::render_apply_text(report));
  if (std::getenv("FLOWLINK_TEST_SHOW")) MESSAGE(plan::render_text(plan, {}) << apply::render_apply_text(report) << progress.str());
  CHECK(report.ok());
  CHECK(report.exit_code() == 0);
  REQUIRE(report.flows.size() == plan.flows.size());

  int with_edits = 0;
  for (std::size_t i = 0; i < plan.flows.size(); ++i) {
    const plan::FlowPlan& fp = plan.flows[i];
    const apply::FlowOutcome& out = report.flows[i];
    CHECK(out.flow_id == fp.flow_id);
    genesys::Flow after = org.api->get_flow(fp.flow_id);
    CHECK_FALSE(after.locked_user.has_value());
    CHECK_FALSE(after.locked_client.has_value());
    if (fp.edits.empty()) {
      CHECK(out.status == apply::FlowOutcome::Status::Unchanged);
      CHECK(source::observed_version_of(after) == source::observed_version_of(before[fp.flow_id]));
      continue;
    }
    ++with_edits;
    INFO(fp.flow_name);
    CHECK(out.status == apply::FlowOutcome::Status::Applied);
    CHECK(out.edits == static_cast<int>(fp.edits.size()));
    CHECK(out.version_before == fp.observed_version);
    CHECK(out.version_after != out.version_before);
    REQUIRE(after.checked_in_version.has_value());
    CHECK(after.checked_in_version->id == out.version_after);
    CHECK(out.published == fp.publish);
    if (fp.publish) {
      REQUIRE(after.published_version.has_value());
      CHECK(after.published_version->id == out.version_after);
    }
    // The backup is the document the plan was made against.
    REQUIRE_FALSE(out.backup_path.empty());
    fs::path backup(out.backup_path);
    CHECK(backup.parent_path() == org.work_dir() / ".flowlink" / "backups" / fp.flow_id);
    CHECK(backup.filename().string().rfind(fp.observed_version + "-", 0) == 0);
    CHECK(flowdoc::Document::parse(read_text(backup), "backup").source_fingerprint() == fp.fingerprint);
  }
  CHECK(with_edits == report.count(apply::FlowOutcome::Status::Applied));
  CHECK(locked_flow_ids(org).empty());
  CHECK(report.stats.requests > 0);
  CHECK(progress.str().find("checkin ok") != std::string::npos);

  // The journal: one JSON object per line, one line per step, in order.
  auto lines = journal_lines(org);
  for (const auto& line : lines) {
    CHECK(line.at("run") == report.run_id);
    CHECK(line.contains("time"));
    CHECK(line.contains("step"));
    CHECK(line.contains("outcome"));
  }
  for (std::size_t i = 0; i < plan.flows.size(); ++i) {
    const plan::FlowPlan& fp = plan.flows[i];
    std::vector<std::string> steps = journal_steps(lines, report.run_id, fp.flow_id);
    if (fp.edits.empty()) {
      CHECK(steps.empty());
      continue;
    }
    // The check-out and the save are journalled before they are sent
    // ("started"), then again when they answered ("ok", the save with the
    // version it made).
    std::string expected = "lock-check,checkout,checkout,reread,backup,edit,save,save,checkin,";
    expected += fp.publish ? "publish,verify,result" : "verify,result";
    CHECK_MESSAGE(join(steps) == expected, fp.flow_name);
    std::vector<std::string> checkout_outcomes, save_outcomes;
    std::string saved_version;
    for (const auto& line : lines) {
      if (line.value("flow_id", "") != fp.flow_id) continue;
      if (line.at("step") == "checkout") checkout_outcomes.push_back(line.at("outcome"));
      if (line.at("step") == "save") {
        save_outcomes.push_back(line.at("outcome"));
        saved_version = line.value("version", "");
      }
    }
    CHECK_MESSAGE(join(checkout_outcomes) == "started,ok", fp.flow_name);
    CHECK_MESSAGE(join(save_outcomes) == "started,ok", fp.flow_name);
    CHECK_MESSAGE(saved_version == report.flows[i].saved_version, fp.flow_name);
  }
  CHECK(lines.front().at("step") == "run-start");
  CHECK(lines.back().at("step") == "run-end");

  // Converged: planning again finds nothing to do.
  plan::Plan again = plan_live(org);
  INFO(plan::render_text(again, {}));
  CHECK_FALSE(again.has_errors());
  CHECK_FALSE(again.has_changes());
  CHECK(edits_in(again) == 0);

  // A second apply makes no request that changes anything and no new version.
  std::map<std::string, std::string> versions;
  for (const auto& fp : again.flows) versions[fp.flow_id] = source::observed_version_of(org.api->get_flow(fp.flow_id));
  org.control->clear_requests();
  apply::ApplyReport second = apply::apply_plan(*org.api, again, org.desired, apply_options(org));
  CHECK(second.ok());
  CHECK(second.count(apply::FlowOutcome::Status::Unchanged) == static_cast<int>(again.flows.size()));
  auto requests = org.control->requests();
  INFO(requests.dump());
  for (const auto& [endpoint, count] : requests.at("by_endpoint").items())
    CHECK_MESSAGE(endpoint.rfind("GET ", 0) == 0, endpoint);
  for (const auto& fp : again.flows)
    CHECK(source::observed_version_of(org.api->get_flow(fp.flow_id)) == versions[fp.flow_id]);
}

TEST_CASE("flows with plan errors are not applied and the run reports failure") {
  OrgFixture org("apply-plan-errors");
  plan::Plan plan = plan_live(org);
  REQUIRE(plan.has_changes());
  const std::string victim_id = flow_with_edits(plan).flow_id;
  const std::string version = source::observed_version_of(org.api->get_flow(victim_id));
  for (auto& fp : plan.flows)
    if (fp.flow_id == victim_id) fp.errors.push_back("an error the planner found");

  apply::ApplyReport report = apply::apply_plan(*org.api, plan, org.desired, apply_options(org));
  const apply::FlowOutcome* out = outcome_of(report, victim_id);
  REQUIRE(out != nullptr);
  CHECK(out->status == apply::FlowOutcome::Status::Failed);
  CHECK(out->step == "plan");
  CHECK(out->reason.find("an error the planner found") != std::string::npos);
  CHECK_FALSE(report.ok());
  CHECK(report.exit_code() != 0);
  CHECK(source::observed_version_of(org.api->get_flow(victim_id)) == version);
  CHECK(report.count(apply::FlowOutcome::Status::Applied) > 0);
}

TEST_CASE("a saved plan read back from JSON applies the same way") {
  OrgFixture org("apply-saved-plan", kChatManifest);
  plan::Plan plan = plan_live(org);
  REQUIRE(plan.has_changes());
  plan::Plan saved = plan::plan_from_json(nlohmann::ordered_json::parse(plan::render_json(plan)));
  apply::ApplyReport report = apply::apply_plan(*org.api, saved, org.desired, apply_options(org));
  INFO(apply::render_apply_text(report));
  CHECK(report.ok());
  CHECK(report.count(apply::FlowOutcome::Status::Applied) > 0);
  CHECK_FALSE(plan_live(org).has_changes());

  // The JSON report carries every flow with its outcome.
  auto json = nlohmann::json::parse(apply::render_apply_json(report));
  CHECK(json.at("ok") == true);
  CHECK(json.at("flows").size() == plan.flows.size());
  CHECK(json.at("summary").at("applied") == report.count(apply::FlowOutcome::Status::Applied));
  CHECK(json.at("requests").at("total").get<std::uint64_t>() == report.stats.requests);
}
