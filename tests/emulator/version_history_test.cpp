// A flow's history as a client reads it: every version's configuration stays
// served, and each FlowVersion says who made it (createdBy: a person,
// createdByClient: an OAuth client) and when (dateCreated, dateCheckedIn as
// epoch ms, datePublished as ISO-8601 with ms), the same on the Flow, in the
// flow listing and under /versions; currentOperation names its user or client.
#include <doctest/doctest.h>

#include <ctime>
#include <regex>

#include "support.hpp"

using namespace emutest;
using flowlink::emulator::Emulator;

namespace {

const std::string kModuleId = "11111111-0000-4000-8000-000000000001";
const std::string kLineId = "22222222-0000-4000-8000-000000000002";

// "2024-01-31T12:00:00.123Z" -> epoch ms; -1 if it is not exactly that shape.
std::int64_t parse_iso_ms(const std::string& text) {
  static const std::regex shape(R"(^(\d{4})-(\d\d)-(\d\d)T(\d\d):(\d\d):(\d\d)\.(\d{3})Z$)");
  std::smatch m;
  if (!std::regex_match(text, m, shape)) return -1;
  std::tm tm{};
  tm.tm_year = std::stoi(m[1]) - 1900;
  tm.tm_mon = std::stoi(m[2]) - 1;
  tm.tm_mday = std::stoi(m[3]);
  tm.tm_hour = std::stoi(m[4]);
  tm.tm_min = std::stoi(m[5]);
  tm.tm_sec = std::stoi(m[6]);
  return static_cast<std::int64_t>(::timegm(&tm)) * 1000 + std::stoi(m[7]);
}

struct Org {
  TempDir dir;
  flowlink::emulator::EmulatorOptions options;
  std::unique_ptr<Emulator> emulator;
  std::unique_ptr<Client> client;

  Org() {
    options = options_for(dir.path / "state");
    std::filesystem::create_directories(dir.path / "seed");
    write_text(dir.path / "seed" / "module.json", module_doc("Validate").dump());
    write_text(dir.path / "seed" / "line.json", consumer_doc("Line", "inboundcall", {{kModuleId, "Validate"}}).dump());
    write_text(dir.path / "seed" / "org.json",
               R"([{"file":"module.json","id":"11111111-0000-4000-8000-000000000001","name":"Validate","type":"COMMONMODULE"},
                   {"file":"line.json","id":"22222222-0000-4000-8000-000000000002","name":"Line","type":"INBOUNDCALL"}])");
    options.seed_dirs = {(dir.path / "seed").string()};
    start();
  }
  void start() {
    emulator = std::make_unique<Emulator>(options);
    emulator->start();
    client = std::make_unique<Client>(emulator->base_url());
    client->login();
  }
  void restart() {
    client.reset();
    emulator.reset();
    start();
  }
};

// A version of Line that differs from the others in its description.
Json line_doc(const std::string& description) {
  Json doc = consumer_doc("Line", "inboundcall", {{kModuleId, "Validate"}});
  doc["description"] = description;
  return doc;
}

// The "who" of a FlowVersion: "user:<name>" or "client:<id>"; both or
// neither is a failure.
std::string author(const Json& version) {
  const bool user = version.contains("createdBy");
  const bool client = version.contains("createdByClient");
  if (user == client) return "both-or-neither";
  return user ? "user:" + version["createdBy"]["name"].get<std::string>()
              : "client:" + version["createdByClient"]["id"].get<std::string>();
}

}  // namespace

TEST_CASE("every version's configuration is served across save, check-in, publish and revert") {
  Org org;
  Client& c = *org.client;
  const Json seeded = c.api("GET", "/api/v2/flows/" + kLineId + "/latestconfiguration").json();

  // 2.0: this client's, checked in.
  REQUIRE(c.api("POST", "/api/v2/flows/actions/checkout?flow=" + kLineId).status == 200);
  REQUIRE(c.api("POST", "/api/v2/flows/" + kLineId + "/versions", line_doc("client").dump()).status == 200);
  REQUIRE(c.api("POST", "/api/v2/flows/actions/checkin?flow=" + kLineId).status == 200);
  settle(c, kLineId);
  // 3.0: alice's, checked in, then published by carol.
  REQUIRE(c.control("POST", "/_emulator/act-as/alice/save?flow=" + kLineId, line_doc("alice").dump()).status == 200);
  REQUIRE(c.control("POST", "/_emulator/act-as/alice/checkin?flow=" + kLineId).status == 200);
  settle(c, kLineId);
  REQUIRE(c.control("POST", "/_emulator/act-as/carol/publish?flow=" + kLineId).status == 200);
  REQUIRE(settle(c, kLineId)["currentOperation"]["actionStatus"] == "SUCCESS");
  // 4.0: bob's draft, reverted: gone, and its number is not reused.
  REQUIRE(c.control("POST", "/_emulator/act-as/bob/save?flow=" + kLineId, line_doc("bob").dump()).status == 200);
  REQUIRE(c.control("POST", "/_emulator/act-as/bob/revert?flow=" + kLineId).status == 200);
  // 5.0: this client's draft, still locked.
  REQUIRE(c.api("POST", "/api/v2/flows/actions/checkout?flow=" + kLineId).status == 200);
  Reply draft = c.api("POST", "/api/v2/flows/" + kLineId + "/versions", line_doc("draft").dump());
  REQUIRE(draft.status == 200);
  CHECK(draft.json()["id"] == "5.0");

  const std::map<std::string, Json> expected = {
      {"1.0", seeded}, {"2.0", line_doc("client")}, {"3.0", line_doc("alice")}, {"5.0", line_doc("draft")}};
  auto check_configurations = [&](Client& client) {
    for (const auto& [version, doc] : expected) {
      Reply conf = client.api("GET", "/api/v2/flows/" + kLineId + "/versions/" + version + "/configuration");
      CHECK_MESSAGE(conf.status == 200, version);
      if (conf.status == 200) CHECK_MESSAGE(conf.json() == doc, version);
    }
    Reply reverted = client.api("GET", "/api/v2/flows/" + kLineId + "/versions/4.0/configuration");
    CHECK(reverted.status == 404);
    CHECK(reverted.json()["code"] == "not.found");
    // "3" names the same version as "3.0".
    CHECK(client.api("GET", "/api/v2/flows/" + kLineId + "/versions/3/configuration").json() == line_doc("alice"));
  };
  check_configurations(c);
  // The published version's configuration is what runs; latestconfiguration the draft.
  const Json flow = c.api("GET", "/api/v2/flows/" + kLineId).json();
  CHECK(flow["publishedVersion"]["id"] == "3.0");
  CHECK(c.api("GET", "/api/v2/flows/" + kLineId + "/latestconfiguration").json() == line_doc("draft"));

  org.restart();  // the configurations are on disk, not only in memory
  check_configurations(*org.client);
}

TEST_CASE("FlowVersion says who and when, alike on the Flow, in the listing and under /versions") {
  Org org;
  Client& c = *org.client;
  const std::int64_t start_ms = std::chrono::duration_cast<std::chrono::milliseconds>(
                                    std::chrono::system_clock::now().time_since_epoch())
                                    .count();
  // 2.0 by alice, checked in by her, published by this client; 3.0 this client's draft.
  REQUIRE(c.control("POST", "/_emulator/act-as/alice/save?flow=" + kLineId, line_doc("alice").dump()).status == 200);
  REQUIRE(c.control("POST", "/_emulator/act-as/alice/checkin?flow=" + kLineId).status == 200);
  Json flow = settle(c, kLineId);
  CHECK(flow["currentOperation"]["user"]["name"] == "alice");
  CHECK_FALSE(flow["currentOperation"].contains("client"));
  REQUIRE(c.api("POST", "/api/v2/flows/actions/publish?flow=" + kLineId).status == 200);
  flow = settle(c, kLineId);
  CHECK(flow["currentOperation"]["client"]["id"] == "flowlink-test");
  CHECK_FALSE(flow["currentOperation"].contains("user"));
  REQUIRE(c.api("POST", "/api/v2/flows/actions/checkout?flow=" + kLineId).status == 200);
  REQUIRE(c.api("POST", "/api/v2/flows/" + kLineId + "/versions", line_doc("draft").dump()).status == 200);

  flow = c.api("GET", "/api/v2/flows/" + kLineId).json();
  const Json& published = flow["publishedVersion"];
  const Json& checked_in = flow["checkedInVersion"];
  const Json& saved = flow["savedVersion"];
  REQUIRE(published["id"] == "2.0");
  REQUIRE(checked_in["id"] == "2.0");
  REQUIRE(saved["id"] == "3.0");

  // Who: alice made 2.0 (publishing does not change the author), this client 3.0.
  CHECK(author(published) == "user:alice");
  CHECK(published["createdBy"]["selfUri"] == "/api/v2/users/" + published["createdBy"]["id"].get<std::string>());
  CHECK(author(saved) == "client:flowlink-test");
  CHECK(saved["createdByClient"]["selfUri"] == "/api/v2/oauth/clients/flowlink-test");

  // When: epoch ms, in order; datePublished an ISO string with ms.
  const std::int64_t created = published["dateCreated"].get<std::int64_t>();
  const std::int64_t checked = published["dateCheckedIn"].get<std::int64_t>();
  REQUIRE(published["datePublished"].is_string());
  const std::int64_t published_ms = parse_iso_ms(published["datePublished"].get<std::string>());
  CHECK(created >= start_ms);
  CHECK(checked >= created);
  CHECK(published_ms >= checked);
  CHECK(published_ms <= saved["dateCreated"].get<std::int64_t>());
  // A draft was neither checked in nor published.
  CHECK(saved["dateCreated"].is_number_integer());
  CHECK_FALSE(saved.contains("dateCheckedIn"));
  CHECK_FALSE(saved.contains("datePublished"));
  // The seeded 1.0 came from the seeding client, published at seeding time.
  const Json first = c.api("GET", "/api/v2/flows/" + kLineId + "/versions/1.0").json();
  CHECK(author(first) == "client:flowlink-emulator-seed");
  CHECK(parse_iso_ms(first["datePublished"].get<std::string>()) == first["dateCheckedIn"].get<std::int64_t>());

  // The listing shows the same version objects as GET /flows/{id}.
  Json listed = c.api("GET", "/api/v2/flows?id=" + kLineId).json();
  REQUIRE(listed["entities"].size() == 1);
  for (const char* key : {"publishedVersion", "checkedInVersion", "savedVersion"})
    CHECK_MESSAGE(listed["entities"][0][key] == flow[key], key);
  Json by_type = c.api("GET", "/api/v2/flows?type=inboundcall&pageSize=100").json();
  REQUIRE(by_type["entities"].size() == 1);
  CHECK(by_type["entities"][0] == flow);

  // And so does /versions, one by one and in the (newest first) listing.
  CHECK(c.api("GET", "/api/v2/flows/" + kLineId + "/versions/2.0").json() == published);
  CHECK(c.api("GET", "/api/v2/flows/" + kLineId + "/versions/3.0").json() == saved);
  Json versions = c.api("GET", "/api/v2/flows/" + kLineId + "/versions").json();
  REQUIRE(versions["entities"].size() == 3);
  CHECK(versions["entities"][0] == saved);
  CHECK(versions["entities"][1] == published);
  CHECK(versions["entities"][2] == first);
}

TEST_CASE("a version published by a person names them; the operation carries user, not client") {
  Org org;
  Client& c = *org.client;
  REQUIRE(c.control("POST", "/_emulator/act-as/dana/save?flow=" + kModuleId, module_doc("Validate").dump()).status ==
          200);
  // Publishing one's own draft checks it in too, through the control as through the API.
  Reply op = c.control("POST", "/_emulator/act-as/dana/publish?flow=" + kModuleId);
  REQUIRE(op.status == 200);
  CHECK(op.json()["actionName"] == "PUBLISH");
  CHECK(op.json()["actionStatus"] == "STARTED");
  CHECK(op.json()["complete"] == false);
  CHECK(op.json()["user"]["name"] == "dana");
  Json flow = settle(c, kModuleId);
  CHECK(flow["currentOperation"]["actionStatus"] == "SUCCESS");
  CHECK(flow["currentOperation"]["user"]["name"] == "dana");
  CHECK(flow["publishedVersion"]["id"] == "2.0");
  CHECK(flow["publishedVersion"]["dateCheckedIn"].is_number_integer());
  CHECK(flow["publishedBy"]["name"] == "dana");
  CHECK_FALSE(flow.contains("lockedUser"));
}
