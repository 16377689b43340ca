// How many requests an apply costs per flow, counted by the emulator itself
// (GET /_emulator/requests) over sockets: one added call in each of many
// flows, applied as `flowlink apply -f` does (plan, then apply with the
// modules read while planning), with the emulator's default operation delay
// and latency on every answer. A count, not a timing: it may be asserted.
#include <doctest/doctest.h>

#include <nlohmann/json.hpp>

#include "apply/apply_support.hpp"

namespace flowlink::testing {
namespace {

// One added call at the start of every inbound call flow but the sandboxes.
const char* kOneCallManifest = R"(apiVersion: flowlink/v1
modules:
  closure: { name: Common_Closure_Check }
rules:
  - name: closure-everywhere
    flows: { types: [inboundcall], include: ["Inbound_*"], exclude: ["*_Sandbox"] }
    ensure:
      - module: closure
        at: start
        inputs: { Common.QueueName: "Flow.QueueName" }
        outputs: { Common.IsClosed: "Flow.IsClosed" }
)";

// The requests an apply of one added call per flow sends, per applied flow.
// Lock, re-read, save, check in, publish, wait and verify each cost a request
// or more; what the applier already holds (the check-out's answer, the last
// wait's read of the flow) is not asked for again.
// 8 is the figure (208 requests for 26 flows here); the bound allows two or
// three publishes refused because a check-in ran longer than its estimate
// (a busy CI machine), each costing a wait and a second publish. 13 per flow
// before the operation waits were paced would fail it.
constexpr double kMaxRequestsPerFlow = 8.3;

TEST_CASE("apply: requests per applied flow stay within budget (counted by the emulator)") {
  OrgFixture org("request-count", kOneCallManifest);
  // As measured in the issue: 50 ms on every answer, operations that take
  // the emulator's default 50 ms.
  org.control->configure({{"latency_ms", 50}, {"operation_delay_ms", 50}});

  // As the CLI does: the org is read once, before the plan, and handed to
  // the applier (which checks the plan's org against it).
  const genesys::Organization me = org.api->organization();
  source::ReadOptions read_options;
  read_options.parallelism = 4;
  read_options.client_id = org.api->client_id();
  source::OrgReadResult read;
  plan::PlanOptions plan_options = org.plan_options();
  plan_options.org_id = me.id;
  plan_options.org_name = me.name;
  plan_options.require_published_modules = true;
  const plan::Plan plan = source::plan_org(*org.api, org.desired, plan_options, read_options, &read);
  const std::vector<plan::ObservedFlow> modules = source::modules_of(read.flows);
  int with_edits = 0;
  for (const auto& flow : plan.flows)
    if (!flow.edits.empty()) ++with_edits;
  REQUIRE(with_edits >= 10);  // enough flows that the run's own requests are not what is measured

  org.control->clear_requests();
  apply::ApplyOptions options = apply_options(org);
  options.plan_options = plan_options;
  options.modules = &modules;
  options.org = me;  // as `flowlink apply -f` does
  const apply::ApplyReport report = apply::apply_plan(*org.api, plan, org.desired, options);
  const nlohmann::json counted = org.control->requests();

  INFO("requests by endpoint: " << counted.at("by_endpoint").dump());
  REQUIRE(report.count(apply::FlowOutcome::Status::Applied) == with_edits);
  REQUIRE(report.ok());
  const auto total = counted.at("total").get<long>();
  const double per_flow = static_cast<double>(total) / with_edits;
  const long polls = counted.at("by_endpoint").value("GET /api/v2/flows/{id}", 0L);
  MESSAGE("apply of one added call to " << with_edits << " flows: " << total << " requests, " << per_flow
                                        << " per flow (" << static_cast<double>(polls) / with_edits
                                        << " of them GET /api/v2/flows/{id})");
  CHECK(per_flow <= kMaxRequestsPerFlow);
  // The client's own count agrees with the emulator's: nothing is hidden.
  CHECK(report.stats.requests == static_cast<std::uint64_t>(total));

  // Every flow was verified as it went live: a new plan has nothing to do.
  const plan::Plan again = plan_live(org);
  CHECK_FALSE(again.has_changes());
}

}  // namespace
}  // namespace flowlink::testing
