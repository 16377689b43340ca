// FlowApi against the real emulator, over sockets: listing and paging,
// reading, the lock / save / check-in / publish lifecycle and its errors.

#include <doctest/doctest.h>

#include <algorithm>
#include <set>

#include "genesys/emulated_org.hpp"

using namespace flowlink::genesys;
using namespace flowlink::genesys::testing;
using std::chrono::milliseconds;

TEST_CASE("list_flows logs in and returns the seeded flows with lowercase types") {
  EmulatedOrg org;
  auto api = make_http_flow_api(org.client_options());
  auto flows = api->list_flows({});
  std::set<std::string> names;
  for (const auto& flow : flows) names.insert(flow.name);
  CHECK(names == std::set<std::string>{"Cache Example", "Greeting", "Shared Module"});
  Flow module = flow_named(*api, "Shared Module");
  CHECK(module.type == "commonmodule");
  CHECK(nlohmann::json::parse(module.raw).at("type") == "COMMONMODULE");
  CHECK(module.published_version.has_value());
  CHECK_FALSE(module.locked_client.has_value());

  auto modules = api->list_flows(ListFlowsQuery{{"commonmodule"}, "", 500});
  REQUIRE(modules.size() == 1);
  CHECK(modules[0].name == "Shared Module");
  CHECK(api->stats().token_requests == 1);
  CHECK(api->stats().requests >= 4);  // token + 3 lists (+ nothing retried)
}

TEST_CASE("list_flows follows every page of 500") {
  TempDir seed;
  const int count = 1203;
  for (int i = 0; i < count; ++i) {
    std::string name = "Flow " + std::to_string(10000 + i);
    write_text(seed.path() / (name + ".json"), tiny_document(name, i % 3 ? "inboundcall" : "inqueuecall"));
  }
  auto options = EmulatedOrg::quiet_options();
  options.seed_dirs.push_back(seed.path().string());
  EmulatedOrg org(options);
  auto api = make_http_flow_api(org.client_options());

  control(org.port(), "DELETE", "/_emulator/requests");
  auto flows = api->list_flows({});
  CHECK(flows.size() == static_cast<std::size_t>(count));
  std::set<std::string> ids;
  for (const auto& flow : flows) ids.insert(flow.id);
  CHECK(ids.size() == static_cast<std::size_t>(count));
  CHECK(endpoint_count(org.port(), "GET /api/v2/flows") == 3);

  auto queue_flows = api->list_flows(ListFlowsQuery{{"inqueuecall"}, "", 500});
  CHECK(queue_flows.size() == 401);
  CHECK(std::all_of(queue_flows.begin(), queue_flows.end(), [](const Flow& f) { return f.type == "inqueuecall"; }));

  // A smaller page size means more pages, the same flows.
  auto small_pages = api->list_flows(ListFlowsQuery{{"inqueuecall"}, "", 100});
  CHECK(small_pages.size() == 401);
}

TEST_CASE("get_flow and latest_configuration return the seeded flow and its document text") {
  EmulatedOrg org;
  auto api = make_http_flow_api(org.client_options());
  Flow listed = flow_named(*api, "Cache Example");
  Flow flow = api->get_flow(listed.id);
  CHECK(flow.id == listed.id);
  CHECK(flow.name == "Cache Example");
  CHECK(flow.type == "inboundcall");

  std::string text = api->latest_configuration(flow.id);
  Json document = Json::parse(text);
  Json fixture = Json::parse(read_text(fixture_flow_path()));
  CHECK(document.at("name") == "Cache Example");
  CHECK(document.at("flowSequenceItemList").size() == fixture.at("flowSequenceItemList").size());
  // Text, not re-serialised JSON: key order is the server's.
  CHECK(text.find("\"defaultLanguage\"") < text.find("\"variables\""));
  CHECK(api->version_configuration(flow.id, "1.0") == text);
}

TEST_CASE("checkout, save, check in, publish and wait for each operation") {
  EmulatedOrg org;
  auto api = make_http_flow_api(org.client_options());
  Flow flow = flow_named(*api, "Greeting");

  Flow locked = api->checkout(flow.id);
  REQUIRE(locked.locked_client.has_value());
  CHECK(locked.locked_client->id == api->client_id());

  Json document = Json::parse(api->latest_configuration(flow.id));
  document["description"] = "changed by the genesys test";
  FlowVersionInfo saved = api->save_version(flow.id, document.dump());
  CHECK_FALSE(saved.id.empty());
  CHECK(Json::parse(api->latest_configuration(flow.id)).value("description", "") == "changed by the genesys test");

  Operation checkin = api->checkin(flow.id);
  CHECK(checkin.action_name == "CHECKIN");
  OperationWait checkin_wait = api->wait_for_operation(flow.id, checkin.id, milliseconds(10000));
  CHECK_FALSE(checkin_wait.replaced);
  const Operation& checked_in = checkin_wait.operation;
  CHECK(checked_in.complete);
  CHECK(checked_in.id == checkin.id);
  CHECK(checked_in.action_status == "SUCCESS");
  Flow after_checkin = api->get_flow(flow.id);
  CHECK_FALSE(after_checkin.locked_client.has_value());
  REQUIRE(after_checkin.checked_in_version.has_value());
  CHECK(after_checkin.checked_in_version->id == saved.id);

  Operation publish = api->publish(flow.id);
  CHECK(publish.action_name == "PUBLISH");
  OperationWait publish_wait = api->wait_for_operation(flow.id, publish.id, milliseconds(10000));
  CHECK_FALSE(publish_wait.replaced);
  const Operation& published = publish_wait.operation;
  CHECK(published.complete);
  CHECK(published.action_status == "SUCCESS");
  Flow after_publish = api->get_flow(flow.id);
  REQUIRE(after_publish.published_version.has_value());
  CHECK(after_publish.published_version->id == saved.id);
  // Who made the version, as the listing and GET report it.
  CHECK_FALSE(after_publish.published_version->created_by.has_value());
  REQUIRE(after_publish.published_version->created_by_client.has_value());
  CHECK(after_publish.published_version->created_by_client->id == api->client_id());
  CHECK(after_publish.published_version->date_created > 0);
  CHECK_FALSE(after_publish.published_version->date_published.empty());
}

TEST_CASE("the organization the credentials belong to") {
  EmulatedOrg org;
  auto api = make_http_flow_api(org.client_options());
  const Organization me = api->organization();
  CHECK_FALSE(me.id.empty());
  CHECK_FALSE(me.name.empty());
  CHECK(api->organization().id == me.id);  // stable for one org
}

TEST_CASE("revert discards the draft and unlocks") {
  EmulatedOrg org;
  auto api = make_http_flow_api(org.client_options());
  Flow flow = flow_named(*api, "Greeting");
  std::string before = api->latest_configuration(flow.id);
  api->checkout(flow.id);
  Json document = Json::parse(before);
  document["description"] = "a draft to throw away";
  api->save_version(flow.id, document.dump());
  Flow reverted = api->revert(flow.id);
  CHECK_FALSE(reverted.locked_client.has_value());
  CHECK_FALSE(api->get_flow(flow.id).locked_client.has_value());
  CHECK(Json::parse(api->latest_configuration(flow.id)).value("description", "") != "a draft to throw away");
}

TEST_CASE("a flow locked by someone else answers checkout with ApiError 409") {
  EmulatedOrg org;
  auto api = make_http_flow_api(org.client_options());
  Flow flow = flow_named(*api, "Greeting");
  control(org.port(), "POST", "/_emulator/act-as/alice/checkout?flow=" + flow.id);
  try {
    api->checkout(flow.id);
    FAIL("expected ApiError");
  } catch (const ApiError& e) {
    CHECK(e.status() == 409);
    CHECK(e.code() == "flow.locked.by.user");
    CHECK(e.flow() == flow.id);
    CHECK(e.call() == "POST /api/v2/flows/actions/checkout");
    CHECK_FALSE(e.context_id().empty());
    std::string text = e.what();
    CHECK(text.find("POST /api/v2/flows/actions/checkout (flow " + flow.id + "): 409 flow.locked.by.user") == 0);
  }
  // The admin way out: break the lock.
  Flow unlocked = api->unlock(flow.id);
  CHECK_FALSE(unlocked.locked_user.has_value());
  CHECK(api->checkout(flow.id).locked_client.has_value());
}

TEST_CASE("an unknown flow is ApiError 404 naming the call and the flow") {
  EmulatedOrg org;
  auto api = make_http_flow_api(org.client_options());
  const std::string missing = "00000000-0000-0000-0000-000000000000";
  try {
    api->latest_configuration(missing);
    FAIL("expected ApiError");
  } catch (const ApiError& e) {
    CHECK(e.status() == 404);
    CHECK(e.code() == "not.found");
    CHECK(e.call() == "GET /api/v2/flows/" + missing + "/latestconfiguration");
    CHECK(e.flow() == missing);
    std::string text = e.what();
    CHECK(text.find("GET /api/v2/flows/" + missing + "/latestconfiguration (flow " + missing + "): 404 not.found: ") == 0);
    CHECK(text.find("[contextId ") != std::string::npos);
  }
  CHECK(api->stats().retries == 0);  // a 404 is final
  CHECK_THROWS_AS(api->get_flow(missing), ApiError);
}

TEST_CASE("saving without the lock and publishing while not checked in are clear errors") {
  EmulatedOrg org;
  auto api = make_http_flow_api(org.client_options());
  Flow flow = flow_named(*api, "Greeting");
  std::string document = api->latest_configuration(flow.id);
  try {
    api->save_version(flow.id, document);
    FAIL("expected ApiError");
  } catch (const ApiError& e) {
    CHECK(e.status() >= 400);
    CHECK(e.status() < 500);
    CHECK_FALSE(e.code().empty());
    CHECK(e.call() == "POST /api/v2/flows/" + flow.id + "/versions");
  }
}

TEST_CASE("wait_for_operation gives up with an ApiError at its timeout") {
  auto options = EmulatedOrg::quiet_options();
  options.operation_delay_ms = 5000;
  EmulatedOrg org(options);
  auto api = make_http_flow_api(org.client_options());
  Flow flow = flow_named(*api, "Greeting");
  api->checkout(flow.id);
  Operation checkin = api->checkin(flow.id);
  try {
    api->wait_for_operation(flow.id, checkin.id, milliseconds(300));
    FAIL("expected ApiError");
  } catch (const ApiError& e) {
    CHECK(e.code() == "operation.timeout");
    CHECK(e.flow() == flow.id);
    CHECK(std::string(e.what()).find(checkin.id) != std::string::npos);
  }
}
