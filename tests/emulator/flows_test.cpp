// GET/POST/PUT/DELETE /api/v2/flows and listing: paging, filters, sorting.
#include <doctest/doctest.h>

#include <set>
#include <tuple>

#include "support.hpp"

using namespace emutest;
using flowlink::emulator::Emulator;

namespace {

// An org of 7 flows: 2 modules, 3 inbound calls, 2 workflows, seeded from files.
std::filesystem::path seed_org(const std::filesystem::path& dir) {
  std::filesystem::create_directories(dir);
  write_text(dir / "m1.json", module_doc("Module Alpha").dump());
  write_text(dir / "m2.json", module_doc("Module Beta").dump());
  write_text(dir / "c1.json", consumer_doc("Support Line", "inboundcall", {}).dump());
  write_text(dir / "c2.json", consumer_doc("Sales Line", "inboundcall", {}).dump());
  write_text(dir / "c3.json", consumer_doc("Support Overflow", "inboundcall", {}).dump());
  write_text(dir / "w1.json", consumer_doc("Nightly Job", "workflow", {}).dump());
  write_text(dir / "w2.json", consumer_doc("Weekly Job", "workflow", {}).dump());
  return dir;
}

std::vector<std::string> names(const Json& listing) {
  std::vector<std::string> out;
  for (const auto& f : listing["entities"]) out.push_back(f["name"].get<std::string>());
  return out;
}

}  // namespace

TEST_CASE("listing flows") {
  TempDir dir;
  auto options = options_for(dir.path / "state");
  options.seed_dirs = {seed_org(dir.path / "seed").string()};
  Emulator emulator(options);
  emulator.start();
  Client client(emulator.base_url());
  client.login();

  SUBCASE("pages cover the org exactly once, with Genesys's URIs") {
    std::vector<std::string> ids;
    Json first = client.api("GET", "/api/v2/flows?pageSize=3").json();
    CHECK(first["total"] == 7);
    CHECK(first["pageCount"] == 3);
    CHECK(first["pageNumber"] == 1);
    CHECK(first["pageSize"] == 3);
    CHECK(first["firstUri"] == "/api/v2/flows?pageSize=3&pageNumber=1");
    CHECK(first["nextUri"] == "/api/v2/flows?pageSize=3&pageNumber=2");
    CHECK(first["lastUri"] == "/api/v2/flows?pageSize=3&pageNumber=3");
    CHECK_FALSE(first.contains("previousUri"));
    for (int page = 1; page <= 3; ++page) {
      Json listing = client.api("GET", "/api/v2/flows?pageSize=3&pageNumber=" + std::to_string(page)).json();
      for (const auto& f : listing["entities"]) ids.push_back(f["id"].get<std::string>());
      CHECK(listing.contains("nextUri") == (page < 3));
      CHECK(listing.contains("previousUri") == (page > 1));
    }
    CHECK(ids.size() == 7);
    CHECK(std::set<std::string>(ids.begin(), ids.end()).size() == 7);
    CHECK(std::is_sorted(ids.begin(), ids.end()));  // default sortBy=id
    Json beyond = client.api("GET", "/api/v2/flows?pageSize=3&pageNumber=9").json();
    CHECK(beyond["entities"].empty());
  }
  SUBCASE("a flow entity has the Flow model's shape") {
    Json flow = client.api("GET", "/api/v2/flows?type=commonmodule&pageSize=1").json()["entities"][0];
    CHECK(flow["type"] == "COMMONMODULE");
    CHECK(flow["division"]["name"] == "Home");
    CHECK(flow["selfUri"] == "/api/v2/flows/" + flow["id"].get<std::string>());
    CHECK(flow["publishedVersion"]["id"] == "1.0");
    CHECK(flow["publishedVersion"]["dateCreated"].is_number());
    CHECK(flow["publishedVersion"]["datePublished"].is_string());
    CHECK(flow["checkedInVersion"]["id"] == "1.0");
    CHECK_FALSE(flow.contains("savedVersion"));
    CHECK_FALSE(flow.contains("lockedClient"));
  }
  SUBCASE("type filter: repeated and comma-joined, any case") {
    CHECK(client.api("GET", "/api/v2/flows?type=commonmodule").json()["total"] == 2);
    CHECK(client.api("GET", "/api/v2/flows?type=commonmodule&type=workflow").json()["total"] == 4);
    CHECK(client.api("GET", "/api/v2/flows?type=commonmodule,workflow").json()["total"] == 4);
    CHECK(client.api("GET", "/api/v2/flows?type=INBOUNDCALL").json()["total"] == 3);
    Json filtered = client.api("GET", "/api/v2/flows?type=workflow&pageSize=1").json();
    CHECK(filtered["nextUri"] == "/api/v2/flows?pageSize=1&pageNumber=2&type=workflow");
  }
  SUBCASE("name filter: case-insensitive substring, or a * wildcard") {
    CHECK(names(client.api("GET", "/api/v2/flows?name=support&sortBy=name").json()) ==
          std::vector<std::string>{"Support Line", "Support Overflow"});
    CHECK(names(client.api("GET", "/api/v2/flows?name=Support+Line").json()) == std::vector<std::string>{"Support Line"});
    CHECK(names(client.api("GET", "/api/v2/flows?name=%2Ajob&sortBy=name").json()) ==
          std::vector<std::string>{"Nightly Job", "Weekly Job"});
    CHECK(client.api("GET", "/api/v2/flows?name=line*x").json()["total"] == 0);
  }
  SUBCASE("id filter ignores the other filters") {
    Json all = client.api("GET", "/api/v2/flows?type=workflow").json();
    const std::string a = all["entities"][0]["id"], b = all["entities"][1]["id"];
    Json by_id = client.api("GET", "/api/v2/flows?type=commonmodule&id=" + a + "," + b).json();
    CHECK(by_id["total"] == 2);
    CHECK(client.api("GET", "/api/v2/flows?id=" + a + "&id=" + b).json()["total"] == 2);
  }
  SUBCASE("sorting by name, both orders") {
    auto asc = names(client.api("GET", "/api/v2/flows?sortBy=name&sortOrder=asc&pageSize=100").json());
    auto desc = names(client.api("GET", "/api/v2/flows?sortBy=name&sortOrder=desc&pageSize=100").json());
    CHECK(std::is_sorted(asc.begin(), asc.end()));
    std::reverse(desc.begin(), desc.end());
    CHECK(asc == desc);
  }
  SUBCASE("bad paging and sorting answer 400 naming the parameter") {
    Reply big = client.api("GET", "/api/v2/flows?pageSize=501");
    CHECK(big.status == 400);
    CHECK(big.json()["details"][0]["fieldName"] == "pageSize");
    CHECK(client.api("GET", "/api/v2/flows?pageNumber=0").status == 400);
    CHECK(client.api("GET", "/api/v2/flows?sortBy=colour").status == 400);
    CHECK(client.api("GET", "/api/v2/flows?pageSize=500").status == 200);
  }
  SUBCASE("divisionId and lockedBy filters") {
    CHECK(client.api("GET", "/api/v2/flows?divisionId=a1b2c3d4-0000-4000-8000-00000000d1e0").json()["total"] == 7);
    CHECK(client.api("GET", "/api/v2/flows?divisionId=other").json()["total"] == 0);
    const std::string id = client.api("GET", "/api/v2/flows?name=Sales").json()["entities"][0]["id"];
    REQUIRE(client.control("POST", "/_emulator/act-as/dana/checkout?flow=" + id).status == 200);
    Json flow = client.api("GET", "/api/v2/flows/" + id).json();
    const std::string user_id = flow["lockedUser"]["id"];
    CHECK(flow["lockedUser"]["name"] == "dana");
    Json locked = client.api("GET", "/api/v2/flows?lockedBy=" + user_id).json();
    CHECK(names(locked) == std::vector<std::string>{"Sales Line"});
  }
}

TEST_CASE("create, get, update and delete a flow") {
  TempDir dir;
  Emulator emulator(options_for(dir.path / "state"));
  emulator.start();
  Client client(emulator.base_url());
  client.login();

  Reply created = client.api("POST", "/api/v2/flows",
                             R"({"name":"Greeting Module","type":"commonmodule","description":"says hi"})");
  REQUIRE(created.status == 200);
  Json flow = created.json();
  const std::string id = flow["id"];
  CHECK(flow["type"] == "COMMONMODULE");
  CHECK(flow["description"] == "says hi");
  CHECK(flow["lockedClient"]["id"] == "flowlink-test");  // handed to its creator checked out

  CHECK(client.api("GET", "/api/v2/flows/" + id).json()["name"] == "Greeting Module");
  Reply no_config = client.api("GET", "/api/v2/flows/" + id + "/latestconfiguration");
  CHECK(no_config.status == 404);

  Reply duplicate = client.api("POST", "/api/v2/flows", R"({"name":"greeting module","type":"COMMONMODULE"})");
  CHECK(duplicate.status == 400);
  CHECK(duplicate.json()["details"][0]["fieldName"] == "name");
  CHECK(client.api("POST", "/api/v2/flows", R"({"name":"X","type":"spaceship"})").status == 400);
  CHECK(client.api("POST", "/api/v2/flows", R"({"type":"workflow"})").status == 400);

  Reply renamed = client.api("PUT", "/api/v2/flows/" + id, R"({"name":"Greeting Module 2","description":"hello"})");
  CHECK(renamed.status == 200);
  CHECK(renamed.json()["name"] == "Greeting Module 2");

  CHECK(client.api("DELETE", "/api/v2/flows/" + id).status == 200);
  CHECK(client.api("GET", "/api/v2/flows/" + id).status == 404);
  CHECK(client.api("GET", "/api/v2/flows/" + id + "?deleted=true").json()["deleted"] == true);
  CHECK(client.api("GET", "/api/v2/flows").json()["total"] == 0);
  CHECK(client.api("GET", "/api/v2/flows?deleted=true").json()["total"] == 1);
}

TEST_CASE("unknown flows and routes answer 404 with an ErrorBody") {
  TempDir dir;
  Emulator emulator(options_for(dir.path / "state"));
  emulator.start();
  Client client(emulator.base_url());
  client.login();
  for (const auto& path : {std::string("/api/v2/flows/nope"), std::string("/api/v2/flows/nope/latestconfiguration"),
                           std::string("/api/v2/flows/nope/versions"), std::string("/api/v2/flows/nope/versions/1.0")}) {
    Reply reply = client.api("GET", path);
    CHECK(reply.status == 404);
    Json error = reply.json();
    CHECK(error["code"] == "not.found");
    CHECK(error["status"] == 404);
    CHECK(error["message"].get<std::string>().find("nope") != std::string::npos);
    CHECK(error["contextId"] == reply.header("inin-correlation-id"));
    CHECK(error["details"].is_array());
    CHECK(error["errors"].is_array());
    CHECK(error["messageParams"].is_object());
  }
  CHECK(client.api("POST", "/api/v2/flows/actions/checkout?flow=nope").status == 404);
  CHECK(client.api("GET", "/api/v2/nothing/here").status == 404);
}

TEST_CASE("a request body nested 100,000 deep is a 400 ErrorBody, and the server goes on") {
  TempDir dir;
  auto options = options_for(dir.path / "state");
  options.seed_dirs = {seed_org(dir.path / "seed").string()};
  Emulator emulator(options);
  emulator.start();
  Client client(emulator.base_url());
  client.login();
  const std::string flow_id = client.api("GET", "/api/v2/flows?name=Support%20Line")
                                  .json()["entities"][0]["id"]
                                  .get<std::string>();
  const std::string deep = std::string(100000, '[') + std::string(100000, ']');
  REQUIRE(client.api("POST", "/api/v2/flows/actions/checkout?flow=" + flow_id).status == 200);
  for (const auto& [method, path, body] :
       {std::tuple<std::string, std::string, std::string>{"POST", "/api/v2/flows/" + flow_id + "/versions",
                                                          R"({"name":"Support Line","x":)" + deep + "}"},
        {"POST", "/api/v2/flows", deep},
        {"PUT", "/api/v2/flows/" + flow_id, R"({"name":"Support Line","description":)" + deep + "}"}}) {
    Reply reply = client.api(method, path, body);
    INFO(method << " " << path);
    CHECK(reply.status == 400);
    Json error = reply.json();
    CHECK(error["code"] == "bad.request");
    CHECK(error["message"].get<std::string>().find("deeper than 512 levels") != std::string::npos);
  }
  CHECK(client.api("GET", "/api/v2/flows/" + flow_id).status == 200);  // still serving
}
