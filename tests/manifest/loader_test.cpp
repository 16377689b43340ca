#include <doctest/doctest.h>

#include "manifest/loader.hpp"

using namespace flowlink::manifest;

TEST_CASE("smoke") {
  auto r = parse_manifest("apiVersion: flowlink/v1\nmodules:\n  v: {name: X}\nrules:\n  - name: a\n    flows: {types: [inboundcall], include: ['*']}\n    ensure: [{module: v}]\n", "m.yaml");
  for (auto& e : r.errors) MESSAGE(e.str());
  CHECK(r.ok());
}
