// Rate limits, injected faults, latency, request statistics, runtime config.
#include <doctest/doctest.h>

#include <chrono>
#include <filesystem>

#include "support.hpp"

using namespace emutest;
using flowlink::emulator::Emulator;

TEST_CASE("the rate limit answers 429 with Retry-After and inin-ratelimit headers") {
  TempDir dir;
  auto options = options_for(dir.path / "state");
  options.rate_limit_per_minute = 3;
  Emulator emulator(options);
  emulator.start();
  Client client(emulator.base_url());
  client.login();
  for (int i = 1; i <= 3; ++i) {
    Reply ok = client.api("GET", "/api/v2/flows");
    REQUIRE(ok.status == 200);
    CHECK(ok.header("inin-ratelimit-count") == std::to_string(i));
    CHECK(ok.header("inin-ratelimit-allowed") == "3");
    CHECK(std::stoi(ok.header("inin-ratelimit-reset")) > 0);
  }
  Reply limited = client.api("GET", "/api/v2/flows");
  CHECK(limited.status == 429);
  CHECK(std::stoi(limited.header("retry-after")) > 0);
  CHECK(limited.json()["code"] == "too.many.requests");
  CHECK(limited.json()["status"] == 429);
  CHECK(limited.header("inin-ratelimit-allowed") == "3");

  // The limit is per token: a second token still has its budget.
  Client other(emulator.base_url());
  other.login();
  CHECK(other.api("GET", "/api/v2/flows").status == 200);
  // OAuth and the controls are not limited.
  CHECK(client.token_request("flowlink-test", "flowlink-test-secret").status == 200);
  CHECK(client.control("GET", "/_emulator/health").status == 200);

  // Raising the limit at run time lifts it.
  REQUIRE(client.control("POST", "/_emulator/config", R"({"rate_limit_per_minute":0})").status == 200);
  CHECK(client.api("GET", "/api/v2/flows").status == 200);
}

namespace {
// The statuses of `count` requests under a fault rate (0: dropped).
std::vector<int> fault_pattern(Client& client, int count) {
  std::vector<int> statuses;
  for (int i = 0; i < count; ++i) statuses.push_back(client.api("GET", "/api/v2/flows?pageSize=1").status);
  return statuses;
}
}  // namespace

TEST_CASE("faults are 5xx answers and dropped connections, reproducible with a seed") {
  TempDir dir;
  auto options = options_for(dir.path / "state");
  options.fault_rate = 0.5;
  options.fault_seed = 42;
  Emulator emulator(options);
  emulator.start();
  Client client(emulator.base_url());
  client.login();  // /oauth/token is never faulted

  const auto first = fault_pattern(client, 60);
  int ok = 0, server_errors = 0, dropped = 0;
  for (int status : first) {
    if (status == 200) ++ok;
    else if (status >= 500) ++server_errors;
    else if (status == 0) ++dropped;
  }
  CHECK(ok + server_errors + dropped == 60);
  CHECK(ok > 10);
  CHECK(server_errors > 5);
  CHECK(dropped > 0);

  // The same seed replays the same faults.
  REQUIRE(client.control("POST", "/_emulator/config", R"({"fault_seed":42})").status == 200);
  CHECK(fault_pattern(client, 60) == first);
  REQUIRE(client.control("POST", "/_emulator/config", R"({"fault_seed":7})").status == 200);
  CHECK(fault_pattern(client, 60) != first);

  // A 5xx fault is a proper ErrorBody; the controls are never faulted.
  REQUIRE(client.control("POST", "/_emulator/config", R"({"fault_rate":1.0,"fault_seed":1})").status == 200);
  for (int i = 0; i < 20; ++i) {
    Reply reply = client.api("GET", "/api/v2/flows");
    if (reply.status == 0) continue;
    CHECK(reply.status >= 500);
    CHECK(reply.json()["status"] == reply.status);
  }
  for (int i = 0; i < 5; ++i) CHECK(client.control("GET", "/_emulator/health").status == 200);
  REQUIRE(client.control("POST", "/_emulator/config", R"({"fault_rate":0})").status == 200);
  CHECK(client.api("GET", "/api/v2/flows").status == 200);
}

TEST_CASE("drop_after carries a request out, then drops the connection instead of answering") {
  TempDir dir;
  std::filesystem::create_directories(dir.path / "seed");
  write_text(dir.path / "seed" / "module.json", module_doc("Validate").dump());
  auto options = options_for(dir.path / "state");
  options.seed_dirs = {(dir.path / "seed").string()};
  Emulator emulator(options);
  emulator.start();
  Client client(emulator.base_url());
  client.login();
  const std::string id = client.api("GET", "/api/v2/flows").json()["entities"][0]["id"];
  REQUIRE(client.control("POST", "/_emulator/config",
                         R"({"drop_after":{"POST /api/v2/flows/actions/checkout":1}})").status == 200);
  CHECK(client.api("POST", "/api/v2/flows/actions/checkout?flow=" + id).status == 0);  // no answer...
  Json locks = client.control("GET", "/_emulator/locks").json();
  REQUIRE(locks.size() == 1);  // ...but the flow is checked out
  CHECK(locks[0]["flowId"] == id);
  CHECK(client.control("GET", "/_emulator/config").json()["drop_after"].empty());  // used up
  CHECK(client.api("POST", "/api/v2/flows/actions/unlock?flow=" + id).status == 200);  // answered again

  Reply unknown_route = client.control("POST", "/_emulator/config", R"({"drop_after":{"POST /api/v2/nope":1}})");
  CHECK(unknown_route.status == 400);
  CHECK(unknown_route.body.find("drop_after.POST /api/v2/nope") != std::string::npos);
  CHECK(client.control("POST", "/_emulator/config", R"({"drop_after":{"GET /api/v2/flows":-1}})").status == 400);
  CHECK(client.control("POST", "/_emulator/config", R"({"drop_after":[1]})").status == 400);
}

TEST_CASE("latency delays API answers, not the controls") {
  TempDir dir;
  auto options = options_for(dir.path / "state");
  options.latency_ms = 150;
  Emulator emulator(options);
  emulator.start();
  Client client(emulator.base_url());
  client.login();
  auto timed = [](auto&& fn) {
    auto start = std::chrono::steady_clock::now();
    fn();
    return std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::steady_clock::now() - start).count();
  };
  CHECK(timed([&] { CHECK(client.api("GET", "/api/v2/flows").status == 200); }) >= 150);
  CHECK(timed([&] { client.control("GET", "/_emulator/health"); }) < 150);
  REQUIRE(client.control("POST", "/_emulator/config", R"({"latency_ms":0})").status == 200);
  CHECK(timed([&] { client.api("GET", "/api/v2/flows"); }) < 150);
}

TEST_CASE("request statistics, config and health controls") {
  TempDir dir;
  Emulator emulator(options_for(dir.path / "state"));
  emulator.start();
  Client client(emulator.base_url());
  client.login();
  client.api("GET", "/api/v2/flows");
  client.api("GET", "/api/v2/flows?pageNumber=2");
  client.api("GET", "/api/v2/flows/abc");
  client.api("GET", "/api/v2/flows/def/latestconfiguration");
  client.api("POST", "/api/v2/flows/actions/checkout?flow=abc");
  client.control("GET", "/_emulator/locks");

  Json stats = client.control("GET", "/_emulator/requests").json();
  CHECK(stats["total"] == 6);  // the login counts, the controls do not
  CHECK(stats["by_endpoint"]["POST /oauth/token"] == 1);
  CHECK(stats["by_endpoint"]["GET /api/v2/flows"] == 2);
  CHECK(stats["by_endpoint"]["GET /api/v2/flows/{id}"] == 1);
  CHECK(stats["by_endpoint"]["GET /api/v2/flows/{id}/latestconfiguration"] == 1);
  CHECK(stats["by_endpoint"]["POST /api/v2/flows/actions/checkout"] == 1);
  REQUIRE(client.control("DELETE", "/_emulator/requests").status == 200);
  CHECK(client.control("GET", "/_emulator/requests").json()["total"] == 0);

  Json config = client.control("POST", "/_emulator/config", R"({"operation_delay_ms":5,"latency_ms":1})").json();
  CHECK(config["operation_delay_ms"] == 5);
  CHECK(config["latency_ms"] == 1);
  CHECK(config["rate_limit_per_minute"] == 300);
  CHECK(client.control("POST", "/_emulator/config", R"({"fault_rate":2})").status == 400);
  CHECK(client.control("POST", "/_emulator/config", "nope").status == 400);
  CHECK(client.control("GET", "/_emulator/health").json()["status"] == "ok");
}
