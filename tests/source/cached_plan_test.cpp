// plan_org with the cache of repeat runs, against the emulator over a
// socket, counting the requests it serves: a warm plan reads only the
// listing, makes the same plan, and trusts nothing that changed.

#include <doctest/doctest.h>

#include <filesystem>
#include <fstream>
#include <thread>

#include "apply/org_fixture.hpp"
#include "plan/render.hpp"
#include "source/cached_plan.hpp"
#include "source/org_source.hpp"

using namespace flowlink;
using flowlink::testing::OrgFixture;
namespace fs = std::filesystem;

namespace {

struct CachedOrg {
  OrgFixture org;
  explicit CachedOrg(const std::string& name) : org(name) {}

  cache::StoreOptions store_options(std::uint64_t max_bytes = cache::kDefaultMaxBytes) const {
    cache::StoreOptions options;
    options.dir = cache::cache_dir_of(org.work_dir());
    options.max_bytes = max_bytes;
    return options;
  }

  // One plan_org, with `store` (or none), as a new run would make it.
  plan::Plan plan(cache::EntryStore* store, source::OrgReadResult* read = nullptr,
                  const manifest::DesiredState* desired = nullptr) {
    source::ReadOptions options;
    options.parallelism = 4;
    options.client_id = org.api->client_id();
    options.cache = store;
    return source::plan_org(*org.api, desired ? *desired : org.desired, org.plan_options(), options, read);
  }
  plan::Plan plan_with_new_store(source::OrgReadResult* read = nullptr) {
    cache::EntryStore store(store_options());
    return plan(&store, read);
  }

  // Requests the emulator served since the last call, by endpoint.
  nlohmann::json take_requests() const {
    auto requests = org.control->requests().at("by_endpoint");
    org.control->clear_requests();
    return requests;
  }
};

int count_matching(const nlohmann::json& by_endpoint, const std::string& part) {
  int n = 0;
  for (const auto& [endpoint, count] : by_endpoint.items())
    if (endpoint.find(part) != std::string::npos) n += count.get<int>();
  return n;
}
int configuration_reads(const nlohmann::json& by_endpoint) { return count_matching(by_endpoint, "configuration"); }
int total(const nlohmann::json& by_endpoint) { return count_matching(by_endpoint, ""); }
int listing_pages(const nlohmann::json& by_endpoint) {
  return by_endpoint.contains("GET /api/v2/flows") ? by_endpoint["GET /api/v2/flows"].get<int>() : 0;
}

// The plan as JSON, the cache-hit count aside: what must not differ.
std::string without_cache_hits(plan::Plan plan) {
  plan.cache_hits = 0;
  return plan::render_json(plan);
}

const plan::FlowPlan& flow_named(const plan::Plan& plan, const std::string& name) {
  for (const auto& flow : plan.flows)
    if (flow.flow_name == name) return flow;
  FAIL("no flow named " << name);
  return plan.flows.front();
}

}  // namespace

TEST_CASE("a warm plan reads only the listing and makes the same plan as reading every document") {
  CachedOrg org("cache-warm");
  const plan::Plan uncached = org.plan(nullptr);
  org.take_requests();

  source::OrgReadResult cold_read;
  const plan::Plan cold = org.plan_with_new_store(&cold_read);
  const auto cold_requests = org.take_requests();
  INFO("cold: " << cold_requests.dump());
  CHECK(cold.cache_hits == 0);
  CHECK(configuration_reads(cold_requests) >= static_cast<int>(cold.flows.size()));
  CHECK(without_cache_hits(cold) == without_cache_hits(uncached));

  source::OrgReadResult warm_read;
  const plan::Plan warm = org.plan_with_new_store(&warm_read);
  const auto warm_requests = org.take_requests();
  INFO("warm: " << warm_requests.dump());
  REQUIRE(warm.flows.size() > 10);
  CHECK(warm.cache_hits == static_cast<int>(warm.flows.size()));
  CHECK(warm_read.cache_hits == warm.flows.size());
  CHECK(warm_read.module_cache_hits == warm_read.modules_read);
  CHECK(configuration_reads(warm_requests) == 0);
  CHECK(total(warm_requests) == listing_pages(warm_requests));
  CHECK(warm_read.stats.requests == static_cast<std::uint64_t>(listing_pages(warm_requests)));
  // The same plan, in every renderer, but for the count of cache hits.
  CHECK(without_cache_hits(warm) == without_cache_hits(uncached));
  CHECK(plan::to_json(warm)["summary"]["cache_hits"] == warm.flows.size());
  CHECK(plan::render_text(warm, {}).find(std::to_string(warm.flows.size()) + " of " +
                                         std::to_string(warm.flows.size()) + " flows planned from the cache") !=
        std::string::npos);
  CHECK(plan::render_markdown(warm).find("planned from the cache") != std::string::npos);
  CHECK(plan::render_text(uncached, {}).find("from the cache") == std::string::npos);
}

TEST_CASE("a flow that changed is a miss: only its documents are read again") {
  CachedOrg org("cache-changed-flow");
  org.plan_with_new_store();
  const plan::FlowPlan before = flow_named(org.plan(nullptr), "Inbound_Sales_EMEA");
  // A colleague saves a draft of one flow: its listing entry changes.
  const std::string id = before.flow_id;
  org.org.control->act_as_save("alice", id, org.org.api->latest_configuration(id));
  org.take_requests();

  const plan::Plan warm = org.plan_with_new_store();
  const auto requests = org.take_requests();
  INFO(requests.dump());
  CHECK(warm.cache_hits == static_cast<int>(warm.flows.size()) - 1);
  CHECK(configuration_reads(requests) == 2);  // its published version and the new draft
  const plan::FlowPlan& after = flow_named(warm, "Inbound_Sales_EMEA");
  REQUIRE(after.draft);
  CHECK(after.lock);
  CHECK(without_cache_hits(warm) == without_cache_hits(org.plan(nullptr)));

  // Published: the published version changed too; again one miss, then none.
  org.org.control->act_as_publish("alice", id);
  org.org.control->wait_for_operation(id);
  org.take_requests();
  const plan::Plan published = org.plan_with_new_store();
  CHECK(published.cache_hits == static_cast<int>(published.flows.size()) - 1);
  CHECK(without_cache_hits(published) == without_cache_hits(org.plan(nullptr)));
  CHECK(org.plan_with_new_store().cache_hits == static_cast<int>(published.flows.size()));
}

TEST_CASE("a changed manifest is a miss for every flow") {
  CachedOrg org("cache-manifest");
  org.plan_with_new_store();
  // The same rules, one comment more: another fingerprint.
  const manifest::DesiredState edited = testing::load_test_manifest(
      std::string(testing::kExampleManifest) + "# reviewed\n", "cache-manifest-edited.yaml");
  REQUIRE(edited.fingerprint != org.org.desired.fingerprint);
  cache::EntryStore store(org.store_options());
  org.take_requests();
  const plan::Plan again = org.plan(&store, nullptr, &edited);
  CHECK(again.cache_hits == 0);
  CHECK(configuration_reads(org.take_requests()) >= static_cast<int>(again.flows.size()));
  // A manifest without a fingerprint (built by hand) is never cached.
  manifest::DesiredState anonymous = org.org.desired;
  anonymous.fingerprint.clear();
  cache::EntryStore second(org.store_options());
  CHECK(org.plan(&second, nullptr, &anonymous).cache_hits == 0);
  CHECK(org.plan(&second, nullptr, &anonymous).cache_hits == 0);
  CHECK(second.counters().writes == 0);
}

TEST_CASE("a corrupt or truncated entry, or one by another flowlink, is a miss and the plan stays right") {
  CachedOrg org("cache-corrupt");
  const plan::Plan first = org.plan_with_new_store();
  const plan::Plan uncached = org.plan(nullptr);
  cache::EntryStore store(org.store_options());
  const fs::path truncated = store.entry_path(source::kFlowPlanEntries, first.flows.at(0).flow_id);
  const fs::path flipped = store.entry_path(source::kFlowPlanEntries, first.flows.at(1).flow_id);
  REQUIRE(fs::exists(truncated));
  fs::resize_file(truncated, fs::file_size(truncated) / 2);
  {
    std::fstream file(flipped, std::ios::in | std::ios::out | std::ios::binary);
    file.seekp(static_cast<std::streamoff>(fs::file_size(flipped) - 20));
    file.put('#');
  }
  const plan::Plan warm = org.plan(&store);
  CHECK(warm.cache_hits == static_cast<int>(warm.flows.size()) - 2);
  CHECK(store.counters().rejected == 2);
  CHECK(without_cache_hits(warm) == without_cache_hits(uncached));

  // Another flowlink's entries are never trusted.
  cache::StoreOptions other = org.store_options();
  other.flowlink_version = "0.0.1-another";
  cache::EntryStore foreign(other);
  const plan::Plan by_other = org.plan(&foreign);
  CHECK(by_other.cache_hits == 0);
  CHECK(foreign.counters().rejected >= by_other.flows.size());
  CHECK(without_cache_hits(by_other) == without_cache_hits(uncached));
}

TEST_CASE("two runs sharing the cache at once both plan right, and the next run is warm") {
  CachedOrg org("cache-shared");
  const plan::Plan uncached = org.plan(nullptr);
  plan::Plan plans[2];
  std::thread runs[2];
  for (int i = 0; i < 2; ++i) runs[i] = std::thread([&, i] { plans[i] = org.plan_with_new_store(); });
  for (auto& run : runs) run.join();
  for (const auto& plan : plans) CHECK(without_cache_hits(plan) == without_cache_hits(uncached));
  cache::EntryStore store(org.store_options());
  const plan::Plan warm = org.plan(&store);
  CHECK(warm.cache_hits == static_cast<int>(warm.flows.size()));
  CHECK(store.counters().rejected == 0);
  CHECK(without_cache_hits(warm) == without_cache_hits(uncached));
}

TEST_CASE("the cache keeps to its size bound") {
  CachedOrg org("cache-bound");
  const std::uint64_t bound = 16 * 1024;
  cache::EntryStore store(org.store_options(bound));
  const plan::Plan plan = org.plan(&store);
  std::uint64_t total = 0;
  for (const auto& entry : fs::recursive_directory_iterator(store.options().dir))
    if (entry.is_regular_file()) total += entry.file_size();
  CHECK(total <= bound);
  CHECK(store.counters().writes > 0);
  CHECK(store.counters().evicted > 0);
  // What was evicted is read again: still the same plan.
  cache::EntryStore again(org.store_options(bound));
  const plan::Plan second = org.plan(&again);
  CHECK(second.cache_hits < static_cast<int>(second.flows.size()));
  CHECK(without_cache_hits(second) == without_cache_hits(plan));
}

TEST_CASE("read_org never uses the cache: its callers act on the documents") {
  CachedOrg org("cache-read-org");
  org.plan_with_new_store();
  cache::EntryStore store(org.store_options());
  source::ReadOptions options;
  options.client_id = org.org.api->client_id();
  options.cache = &store;
  org.take_requests();
  const auto read = source::read_org(*org.org.api, org.org.desired, options);
  CHECK(read.cache_hits == 0);
  for (const auto& flow : read.flows)
    if (flow.load_error != source::kModuleNotRead) CHECK_MESSAGE(flow.document, flow.name);
  CHECK(configuration_reads(org.take_requests()) >= static_cast<int>(read.flows_matched));
  CHECK(store.counters().hits == 0);
}
