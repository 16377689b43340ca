// util/json_depth and the depth bound of flow documents: JSON nested 100,000
// deep (about 200 KB) is refused before anything recurses over it, with an
// error naming the document and the limit; real documents pass untouched.
#include <doctest/doctest.h>

#include <filesystem>
#include <functional>
#include <string>

#include "fixture.hpp"
#include "util/json_depth.hpp"

using namespace flowlink::flowdoc;
using namespace flowdoc_test;
using flowlink::util::json_text_depth;
using flowlink::util::json_value_depth;
using flowlink::util::kMaxJsonDepth;

namespace {

std::string nest(std::size_t levels) { return std::string(levels, '[') + std::string(levels, ']'); }

// A structurally valid document (apart from the graph, which parse does not
// judge) whose key "x" holds `levels` nested arrays: the whole nests levels + 1.
std::string deep_document(std::size_t levels) {
  return R"({"name":"Deep","type":"inboundcall","flowSequenceItemList":[],"x":)" + nest(levels) + "}";
}

std::string error_of(const std::function<void()>& run) {
  try {
    run();
  } catch (const std::exception& e) {
    return e.what();
  }
  return "(no error)";
}

}  // namespace

TEST_CASE("json_text_depth counts arrays and objects outside strings") {
  CHECK(json_text_depth("") == 0);
  CHECK(json_text_depth("42") == 0);
  CHECK(json_text_depth(R"("[[{{")") == 0);
  CHECK(json_text_depth("[]") == 1);
  CHECK(json_text_depth(R"({"a":[{"b":[]},{}],"c":{}})") == 4);
  CHECK(json_text_depth(R"(["[[[", "\"[[[", "\\", ["]"]])") == 2);  // escapes: \" stays in, \\ ends nothing
  CHECK(json_text_depth(R"({"k\"{": [1], "[": {"]": "}"}})") == 2);
  CHECK(json_text_depth("]]]][[") == 2);  // stray closers never go below zero
  CHECK(json_text_depth(nest(100000)) == 100000);
  CHECK(json_text_depth(nest(100000), 512) == 513);  // stops as soon as the bound is passed
}

TEST_CASE("json_value_depth agrees with the text, without recursing") {
  const std::string fixture = read_text(kFixturePath);
  const Json parsed = Json::parse(fixture);
  CHECK(json_value_depth(parsed) == json_text_depth(fixture));
  CHECK(json_value_depth(Json(3)) == 0);
  CHECK(json_value_depth(Json::array()) == 1);
  CHECK(json_value_depth(Json::parse(R"({"a":[{"b":[]},{}],"c":{}})")) == 4);
  // nlohmann parses and destroys iteratively: only dump and copy recurse.
  const Json deep = Json::parse(nest(100000));
  CHECK(json_value_depth(deep) == 100000);
  CHECK(json_value_depth(deep, 512) == 513);
}

TEST_CASE("the limit leaves real documents far inside it") {
  // The fixture nests 19 levels, the example org at most 15.
  const std::size_t fixture_depth = json_text_depth(read_text(kFixturePath));
  CHECK(fixture_depth == 19);
  CHECK(fixture_depth * 10 < kMaxJsonDepth);
  CHECK(kMaxJsonDepth == 512);
}

TEST_CASE("a document nested 100,000 deep is refused by parse, naming it and the limit") {
  const std::string text = deep_document(100000);
  CHECK(text.size() < 250 * 1024);
  const std::string error = error_of([&] { Document::parse(text, "flow 'Deep' (d-1)").fingerprint(); });
  CHECK(error.rfind("flow 'Deep' (d-1): JSON nested deeper than 512 levels", 0) == 0);
  CHECK_THROWS_AS(Document::parse(text, "x"), DocumentError);
  // Hidden under a key flowlink otherwise leaves alone, in the real fixture.
  Json fixture = Json::parse(read_text(kFixturePath));
  fixture["uiMetaData"] = "PLACEHOLDER";
  std::string hidden = fixture.dump();
  hidden.replace(hidden.find("\"PLACEHOLDER\""), 13, nest(100000));
  const std::string hidden_error = error_of([&] { Document::parse(hidden, kFixturePath).fingerprint(); });
  CHECK(hidden_error.find(kFixturePath + ": JSON nested deeper than 512") == 0);
}

TEST_CASE("the limit is exact: 512 levels parse, serialize and copy; 513 do not parse") {
  Document at_limit = Document::parse(deep_document(kMaxJsonDepth - 1), "at-limit");
  Document copy = at_limit;
  CHECK(copy.fingerprint() == at_limit.fingerprint());
  CHECK(copy.serialize() == deep_document(kMaxJsonDepth - 1));
  CHECK_THROWS_WITH_AS(Document::parse(deep_document(kMaxJsonDepth), "over"),
                       doctest::Contains("over: JSON nested deeper than 512 levels"), DocumentError);
}

TEST_CASE("from_json refuses a deep value too, without recursing over it") {
  Json deep = Json::parse(deep_document(100000));  // nlohmann's parser itself does not recurse
  CHECK_THROWS_WITH_AS(Document::from_json(std::move(deep), "flow 'Deep' (d-2)"),
                       doctest::Contains("flow 'Deep' (d-2): JSON nested deeper than 512 levels"), DocumentError);
}

TEST_CASE("an Architect export file nested 100,000 deep is refused when decoded, naming the file") {
  const std::string file = encode_architect_export(deep_document(100000));
  CHECK_THROWS_WITH_AS(decode_architect_export(file, "export/Deep.i3InboundFlow"),
                       doctest::Contains("export/Deep.i3InboundFlow: JSON nested deeper than 512 levels"),
                       DocumentError);
}

TEST_CASE("the real fixture lives in the repository, so a clone tests on its own") {
  const std::filesystem::path fixtures = std::filesystem::weakly_canonical(FLOWLINK_FIXTURES_DIR);
  const std::filesystem::path source = std::filesystem::weakly_canonical(FLOWLINK_SOURCE_DIR);
  CHECK(fixtures == source / "tests" / "fixtures");
  CHECK(std::filesystem::is_regular_file(kFixturePath));
}
