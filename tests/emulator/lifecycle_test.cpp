// Lock, save, check in, publish, revert, unlock: version records move as
// Genesys moves them, and the lock rules hold.
#include <doctest/doctest.h>

#include "support.hpp"

using namespace emutest;
using flowlink::emulator::Emulator;

namespace {
struct Org {
  TempDir dir;
  std::unique_ptr<Emulator> emulator;
  std::unique_ptr<Client> client;
  std::string module_id;
  std::string consumer_id;

  explicit Org(int operation_delay_ms = 20) {
    auto options = options_for(dir.path / "state");
    options.operation_delay_ms = operation_delay_ms;
    std::filesystem::create_directories(dir.path / "seed");
    write_text(dir.path / "seed" / "module.json", module_doc("Validate").dump());
    write_text(dir.path / "seed" / "org.json",
               R"([{"file":"module.json","id":"11111111-0000-4000-8000-000000000001","name":"Validate","type":"COMMONMODULE"},
                   {"file":"line.json","id":"22222222-0000-4000-8000-000000000002","name":"Line","type":"INBOUNDCALL"}])");
    write_text(dir.path / "seed" / "line.json",
               consumer_doc("Line", "inboundcall", {{"11111111-0000-4000-8000-000000000001", "Validate"}}).dump());
    options.seed_dirs = {(dir.path / "seed").string()};
    emulator = std::make_unique<Emulator>(options);
    emulator->start();
    client = std::make_unique<Client>(emulator->base_url());
    client->login();
    module_id = "11111111-0000-4000-8000-000000000001";
    consumer_id = "22222222-0000-4000-8000-000000000002";
  }
};
}  // namespace

TEST_CASE("checkout, save, check in, publish: versions and currentOperation") {
  Org org(500);  // slow enough to observe the running operation
  Client& c = *org.client;
  const std::string id = org.consumer_id;

  Reply checkout = c.api("POST", "/api/v2/flows/actions/checkout?flow=" + id);
  REQUIRE(checkout.status == 200);
  CHECK(checkout.json()["lockedClient"]["id"] == "flowlink-test");
  CHECK(c.api("POST", "/api/v2/flows/actions/checkout?flow=" + id).status == 200);  // idempotent for the holder

  Json edited = consumer_doc("Line", "inboundcall", {{org.module_id, "Validate"}});
  edited["description"] = "edited";
  Reply saved = c.api("POST", "/api/v2/flows/" + id + "/versions", edited.dump());
  REQUIRE(saved.status == 200);
  CHECK(saved.json()["id"] == "2.0");
  CHECK(saved.json()["type"] == "SAVE");
  CHECK(saved.json()["createdByClient"]["id"] == "flowlink-test");

  Json flow = c.api("GET", "/api/v2/flows/" + id).json();
  CHECK(flow["savedVersion"]["id"] == "2.0");
  CHECK(flow["publishedVersion"]["id"] == "1.0");
  CHECK(c.api("GET", "/api/v2/flows/" + id + "/latestconfiguration").json() == edited);
  CHECK(c.api("GET", "/api/v2/flows/" + id + "/versions/1.0/configuration").json()["description"].is_null());

  Reply second = c.api("POST", "/api/v2/flows/" + id + "/versions", edited.dump());
  CHECK(second.json()["id"] == "3.0");

  Reply checkin = c.api("POST", "/api/v2/flows/actions/checkin?flow=" + id);
  REQUIRE(checkin.status == 200);
  Json op = checkin.json();
  CHECK(op["complete"] == false);
  CHECK(op["actionName"] == "CHECKIN");
  CHECK(op["actionStatus"] == "STARTED");
  CHECK(op["client"]["id"] == "flowlink-test");
  Json during = c.api("GET", "/api/v2/flows/" + id).json();
  CHECK(during["currentOperation"]["id"] == op["id"]);
  CHECK(during["currentOperation"]["complete"] == false);
  // While the operation runs, another one is refused.
  CHECK(c.api("POST", "/api/v2/flows/actions/publish?flow=" + id).status == 409);

  flow = settle(c, id);
  CHECK(flow["currentOperation"]["actionStatus"] == "SUCCESS");
  CHECK(flow["checkedInVersion"]["id"] == "3.0");
  CHECK(flow["checkedInVersion"]["type"] == "CHECKIN");
  CHECK_FALSE(flow.contains("savedVersion"));
  CHECK_FALSE(flow.contains("lockedClient"));
  CHECK(flow["publishedVersion"]["id"] == "1.0");

  Reply publish = c.api("POST", "/api/v2/flows/actions/publish?flow=" + id);
  REQUIRE(publish.status == 200);
  CHECK(publish.json()["actionName"] == "PUBLISH");
  flow = settle(c, id);
  CHECK(flow["currentOperation"]["actionStatus"] == "SUCCESS");
  CHECK(flow["publishedVersion"]["id"] == "3.0");
  CHECK(flow["publishedVersion"]["type"] == "PUBLISH");
  CHECK(flow["publishedBy"]["id"] == "flowlink-test");

  Json versions = c.api("GET", "/api/v2/flows/" + id + "/versions").json();
  CHECK(versions["total"] == 3);
  CHECK(versions["entities"][0]["id"] == "3.0");  // newest first
  CHECK(c.api("GET", "/api/v2/flows/" + id + "/versions/2.0").json()["type"] == "SAVE");
  CHECK(c.api("GET", "/api/v2/flows/" + id + "/versions/9.0").status == 404);
}

TEST_CASE("a flow locked by someone else answers 409; an unlocked one 400") {
  Org org;
  Client& c = *org.client;
  const std::string id = org.consumer_id;
  const std::string doc = consumer_doc("Line", "inboundcall", {{org.module_id, "Validate"}}).dump();

  // Not locked at all: saving and checking in need the lock.
  Reply unlocked_save = c.api("POST", "/api/v2/flows/" + id + "/versions", doc);
  CHECK(unlocked_save.status == 400);
  CHECK(unlocked_save.json()["code"] == "flow.not.locked.by.requesting.user");
  CHECK(c.api("POST", "/api/v2/flows/actions/checkin?flow=" + id).status == 400);

  REQUIRE(c.control("POST", "/_emulator/act-as/erin/checkout?flow=" + id).status == 200);
  for (const auto& [method, path, body] :
       std::vector<std::tuple<std::string, std::string, std::string>>{
           {"POST", "/api/v2/flows/actions/checkout?flow=" + id, ""},
           {"POST", "/api/v2/flows/" + id + "/versions", doc},
           {"POST", "/api/v2/flows/actions/checkin?flow=" + id, ""},
           {"POST", "/api/v2/flows/actions/revert?flow=" + id, ""},
           {"POST", "/api/v2/flows/actions/publish?flow=" + id, ""}}) {
    Reply reply = c.api(method, path, body);
    CHECK_MESSAGE(reply.status == 409, path);
    CHECK(reply.json()["code"] == "flow.locked.by.user");
    CHECK(reply.json()["message"].get<std::string>().find("erin") != std::string::npos);
  }
  // Another user's save, then check-in, through the controls.
  Reply foreign = c.control("POST", "/_emulator/act-as/erin/save?flow=" + id, doc);
  REQUIRE(foreign.status == 200);
  CHECK(foreign.json()["createdBy"]["name"] == "erin");
  Json locks = c.control("GET", "/_emulator/locks").json();
  REQUIRE(locks.size() == 1);
  CHECK(locks[0]["flowId"] == id);
  CHECK(locks[0]["lockedBy"] == "erin");
  REQUIRE(c.control("POST", "/_emulator/act-as/erin/checkin?flow=" + id).status == 200);
  Json flow = settle(c, id);
  CHECK_FALSE(flow.contains("lockedUser"));
  CHECK(flow["checkedInVersion"]["id"] == "2.0");
  CHECK(c.control("GET", "/_emulator/locks").json().empty());

  // act-as save on an unlocked flow locks it to that user.
  REQUIRE(c.control("POST", "/_emulator/act-as/frank/save?flow=" + id, doc).status == 200);
  CHECK(c.api("GET", "/api/v2/flows/" + id).json()["lockedUser"]["name"] == "frank");
  // unlock breaks anyone's lock.
  Reply unlocked = c.api("POST", "/api/v2/flows/actions/unlock?flow=" + id);
  CHECK(unlocked.status == 200);
  CHECK_FALSE(unlocked.json().contains("lockedUser"));
}

TEST_CASE("saving bad documents answers 400 naming the problem") {
  Org org;
  Client& c = *org.client;
  const std::string id = org.consumer_id;
  REQUIRE(c.api("POST", "/api/v2/flows/actions/checkout?flow=" + id).status == 200);

  Reply not_json = c.api("POST", "/api/v2/flows/" + id + "/versions", "{not json");
  CHECK(not_json.status == 400);
  CHECK(not_json.json()["code"] == "bad.request");
  CHECK(not_json.json()["details"][0]["fieldName"] == "body");

  Json broken = consumer_doc("Line", "inboundcall", {{org.module_id, "Validate"}});
  auto& call = broken["flowSequenceItemList"][0]["actionList"][0];
  call["nextAction"] = "00000000-0000-4000-8000-00000000dead";
  const std::string call_id = call["id"];
  Reply bad_graph = c.api("POST", "/api/v2/flows/" + id + "/versions", broken.dump());
  CHECK(bad_graph.status == 400);
  CHECK(bad_graph.json()["message"].get<std::string>().find(call_id) != std::string::npos);
  CHECK(bad_graph.json()["details"][0]["entityId"] == call_id);

  Json wrong_type = module_doc("Line");
  CHECK(c.api("POST", "/api/v2/flows/" + id + "/versions", wrong_type.dump()).status == 400);
  CHECK(c.api("GET", "/api/v2/flows/" + id).json().contains("savedVersion") == false);
}

TEST_CASE("revert discards the draft and unlocks") {
  Org org;
  Client& c = *org.client;
  const std::string id = org.consumer_id;
  const Json original = c.api("GET", "/api/v2/flows/" + id + "/latestconfiguration").json();
  REQUIRE(c.api("POST", "/api/v2/flows/actions/checkout?flow=" + id).status == 200);
  Json edited = original;
  edited["description"] = "draft";
  REQUIRE(c.api("POST", "/api/v2/flows/" + id + "/versions", edited.dump()).status == 200);
  Reply reverted = c.api("POST", "/api/v2/flows/actions/revert?flow=" + id);
  REQUIRE(reverted.status == 200);
  CHECK_FALSE(reverted.json().contains("savedVersion"));
  CHECK_FALSE(reverted.json().contains("lockedClient"));
  CHECK(c.api("GET", "/api/v2/flows/" + id + "/latestconfiguration").json() == original);
  CHECK(c.api("GET", "/api/v2/flows/" + id + "/versions").json()["total"] == 1);
  // Numbers are not reused: the next save is 3.0.
  REQUIRE(c.api("POST", "/api/v2/flows/actions/checkout?flow=" + id).status == 200);
  CHECK(c.api("POST", "/api/v2/flows/" + id + "/versions", edited.dump()).json()["id"] == "3.0");
}

TEST_CASE("act-as remove-call: another user removes a module's calls, saves and checks in") {
  Org org;
  Client& c = *org.client;
  const std::string id = org.consumer_id;
  auto calls_to = [&](const std::string& module) {
    Json doc = c.api("GET", "/api/v2/flows/" + id + "/latestconfiguration").json();
    int calls = 0;
    for (const auto& task : doc["flowSequenceItemList"])
      for (const auto& action : task["actionList"])
        if (action["__type"] == "CallCommonModuleAction" && action["flowName"] == module) ++calls;
    return calls;
  };
  REQUIRE(calls_to("Validate") == 1);

  Reply unknown = c.control("POST", "/_emulator/act-as/alice/remove-call?flow=" + id + "&module=Nope");
  CHECK(unknown.status == 400);
  CHECK(unknown.json()["message"].get<std::string>().find("Nope") != std::string::npos);

  Reply removed = c.control("POST", "/_emulator/act-as/alice/remove-call?flow=" + id + "&module=Validate");
  REQUIRE(removed.status == 200);
  CHECK(removed.json()["removed"] == 1);
  Json flow = settle(c, id);
  CHECK_FALSE(flow.contains("lockedUser"));
  CHECK(flow["checkedInVersion"]["id"] == "2.0");
  CHECK(flow["checkedInVersion"]["createdBy"]["name"] == "alice");
  CHECK(calls_to("Validate") == 0);
}
