// read_export_dir: the committed example org and hand-made broken directories.
#include <doctest/doctest.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <map>
#include <set>
#include <stdexcept>
#include <string>

#include <nlohmann/json.hpp>

#include "flowdoc/document.hpp"
#include "manifest/loader.hpp"
#include "plan/plan.hpp"
#include "plan/planner.hpp"
#include "plan/render.hpp"
#include "source/export_dir.hpp"
#include "support/temp_dir.hpp"

namespace fs = std::filesystem;
using flowlink::plan::ObservedFlow;
using flowlink::source::read_export_dir;

namespace {

const std::string kExampleOrg = std::string(FLOWLINK_SOURCE_DIR) + "/examples/org";

// A fresh directory under the system temp dir, removed when the test ends.
struct TempDir : flowlink::testing::TempDir {
  TempDir() : flowlink::testing::TempDir("flowlink-export-dir") {}
};

std::string read_text(const fs::path& path) {
  std::ifstream in(path, std::ios::binary);
  return std::string(std::istreambuf_iterator<char>(in), {});
}

const ObservedFlow& find_flow(const std::vector<ObservedFlow>& flows, const std::string& name) {
  for (const auto& flow : flows) {
    if (flow.name == name) return flow;
  }
  FAIL("no flow named " << name);
  throw std::logic_error("unreachable");
}

}  // namespace

TEST_CASE("examples/org: every flow loads, checks clean, and the org is big and varied") {
  const auto flows = read_export_dir(kExampleOrg);
  std::set<std::string> types;
  int modules = 0;
  for (const auto& flow : flows) {
    CAPTURE(flow.name);
    REQUIRE_MESSAGE(flow.document.has_value(), flow.load_error);
    CHECK(flow.load_error.empty());
    const auto problems = flow.document->check();
    for (const auto& problem : problems) MESSAGE(flow.name << ": " << problem.where << ": " << problem.message);
    CHECK(problems.empty());
    types.insert(flow.type);
    if (flow.type == "commonmodule") ++modules;
  }
  CHECK(flows.size() >= 40);
  CHECK(types.size() - (modules > 0 ? 1 : 0) >= 3);  // consumer types, modules aside
  CHECK(modules >= 4);
}

TEST_CASE("examples/org: ids, names and types agree with org.json; files are read in name order") {
  const auto flows = read_export_dir(kExampleOrg);
  const auto index = nlohmann::json::parse(read_text(fs::path(kExampleOrg) / "org.json"));
  REQUIRE(index.size() == flows.size());
  std::map<std::string, nlohmann::json> by_id;
  for (const auto& entry : index) by_id[entry["id"].get<std::string>()] = entry;
  for (std::size_t i = 0; i < flows.size(); ++i) {
    CAPTURE(flows[i].name);
    REQUIRE(by_id.count(flows[i].id) == 1);
    CHECK(by_id[flows[i].id]["name"] == flows[i].name);
    CHECK(by_id[flows[i].id]["type"] == flows[i].type);
    CHECK(flows[i].published);
    if (i > 0) CHECK(flows[i - 1].document->source() < flows[i].document->source());
  }
}

TEST_CASE("examples/org: plain JSON and Architect exports both read, unicode and glob characters in names") {
  const auto flows = read_export_dir(kExampleOrg);
  const auto& billing = find_flow(flows, "Inbound_Support_Billing");  // a .json file
  CHECK(billing.document->source().ends_with(".json"));
  const auto& zurich = find_flow(flows, "Inbound_Support_Z\xC3\xBCrich");  // an export file
  CHECK(zurich.document->source().ends_with(".i3InboundFlow"));
  CHECK(find_flow(flows, "Inbound_Support_[Legacy]").type == "inboundcall");
  CHECK(find_flow(flows, "Chat_Support_Web").type == "inboundchat");
  CHECK(find_flow(flows, "SMS_Support_Inbound").type == "inboundshortmessage");
  CHECK(find_flow(flows, "InQueue_Support_Standard").type == "inqueuecall");
}

TEST_CASE("examples/org: module calls name modules of the org by id and name, within their interfaces") {
  const auto flows = read_export_dir(kExampleOrg);
  std::map<std::string, const ObservedFlow*> modules;
  for (const auto& flow : flows) {
    if (flow.type == "commonmodule") modules[flow.id] = &flow;
  }
  const auto& validation = find_flow(flows, "Common_Validation_Module").document->module_interface();
  CHECK(validation.inputs == std::vector<std::string>{"Common.CallerAni", "Common.Dnis"});
  CHECK(validation.outputs == std::vector<std::string>{"Common.IsValid", "Common.CustomerId"});

  int calls = 0, callers = 0;
  for (const auto& flow : flows) {
    const auto found = flow.document->module_calls();
    if (flow.type == "commonmodule") {
      CHECK_MESSAGE(found.empty(), flow.name << ": a module cannot call a module");
      continue;
    }
    if (!found.empty()) ++callers;
    for (const auto& call : found) {
      CAPTURE(flow.name);
      CAPTURE(call.action_name);
      ++calls;
      REQUIRE(modules.count(call.module_id) == 1);
      const auto& module = *modules[call.module_id];
      CHECK(module.name == call.module_name);
      const auto interface = module.document->module_interface();
      for (const auto& [name, value] : call.inputs) {
        CHECK(std::find(interface.inputs.begin(), interface.inputs.end(), name) != interface.inputs.end());
      }
      for (const auto& [name, value] : call.outputs) {
        CHECK(std::find(interface.outputs.begin(), interface.outputs.end(), name) != interface.outputs.end());
      }
    }
  }
  CHECK(calls >= 30);
  CHECK(callers >= 25);
}

TEST_CASE("a file that does not decode becomes that flow's error; the others are read") {
  TempDir dir;
  const auto good = read_text(fs::path(kExampleOrg) / "Chat_Support_Mobile.json");
  dir.write("Chat_Support_Mobile.json", good);
  dir.write("Broken_Flow.i3InboundFlow", "this is not base64 !!!");
  dir.write("Not_Json.json", "{\"name\": ");
  dir.write("README.md", "# not a flow");
  dir.write("notes.txt", "ignored");
  dir.write("org.json", R"([{"file": "Broken_Flow.i3InboundFlow", "id": "broken-id", "name": "Broken Flow",
                           "type": "inboundcall", "published": false, "version": "7.0"}])");

  const auto flows = read_export_dir(dir.path.string());
  REQUIRE(flows.size() == 3);
  // Sorted by file name: Broken_Flow, Chat_Support_Mobile, Not_Json.
  CHECK(flows[0].id == "broken-id");
  CHECK(flows[0].name == "Broken Flow");
  CHECK(flows[0].type == "inboundcall");
  CHECK(flows[0].version == "7.0");
  CHECK_FALSE(flows[0].published);
  CHECK_FALSE(flows[0].document.has_value());
  CHECK(flows[0].load_error.find("Broken_Flow.i3InboundFlow") != std::string::npos);

  CHECK(flows[1].id == "Chat_Support_Mobile");  // not in org.json: the file stem
  CHECK(flows[1].version.empty());
  CHECK(flows[1].name == "Chat_Support_Mobile");
  REQUIRE(flows[1].document.has_value());
  CHECK(flows[1].document->check().empty());

  CHECK(flows[2].id == "Not_Json");
  CHECK_FALSE(flows[2].document.has_value());
  CHECK(flows[2].load_error.find("Not_Json.json") != std::string::npos);
}

TEST_CASE("an export file round-trips through encode_architect_export") {
  TempDir dir;
  const auto json = read_text(fs::path(kExampleOrg) / "InQueue_Sales_Default.json");
  dir.write("InQueue_Sales_Default.i3InQueueCallFlow", flowlink::flowdoc::encode_architect_export(json));
  const auto flows = read_export_dir(dir.path.string());
  REQUIRE(flows.size() == 1);
  REQUIRE(flows[0].document.has_value());
  CHECK(flows[0].name == "InQueue_Sales_Default");
  CHECK(flows[0].type == "inqueuecall");
}

TEST_CASE("a missing directory throws naming it; a malformed org.json throws naming it") {
  CHECK_THROWS_WITH_AS(read_export_dir("/nonexistent/flowlink-export"),
                       doctest::Contains("/nonexistent/flowlink-export"), std::runtime_error);
  TempDir dir;
  dir.write("org.json", "[{\"file\": 3}]");
  dir.write("A.json", "{}");
  CHECK_THROWS_WITH_AS(read_export_dir(dir.path.string()), doctest::Contains("org.json"), std::runtime_error);
  TempDir file_dir;
  file_dir.write("plain", "x");
  CHECK_THROWS_WITH_AS(read_export_dir((file_dir.path / "plain").string()), doctest::Contains("not a directory"),
                       std::runtime_error);
}

TEST_CASE("flow file names and the types their extensions imply") {
  using flowlink::source::flow_type_from_export_name;
  using flowlink::source::is_export_flow_file;
  CHECK(is_export_flow_file("A.json"));
  CHECK(is_export_flow_file("A.i3CommonModule"));
  CHECK_FALSE(is_export_flow_file("org.json"));
  CHECK_FALSE(is_export_flow_file("README.md"));
  CHECK(flow_type_from_export_name("x.i3InboundFlow") == "inboundcall");
  CHECK(flow_type_from_export_name("x.i3InboundChatFlow") == "inboundchat");
  CHECK(flow_type_from_export_name("x.i3CommonModule") == "commonmodule");
  CHECK(flow_type_from_export_name("x.json").empty());
}

namespace {

std::string nest(std::size_t levels) { return std::string(levels, '[') + std::string(levels, ']'); }

// The plan an export directory gives under a manifest selecting every
// inbound call flow: errors included.
flowlink::plan::Plan plan_of(const std::string& dir) {
  auto manifest = flowlink::manifest::parse_manifest(R"(apiVersion: flowlink/v1
modules:
  gone:
    name: Gone_Module
rules:
  - name: inbound
    flows:
      types: [inboundcall]
      include: ["*"]
    remove: [gone]
)",
                                                     "test.yaml");
  REQUIRE_MESSAGE(manifest.ok(), manifest.errors.front().str());
  flowlink::plan::PlanOptions options;
  options.require_published_modules = false;
  // What `plan --export-dir` runs streams the directory; it must make the
  // plan reading every document makes.
  auto whole = flowlink::plan::make_plan(manifest.state, read_export_dir(dir), options);
  auto streamed = flowlink::source::plan_export_dir(dir, manifest.state, options);
  CHECK(flowlink::plan::render_json(streamed) == flowlink::plan::render_json(whole));
  return streamed;
}

std::string joined(const std::vector<std::string>& lines) {
  std::string text;
  for (const auto& line : lines) text += line + "\n";
  return text;
}

}  // namespace

TEST_CASE("a flow file nested 100,000 deep becomes that flow's error, naming the file and the limit") {
  TempDir dir;
  const std::string deep = R"({"name":"Deep","type":"inboundcall","flowSequenceItemList":[],"x":)" + nest(100000) + "}";
  dir.write("Deep.json", deep);
  dir.write("Deep_Export.i3InboundFlow", flowlink::flowdoc::encode_architect_export(deep));
  dir.write("Chat_Support_Mobile.json", read_text(fs::path(kExampleOrg) / "Chat_Support_Mobile.json"));
  const auto flows = read_export_dir(dir.path.string());
  REQUIRE(flows.size() == 3);
  CHECK(flows[0].document.has_value());  // Chat_Support_Mobile: still read
  for (std::size_t i : {1, 2}) {
    CAPTURE(flows[i].id);
    CHECK_FALSE(flows[i].document.has_value());
    CHECK(flows[i].load_error.find((dir.path / (flows[i].id == "Deep" ? "Deep.json" : "Deep_Export.i3InboundFlow"))
                                       .string() +
                                   ": JSON nested deeper than 512 levels") != std::string::npos);
  }
  CHECK(flows[2].type == "inboundcall");  // from the extension
  // In a plan: the export file's flow is an error; the .json, whose type nothing gives, a plan-wide one.
  const auto plan = plan_of(dir.path.string());
  CAPTURE(joined(plan.errors));
  REQUIRE(plan.errors.size() == 1);
  CHECK(plan.errors[0].find("flow 'Deep' (Deep) has no known type") == 0);
  CHECK(plan.errors[0].find("Deep.json: JSON nested deeper than 512 levels") != std::string::npos);
  REQUIRE(plan.flows.size() == 1);
  CHECK(plan.flows[0].flow_id == "Deep_Export");
  CHECK(joined(plan.flows[0].errors).find("JSON nested deeper than 512 levels") != std::string::npos);
}

TEST_CASE("an org.json nested 100,000 deep throws naming it and the limit") {
  TempDir dir;
  dir.write("org.json", "[" + nest(100000) + "]");
  dir.write("A.json", read_text(fs::path(kExampleOrg) / "Chat_Support_Mobile.json"));
  const std::string expected = (dir.path / "org.json").string() + ": JSON nested deeper than 512 levels";
  CHECK_THROWS_WITH_AS(read_export_dir(dir.path.string()), doctest::Contains(expected.c_str()), std::runtime_error);
}

TEST_CASE("a document whose type is not a string is an error naming the file, never silently out of the plan") {
  TempDir dir;
  auto flow = nlohmann::ordered_json::parse(read_text(fs::path(kExampleOrg) / "Inbound_Support_Billing.json"));
  flow["type"] = 42;
  dir.write("Numbered.json", flow.dump());                 // nothing else gives a type
  dir.write("Listed.json", flow.dump());                   // org.json does
  dir.write("Exported.i3InboundFlow", flowlink::flowdoc::encode_architect_export(flow.dump()));  // the extension does
  dir.write("org.json", R"([{"file": "Listed.json", "id": "listed-id", "name": "Listed", "type": "inboundcall"}])");
  const auto flows = read_export_dir(dir.path.string());
  REQUIRE(flows.size() == 3);  // Exported, Listed, Numbered
  for (const auto& observed : flows) {
    CAPTURE(observed.id);
    CHECK_FALSE(observed.document.has_value());
    CHECK(observed.load_error.find(": at /type: is not a string (got number)") != std::string::npos);
  }
  CHECK(flows[0].load_error.find("Exported.i3InboundFlow") != std::string::npos);
  CHECK(flows[0].type == "inboundcall");
  CHECK(flows[1].load_error.find("Listed.json") != std::string::npos);
  CHECK(flows[1].type == "inboundcall");
  CHECK(flows[2].load_error.find("Numbered.json") != std::string::npos);
  CHECK(flows[2].type.empty());

  const auto plan = plan_of(dir.path.string());
  CAPTURE(joined(plan.errors));
  REQUIRE(plan.errors.size() == 1);
  CHECK(plan.errors[0].find(
            "flow 'Numbered' (Numbered) has no known type, so no rule can tell whether it selects it: ") == 0);
  CHECK(plan.errors[0].find("Numbered.json: at /type: is not a string (got number)") != std::string::npos);
  REQUIRE(plan.flows.size() == 2);  // the two whose type is known are planned, as errors
  for (const auto& flow_plan : plan.flows) {
    CAPTURE(flow_plan.flow_id);
    CHECK(flow_plan.status() == flowlink::plan::FlowPlan::Status::Error);
    CHECK(joined(flow_plan.errors).find("at /type: is not a string") != std::string::npos);
  }
  CHECK(plan.has_errors());
}

TEST_CASE("a document without a type takes org.json's or its extension's; with neither it is an error") {
  TempDir dir;
  auto flow = nlohmann::ordered_json::parse(read_text(fs::path(kExampleOrg) / "Inbound_Support_Billing.json"));
  flow.erase("type");
  dir.write("Untyped.json", flow.dump());
  dir.write("Listed.json", flow.dump());
  dir.write("Exported.i3InboundFlow", flowlink::flowdoc::encode_architect_export(flow.dump()));
  dir.write("org.json", R"([{"file": "Listed.json", "id": "listed-id", "type": "inboundcall"}])");
  const auto flows = read_export_dir(dir.path.string());
  REQUIRE(flows.size() == 3);  // Exported, Listed, Untyped
  CHECK(flows[0].document.has_value());
  CHECK(flows[0].type == "inboundcall");
  CHECK(flows[1].document.has_value());
  CHECK(flows[1].type == "inboundcall");
  CHECK_FALSE(flows[2].document.has_value());
  CHECK(flows[2].load_error ==
        (dir.path / "Untyped.json").string() +
            ": the document has no \"type\", and neither org.json nor the file name says which type of flow it is, "
            "so no rule can tell whether it selects it");
  const auto plan = plan_of(dir.path.string());
  REQUIRE(plan.errors.size() == 1);
  CHECK(plan.errors[0].find("(Untyped) has no known type") != std::string::npos);
  CHECK(plan.flows.size() == 2);
}

TEST_CASE("a document without initialSequence is an error of that flow at plan time, naming what is missing") {
  TempDir dir;
  auto flow = nlohmann::ordered_json::parse(read_text(fs::path(kExampleOrg) / "Inbound_Support_Billing.json"));
  flow.erase("initialSequence");
  dir.write("Inbound_Support_Billing.json", flow.dump());
  const auto plan = plan_of(dir.path.string());
  CHECK(plan.errors.empty());
  REQUIRE(plan.flows.size() == 1);
  CHECK(plan.flows[0].flow_name == "Inbound_Support_Billing");
  CHECK(plan.flows[0].status() == flowlink::plan::FlowPlan::Status::Error);
  CHECK(plan.flows[0].edits.empty());
  CAPTURE(joined(plan.flows[0].errors));
  CHECK(joined(plan.flows[0].errors).find("/initialSequence: missing: the flow does not say which sequence") !=
        std::string::npos);
  CHECK(plan.has_errors());
}
