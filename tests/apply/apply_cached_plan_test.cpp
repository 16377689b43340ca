// A plan made from the cache of repeat runs holds no document: apply
// re-reads every flow it changes (and the modules it verifies against), and
// a flow that changed after the cached plan was made is skipped as stale.

#include <doctest/doctest.h>

#include "apply/apply_support.hpp"
#include "cache/entry_store.hpp"

using namespace flowlink;
using namespace flowlink::testing;

namespace {

plan::Plan plan_through_cache(OrgFixture& org, source::OrgReadResult* read = nullptr) {
  cache::StoreOptions store_options;
  store_options.dir = cache::cache_dir_of(org.work_dir());
  cache::EntryStore store(store_options);
  source::ReadOptions options;
  options.parallelism = 4;
  options.client_id = org.api->client_id();
  options.cache = &store;
  return source::plan_org(*org.api, org.desired, org.plan_options(), options, read);
}

int count_matching(const nlohmann::json& by_endpoint, const std::string& part) {
  int n = 0;
  for (const auto& [endpoint, count] : by_endpoint.items())
    if (endpoint.find(part) != std::string::npos) n += count.get<int>();
  return n;
}

}  // namespace

TEST_CASE("apply of a plan made from the cache re-reads each flow it changes, and converges") {
  OrgFixture org("apply-cached-plan");
  plan_through_cache(org);
  source::OrgReadResult read;
  const plan::Plan warm = plan_through_cache(org, &read);
  REQUIRE(warm.cache_hits == static_cast<int>(warm.flows.size()));
  for (const auto& flow : read.flows)
    if (flow.type != "commonmodule") CHECK_MESSAGE(!flow.document, flow.name);  // nothing was read

  // Someone changes one flow that the plan edits, after the plan was made.
  const plan::FlowPlan& changed = flow_with_edits(warm, "Inbound_Sales_");
  org.control->act_as_save("bob", changed.flow_id, org.api->latest_configuration(changed.flow_id));
  org.control->act_as_checkin("bob", changed.flow_id);
  org.control->wait_for_operation(changed.flow_id);

  int to_edit = 0;
  for (const auto& flow : warm.flows)
    if (flow.action == plan::FlowAction::Edit) ++to_edit;
  org.control->clear_requests();
  const apply::ApplyReport report = apply::apply_plan(*org.api, warm, org.desired, apply_options(org));
  const auto requests = org.control->requests().at("by_endpoint");
  INFO(requests.dump());
  // Every flow it edits was read again, with its lock held (and the modules for verifying).
  CHECK(count_matching(requests, "configuration") >= to_edit);
  const apply::FlowOutcome* stale = outcome_of(report, changed.flow_id);
  REQUIRE(stale);
  CHECK(stale->status == apply::FlowOutcome::Status::SkippedStale);
  CHECK(report.count(apply::FlowOutcome::Status::Applied) == to_edit - 1);
  CHECK(report.count(apply::FlowOutcome::Status::Failed) == 0);

  // Planned again through the cache: the applied flows are misses (new
  // versions) and now comply; only the stale one still needs its edits.
  const plan::Plan after = plan_through_cache(org);
  CHECK(after.cache_hits < static_cast<int>(after.flows.size()));
  for (const auto& outcome : report.flows) {
    if (outcome.status != apply::FlowOutcome::Status::Applied) continue;
    for (const auto& flow : after.flows)
      if (flow.flow_id == outcome.flow_id) CHECK_MESSAGE(flow.edits.empty(), flow.flow_name);
  }
}
