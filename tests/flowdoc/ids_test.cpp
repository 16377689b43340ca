// Sources of fresh action ids.
#include <doctest/doctest.h>

#include <regex>
#include <set>

#include "flowdoc/document.hpp"

using namespace flowlink::flowdoc;

TEST_CASE("sequential ids count up from 1 behind the prefix, shared between copies") {
  IdSource ids = sequential_id_source();
  CHECK(ids() == "00000000-0000-4000-8000-000000000001");
  IdSource copy = ids;
  CHECK(copy() == "00000000-0000-4000-8000-000000000002");
  CHECK(ids() == "00000000-0000-4000-8000-000000000003");
  CHECK(sequential_id_source("x-")() == "x-000000000001");
}

TEST_CASE("random ids are distinct version 4 UUIDs") {
  IdSource ids = random_uuid_source();
  const std::regex uuid_v4("^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$");
  std::set<std::string> seen;
  for (int i = 0; i < 200; ++i) {
    std::string id = ids();
    CHECK(std::regex_match(id, uuid_v4));
    seen.insert(id);
  }
  CHECK(seen.size() == 200);
  CHECK(random_uuid_source()() != random_uuid_source()());
}
