// The planner's "did you mean" comes from the manifest's suggestion engine
// (manifest/suggestions.hpp): the same slip gets the same answer in a
// manifest error and in a plan error, and the work is bounded.
#include <chrono>

#include "manifest/suggestions.hpp"
#include "plan_test_support.hpp"

using namespace plantest;
using flowlink::plan::FlowPlan;
using flowlink::plan::make_plan;
using flowlink::plan::Plan;

namespace {

bool contains(const std::string& text, const std::string& part) { return text.find(part) != std::string::npos; }

std::string joined(const std::vector<std::string>& texts) {
  std::string out;
  for (const auto& t : texts) out += t + "\n";
  return out;
}

}  // namespace

TEST_CASE("a swapped pair of letters in a task name is one slip, as in a manifest") {
  // Levenshtein alone counts "Mian" two edits from "Main"; the shared engine
  // counts a transposition as one, and allows it in a word this short.
  REQUIRE(flowlink::manifest::closest("Mian", {"Main", "Billing"}) == std::optional<std::string>("Main"));
  auto state = desired({rule("r", "*", {ensure("logging", at_task("Mian"))})});
  Plan plan = make_plan(state, with_modules({support_flow()}), options());
  const FlowPlan& fp = plan.flows.at(0);
  REQUIRE(fp.errors.size() == 1);
  CHECK(contains(fp.errors[0], "task 'Mian' not found"));
  CHECK(contains(fp.errors[0], "did you mean 'Main'?"));
}

TEST_CASE("a module name two edits off gets a suggestion when the manifest engine would give one") {
  // "Loggre" for "Logger": six letters, tolerance 2 in the manifest engine.
  auto state = desired({rule("r", "*", {ensure("validation", at_start())})});
  state.modules["validation"].name = "Loggre";
  std::vector<ObservedFlow> flows = {support_flow(), module_flow("id-logger", "Logger", {}, {}),
                                     module_flow("id-ledger", "Ledger", {}, {})};
  Plan plan = make_plan(state, flows, options());
  REQUIRE(plan.errors.size() == 1);
  INFO(joined(plan.errors));
  CHECK(contains(plan.errors[0], "no common module named 'Loggre'; did you mean 'Logger'?"));
  CHECK(flowlink::manifest::closest("Loggre", {"Logger", "Ledger"}) == std::optional<std::string>("Logger"));
}

TEST_CASE("equally close module names: the alphabetically first is suggested, whatever the org's order") {
  auto state = desired({rule("r", "*", {ensure("validation", at_start())})});
  state.modules["validation"].name = "Modul_B";
  for (bool reversed : {false, true}) {
    std::vector<ObservedFlow> flows = {support_flow()};
    std::vector<std::string> names = {"Module_C", "Module_B"};  // both one insertion away
    if (reversed) std::swap(names[0], names[1]);
    for (const auto& name : names) flows.push_back(module_flow("id-" + name, name, {}, {}));
    Plan plan = make_plan(state, flows, options());
    REQUIRE(plan.errors.size() == 1);
    CHECK(contains(plan.errors[0], "did you mean 'Module_B'?"));
  }
}

TEST_CASE("huge names get no suggestion and cost no more than planning does") {
  // A module name from the manifest or from the org may be megabytes long;
  // comparing two 500 KB names letter by letter takes hours.
  const std::string huge(500'000, 'M');
  std::vector<ObservedFlow> flows = {support_flow()};
  for (int i = 0; i < 10; ++i) flows.push_back(module_flow("id-" + std::to_string(i), huge + std::to_string(i), {}, {}));
  auto plan_with_module_named = [&](const std::string& name, Plan& plan) {
    auto state = desired({rule("r", "*", {ensure("validation", at_start())})});
    state.modules["validation"].name = name;
    auto started = std::chrono::steady_clock::now();
    plan = make_plan(state, flows, options());
    return std::chrono::steady_clock::now() - started;
  };
  Plan found, missing;
  auto baseline = plan_with_module_named(huge + "0", found);  // resolves: no suggestion sought
  REQUIRE(found.errors.empty());
  auto elapsed = plan_with_module_named(huge, missing);
  REQUIRE(missing.errors.size() == 1);
  CHECK(contains(missing.errors[0], "no common module named"));
  CHECK_FALSE(contains(missing.errors[0], "did you mean"));
  CHECK(elapsed < baseline * 3 + std::chrono::milliseconds(200));
}
