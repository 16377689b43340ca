// scan_identity: the skim of a document's top-level name and type gives what
// Document::parse gives, on real and tricky documents, and never recurses.
#include <doctest/doctest.h>

#include <string>

#include <nlohmann/json.hpp>

#include "flowdoc/document.hpp"
#include "flowdoc/identity_scan.hpp"
#include "fixture.hpp"

using flowlink::flowdoc::Document;
using flowlink::flowdoc::scan_identity;

namespace {

// The skim agrees with the parsed document.
void check_agrees(const std::string& text) {
  const auto skimmed = scan_identity(text);
  REQUIRE(skimmed.has_value());
  const Document document = Document::parse(text, "test");
  CHECK(skimmed->name == document.name());
  CHECK(skimmed->type == document.type());
}

}  // namespace

TEST_CASE("the skim gives the fixture's name and type, as parse does") {
  check_agrees(flowdoc_test::read_text(flowdoc_test::kFixturePath));
}

TEST_CASE("the skim reads escapes, keeps the last of duplicate keys and ignores nested names") {
  check_agrees(R"({"flowSequenceItemList":[{"id":"s","name":"not me","actionList":[]}],)"
               R"("name":"Caf\u00e9 \"Main\" \\ line","type":"inboundcall"})");
  check_agrees(R"({"name":"first","type":"inboundcall","name":"second","flowSequenceItemList":[]})");
  check_agrees(R"( { "x" : {"name":"inner","y":[1,2,{"type":"z"}]} , "k\"ey":"a\\", "flowSequenceItemList" : [] ,
                     "type" : "commonmodule" , "name":"Outer" } )");
  check_agrees(R"({"flowSequenceItemList":[],"n":-1.5e3,"t":true,"f":null})");  // no name, no type: ""
}

TEST_CASE("the skim answers nothing for what parse would refuse around the name and type") {
  CHECK_FALSE(scan_identity(R"({"name":42,"type":"inboundcall"})"));
  CHECK_FALSE(scan_identity(R"({"name":"A","type":null})"));
  CHECK_FALSE(scan_identity(R"(["name","A"])"));
  CHECK_FALSE(scan_identity(R"({"name":"A")"));
  CHECK_FALSE(scan_identity(R"({"name":"A"} trailing)"));
  CHECK_FALSE(scan_identity(R"({"name":"A\"})"));
  CHECK_FALSE(scan_identity(R"({"x":[1,2}})"));
  CHECK_FALSE(scan_identity(""));
}

TEST_CASE("a value nested 1,000,000 deep is stepped over without recursion") {
  const std::string deep = R"({"x":)" + std::string(1000000, '[') + std::string(1000000, ']') + R"(,"name":"Deep"})";
  const auto skimmed = scan_identity(deep);
  REQUIRE(skimmed.has_value());
  CHECK(skimmed->name == "Deep");
  CHECK_FALSE(scan_identity(R"({"x":)" + std::string(1000000, '[') + "}"));
}
