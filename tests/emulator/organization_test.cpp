// GET /api/v2/organizations/me: an authenticated API route whose org id is
// made once per state dir, so restarts keep the org and state dirs differ.
#include <doctest/doctest.h>

#include <regex>

#include "support.hpp"

using namespace emutest;
using flowlink::emulator::Emulator;

namespace {
const std::regex kUuid("^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$");

Json organization(const std::filesystem::path& state, const std::string& name = "") {
  auto options = options_for(state);
  if (!name.empty()) options.org_name = name;
  Emulator emulator(options);
  emulator.start();
  Client c(emulator.base_url());
  c.login();
  Reply reply = c.api("GET", "/api/v2/organizations/me");
  REQUIRE(reply.status == 200);
  return reply.json();
}
}  // namespace

TEST_CASE("organizations/me answers Models.Organization with the configured name") {
  TempDir dir;
  auto options = options_for(dir.path / "state");
  options.org_name = "Acme Support, EMEA";
  Emulator emulator(options);
  emulator.start();
  Client c(emulator.base_url());
  c.login();

  Reply reply = c.api("GET", "/api/v2/organizations/me");
  REQUIRE(reply.status == 200);
  CHECK(reply.header("content-type").rfind("application/json", 0) == 0);
  CHECK_FALSE(reply.header("inin-correlation-id").empty());
  const Json org = reply.json();
  const std::string id = org["id"].get<std::string>();
  CHECK(std::regex_match(id, kUuid));
  CHECK(org["name"] == "Acme Support, EMEA");
  CHECK(org["selfUri"] == "/api/v2/organizations/" + id);
  CHECK(org["version"] == 1);  // the one property index.d.ts marks required
  CHECK(org["state"] == "active");
  CHECK(org["domain"] == "acme-support-emea");
  CHECK(org["defaultLanguage"] == "en-us");

  // Like every /api/v2 route: a token is required, and the call is counted.
  Reply anonymous = c.call("GET", "/api/v2/organizations/me");
  CHECK(anonymous.status == 401);
  CHECK(anonymous.json()["status"] == 401);
  CHECK(c.control("GET", "/_emulator/requests").json()["by_endpoint"]["GET /api/v2/organizations/me"] == 2);
}

TEST_CASE("organizations/me is rate limited and fault-injected like other API routes") {
  TempDir dir;
  Emulator emulator(options_for(dir.path / "state"));
  emulator.start();
  Client c(emulator.base_url());
  c.login();
  REQUIRE(c.control("POST", "/_emulator/config", R"({"rate_limit_per_minute":2})").status == 200);
  CHECK(c.api("GET", "/api/v2/organizations/me").status == 200);
  CHECK(c.api("GET", "/api/v2/organizations/me").status == 200);
  Reply limited = c.api("GET", "/api/v2/organizations/me");
  CHECK(limited.status == 429);
  CHECK_FALSE(limited.header("retry-after").empty());
  REQUIRE(c.control("POST", "/_emulator/config", R"({"rate_limit_per_minute":0,"fault_rate":1.0,"fault_seed":3})")
              .status == 200);
  Reply faulted = c.api("GET", "/api/v2/organizations/me");
  CHECK((faulted.status == 0 || faulted.status >= 500));
}

TEST_CASE("the org id is kept in the state dir: same state, same org; another state, another org") {
  TempDir dir;
  const Json first = organization(dir.path / "state");
  CHECK(first["name"] == "flowlink emulated org");  // the default name
  CHECK(std::filesystem::exists(dir.path / "state" / "organization.json"));

  // A restart, even under a new name, is the same org.
  const Json restarted = organization(dir.path / "state", "Renamed Org");
  CHECK(restarted["id"] == first["id"]);
  CHECK(restarted["name"] == "Renamed Org");

  const Json other = organization(dir.path / "other-state");
  CHECK(other["id"] != first["id"]);
}

TEST_CASE("a state dir whose organization.json holds no id refuses to start") {
  TempDir dir;
  const auto state = dir.path / "state";
  std::filesystem::create_directories(state);
  write_text(state / "organization.json", R"({"format":1})");
  Emulator emulator(options_for(state));
  // Becoming a new org silently would tell a client that recorded the old id
  // it talks to a stranger.
  CHECK_THROWS_WITH_AS(emulator.start(), doctest::Contains("no org id"), std::runtime_error);
}
