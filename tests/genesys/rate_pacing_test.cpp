// Pacing against the real emulator with a small scaled limit (60 a "minute"
// of 2 s): reading many flows, a paced client sees at most a couple of 429s
// where the same read unpaced runs into the limit every window. Counts, not
// timings.

#include <doctest/doctest.h>

#include <atomic>

#include "genesys/emulated_org.hpp"

using namespace flowlink::genesys;
using namespace flowlink::genesys::testing;
using std::chrono::milliseconds;

namespace {

constexpr int kFlows = 80;  // a listing page and 80 reads: three windows of 30

// An org of kFlows tiny flows, limited to 60 requests per 2 s window per token.
flowlink::emulator::EmulatorOptions limited_org(const TempDir& seed) {
  for (int i = 0; i < kFlows; ++i)
    write_text(seed.path() / ("flow-" + std::to_string(i) + ".json"),
               tiny_document("Paced Flow " + std::to_string(i), "inboundcall"));
  auto options = EmulatedOrg::quiet_options();
  options.seed_dirs.push_back(seed.path().string());
  options.rate_limit_per_minute = 60;
  options.rate_window_ms = 2000;
  return options;
}

// Lists the flows and reads every one's configuration, 4 at a time; returns the client's stats.
RequestStats read_every_flow(const EmulatedOrg& org, bool pace) {
  auto options = org.client_options();
  options.pace = pace;
  options.parallelism = 4;
  auto api = make_http_flow_api(options);
  const auto flows = api->list_flows({});
  REQUIRE(flows.size() == static_cast<std::size_t>(kFlows));
  std::atomic<int> read{0};
  parallel_for(flows.size(), 4, [&](std::size_t i) {
    if (!api->latest_configuration(flows[i].id).empty()) ++read;
  });
  CHECK(read == kFlows);
  return api->stats();
}

}  // namespace

TEST_CASE("paced, a read of many flows under the limit sees few 429s; unpaced, many") {
  TempDir seed;
  EmulatedOrg org(limited_org(seed));
  // Each client has a token of its own, so a window of its own.
  const RequestStats unpaced = read_every_flow(org, false);
  const RequestStats paced = read_every_flow(org, true);
  INFO("unpaced 429s: " << unpaced.rate_limited << ", paced 429s: " << paced.rate_limited
                        << ", paced waits: " << paced.paced);
  CHECK(unpaced.rate_limited >= 3);  // it hit the limit in each window it crossed
  CHECK(paced.rate_limited <= 2);
  CHECK(paced.paced > 0);  // it held requests back rather than being told to
  CHECK(unpaced.paced == 0);
  // The server agrees: it answered 429 to the unpaced client far more often.
  const Json statuses = control(org.port(), "GET", "/_emulator/requests")["by_status"];
  CHECK(statuses.value("429", 0) == static_cast<int>(unpaced.rate_limited + paced.rate_limited));
}

TEST_CASE("a server that sends no rate-limit headers is never paced") {
  EmulatedOrg org;  // rate limit off: no inin-ratelimit-* headers
  auto api = make_http_flow_api(org.client_options());
  for (int i = 0; i < 40; ++i) CHECK_FALSE(api->list_flows({}).empty());
  CHECK(api->stats().paced == 0);
  CHECK(api->stats().rate_limited == 0);
}
