// Publishing against common modules, and dependency tracking.
#include <doctest/doctest.h>

#include "support.hpp"

using namespace emutest;
using flowlink::emulator::Emulator;

namespace {
struct Org {
  TempDir dir;
  std::unique_ptr<Emulator> emulator;
  std::unique_ptr<Client> client;
  Org() {
    emulator = std::make_unique<Emulator>(options_for(dir.path / "state"));
    emulator->start();
    client = std::make_unique<Client>(emulator->base_url());
    client->login();
  }
};

Json publish_and_settle(Client& c, const std::string& id) {
  Reply publish = c.api("POST", "/api/v2/flows/actions/publish?flow=" + id);
  REQUIRE(publish.status == 200);
  return settle(c, id);
}

Json consumers_of(Client& c, const std::string& module_id, const std::string& extra = "") {
  Reply reply = c.api("GET", "/api/v2/architect/dependencytracking/consumingresources?id=" + module_id +
                                 "&objectType=COMMONMODULEFLOW" + extra);
  REQUIRE(reply.status == 200);
  return reply.json();
}
}  // namespace

TEST_CASE("publishing fails when a called module is missing or unpublished") {
  Org org;
  Client& c = *org.client;
  // A module that exists but was never published (a draft, then checked in only).
  const std::string draft_module = create_with_draft(c, module_doc("Draft Module"));
  REQUIRE(c.api("POST", "/api/v2/flows/actions/checkin?flow=" + draft_module).status == 200);
  settle(c, draft_module);

  SUBCASE("unpublished module") {
    const std::string id = create_with_draft(c, consumer_doc("Uses Draft", "inboundcall", {{draft_module, "Draft Module"}}));
    REQUIRE(c.api("POST", "/api/v2/flows/actions/checkin?flow=" + id).status == 200);
    settle(c, id);
    Json flow = publish_and_settle(c, id);
    const Json& op = flow["currentOperation"];
    CHECK(op["actionStatus"] == "FAILURE");
    CHECK(op["complete"] == true);
    CHECK(op["errorCode"] == "flow.publish.missing.dependencies");
    CHECK(op["errorMessage"].get<std::string>().find("Draft Module") != std::string::npos);
    CHECK(op["errorMessage"].get<std::string>().find("not published") != std::string::npos);
    CHECK(op["errorDetails"][0]["entityId"] == draft_module);
    CHECK_FALSE(flow.contains("publishedVersion"));

    // Publishing the module lets the consumer publish.
    CHECK(publish_and_settle(c, draft_module)["currentOperation"]["actionStatus"] == "SUCCESS");
    Json retried = publish_and_settle(c, id);
    CHECK(retried["currentOperation"]["actionStatus"] == "SUCCESS");
    CHECK(retried["publishedVersion"]["id"] == "1.0");
  }
  SUBCASE("module that does not exist") {
    const std::string ghost = "99999999-0000-4000-8000-000000000999";
    const std::string id = create_with_draft(c, consumer_doc("Uses Ghost", "inboundcall", {{ghost, "Ghost"}}));
    // Publishing one's own draft checks it in as part of the publish.
    Json flow = publish_and_settle(c, id);
    CHECK(flow["currentOperation"]["actionStatus"] == "FAILURE");
    CHECK(flow["currentOperation"]["errorMessage"].get<std::string>().find(ghost) != std::string::npos);
    CHECK(flow["currentOperation"]["errorMessage"].get<std::string>().find("does not exist") != std::string::npos);
    CHECK(flow["lockedClient"]["id"] == "flowlink-test");  // a failed publish keeps the draft and the lock
    CHECK(flow["savedVersion"]["id"] == "1.0");
  }
  SUBCASE("a flow with nothing checked in cannot be published") {
    REQUIRE(c.api("POST", "/api/v2/flows", R"({"name":"Empty","type":"workflow"})").status == 200);
    const std::string id = c.api("GET", "/api/v2/flows?name=Empty").json()["entities"][0]["id"];
    REQUIRE(c.api("POST", "/api/v2/flows/actions/unlock?flow=" + id).status == 200);
    Reply reply = c.api("POST", "/api/v2/flows/actions/publish?flow=" + id);
    CHECK(reply.status == 400);
    CHECK(reply.json()["code"] == "flow.not.checked.in");
  }
}

TEST_CASE("fail_publish makes a publish operation fail on demand") {
  Org org;
  Client& c = *org.client;
  const std::string id = publish_new_flow(c, module_doc("Flaky"));
  REQUIRE(c.control("POST", "/_emulator/config", Json{{"fail_publish", {id}}}.dump()).status == 200);
  Json flow = publish_and_settle(c, id);
  CHECK(flow["currentOperation"]["actionStatus"] == "FAILURE");
  CHECK(flow["currentOperation"]["errorCode"] == "flow.publish.failed");
  REQUIRE(c.control("POST", "/_emulator/config", R"({"fail_publish":[]})").status == 200);
  CHECK(publish_and_settle(c, id)["currentOperation"]["actionStatus"] == "SUCCESS");
}

TEST_CASE("dependency tracking follows checked-in and published versions") {
  Org org;
  Client& c = *org.client;
  const std::string module = publish_new_flow(c, module_doc("Validate"));
  const std::string other_module = publish_new_flow(c, module_doc("Audit"));
  const std::string line = publish_new_flow(c, consumer_doc("Line", "inboundcall", {{module, "Validate"}}));
  const std::string job = publish_new_flow(c, consumer_doc("Job", "workflow", {{module, "Validate"}, {other_module, "Audit"}}));
  publish_new_flow(c, consumer_doc("Unrelated", "inboundcall", {{other_module, "Audit"}}));
  // A draft that calls the module is not tracked.
  create_with_draft(c, consumer_doc("Drafty", "inboundcall", {{module, "Validate"}}));

  CHECK(c.api("GET", "/api/v2/architect/dependencytracking/build").json()["status"] == "OPERATIONAL");

  Json consumers = consumers_of(c, module);
  CHECK(consumers["total"] == 2);
  CHECK(consumers["entities"][0]["name"] == "Job");
  CHECK(consumers["entities"][0]["type"] == "WORKFLOW");
  CHECK(consumers["entities"][1]["name"] == "Line");
  CHECK(consumers["entities"][1]["type"] == "INBOUNDCALLFLOW");
  CHECK(consumers["entities"][1]["version"] == "1.0");
  CHECK(consumers["entities"][1]["selfUri"] == "/api/v2/flows/" + line);

  Json calls_only = consumers_of(c, module, "&resourceType=INBOUNDCALLFLOW");
  REQUIRE(calls_only["total"] == 1);
  CHECK(calls_only["entities"][0]["id"] == line);
  CHECK(consumers_of(c, module, "&resourceType=INBOUNDCALLFLOW,WORKFLOW")["total"] == 2);
  CHECK(consumers_of(c, "no-such-module")["total"] == 0);

  Json consumed = c.api("GET", "/api/v2/architect/dependencytracking/consumedresources?id=" + job +
                                   "&version=1.0&objectType=WORKFLOW").json();
  REQUIRE(consumed["total"] == 2);
  CHECK(consumed["entities"][0]["id"] == module);
  CHECK(consumed["entities"][0]["type"] == "COMMONMODULEFLOW");
  CHECK(consumed["entities"][0]["version"] == "1.0");
  CHECK(consumed["entities"][0]["updated"] == false);

  // Republishing the module: the published consumer still uses the 1.0 it snapshotted.
  REQUIRE(c.api("POST", "/api/v2/flows/actions/checkout?flow=" + module).status == 200);
  REQUIRE(c.api("POST", "/api/v2/flows/" + module + "/versions", module_doc("Validate").dump()).status == 200);
  CHECK(publish_and_settle(c, module)["publishedVersion"]["id"] == "2.0");
  consumed = c.api("GET", "/api/v2/architect/dependencytracking/consumedresources?id=" + job +
                              "&version=1.0&objectType=WORKFLOW&resourceType=COMMONMODULEFLOW").json();
  CHECK(consumed["entities"][0]["version"] == "1.0");
  CHECK(consumed["entities"][0]["updated"] == true);
  CHECK(consumers_of(c, module, "&version=1.0")["total"] == 2);
  CHECK(consumers_of(c, module, "&version=2.0")["total"] == 0);

  // A checked-in (not yet published) consumer that drops the call.
  REQUIRE(c.api("POST", "/api/v2/flows/actions/checkout?flow=" + line).status == 200);
  REQUIRE(c.api("POST", "/api/v2/flows/" + line + "/versions", consumer_doc("Line", "inboundcall", {}).dump()).status == 200);
  REQUIRE(c.api("POST", "/api/v2/flows/actions/checkin?flow=" + line).status == 200);
  settle(c, line);
  CHECK(consumers_of(c, module, "&flowFilter=checkedIn")["total"] == 1);
  CHECK(consumers_of(c, module, "&flowFilter=published")["total"] == 2);

  CHECK(c.api("GET", "/api/v2/architect/dependencytracking/consumedresources?id=" + job +
                     "&version=7.0&objectType=WORKFLOW").status == 404);
  CHECK(c.api("GET", "/api/v2/architect/dependencytracking/consumingresources?objectType=COMMONMODULEFLOW").status ==
        400);
}
