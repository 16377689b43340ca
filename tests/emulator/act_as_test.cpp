// The act-as controls (a colleague working on a flow) and the helpers other
// layers' tests use for them (tests/support/emulator_control.hpp): they follow
// the API's rules, and wait_for_operation waits without being counted.
#include <doctest/doctest.h>

#include "support.hpp"
#include "support/emulator_control.hpp"

using namespace emutest;
using flowlink::emulator::Emulator;
using flowlink::testing::EmulatorControl;

namespace {

const std::string kModuleId = "11111111-0000-4000-8000-000000000001";
const std::string kLineId = "22222222-0000-4000-8000-000000000002";
const std::string kDraftModuleId = "33333333-0000-4000-8000-000000000003";
const std::string kNewLineId = "44444444-0000-4000-8000-000000000004";

// Validate (published) called by Line (published); Draft Module (checked in,
// never published) called by New Line (checked in, never published).
struct Org {
  TempDir dir;
  std::unique_ptr<Emulator> emulator;
  std::unique_ptr<Client> client;
  std::unique_ptr<EmulatorControl> control;

  Org() {
    auto options = options_for(dir.path / "state");
    const auto seed = dir.path / "seed";
    std::filesystem::create_directories(seed);
    write_text(seed / "module.json", module_doc("Validate").dump());
    write_text(seed / "line.json", consumer_doc("Line", "inboundcall", {{kModuleId, "Validate"}}).dump());
    write_text(seed / "draft-module.json", module_doc("Draft Module").dump());
    write_text(seed / "new-line.json", consumer_doc("New Line", "inboundcall", {{kDraftModuleId, "Draft Module"}}).dump());
    write_text(seed / "org.json", Json::array({
                                      {{"file", "module.json"}, {"id", kModuleId}, {"name", "Validate"}, {"type", "COMMONMODULE"}},
                                      {{"file", "line.json"}, {"id", kLineId}, {"name", "Line"}, {"type", "INBOUNDCALL"}},
                                      {{"file", "draft-module.json"}, {"id", kDraftModuleId}, {"name", "Draft Module"},
                                       {"type", "COMMONMODULE"}, {"published", false}},
                                      {{"file", "new-line.json"}, {"id", kNewLineId}, {"name", "New Line"},
                                       {"type", "INBOUNDCALL"}, {"published", false}},
                                  }).dump());
    options.seed_dirs = {seed.string()};
    emulator = std::make_unique<Emulator>(options);
    emulator->start();
    client = std::make_unique<Client>(emulator->base_url());
    client->login();
    control = std::make_unique<EmulatorControl>(emulator->port());
  }
};

Json line_doc(const std::string& description) {
  Json doc = consumer_doc("Line", "inboundcall", {{kModuleId, "Validate"}});
  doc["description"] = description;
  return doc;
}

// The message of what `fn` throws; "" if it does not throw.
template <typename Fn>
std::string thrown(Fn fn) {
  try {
    fn();
  } catch (const std::exception& e) {
    return e.what();
  }
  return "";
}

bool contains(const std::string& text, const std::string& part) { return text.find(part) != std::string::npos; }

}  // namespace

TEST_CASE("a colleague's save, check-in and publish through the helpers") {
  Org org;
  EmulatorControl& ctl = *org.control;

  const Json checkout = ctl.act_as_checkout("Alice Smith", kLineId);  // a space travels encoded
  CHECK(checkout["lockedUser"]["name"] == "Alice Smith");

  const Json version = ctl.act_as_save("Alice Smith", kLineId, line_doc("alice").dump());
  CHECK(version["id"] == "2.0");
  CHECK(version["type"] == "SAVE");
  CHECK(version["createdBy"]["name"] == "Alice Smith");

  const Json checkin = ctl.act_as_checkin("Alice Smith", kLineId);
  CHECK(checkin["actionName"] == "CHECKIN");
  CHECK(checkin["user"]["name"] == "Alice Smith");
  Json flow = ctl.wait_for_operation(kLineId);
  CHECK(flow["currentOperation"]["complete"] == true);
  CHECK(flow["checkedInVersion"]["id"] == "2.0");
  CHECK_FALSE(flow.contains("lockedUser"));

  const Json publish = ctl.act_as_publish("carol", kLineId);
  CHECK(publish["actionName"] == "PUBLISH");
  CHECK(publish["complete"] == false);
  CHECK(publish["user"]["name"] == "carol");
  flow = ctl.wait_for_operation(kLineId);
  CHECK(flow["currentOperation"]["actionStatus"] == "SUCCESS");
  CHECK(flow["publishedVersion"]["id"] == "2.0");
  CHECK(flow["publishedBy"]["name"] == "carol");
  CHECK(flow["publishedVersion"]["createdBy"]["name"] == "Alice Smith");

  // An older version, named: published again, as the API's version= does.
  ctl.act_as_publish("carol", kLineId, "1.0");
  CHECK(ctl.wait_for_operation(kLineId)["publishedVersion"]["id"] == "1.0");
}

TEST_CASE("act-as publish keeps the API's rules") {
  Org org;
  Client& c = *org.client;
  EmulatorControl& ctl = *org.control;

  // Someone else's lock: 409, as for the API's publish.
  REQUIRE(c.api("POST", "/api/v2/flows/actions/checkout?flow=" + kLineId).status == 200);
  Reply locked = c.control("POST", "/_emulator/act-as/carol/publish?flow=" + kLineId);
  CHECK(locked.status == 409);
  CHECK(locked.json()["code"] == "flow.locked.by.user");
  CHECK(contains(thrown([&] { ctl.act_as_publish("carol", kLineId); }), "answered 409"));

  // Someone else's draft is not publishable by name; an unknown version is 404.
  REQUIRE(c.api("POST", "/api/v2/flows/" + kLineId + "/versions", line_doc("client draft").dump()).status == 200);
  REQUIRE(c.api("POST", "/api/v2/flows/actions/unlock?flow=" + kLineId).status == 200);
  Reply draft = c.control("POST", "/_emulator/act-as/carol/publish?flow=" + kLineId + "&version=2.0");
  CHECK(draft.status == 400);
  CHECK(draft.json()["code"] == "flow.not.checked.in");
  CHECK(c.control("POST", "/_emulator/act-as/carol/publish?flow=" + kLineId + "&version=9.0").status == 404);
  CHECK(c.control("POST", "/_emulator/act-as/carol/publish").status == 400);  // flow= is required

  // A flow never checked in cannot be published.
  Reply created = c.api("POST", "/api/v2/flows", R"({"name":"Empty","type":"inboundcall"})");
  REQUIRE(created.status == 200);
  REQUIRE(c.api("POST", "/api/v2/flows/actions/unlock?flow=" + created.json()["id"].get<std::string>()).status == 200);
  CHECK(c.control("POST", "/_emulator/act-as/carol/publish?flow=" + created.json()["id"].get<std::string>()).status ==
        400);

  // Dependencies are judged at completion: a consumer of a never-published
  // module fails, and wait_for_operation hands back the failure.
  ctl.act_as_publish("carol", kNewLineId);
  const Json failed = ctl.wait_for_operation(kNewLineId);
  CHECK(failed["currentOperation"]["actionStatus"] == "FAILURE");
  CHECK(failed["currentOperation"]["errorCode"] == "flow.publish.missing.dependencies");
  CHECK(contains(failed["currentOperation"]["errorMessage"].get<std::string>(), "Draft Module"));
  CHECK_FALSE(failed.contains("publishedVersion"));

  // While an operation runs, another is refused.
  ctl.configure({{"operation_delay_ms", 60000}});
  ctl.act_as_publish("carol", kModuleId);
  Reply busy = c.control("POST", "/_emulator/act-as/dave/publish?flow=" + kModuleId);
  CHECK(busy.status == 409);
  CHECK(busy.json()["code"] == "flow.operation.in.progress");
}

TEST_CASE("act-as revert and unlock") {
  Org org;
  Client& c = *org.client;
  EmulatorControl& ctl = *org.control;

  ctl.act_as_save("bob", kLineId, line_doc("bob").dump());
  // Only the lock holder reverts.
  CHECK(contains(thrown([&] { ctl.act_as_revert("erin", kLineId); }), "answered 409"));
  const Json reverted = ctl.act_as_revert("bob", kLineId);
  CHECK_FALSE(reverted.contains("savedVersion"));
  CHECK_FALSE(reverted.contains("lockedUser"));
  CHECK(c.api("GET", "/api/v2/flows/" + kLineId + "/versions/2.0").status == 404);

  // Unlock breaks anyone's lock, this client's included.
  REQUIRE(c.api("POST", "/api/v2/flows/actions/checkout?flow=" + kLineId).status == 200);
  const Json unlocked = ctl.act_as_unlock("admin", kLineId);
  CHECK_FALSE(unlocked.contains("lockedClient"));
  CHECK(ctl.locks().empty());
  CHECK(contains(thrown([&] { ctl.act_as_unlock("admin", "00000000-0000-4000-8000-000000000404"); }), "answered 404"));
}

TEST_CASE("flow() shows the API's Flow without being counted; wait_for_operation times out") {
  Org org;
  Client& c = *org.client;
  EmulatorControl& ctl = *org.control;

  ctl.clear_requests();
  // Byte for byte the API's answer (flow() parses it into a key-sorted json).
  const std::string through_api = c.api("GET", "/api/v2/flows/" + kLineId).body;
  CHECK(ctl.call("GET", "/_emulator/flows/" + kLineId).body == through_api);
  CHECK(ctl.flow(kLineId) == nlohmann::json::parse(through_api));
  ctl.wait_for_operation(kLineId);  // no operation at all: returns at once
  CHECK(ctl.requests()["total"] == 1);  // only the API call
  CHECK(contains(thrown([&] { ctl.flow("00000000-0000-4000-8000-000000000404"); }), "answered 404"));

  ctl.configure({{"operation_delay_ms", 60000}});
  ctl.act_as_save("erin", kLineId, line_doc("erin").dump());
  ctl.act_as_checkin("erin", kLineId);
  const std::string message = thrown([&] { ctl.wait_for_operation(kLineId, std::chrono::milliseconds(100)); });
  CHECK(contains(message, "CHECKIN still running"));
}
