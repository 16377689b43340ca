// A hostile server: 5xx, dropped connections and 429s are retried and the
// apply still converges; a publish that fails leaves no lock and is reported;
// and nothing flowlink writes or prints ever holds the client secret.

#include <doctest/doctest.h>

#include <filesystem>

#include "apply/apply_support.hpp"

using namespace flowlink;
using namespace flowlink::testing;
namespace fs = std::filesystem;

TEST_CASE("injected 5xx and dropped connections are retried and apply still converges") {
  OrgFixture org("apply-faults");
  plan::Plan plan = plan_live(org);
  REQUIRE(plan.has_changes());
  org.control->configure({{"fault_rate", 0.2}, {"fault_seed", 7}});

  apply::ApplyReport report = apply::apply_plan(*org.api, plan, org.desired, apply_options(org));
  INFO(apply::render_apply_text(report));
  CHECK(report.ok());
  CHECK(report.stats.retries > 0);
  CHECK(report.stats.server_errors > 0);
  CHECK(report.count(apply::FlowOutcome::Status::Applied) ==
        static_cast<int>(std::count_if(plan.flows.begin(), plan.flows.end(),
                                       [](const plan::FlowPlan& f) { return !f.edits.empty(); })));
  CHECK(locked_flow_ids(org).empty());

  // Saves, check-ins and publishes that met 500/502/504 or a dropped
  // connection were reconciled by reading, not repeated blindly.
  int unknown = 0;
  for (const auto& line : journal_lines(org)) unknown += line.value("outcome", "") == "unknown";
  CHECK(unknown > 0);

  org.control->configure({{"fault_rate", 0.0}});
  CHECK_FALSE(plan_live(org).has_changes());
}

TEST_CASE("a save, check-in or publish whose answer is lost is found landed by a re-read and never sent twice") {
  OrgFixture org("apply-lost-answers");
  plan::Plan plan = plan_live(org);
  REQUIRE(plan.has_changes());
  int changing = 0, publishing = 0;
  for (const auto& flow : plan.flows) {
    if (flow.edits.empty()) continue;
    ++changing;
    publishing += flow.publish;
  }
  org.control->clear_requests();
  // Each carried out, then answered by a dropped connection.
  org.control->configure({{"drop_after",
                           {{"POST /api/v2/flows/{id}/versions", 2},
                            {"POST /api/v2/flows/actions/checkin", 2},
                            {"POST /api/v2/flows/actions/publish", 2}}}});

  apply::ApplyReport report = apply::apply_plan(*org.api, plan, org.desired, apply_options(org));
  INFO(apply::render_apply_text(report));
  CHECK(report.ok());
  CHECK(report.count(apply::FlowOutcome::Status::Applied) == changing);
  CHECK(locked_flow_ids(org).empty());

  // Not one save, check-in or publish twice: one each per changed flow.
  const auto counts = org.control->requests()["by_endpoint"];
  CHECK(counts.value("POST /api/v2/flows/{id}/versions", 0) == changing);
  CHECK(counts.value("POST /api/v2/flows/actions/checkin", 0) == changing);
  CHECK(counts.value("POST /api/v2/flows/actions/publish", 0) == publishing);
  CHECK(org.control->call("GET", "/_emulator/config").json()["drop_after"].empty());  // all six drops happened

  // The journal says what happened: 6 lost answers, each reconciled as landed.
  int unknown = 0, landed = 0;
  for (const auto& line : journal_lines(org)) {
    const std::string outcome = line.value("outcome", "");
    const std::string message = line.value("message", "");
    unknown += outcome == "unknown";
    landed += outcome == "reconciled" && (message.find("the save landed") != std::string::npos ||
                                          message.find("the request landed") != std::string::npos);
  }
  CHECK(unknown == 6);
  CHECK(landed == 6);
  CHECK_FALSE(plan_live(org).has_changes());
}

TEST_CASE("429 answers are waited out and apply still converges") {
  // A small scope, and a limit the apply must cross: the client waits for the
  // window to reset (Retry-After) and carries on. The window is shortened to
  // 2 s (Genesys: a minute) so the test does not wait out whole minutes.
  OrgFixture org("apply-rate-limit", kChatManifest);
  plan::Plan plan = plan_live(org);
  REQUIRE(plan.has_changes());
  org.control->configure({{"rate_limit_per_minute", 15}, {"rate_window_ms", 2000}});
  // Unpaced: a paced client keeps under the limit it is told (genesys/rate_pacer.hpp),
  // and this test is about the 429s a client must wait out all the same
  // (another process on the same token, a server without the headers).
  genesys::ClientOptions unpaced;
  unpaced.api_url = unpaced.login_url = org.emulator->base_url();
  unpaced.client_id = OrgFixture::kClientId;
  unpaced.client_secret = OrgFixture::kSecret;
  unpaced.parallelism = 4;
  unpaced.retry_base = std::chrono::milliseconds(10);
  unpaced.pace = false;
  org.api = genesys::make_http_flow_api(unpaced);

  apply::ApplyReport report = apply::apply_plan(*org.api, plan, org.desired, apply_options(org));
  INFO(apply::render_apply_text(report));
  CHECK(report.ok());
  CHECK(report.stats.rate_limited > 0);
  CHECK(report.stats.requests > 15);
  CHECK(locked_flow_ids(org).empty());

  org.control->configure({{"rate_limit_per_minute", 0}});
  CHECK_FALSE(plan_live(org).has_changes());
}

TEST_CASE("a failing publish leaves no lock, is reported, and no secret is written anywhere") {
  OrgFixture org("apply-fail-publish");
  plan::Plan plan = plan_live(org);
  const plan::FlowPlan& target = flow_with_edits(plan, "Inbound_Support_");
  REQUIRE(target.publish);
  const std::string id = target.flow_id;
  org.control->configure({{"fail_publish", {id}}});
  // Someone else holds another flow, so that the run also reports a skip.
  const plan::FlowPlan& held = flow_with_edits(plan, "Inbound_Sales_");
  org.control->act_as("carol", "checkout", held.flow_id);

  std::ostringstream progress;
  apply::ApplyReport report = apply::apply_plan(*org.api, plan, org.desired, apply_options(org, &progress));
  const std::string text = apply::render_apply_text(report);
  const std::string json = apply::render_apply_json(report);
  INFO(text);
  const apply::FlowOutcome* out = outcome_of(report, id);
  REQUIRE(out != nullptr);
  CHECK(out->status == apply::FlowOutcome::Status::Failed);
  CHECK(out->step == "publish");
  CHECK(out->reason.find("publish failed") != std::string::npos);
  CHECK_FALSE(out->published);
  CHECK(report.exit_code() != 0);
  CHECK(text.find("failed at publish") != std::string::npos);

  // No lock of ours anywhere: only carol's.
  auto locks = locked_flow_ids(org);
  CHECK(locks == std::vector<std::string>{held.flow_id});
  genesys::Flow flow = org.api->get_flow(id);
  CHECK_FALSE(flow.locked_client.has_value());
  // The change itself was checked in; the published version did not move.
  REQUIRE(flow.checked_in_version.has_value());
  CHECK(flow.checked_in_version->id == out->saved_version);
  if (flow.published_version) CHECK(flow.published_version->id != out->saved_version);

  // The secret never appears in what flowlink printed or wrote.
  const std::string secret = OrgFixture::kSecret;
  CHECK(text.find(secret) == std::string::npos);
  CHECK(json.find(secret) == std::string::npos);
  CHECK(progress.str().find(secret) == std::string::npos);
  int files = 0;
  for (const auto& entry : fs::recursive_directory_iterator(org.work_dir())) {
    if (!entry.is_regular_file()) continue;
    ++files;
    CHECK_MESSAGE(read_text(entry.path()).find(secret) == std::string::npos, entry.path().string());
  }
  CHECK(files > 1);  // the journal and the backups were scanned
}
