// plan_export_dir streams an export directory; its plan must be the plan that
// reading every document makes (make_plan over read_export_dir), whatever the
// directory holds: the example org, and files built to mislead the skim.
#include <doctest/doctest.h>

#include <sys/stat.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <string>

#include <nlohmann/json.hpp>

#include "flowdoc/document.hpp"
#include "manifest/loader.hpp"
#include "plan/planner.hpp"
#include "plan/render.hpp"
#include "source/export_dir.hpp"
#include "support/temp_dir.hpp"

namespace fs = std::filesystem;
using namespace flowlink;

namespace {

const fs::path kExampleOrg = fs::path(FLOWLINK_SOURCE_DIR) / "examples/org";

// A temp dir, and files copied into it from the example org.
struct TempDir : testing::TempDir {
  TempDir() : testing::TempDir("flowlink-export-plan") {}
  void copy(const std::string& name) const { fs::copy_file(kExampleOrg / name, path / name); }
};

std::string read_text(const fs::path& path) {
  std::ifstream in(path, std::ios::binary);
  return std::string(std::istreambuf_iterator<char>(in), {});
}

// Plans `dir` both ways, checks the plans are equal, returns the streamed one.
plan::Plan plan_both_ways(const fs::path& dir, const manifest::DesiredState& desired, plan::PlanOptions options = {}) {
  options.require_published_modules = false;
  const plan::Plan whole = plan::make_plan(desired, source::read_export_dir(dir.string()), options);
  util::ProgressCounters progress;
  source::ExportPlanOptions read_options;
  read_options.parallelism = 3;
  read_options.progress = &progress;
  plan::Plan streamed = source::plan_export_dir(dir.string(), desired, options, read_options);
  const std::string expected = plan::render_json(whole), actual = plan::render_json(streamed);
  if (actual != expected) {
    std::size_t at = 0;
    while (at < actual.size() && at < expected.size() && actual[at] == expected[at]) ++at;
    FAIL_CHECK("streamed plan differs at byte " << at << ": streamed «" << actual.substr(at > 200 ? at - 200 : 0, 400)
                                                << "» whole «" << expected.substr(at > 200 ? at - 200 : 0, 400) << "»");
  }
  CHECK(progress.planned.load() == streamed.flows.size());
  return streamed;
}

manifest::DesiredState parse(const std::string& text) {
  auto loaded = manifest::parse_manifest(text, "test.yaml");
  REQUIRE_MESSAGE(loaded.ok(), loaded.errors.front().str());
  return loaded.state;
}

}  // namespace

TEST_CASE("the example org: the streamed plan is the plan of every document read, for each example manifest") {
  for (const char* file : {"manifests", "manifests/support.yaml"}) {
    CAPTURE(file);
    auto loaded = manifest::load_manifest({std::string(FLOWLINK_SOURCE_DIR) + "/" + file});
    REQUIRE(loaded.ok());
    const plan::Plan plan = plan_both_ways(kExampleOrg, loaded.state);
    CHECK(plan.flows.size() >= 5);
    CHECK(plan.has_changes());
  }
  // With targets, one of them mistyped.
  auto loaded = manifest::load_manifest({std::string(FLOWLINK_SOURCE_DIR) + "/manifests/support.yaml"});
  plan::PlanOptions options;
  options.targets = {"Inbound_Support_Billing", "Inbound_Support_Biling"};
  const plan::Plan targeted = plan_both_ways(kExampleOrg, loaded.state, options);
  CHECK(targeted.flows.size() == 1);
  CHECK(targeted.errors.size() == 1);
}

TEST_CASE("files that mislead the skim are planned as reading them whole plans them") {
  TempDir dir;
  dir.copy("Common_Validation_Module.i3CommonModule");
  dir.copy("Inbound_Support_Billing.json");
  auto good = nlohmann::ordered_json::parse(read_text(kExampleOrg / "Inbound_Support_Billing.json"));

  // The skim reads a name no rule selects, but the document does not parse:
  // the real name is org.json's, which a rule does select.
  auto broken = good;
  broken["name"] = "Unrelated";
  broken["flowSequenceItemList"] = 5;
  dir.write("Disguised.json", broken.dump());
  // The skim reads a selected name; the structure is broken further in.
  broken["name"] = "Inbound_Support_Hidden";
  dir.write("Hidden.json", broken.dump());
  // Not JSON at all, listed as a common module by org.json.
  dir.write("Garbled.json", "{\"name\": \"Common_Validation_Module\", oops");
  // A flow that bears a module's name but is no module.
  auto impostor = good;
  impostor["name"] = "Compliance_Recording_Prompt";
  dir.write("Impostor.json", impostor.dump());
  // Two files, one id (the file stem).
  auto twin = good;
  twin["name"] = "Inbound_Support_Twin";
  dir.write("Twin.json", twin.dump());
  dir.write("Twin.i3InboundFlow", flowdoc::encode_architect_export(twin.dump()));
  // No type anywhere (plain .json, not in org.json), and a UTF-8 BOM.
  auto typeless = good;
  typeless.erase("type");
  typeless["name"] = "Unselected_Typeless";
  dir.write("Typeless.json", typeless.dump());
  dir.write("Bom.json", "\xEF\xBB\xBF" + good.dump());
  dir.write("org.json", R"([
    {"file": "Disguised.json", "id": "disguised", "name": "Inbound_Support_Disguised", "type": "inboundcall"},
    {"file": "Garbled.json", "id": "garbled", "name": "Common_Validation_Module", "type": "commonmodule"}])");

  const auto desired = parse(R"(apiVersion: flowlink/v1
modules:
  validation: { name: Common_Validation_Module }
  compliance: { name: Compliance_Recording_Prompt }
rules:
  - name: support
    flows: { types: [inboundcall], include: ["Inbound_Support_*"] }
    ensure:
      - module: validation
        at: start
        inputs: { Common.CallerAni: Call.Ani }
  - name: compliance
    flows: { types: [inboundcall], include: ["Nothing_*"] }
    allowEmpty: true
    ensure:
      - module: compliance
        at: start
)");
  const plan::Plan plan = plan_both_ways(dir.path, desired);
  // The disguised flow is planned under its real (org.json) name, as an error.
  bool disguised = false;
  for (const auto& flow : plan.flows)
    if (flow.flow_id == "disguised") disguised = flow.flow_name == "Inbound_Support_Disguised" && !flow.errors.empty();
  CHECK(disguised);
  CHECK(plan.has_errors());
}

TEST_CASE("a FIFO or a device among the flow files is an error naming it, never a hang") {
  TempDir dir;
  dir.copy("Inbound_Support_Billing.json");
  const fs::path fifo = dir.path / "Pipe.json";
  REQUIRE(::mkfifo(fifo.c_str(), 0600) == 0);
  fs::create_symlink("/dev/zero", dir.path / "Zero.json");
  const auto flows = source::read_export_dir(dir.path.string());
  REQUIRE(flows.size() == 3);
  int refused = 0;
  for (const auto& flow : flows) {
    if (flow.id != "Pipe" && flow.id != "Zero") continue;
    CAPTURE(flow.load_error);
    CHECK_FALSE(flow.document.has_value());
    CHECK(flow.load_error.find("not a regular file") != std::string::npos);
    ++refused;
  }
  CHECK(refused == 2);
  const auto desired = parse(R"(apiVersion: flowlink/v1
modules:
  gone: { name: Gone_Module }
rules:
  - name: support
    flows: { types: [inboundcall], include: ["*"] }
    remove: [gone]
)");
  plan_both_ways(dir.path, desired);
}
