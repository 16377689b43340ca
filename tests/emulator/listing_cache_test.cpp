// The flow listing's cache: the LRU itself, its keys, and that no write is
// ever hidden by a cached page (every kind of write moves the generation).
#include <doctest/doctest.h>

#include "emulator/listing_cache.hpp"
#include "support.hpp"

using namespace emutest;
using flowlink::emulator::Emulator;
using flowlink::emulator::GenerationLru;
using flowlink::emulator::Query;

namespace {
std::shared_ptr<const std::string> text(std::string s) { return std::make_shared<const std::string>(std::move(s)); }
}  // namespace

TEST_CASE("GenerationLru: hits within a generation, nothing across generations") {
  GenerationLru<std::string> lru(3, 1000);
  lru.put("a", 5, text("A"), 1);
  REQUIRE(lru.find("a", 5));
  CHECK(*lru.find("a", 5) == "A");
  CHECK_FALSE(lru.find("a", 6));  // the org moved on: a miss
  CHECK_FALSE(lru.find("b", 5));

  SUBCASE("a newer generation empties it") {
    lru.put("b", 6, text("B"), 1);
    CHECK_FALSE(lru.find("a", 5));
    CHECK_FALSE(lru.find("a", 6));
    CHECK(lru.find("b", 6));
    CHECK(lru.stats().entries == 1);
  }
  SUBCASE("an answer computed at an older generation is not kept") {
    lru.put("b", 6, text("B"), 1);
    lru.put("a", 5, text("stale"), 1);
    CHECK_FALSE(lru.find("a", 6));
    CHECK_FALSE(lru.find("a", 5));
  }
  SUBCASE("least recently used goes first, by entries") {
    lru.put("b", 5, text("B"), 1);
    lru.put("c", 5, text("C"), 1);
    CHECK(lru.find("a", 5));  // a is now the most recent
    lru.put("d", 5, text("D"), 1);
    CHECK_FALSE(lru.find("b", 5));
    CHECK(lru.find("a", 5));
    CHECK(lru.find("c", 5));
    CHECK(lru.find("d", 5));
  }
  SUBCASE("and by bytes; a value larger than the budget is not kept") {
    lru.put("big", 5, text("x"), 1000);  // with "a": 1001 bytes, over the budget
    CHECK_FALSE(lru.find("a", 5));
    CHECK(lru.find("big", 5));
    lru.put("huge", 5, text("y"), 1001);
    CHECK_FALSE(lru.find("huge", 5));
    CHECK(lru.stats().bytes <= 1000);
  }
}

TEST_CASE("listing cache keys: every parameter counts, in order; paging only in the page key") {
  using flowlink::emulator::ordering_key;
  using flowlink::emulator::page_key;
  const std::string path = "/api/v2/flows";
  CHECK(ordering_key(path, Query("type=a&pageSize=5")) == ordering_key(path, Query("pageNumber=2&type=a")));
  CHECK(ordering_key(path, Query("type=a&name=b")) != ordering_key(path, Query("name=b&type=a")));
  CHECK(ordering_key(path, Query("a=b%26c")) != ordering_key(path, Query("a=b&c")));
  CHECK(ordering_key(path, Query("a=b%3Dc")) != ordering_key(path, Query("a%3Db=c")));
  CHECK(page_key(path, Query("type=a"), 25, 1) != page_key(path, Query("type=a"), 25, 2));
  CHECK(page_key(path, Query("type=a"), 25, 1) != page_key(path, Query("type=a"), 2, 51));
  CHECK(page_key(path, Query(""), 25, 1) != page_key("/api/v2/other", Query(""), 25, 1));
}

TEST_CASE("a cached listing never hides a write") {
  TempDir dir;
  Emulator emulator(options_for(dir.path / "state"));
  emulator.start();
  Client client(emulator.base_url());
  client.login();
  const std::string module_id = publish_new_flow(client, module_doc("Module Cached"));
  const std::string consumer_id = publish_new_flow(client, consumer_doc("Line Cached", "inboundcall", {}));
  const std::string query = "/api/v2/flows?pageSize=10&sortBy=name";

  Reply first = client.api("GET", query);
  REQUIRE(first.status == 200);
  CHECK(client.api("GET", query).body == first.body);  // served again, byte for byte
  CHECK(first.json()["total"] == 2);

  SUBCASE("rename") {
    REQUIRE(client.api("PUT", "/api/v2/flows/" + module_id, Json{{"name", "Another Module"}}.dump()).status == 200);
    Json after = client.api("GET", query).json();
    CHECK(after["entities"][0]["name"] == "Another Module");
    CHECK(after["entities"][1]["name"] == "Line Cached");
  }
  SUBCASE("lock and unlock") {
    REQUIRE(client.api("POST", "/api/v2/flows/actions/checkout?flow=" + consumer_id).status == 200);
    CHECK(client.api("GET", query).json()["entities"][0].contains("lockedClient"));
    REQUIRE(client.api("POST", "/api/v2/flows/actions/unlock?flow=" + consumer_id).status == 200);
    CHECK_FALSE(client.api("GET", query).json()["entities"][0].contains("lockedClient"));
  }
  SUBCASE("create and delete") {
    const std::string created =
        client.api("POST", "/api/v2/flows", Json{{"name", "Added Flow"}, {"type", "inboundcall"}}.dump())
            .json()["id"];
    Json after = client.api("GET", query).json();
    CHECK(after["total"] == 3);
    CHECK(after["entities"][0]["name"] == "Added Flow");
    REQUIRE(client.api("DELETE", "/api/v2/flows/" + created).status == 200);
    CHECK(client.api("GET", query).json()["total"] == 2);
    CHECK(client.api("GET", query).body == first.body);  // the org is as it was
  }
  SUBCASE("a new version shows in savedVersion") {
    REQUIRE(client.api("POST", "/api/v2/flows/actions/checkout?flow=" + consumer_id).status == 200);
    REQUIRE(client.api("POST", "/api/v2/flows/" + consumer_id + "/versions",
                       consumer_doc("Line Cached", "inboundcall", {}).dump())
                .status == 200);
    CHECK(client.api("GET", query).json()["entities"][0]["savedVersion"]["id"] == "2.0");
  }
}
