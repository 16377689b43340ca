// Races over the lifecycle, end to end over sockets: a publish raced by
// another user's check-in, and two applies with one client and one work dir.
// (The scenario matrix itself is lifecycle_scenarios_test.cpp.)

#include <doctest/doctest.h>

#include <chrono>
#include <functional>
#include <streambuf>
#include <thread>

#include "apply/lifecycle_support.hpp"

using namespace flowlink;
using namespace flowlink::testing;

namespace {

using Status = apply::FlowOutcome::Status;
using plan::FlowAction;
using plan::Note;

const char* kWeb = "Chat_Support_Web";

std::string render(const apply::ApplyReport& report) { return apply::render_apply_text(report); }

// ---------------------------------------------------------------------------
// A publish raced by another user's check-in

// Calls `on_line` with every whole line written to it: the applier's progress
// lines arrive as the steps happen, on the worker that does them.
class LineHook final : public std::streambuf {
 public:
  explicit LineHook(std::function<void(const std::string&)> on_line) : on_line_(std::move(on_line)) {}

 protected:
  int_type overflow(int_type c) override {
    if (c == traits_type::eof()) return traits_type::not_eof(c);
    if (c == '\n') {
      on_line_(line_);
      line_.clear();
    } else {
      line_.push_back(static_cast<char>(c));
    }
    return c;
  }

 private:
  std::function<void(const std::string&)> on_line_;
  std::string line_;
};

// Carol, who checks the flow out, saves and checks in the moment flowlink's
// publish has completed on the server.
struct Carol {
  Carol(OrgFixture& org_, std::string flow_id_) : org(org_), flow_id(std::move(flow_id_)) {}
  OrgFixture& org;
  std::string flow_id;
  std::thread thread;
  std::string error;
  std::string text;  // what she saved

  void start() { thread = std::thread([this] { run(); }); }
  void join() {
    if (thread.joinable()) thread.join();
  }
  void run() {
    try {
      const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(20);
      std::string publish_id;
      for (;;) {  // until flowlink's publish appears, then until it completes
        if (std::chrono::steady_clock::now() > deadline) throw std::runtime_error("no publish completed in 20 s");
        auto flow = org.control->flow(flow_id);
        if (flow.contains("currentOperation")) {
          const auto& op = flow.at("currentOperation");
          if (op.at("actionName") == "PUBLISH") {
            if (publish_id.empty()) publish_id = op.at("id");
            if (op.at("id") != publish_id) throw std::runtime_error("another publish replaced ours");
            if (op.value("complete", false)) break;
          }
        }
        std::this_thread::sleep_for(std::chrono::milliseconds(2));
      }
      org.control->act_as_checkout("carol", flow_id);
      text = with_marker(org.api->latest_configuration(flow_id), "carol's edit right after the publish");
      org.control->act_as_save("carol", flow_id, text);
      org.control->act_as_checkin("carol", flow_id);
    } catch (const std::exception& e) {
      error = e.what();
    }
  }
};

TEST_CASE("a publish raced by another user's check-in reports the truth within seconds") {
  OrgFixture org("life-race", closure_manifest({kWeb}).c_str());
  const std::string id = flow_id_named(org, kWeb);
  plan::Plan plan = plan_as_cli(org);
  REQUIRE(flow_plan(plan, id).action == FlowAction::Edit);
  const auto expected = expected_documents(plan, basis_documents(org, plan));

  // Once flowlink's check-in is done (its progress line comes before the
  // publish is sent), publishes take 1.6 s: the applier polls at 0, 0.1,
  // 0.3, 0.7, 1.5 and 3.1 s, so ours completes between two polls and carol
  // has 1.5 s for her three calls; her check-in is then the flow's
  // currentOperation when the applier looks again.
  Carol carol(org, id);
  bool hooked = false;
  LineHook hook([&](const std::string& line) {
    if (hooked || line.find(": checkin ok") == std::string::npos) return;
    hooked = true;
    org.control->configure({{"operation_delay_ms", 1600}});
    carol.start();
  });
  std::ostream progress(&hook);
  apply::ApplyOptions options = scenario_options(org, &progress);
  options.operation_timeout = std::chrono::seconds(60);  // waiting for the timeout would show
  apply::ApplyReport report = apply::apply_plan(*org.api, plan, org.desired, options);
  carol.join();
  org.control->configure({{"operation_delay_ms", 5}});
  INFO(render(report));
  REQUIRE(hooked);
  REQUIRE_MESSAGE(carol.error.empty(), carol.error);

  const apply::FlowOutcome* out = outcome_of(report, id);
  CHECK(out->status == Status::Applied);
  CHECK(out->published);
  CHECK(report.ok());
  CHECK(report.elapsed < std::chrono::seconds(10));
  // The race did happen: the applier learnt the outcome from the versions.
  CHECK(journal_lines_of(org, id, "publish", "reconciled").size() == 1);

  // The truth: our version is the published one; carol's check-in stands above it.
  auto flow = org.control->wait_for_operation(id);
  CHECK(flow.at("publishedVersion").at("id") == out->version_after);
  CHECK(published_text(org, id) == expected.at(id));
  CHECK(flow.at("checkedInVersion").at("id") != out->version_after);
  CHECK(org.api->latest_configuration(id) == carol.text);
  CHECK(locked_flow_ids(org).empty());
}

// ---------------------------------------------------------------------------
// Two applies with one client

TEST_CASE("two applies with one client and one work dir never save a flow twice") {
  OrgFixture org("life-twice");
  // Slow operations so that the two runs overlap on many flows.
  org.control->configure({{"operation_delay_ms", 30}});
  plan::Plan plan = plan_as_cli(org);
  std::vector<std::string> to_change;
  for (const auto& flow : plan.flows)
    if (flow.actionable()) to_change.push_back(flow.flow_id);
  REQUIRE(to_change.size() >= 10);
  const auto before = org_snapshot(org);
  org.control->clear_requests();

  // A second client with the same credentials: a second process, as far as the server can tell.
  genesys::ClientOptions client;
  client.api_url = org.emulator->base_url();
  client.login_url = org.emulator->base_url();
  client.client_id = OrgFixture::kClientId;
  client.client_secret = OrgFixture::kSecret;
  client.parallelism = 4;
  client.retry_base = std::chrono::milliseconds(10);
  auto other_api = genesys::make_http_flow_api(client);

  apply::ApplyReport reports[2];
  std::string errors[2];
  auto run = [&](int i, genesys::FlowApi& api) {
    try {
      apply::ApplyOptions options = apply_options(org);
      reports[i] = apply::apply_plan(api, plan, org.desired, options);
    } catch (const std::exception& e) {
      errors[i] = e.what();
    }
  };
  std::thread a(run, 0, std::ref(*org.api));
  std::thread b(run, 1, std::ref(*other_api));
  a.join();
  b.join();
  REQUIRE_MESSAGE(errors[0].empty(), errors[0]);
  REQUIRE_MESSAGE(errors[1].empty(), errors[1]);
  INFO(render(reports[0]));
  INFO(render(reports[1]));

  // One save per flow to change, in all.
  const auto requests = org.control->requests();
  CHECK(requests.at("by_endpoint").value("POST /api/v2/flows/{id}/versions", 0) == static_cast<int>(to_change.size()));
  for (const auto& id : to_change) {
    CAPTURE(before.at(id).name);
    CHECK(journal_lines_of(org, id, "save", "ok").size() == 1);
    CHECK(versions_by_client(org, id, org.api->client_id()) == 1);
    // Exactly one run applied it; the other found it busy or already changed.
    int applied = 0;
    for (const auto& report : reports) {
      const apply::FlowOutcome* out = outcome_of(report, id);
      REQUIRE(out != nullptr);
      if (out->status == Status::Applied) ++applied;
      else CHECK((out->status == Status::SkippedLocked || out->status == Status::SkippedStale));
    }
    CHECK(applied == 1);
  }
  CHECK(reports[0].count(Status::Failed) == 0);
  CHECK(reports[1].count(Status::Failed) == 0);
  CHECK(locked_flow_ids(org).empty());
  plan::Plan after = plan_as_cli(org);
  CHECK_FALSE(after.has_changes());
  for (const auto& flow : after.flows) {
    CAPTURE(flow.flow_name);
    CHECK_FALSE(has_note(flow, Note::Kind::FlowlinkPending));
    CHECK_FALSE(has_note(flow, Note::Kind::FlowlinkLock));
    if (flow.published) CHECK(flow.published->edits == 0);
  }
}

}  // namespace
