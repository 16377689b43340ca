// The planner end to end on the example org (examples/org, 48 flows) and the
// demo manifest (manifests/, read by the real YAML loader): the plan says what
// examples/README.md says it should, and applying it converges.
#include <filesystem>
#include <fstream>
#include <sstream>

#include "manifest/loader.hpp"
#include "plan/render.hpp"
#include "plan_test_support.hpp"

using namespace plantest;
using flowlink::plan::Edit;
using flowlink::plan::Finding;
using flowlink::plan::FlowPlan;
using flowlink::plan::make_plan;
using flowlink::plan::Plan;

namespace {

std::string read_text(const std::filesystem::path& path) {
  std::ifstream in(path, std::ios::binary);
  REQUIRE_MESSAGE(in.good(), "cannot read " << path.string());
  std::stringstream text;
  text << in.rdbuf();
  return text.str();
}

// The org as the export-dir source would read it: org.json gives ids and
// publication; each file is a JSON document or an Architect export.
std::vector<ObservedFlow> example_org() {
  const std::filesystem::path dir = std::filesystem::path(FLOWLINK_SOURCE_DIR) / "examples" / "org";
  std::vector<ObservedFlow> flows;
  for (const auto& entry : Json::parse(read_text(dir / "org.json"))) {
    const std::string file = entry["file"].get<std::string>();
    std::string text = read_text(dir / file);
    if (flowlink::flowdoc::is_architect_export_name(file)) text = flowlink::flowdoc::decode_architect_export(text, file);
    ObservedFlow flow;
    flow.id = entry["id"].get<std::string>();
    flow.name = entry["name"].get<std::string>();
    flow.type = entry["type"].get<std::string>();
    flow.published = entry["published"].get<bool>();
    flow.version = "1.0";
    flow.document = Document::parse(text, file);
    flows.push_back(std::move(flow));
  }
  return flows;
}

DesiredState demo_manifest() {
  auto result = flowlink::manifest::load_manifest({std::string(FLOWLINK_SOURCE_DIR) + "/manifests"});
  std::string errors;
  for (const auto& e : result.errors) errors += e.str() + "\n";
  INFO(errors);
  REQUIRE(result.ok());
  return result.state;
}

const FlowPlan& flow_named(const Plan& plan, const std::string& name) {
  for (const auto& flow : plan.flows)
    if (flow.flow_name == name) return flow;
  FAIL("flow " << name << " is not in the plan");
  throw std::logic_error("unreachable");
}

int count(const FlowPlan& flow, Edit::Kind kind, const std::string& module_name) {
  int n = 0;
  for (const auto& edit : flow.edits) n += edit.kind == kind && edit.module_name == module_name;
  return n;
}

constexpr const char* kValidation = "Common_Validation_Module";
constexpr const char* kCompliance = "Compliance_Recording_Prompt";
constexpr const char* kVip = "Common_VIP_Routing";
constexpr const char* kClosure = "Common_Closure_Check";
constexpr const char* kLegacy = "Legacy_Auth_Module";

}  // namespace

TEST_CASE("example org: the plan matches examples/README.md, and applying it converges") {
  const std::vector<ObservedFlow> org = example_org();
  REQUIRE(org.size() == 48);
  const DesiredState state = demo_manifest();
  Plan plan = make_plan(state, org, options());
  std::string text = flowlink::plan::render_text(plan, {});
  INFO(text);
  CHECK(plan.errors.empty());
  for (const auto& flow : plan.flows) CHECK_MESSAGE(flow.errors.empty(), flow.flow_name);

  for (const char* name : {"Inbound_Support_Billing", "Inbound_Support_Spanish", "Inbound_Support_Germany",
                           "Inbound_Support_APAC", "Inbound_Support_Main"}) {
    CAPTURE(name);
    const FlowPlan& flow = flow_named(plan, name);
    for (auto kind : {Edit::Kind::AddCall, Edit::Kind::UpdateCall, Edit::Kind::MoveCall, Edit::Kind::RemoveCall})
      CHECK(count(flow, kind, kValidation) == 0);
  }
  for (const char* name : {"Inbound_Support_Technical", "Inbound_Support_French", "Inbound_Support_[Legacy]"})
    CHECK_MESSAGE(count(flow_named(plan, name), Edit::Kind::UpdateCall, kValidation) == 1, name);
  for (const char* name : {"Inbound_Support_Returns", "Inbound_Support_Nordics", "Inbound_Support_Outage",
                           "Inbound_Support_Zürich"}) {
    const FlowPlan& flow = flow_named(plan, name);
    CHECK_MESSAGE(count(flow, Edit::Kind::AddCall, kValidation) == 1, name);
  }
  for (const char* name : {"Inbound_Support_Warranty", "Inbound_Support_Enterprise"})
    CHECK_MESSAGE(count(flow_named(plan, name), Edit::Kind::MoveCall, kValidation) == 1, name);
  CHECK(count(flow_named(plan, "Inbound_Support_Premium"), Edit::Kind::RemoveCall, kValidation) == 1);
  const FlowPlan& sandbox = flow_named(plan, "Inbound_Support_Sandbox");
  CHECK(std::find(sandbox.rules.begin(), sandbox.rules.end(), "support-validation") == sandbox.rules.end());
  CHECK(count(sandbox, Edit::Kind::RemoveCall, kLegacy) == 1);

  const FlowPlan& emea = flow_named(plan, "Inbound_Sales_EMEA");
  CHECK(count(emea, Edit::Kind::AddCall, kCompliance) == 1);
  CHECK(count(emea, Edit::Kind::AddCall, kVip) == 1);
  CHECK(flow_named(plan, "Inbound_Sales_AMER").status() == FlowPlan::Status::NoChange);
  CHECK(count(flow_named(plan, "Inbound_Sales_Renewals"), Edit::Kind::UpdateCall, kCompliance) == 1);
  // Misplaced calls are moved (the demo manifest says move: true for sales).
  CHECK(count(flow_named(plan, "Inbound_Sales_APAC"), Edit::Kind::MoveCall, kCompliance) == 1);
  CHECK(count(flow_named(plan, "Inbound_Sales_Partners"), Edit::Kind::MoveCall, kVip) == 1);

  CHECK(count(flow_named(plan, "Inbound_Billing_Payments"), Edit::Kind::RemoveCall, kLegacy) == 2);
  for (const char* name : {"Inbound_Support_Main", "Inbound_Support_Zürich", "Inbound_Collections",
                           "Chat_Support_Legacy_Portal", "InQueue_Callback_Offer"})
    CHECK_MESSAGE(count(flow_named(plan, name), Edit::Kind::RemoveCall, kLegacy) == 1, name);

  CHECK(count(flow_named(plan, "Chat_Support_Web"), Edit::Kind::AddCall, kClosure) == 1);
  CHECK(count(flow_named(plan, "Chat_Support_Billing"), Edit::Kind::UpdateCall, kClosure) == 1);
  CHECK(flow_named(plan, "Chat_Support_Mobile").status() == FlowPlan::Status::NoChange);
  CHECK(flow_named(plan, "Chat_Support_Legacy_Portal").edits.size() == 1);  // only the legacy removal

  // Deterministic, and valid JSON that reads back.
  CHECK(flowlink::plan::render_json(make_plan(state, org, options())) == flowlink::plan::render_json(plan));
  // Written one flow at a time, as the whole tree's dump.
  std::ostringstream streamed;
  flowlink::plan::write_json(plan, streamed);
  CHECK(streamed.str() == flowlink::plan::to_json(plan).dump(2) + "\n");
  CHECK(flowlink::plan::to_json(flowlink::plan::plan_from_json(flowlink::plan::to_json(plan))) ==
        flowlink::plan::to_json(plan));

  // Apply every flow's edits, then plan again: nothing left to do, and only
  // the findings (not acted on) remain.
  std::vector<ObservedFlow> applied = org;
  auto ids = flowlink::flowdoc::sequential_id_source();
  for (auto& flow : applied) {
    for (const auto& flow_plan : plan.flows) {
      if (flow_plan.flow_id != flow.id) continue;
      flowlink::plan::apply_edits(*flow.document, flow_plan, ids);
      CHECK_MESSAGE(flow.document->check().empty(), flow.name);
    }
  }
  Plan second = make_plan(state, applied, options());
  CHECK_FALSE(second.has_changes());
  CHECK_FALSE(second.has_errors());
  int findings = 0;
  for (const auto& flow : second.flows) findings += static_cast<int>(flow.findings.size());
  int first_findings = 0;
  for (const auto& flow : plan.flows) first_findings += static_cast<int>(flow.findings.size());
  CHECK(findings == first_findings);
}
