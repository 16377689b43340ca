// State on disk: restarts keep flows, versions, locks and operations; a
// crash's leftover temp files are ignored and cleaned.
#include <doctest/doctest.h>

#include <thread>

#include "support.hpp"

using namespace emutest;
using flowlink::emulator::Emulator;

TEST_CASE("a restart on the same state keeps flows, versions and locks") {
  TempDir dir;
  const auto state = dir.path / "state";
  std::string module, consumer, token;
  Json before_consumer, before_module;
  {
    Emulator emulator(options_for(state));
    emulator.start();
    Client c(emulator.base_url());
    c.login();
    token = c.token;
    module = publish_new_flow(c, module_doc("Persisted Module"));
    consumer = publish_new_flow(c, consumer_doc("Persisted Line", "inboundcall", {{module, "Persisted Module"}}));
    REQUIRE(c.api("POST", "/api/v2/flows/actions/checkout?flow=" + consumer).status == 200);
    Json draft = consumer_doc("Persisted Line", "inboundcall", {});
    REQUIRE(c.api("POST", "/api/v2/flows/" + consumer + "/versions", draft.dump()).status == 200);
    REQUIRE(c.control("POST", "/_emulator/act-as/gail/checkout?flow=" + module).status == 200);
    before_consumer = c.api("GET", "/api/v2/flows/" + consumer).json();
    before_module = c.api("GET", "/api/v2/flows/" + module).json();
  }
  Emulator emulator(options_for(state));
  emulator.start();
  Client c(emulator.base_url());
  c.token = token;
  Json after_consumer = c.api("GET", "/api/v2/flows/" + consumer).json();
  CHECK(after_consumer == before_consumer);
  CHECK(after_consumer["savedVersion"]["id"] == "2.0");
  CHECK(after_consumer["lockedClient"]["id"] == "flowlink-test");
  CHECK(c.api("GET", "/api/v2/flows/" + module).json() == before_module);
  CHECK(c.api("GET", "/api/v2/flows/" + module).json()["lockedUser"]["name"] == "gail");
  CHECK(c.api("GET", "/api/v2/flows/" + consumer + "/latestconfiguration").json() ==
        consumer_doc("Persisted Line", "inboundcall", {}));
  CHECK(c.api("GET", "/api/v2/flows/" + consumer + "/versions/1.0/configuration").json() ==
        consumer_doc("Persisted Line", "inboundcall", {{module, "Persisted Module"}}));
  CHECK(c.api("GET", "/api/v2/flows").json()["total"] == 2);
  // Work continues where it stopped.
  REQUIRE(c.api("POST", "/api/v2/flows/actions/checkin?flow=" + consumer).status == 200);
  CHECK(settle(c, consumer)["checkedInVersion"]["id"] == "2.0");
}

TEST_CASE("an operation still running at shutdown completes after the restart") {
  TempDir dir;
  const auto state = dir.path / "state";
  std::string id, token;
  {
    auto options = options_for(state);
    options.operation_delay_ms = 60000;  // never completes before the stop
    Emulator emulator(options);
    emulator.start();
    Client c(emulator.base_url());
    c.login();
    token = c.token;
    id = create_with_draft(c, module_doc("Slow"));
    Reply checkin = c.api("POST", "/api/v2/flows/actions/checkin?flow=" + id);
    REQUIRE(checkin.status == 200);
    CHECK(c.api("GET", "/api/v2/flows/" + id).json()["currentOperation"]["complete"] == false);
  }
  Emulator emulator(options_for(state));
  emulator.start();
  Client c(emulator.base_url());
  c.token = token;
  Json flow = settle(c, id);
  CHECK(flow["currentOperation"]["actionStatus"] == "SUCCESS");
  CHECK(flow["checkedInVersion"]["id"] == "1.0");
}

TEST_CASE("temp files left by a crash mid-write are ignored and removed") {
  TempDir dir;
  const auto state = dir.path / "state";
  std::string id;
  Json before;
  {
    Emulator emulator(options_for(state));
    emulator.start();
    Client c(emulator.base_url());
    c.login();
    id = publish_new_flow(c, module_doc("Sturdy"));
    before = c.api("GET", "/api/v2/flows/" + id).json();
  }
  // What a crash between "write temp" and "rename" leaves: a half-written
  // temp beside the real file, plus a half-built seeding dir.
  const auto flow_dir = state / "flows" / id;
  write_text(flow_dir / ".flow.json.tmp.deadbeef", "{\"id\":\"" + id + "\",\"name\":\"trunc");
  write_text(flow_dir / ".v2.json.tmp.cafebabe", "{");
  std::filesystem::create_directories(state / ".seeding-0badf00d" / "flows" / "x");
  {
    Emulator emulator(options_for(state));
    emulator.start();
    Client c(emulator.base_url());
    c.login();
    CHECK(c.api("GET", "/api/v2/flows/" + id).json() == before);
    CHECK(c.api("GET", "/api/v2/flows").json()["total"] == 1);
  }
  CHECK_FALSE(std::filesystem::exists(flow_dir / ".flow.json.tmp.deadbeef"));
  CHECK_FALSE(std::filesystem::exists(flow_dir / ".v2.json.tmp.cafebabe"));
  CHECK_FALSE(std::filesystem::exists(state / ".seeding-0badf00d"));
  // No temp file survives normal operation either.
  for (const auto& entry : std::filesystem::recursive_directory_iterator(state))
    CHECK_MESSAGE(entry.path().filename().string().find(".tmp.") == std::string::npos, entry.path().string());
}
