// Plans written a flow at a time. The JSON (write_json, render_json) is the
// whole tree's dump(2) byte for byte, "summary" after the flows so that it
// can be written as the plan is made. The text (write_text) has each shown
// flow once, in order.
#include <sstream>

#include "plan/render.hpp"
#include "plan/render_lifecycle.hpp"
#include "render_support.hpp"
#include "support/text_checks.hpp"

using namespace plantest;
using flowlink::plan::Plan;

namespace {

std::string tree_dump(const Plan& plan) { return flowlink::plan::to_json(plan).dump(2) + "\n"; }

std::string streamed(const Plan& plan) {
  std::ostringstream out;
  flowlink::plan::write_json(plan, out);
  return out.str();
}

void check_same_bytes(const Plan& plan) {
  const std::string expected = tree_dump(plan);
  CHECK(streamed(plan) == expected);
  CHECK(flowlink::plan::render_json(plan) == expected);
}

}  // namespace

TEST_CASE("write_json and render_json write the plan tree's dump, byte for byte") {
  SUBCASE("every kind of edit, finding and error") { check_same_bytes(sample_plan()); }
  SUBCASE("every lifecycle case") { check_same_bytes(lifecycle_plan()); }
  SUBCASE("modules that must be current") { check_same_bytes(stale_plan()); }
  SUBCASE("one flow") {
    Plan plan = sample_plan();
    plan.flows.resize(1);
    check_same_bytes(plan);
  }
  SUBCASE("no flow: flows is []") {
    Plan plan = sample_plan();
    plan.flows.clear();
    const std::string text = streamed(plan);
    CHECK(text.find("\"flows\": [],\n  \"summary\": {") != std::string::npos);
    check_same_bytes(plan);
    check_same_bytes(Plan{});
  }
  SUBCASE("names with newlines, quotes, indentation and non-ASCII stay as dump writes them") {
    Plan plan = sample_plan();
    REQUIRE(plan.flows.size() >= 2);
    plan.flows[0].flow_name = "line one\nline two\r\n    \"indented\" \t ünïcødé {}[]";
    plan.flows[1].errors.push_back("an error\nover two lines");
    plan.flows[1].rules.clear();  // an empty array inside a flow
    check_same_bytes(plan);
  }
}

TEST_CASE("the JSON's summary comes after the flows, and counts them") {
  const Plan plan = sample_plan();
  const std::string text = streamed(plan);
  const auto flows = text.find("\n  \"flows\": [");
  const auto summary = text.find("\n  \"summary\": {");
  REQUIRE(flows != std::string::npos);
  REQUIRE(summary != std::string::npos);
  CHECK(flows < summary);
  CHECK(text.ends_with("\n  }\n}\n"));
  const auto json = nlohmann::ordered_json::parse(text);
  CHECK(json.back().at("flows_matched") == plan.flows.size());
  CHECK(json.at("summary").at("to_change") == plan.summary().to_change);
}

TEST_CASE("write_text writes each shown flow once, in the plan's order, between the heading and the summary") {
  for (const Plan& plan : {sample_plan(), lifecycle_plan(), stale_plan()}) {
    std::ostringstream out;
    out << "before\n";  // written after what the stream holds
    flowlink::plan::write_text(plan, flowlink::plan::TextStyle{}, out);
    const std::string text = out.str();
    REQUIRE(text.rfind("before\nflowlink plan", 0) == 0);
    CHECK(text.substr(7) == flowlink::plan::render_text(plan, flowlink::plan::TextStyle{}));
    std::size_t at = 0;
    int shown = 0;
    for (const auto& flow : plan.flows) {
      const std::string lines = flowlink::plan::render_text_flow(flow) + "\n";
      if (!flowlink::plan::render_detail::shown(flow)) {
        CHECK(flowlink::testing::occurrences(text, lines) == 0);
        continue;
      }
      ++shown;
      CHECK(flowlink::testing::occurrences(text, lines) == 1);
      const std::size_t found = text.find(lines, at);
      REQUIRE(found != std::string::npos);  // after the flow before it
      at = found + lines.size();
    }
    CHECK(shown > 0);
    CHECK(text.find("Plan: ", at) != std::string::npos);  // the summary after the last flow
  }
}
