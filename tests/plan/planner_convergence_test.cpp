// Convergence over many generated cases: whatever calls a flow starts with and
// whatever placements the manifest asks for, applying the plan once leaves a
// sound document whose re-plan has no edits (and, with move and dedupe on, no
// findings either). Deterministic: a fixed seed per case.
#include <random>

#include "plan_test_support.hpp"

using namespace plantest;
using flowlink::flowdoc::sequential_id_source;
using flowlink::plan::FlowPlan;
using flowlink::plan::make_plan;
using flowlink::plan::Plan;

namespace {

struct ModuleInfo {
  const char* key;
  const char* id;
  const char* name;
};
const ModuleInfo kModules[] = {{"validation", kValidationId, kValidationName},
                               {"logging", kLoggingId, kLoggingName},
                               {"old", kOldId, kOldName}};

Placement random_placement(std::mt19937& rng) {
  switch (std::uniform_int_distribution<int>(0, 6)(rng)) {
    case 0: return at_start();
    case 1: return at_task("Main");
    case 2: return at_task("Billing");
    case 3: return after("Play Welcome");
    case 4: return after("Transfer");
    case 5: return before("Disconnect");
    default: return before("Play Billing");
  }
}

// A flow with up to five calls to random modules at random places in its two tasks.
ObservedFlow random_flow(std::mt19937& rng) {
  std::vector<Act> main = {action("m-1", "Play Welcome", 1), action("m-2", "Transfer", 2, "TransferPureMatchAction"),
                           action("m-3", "Disconnect", 3, "DisconnectAction")};
  std::vector<Act> billing = {action("b-1", "Play Billing", 4)};
  int calls = std::uniform_int_distribution<int>(0, 5)(rng);
  for (int i = 0; i < calls; ++i) {
    const ModuleInfo& m = kModules[std::uniform_int_distribution<int>(0, 2)(rng)];
    Act c = call("call-" + std::to_string(i), 10 + i, m.id, m.name,
                 std::uniform_int_distribution<int>(0, 1)(rng) ? Bindings{} : Bindings{{"Common.Message", "x"}});
    auto& task = std::uniform_int_distribution<int>(0, 2)(rng) ? main : billing;
    task.insert(task.begin() + std::uniform_int_distribution<std::size_t>(0, task.size())(rng), c);
  }
  return observed(kSupportFlowId, "Inbound_Support_Main", "inboundcall",
                  flow_json("Inbound_Support_Main", "inboundcall",
                            {TaskSpec{"t-main", "Main", main}, TaskSpec{"t-billing", "Billing", billing}}));
}

DesiredState random_state(std::mt19937& rng, bool move_and_dedupe) {
  std::vector<EnsureEntry> entries;
  std::vector<std::string> removes;
  for (const ModuleInfo& m : kModules) {
    switch (std::uniform_int_distribution<int>(0, 2)(rng)) {
      case 0: break;
      case 1: removes.push_back(m.key); break;
      default: {
        Bindings inputs;
        if (std::string(m.key) == "logging") inputs["Common.Message"] = "\"hello\"";
        auto entry = ensure(m.key, random_placement(rng), inputs);
        entry.move = entry.dedupe = move_and_dedupe;
        entries.push_back(entry);
      }
    }
  }
  std::shuffle(entries.begin(), entries.end(), rng);
  return desired({rule("r", "*", entries, removes)});
}

std::vector<ObservedFlow> modules() {
  std::vector<ObservedFlow> modules;
  modules.push_back(module_flow(kValidationId, kValidationName, {"Common.Message"}, {}));
  modules.push_back(module_flow(kLoggingId, kLoggingName, {"Common.Message"}, {}));
  modules.push_back(module_flow(kOldId, kOldName, {"Common.Message"}, {}));
  return modules;
}

}  // namespace

TEST_CASE("apply then re-plan converges for generated flows and manifests") {
  int planned = 0, with_edits = 0;
  for (bool move_and_dedupe : {true, false}) {
    for (unsigned seed = 1; seed <= 300; ++seed) {
      std::mt19937 rng(seed);
      ObservedFlow flow = random_flow(rng);
      DesiredState state = random_state(rng, move_and_dedupe);
      auto flows = modules();
      flows.push_back(flow);
      Plan plan = make_plan(state, flows, options());
      CAPTURE(seed);
      CAPTURE(move_and_dedupe);
      REQUIRE(plan.flows.size() == 1);
      const FlowPlan& first = plan.flows[0];
      const std::string first_error = first.errors.empty() ? std::string() : first.errors.front();
      INFO(first_error);
      REQUIRE(first.errors.empty());
      ++planned;
      with_edits += !first.edits.empty();

      ObservedFlow after = flow;
      flowlink::plan::apply_edits(*after.document, first, sequential_id_source());
      REQUIRE(after.document->check().empty());
      flows.back() = after;
      Plan second = make_plan(state, flows, options());
      const FlowPlan& again = second.flows.at(0);
      CHECK(again.errors.empty());
      CHECK(again.edits.empty());
      if (move_and_dedupe) CHECK(again.findings.empty());
      // Without move and dedupe the findings are what they were.
      if (!move_and_dedupe) CHECK(again.findings.size() == first.findings.size());
    }
  }
  CHECK(planned == 600);
  CHECK(with_edits > 200);  // the generator exercises the planner, not just no-ops
}

namespace {

// Placements anchored at actions of the fixture that a selector picks uniquely,
// some of them first in a branch.
Placement random_fixture_placement(std::mt19937& rng) {
  switch (std::uniform_int_distribution<int>(0, 7)(rng)) {
    case 0: return at_start();
    case 1: return after("Play Audio");
    case 2: return before("Disconnect");
    case 3: return before("Update Data", 13);  // first of the __YES__ branch of 'Needs update?'
    case 4: return after("Update Data", 18);
    case 5: return before("Transfer to ACD");   // first of a branch
    case 6: return after("Needs update?");      // a decision: its nextAction is absent
    default: return before("Idle agents available?");
  }
}

}  // namespace

TEST_CASE("apply then re-plan converges on the real fixture with calls in branches") {
  int with_edits = 0, with_findings = 0;
  for (unsigned seed = 1; seed <= 120; ++seed) {
    std::mt19937 rng(seed);
    Document document = Document::from_json(fixture_json(), "fixture");
    // Scatter calls through the graph with the real editor: after or before random actions.
    auto ids = sequential_id_source("99999999-0000-4000-8000-");
    int calls = std::uniform_int_distribution<int>(0, 4)(rng);
    for (int i = 0; i < calls; ++i) {
      auto actions = document.actions();
      const auto& anchor = actions[std::uniform_int_distribution<std::size_t>(0, actions.size() - 1)(rng)];
      const ModuleInfo& m = kModules[std::uniform_int_distribution<int>(0, 2)(rng)];
      flowlink::flowdoc::InsertionPoint point;
      point.kind = std::uniform_int_distribution<int>(0, 1)(rng) ? flowlink::flowdoc::InsertionPoint::Kind::AfterAction
                                                                 : flowlink::flowdoc::InsertionPoint::Kind::BeforeAction;
      point.action_id = anchor.id;
      document.insert_call({m.id, m.name, "", {}, {}}, point, ids);
    }
    ObservedFlow flow;
    flow.id = "fixture-id";
    flow.name = "Cache Example";
    flow.type = "inboundcall";
    flow.version = "1.0";
    flow.document = document;

    std::vector<EnsureEntry> entries;
    std::vector<std::string> removes;
    for (const ModuleInfo& m : kModules) {
      int choice = std::uniform_int_distribution<int>(0, 2)(rng);
      if (choice == 1) removes.push_back(m.key);
      if (choice == 2) {
        auto entry = ensure(m.key, random_fixture_placement(rng), {{"Common.Message", "Call.Ani"}});
        entry.move = entry.dedupe = std::uniform_int_distribution<int>(0, 1)(rng) == 1;
        entries.push_back(entry);
      }
    }
    DesiredState state = desired({rule("r", "Cache *", entries, removes)});
    auto flows = modules();
    flows.push_back(flow);
    CAPTURE(seed);
    Plan plan = make_plan(state, flows, options());
    REQUIRE(plan.flows.size() == 1);
    const FlowPlan& first = plan.flows[0];
    const std::string first_error = first.errors.empty() ? std::string() : first.errors.front();
    INFO(first_error);
    REQUIRE(first.errors.empty());
    with_edits += !first.edits.empty();
    with_findings += !first.findings.empty();
    ObservedFlow after = flow;
    flowlink::plan::apply_edits(*after.document, first, ids);
    REQUIRE(after.document->check().empty());
    flows.back() = after;
    const FlowPlan again = make_plan(state, flows, options()).flows.at(0);
    CHECK(again.errors.empty());
    CHECK(again.edits.empty());
    CHECK(again.findings.size() == first.findings.size());
  }
  CHECK(with_edits > 60);
  CHECK(with_findings > 10);
}
