// Architect export files: base64 of the URL-encoded configuration document.
#include <doctest/doctest.h>

#include "fixture.hpp"
#include "util/encoding.hpp"

using namespace flowlink::flowdoc;

TEST_CASE("encode then decode gives back the fixture text") {
  const std::string text = flowdoc_test::read_text(flowdoc_test::kFixturePath);
  const std::string encoded = encode_architect_export(text);
  CHECK(encoded.find('{') == std::string::npos);
  CHECK(decode_architect_export(encoded, "Cache Example.i3InboundFlow") == text);
}

TEST_CASE("decode keeps '+', '%' and unicode, and reads '+' as a space") {
  const std::string text = R"({"name":"a+b 100% Café","flowSequenceItemList":[]})";
  CHECK(decode_architect_export(encode_architect_export(text), "x") == text);
  // A form-style encoder writes spaces as '+'; a literal '+' is always %2B.
  const std::string form_style = flowlink::util::base64_encode(R"(%7B%22name%22%3A%22two+words%2B%22%7D)");
  CHECK(decode_architect_export(form_style, "x") == R"({"name":"two words+"})");
  // Line-wrapped base64 is accepted.
  std::string wrapped = encode_architect_export(text);
  wrapped.insert(20, "\n");
  CHECK(decode_architect_export(wrapped, "x") == text);
}

TEST_CASE("decode errors name the file") {
  try {
    decode_architect_export("not*base64!", "exports/Bad.i3InboundFlow");
    FAIL("expected DocumentError");
  } catch (const DocumentError& e) {
    CHECK(std::string(e.what()).find("exports/Bad.i3InboundFlow: not an Architect export") == 0);
  }
  CHECK_THROWS_WITH_AS(decode_architect_export(flowlink::util::base64_encode("%zz"), "f.i3CommonModule"),
                       doctest::Contains("f.i3CommonModule"), DocumentError);
  CHECK_THROWS_WITH_AS(decode_architect_export(flowlink::util::base64_encode("hello"), "f.i3CommonModule"),
                       doctest::Contains("not JSON"), DocumentError);
}

TEST_CASE("Architect export file names") {
  CHECK(is_architect_export_name("Main Menu.i3InboundFlow"));
  CHECK(is_architect_export_name("dir/Validation.i3CommonModule"));
  CHECK(is_architect_export_name("x.i3InQueueCallFlow"));
  CHECK(is_architect_export_name("x.i3DigitalBotFlow"));
  CHECK_FALSE(is_architect_export_name("flow.json"));
  CHECK_FALSE(is_architect_export_name("flow.i3"));
  CHECK_FALSE(is_architect_export_name("flow.i3InboundFlow.bak"));
  CHECK_FALSE(is_architect_export_name("flow.yaml"));
}
