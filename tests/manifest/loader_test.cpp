// The happy path: every form of the manifest read into DesiredState, and
// manifests spread over files and directories.

#include <doctest/doctest.h>

#include <filesystem>
#include <fstream>

#include "manifest/loader.hpp"
#include "manifest_test_support.hpp"

using namespace flowlink::manifest;
namespace fs = std::filesystem;

namespace {

const char* kFullManifest = R"(apiVersion: flowlink/v1
modules:
  validation: { name: Common_Validation_Module }
  legacy-auth: { name: Legacy_Auth_Module, id: 6f3a2c1e-0000-4000-8000-000000000001 }
  survey: { name: "Survey Offer" }
  logger: { name: Logger }
  audit: { name: Audit }
rules:
  - name: support-lines
    flows:
      types: [inboundcall, InQueueCall]
      include: ["Inbound_Support_*", "regex:^Support-[0-9]+$"]
      exclude: ["*_Sandbox"]
      caseSensitive: false
    ensure:
      - module: validation
        at: start
        inputs:  { Common.CallerAni: "Call.Ani", Common.Language: "Call.Language" }
        outputs: { Common.IsValid: "Flow.IsValid" }
        move: true
        dedupe: true
      - module: survey
        at: { task: "Main" }
      - module: logger
        at: { after: "Play Welcome" }
      - module: audit
        at: { before: { name: "Update Data", type: UpdateVariableAction } }
    remove: [legacy-auth]
    publish: false
  - name: audit-everything
    flows: { types: [inboundchat], include: ["*"] }
    ensure:
      - module: audit
        at: { after: { trackingId: 27 } }
)";

fs::path fresh_dir(const std::string& name) {
  fs::path dir = fs::path(FLOWLINK_BINARY_DIR) / "manifest-tests" / name;
  fs::remove_all(dir);
  fs::create_directories(dir);
  return dir;
}

void write(const fs::path& path, const std::string& text) {
  std::ofstream out(path, std::ios::binary);
  out << text;
}

}  // namespace

TEST_CASE("a manifest with every form loads into the desired state") {
  LoadResult result = parse_manifest(kFullManifest, "full.yaml");
  INFO(testing::all_errors(result));
  REQUIRE(result.ok());
  const DesiredState& state = result.state;
  CHECK(state.api_version == "flowlink/v1");
  CHECK(state.files == std::vector<std::string>{"full.yaml"});

  REQUIRE(state.modules.size() == 5);
  const ModuleRef& legacy = state.modules.at("legacy-auth");
  CHECK(legacy.name == "Legacy_Auth_Module");
  CHECK(legacy.id == std::optional<std::string>("6f3a2c1e-0000-4000-8000-000000000001"));
  CHECK(legacy.location.str() == "full.yaml:4:3");
  CHECK_FALSE(state.modules.at("validation").id.has_value());
  CHECK(state.modules.at("survey").name == "Survey Offer");

  REQUIRE(state.rules.size() == 2);
  const Rule& support = state.rules[0];
  CHECK(support.name == "support-lines");
  CHECK(support.location.str() == "full.yaml:9:5");
  CHECK_FALSE(support.publish);
  CHECK(support.flows.types == std::vector<std::string>{"inboundcall", "inqueuecall"});
  REQUIRE(support.flows.include.size() == 2);
  CHECK(support.flows.include[0].kind == NamePattern::Kind::Glob);
  CHECK(support.flows.include[0].text == "Inbound_Support_*");
  CHECK_FALSE(support.flows.include[0].case_sensitive);
  CHECK(support.flows.include[0].location.str() == "full.yaml:12:17");
  CHECK(support.flows.include[1].kind == NamePattern::Kind::Regex);
  CHECK(support.flows.include[1].text == "^Support-[0-9]+$");
  REQUIRE(support.flows.exclude.size() == 1);
  CHECK(support.flows.exclude[0].text == "*_Sandbox");

  REQUIRE(support.ensure.size() == 4);
  const EnsureEntry& validation = support.ensure[0];
  CHECK(validation.module == "validation");
  CHECK(validation.at.kind == Placement::Kind::Start);
  CHECK(validation.at.describe() == "start");
  CHECK(validation.inputs == flowlink::flowdoc::Bindings{{"Common.CallerAni", "Call.Ani"},
                                                         {"Common.Language", "Call.Language"}});
  CHECK(validation.outputs == flowlink::flowdoc::Bindings{{"Common.IsValid", "Flow.IsValid"}});
  CHECK(validation.move);
  CHECK(validation.dedupe);
  CHECK(validation.location.str() == "full.yaml:16:9");

  CHECK(support.ensure[1].at.kind == Placement::Kind::Task);
  CHECK(support.ensure[1].at.task == "Main");
  CHECK(support.ensure[1].at.describe() == "task 'Main'");
  CHECK_FALSE(support.ensure[1].move);
  CHECK_FALSE(support.ensure[1].dedupe);
  CHECK(support.ensure[1].inputs.empty());

  CHECK(support.ensure[2].at.kind == Placement::Kind::After);
  CHECK(support.ensure[2].at.anchor.name == std::optional<std::string>("Play Welcome"));
  CHECK_FALSE(support.ensure[2].at.anchor.tracking_id.has_value());
  CHECK(support.ensure[2].at.describe() == "after 'Play Welcome'");

  const Placement& before = support.ensure[3].at;
  CHECK(before.kind == Placement::Kind::Before);
  CHECK(before.anchor.name == std::optional<std::string>("Update Data"));
  CHECK(before.anchor.type == std::optional<std::string>("UpdateVariableAction"));
  CHECK(before.describe() == "before UpdateVariableAction 'Update Data'");

  REQUIRE(support.remove.size() == 1);
  CHECK(support.remove[0].module == "legacy-auth");
  CHECK(support.remove[0].location.str() == "full.yaml:28:14");

  const Rule& audit = state.rules[1];
  CHECK(audit.publish);  // the default
  CHECK(audit.flows.include[0].case_sensitive);  // the default
  CHECK(audit.flows.exclude.empty());
  CHECK(audit.ensure[0].at.anchor.tracking_id == std::optional<int>(27));
  CHECK(audit.ensure[0].at.describe() == "after #27");
}

TEST_CASE("the selector of a loaded rule picks flows by type and name") {
  LoadResult result = parse_manifest(kFullManifest, "full.yaml");
  REQUIRE(result.ok());
  const FlowSelector& flows = result.state.rules[0].flows;
  CHECK(flows.matches("inboundcall", "Inbound_Support_EN"));
  CHECK(flows.matches("INBOUNDCALL", "inbound_support_en"));  // caseSensitive: false; API types are upper case
  CHECK(flows.matches("inqueuecall", "Support-42"));
  CHECK(flows.matches("inqueuecall", "support-42"));
  CHECK_FALSE(flows.matches("inboundcall", "Inbound_Support_EN_Sandbox"));  // excluded
  CHECK_FALSE(flows.matches("inboundchat", "Inbound_Support_EN"));          // wrong type
  CHECK_FALSE(flows.matches("inboundcall", "Support-42a"));                  // regex is anchored
  CHECK_FALSE(flows.matches("inboundcall", "Sales_Main"));
}

TEST_CASE("omitted optional keys take their documented defaults") {
  LoadResult result = parse_manifest(R"(apiVersion: flowlink/v1
modules:
  m: {name: M}
rules:
  - name: r
    flows: {types: [bot], include: [X]}
    ensure: [{module: m}]
)",
                                     "min.yaml");
  INFO(testing::all_errors(result));
  REQUIRE(result.ok());
  const Rule& rule = result.state.rules.at(0);
  CHECK(rule.publish);
  CHECK(rule.remove.empty());
  REQUIRE(rule.ensure.size() == 1);
  CHECK(rule.ensure[0].at.kind == Placement::Kind::Start);
  CHECK_FALSE(rule.ensure[0].move);
  CHECK_FALSE(rule.ensure[0].dedupe);
  CHECK(rule.flows.include[0].text == "X");
  CHECK(rule.flows.matches("bot", "X"));
  CHECK_FALSE(rule.flows.matches("bot", "x"));
}

TEST_CASE("a directory is read file by file in name order and merged") {
  fs::path dir = fresh_dir("merge");
  write(dir / "20-rules.yml", R"(apiVersion: flowlink/v1
rules:
  - name: second
    flows: {types: [inboundcall], include: ["B*"]}
    remove: [old]
)");
  write(dir / "10-modules.yaml", R"(apiVersion: flowlink/v1
modules:
  new: {name: New_Module}
  old: {name: Old_Module}
rules:
  - name: first
    flows: {types: [inboundcall], include: ["A*"]}
    ensure: [{module: new}]
)");
  write(dir / "notes.txt", "not a manifest");
  write(dir / ".30-editor-backup.yaml", "this: is ignored");

  LoadResult result = load_manifest({dir.string()});
  INFO(testing::all_errors(result));
  REQUIRE(result.ok());
  CHECK(result.state.files ==
        std::vector<std::string>{(dir / "10-modules.yaml").string(), (dir / "20-rules.yml").string()});
  CHECK(result.state.modules.size() == 2);
  REQUIRE(result.state.rules.size() == 2);
  CHECK(result.state.rules[0].name == "first");
  CHECK(result.state.rules[1].name == "second");
  CHECK(result.state.rules[1].remove[0].location.str() == (dir / "20-rules.yml").string() + ":5:14");
}

TEST_CASE("files and directories can be mixed; a file named twice is read once") {
  fs::path dir = fresh_dir("mixed");
  fs::create_directories(dir / "rules");
  write(dir / "modules.yaml", "apiVersion: flowlink/v1\nmodules:\n  m: {name: M}\n");
  write(dir / "rules" / "a.yaml",
        "apiVersion: flowlink/v1\nrules:\n  - name: a\n    flows: {types: [voice], include: ['*']}\n"
        "    ensure: [{module: m}]\n");
  LoadResult result =
      load_manifest({(dir / "modules.yaml").string(), (dir / "rules").string(), (dir / "rules" / "a.yaml").string()});
  INFO(testing::all_errors(result));
  REQUIRE(result.ok());
  CHECK(result.state.files.size() == 2);
  CHECK(result.state.rules.size() == 1);
}

TEST_CASE("module keys and rule names must be unique across the files of a directory") {
  fs::path dir = fresh_dir("duplicates");
  write(dir / "a.yaml", R"(apiVersion: flowlink/v1
modules:
  m: {name: M}
rules:
  - name: same
    flows: {types: [inboundcall], include: ["*"]}
    ensure: [{module: m}]
)");
  write(dir / "b.yaml", R"(apiVersion: flowlink/v1
modules:
  m: {name: M2}
rules:
  - name: same
    flows: {types: [inboundcall], include: ["*"]}
    remove: [m]
)");
  LoadResult result = load_manifest({dir.string()});
  std::string b = (dir / "b.yaml").string();
  std::string a = (dir / "a.yaml").string();
  CHECK_MANIFEST_ERROR(result, b + ":3:3", "modules.m: module key 'm' is already defined at " + a + ":3:3");
  CHECK_MANIFEST_ERROR(result, b + ":5:5", "rules[0].name: rule name 'same' is already used at " + a + ":5:5");
  CHECK(result.errors.size() == 2);
}

TEST_CASE("missing paths, empty directories and empty files are errors naming them") {
  fs::path dir = fresh_dir("missing");
  fs::create_directories(dir / "empty-dir");
  write(dir / "empty.yaml", "");
  write(dir / "comments.yaml", "# nothing but a comment\n");
  std::string missing = (dir / "nope.yaml").string();
  LoadResult result = load_manifest({missing, (dir / "empty-dir").string(), (dir / "empty.yaml").string(),
                                     (dir / "comments.yaml").string()});
  INFO(testing::all_errors(result));
  CHECK(result.errors.size() == 4);
  CHECK(testing::has_error(result, missing, "no such file or directory"));
  CHECK(testing::has_error(result, (dir / "empty-dir").string(), "no *.yaml or *.yml"));
  CHECK(testing::has_error(result, (dir / "empty.yaml").string() + ":1:1", "the manifest is empty"));
  CHECK(testing::has_error(result, (dir / "comments.yaml").string() + ":1:1", "the manifest is empty"));
  CHECK(load_manifest({}).errors.size() == 1);
}

TEST_CASE("an unreadable file is an error naming it") {
  fs::path dir = fresh_dir("unreadable");
  fs::path file = dir / "secret.yaml";
  write(file, "apiVersion: flowlink/v1\n");
  fs::permissions(file, fs::perms::none);
  std::ifstream probe(file);
  if (probe.good()) {
    MESSAGE("running with privileges that ignore file permissions; skipping");
    return;
  }
  LoadResult result = load_manifest({file.string()});
  CHECK_MANIFEST_ERROR(result, file.string(), "cannot read file");
  fs::permissions(file, fs::perms::owner_all);
}

TEST_CASE("locations and errors print as file:line:col") {
  CHECK(SourceLocation{"m.yaml", 3, 7}.str() == "m.yaml:3:7");
  CHECK(SourceLocation{"m.yaml", 0, 0}.str() == "m.yaml");
  CHECK(ManifestError{{"m.yaml", 3, 7}, "rules[0].at", "expected x"}.str() == "m.yaml:3:7: rules[0].at: expected x");
  CHECK(ManifestError{{"m.yaml", 1, 1}, "", "bad"}.str() == "m.yaml:1:1: bad");
}

TEST_CASE("glob escapes survive YAML quoting as documented") {
  // Plain and single-quoted YAML keep '\' as is; double quotes need '\\'.
  LoadResult result = parse_manifest(R"(apiVersion: flowlink/v1
modules:
  m: {name: M}
rules:
  - name: r
    flows:
      types: [inboundcall]
      include:
        - 'Flow\[1\]'
        - "Promo\\*"
        - Plain\?
    ensure: [{module: m}]
)",
                                     "escapes.yaml");
  INFO(testing::all_errors(result));
  REQUIRE(result.ok());
  const FlowSelector& flows = result.state.rules[0].flows;
  CHECK(flows.include[0].text == "Flow\\[1\\]");
  CHECK(flows.include[1].text == "Promo\\*");
  CHECK(flows.include[2].text == "Plain\\?");
  CHECK(flows.matches("inboundcall", "Flow[1]"));
  CHECK_FALSE(flows.matches("inboundcall", "Flow1"));
  CHECK(flows.matches("inboundcall", "Promo*"));
  CHECK_FALSE(flows.matches("inboundcall", "Promo_2024"));
  CHECK(flows.matches("inboundcall", "Plain?"));
  CHECK_FALSE(flows.matches("inboundcall", "Plain!"));
}

TEST_CASE("the desired state's fingerprint follows the manifests' content") {
  const std::string text = "apiVersion: flowlink/v1\nmodules:\n  v: { name: Common_Validation_Module }\n";
  const auto a = flowlink::manifest::parse_manifest(text, "a.yaml");
  const auto b = flowlink::manifest::parse_manifest(text, "b.yaml");
  const auto c = flowlink::manifest::parse_manifest(text + "# a comment\n", "a.yaml");
  REQUIRE(a.ok());
  CHECK(a.state.fingerprint.size() == 64);
  CHECK(a.state.fingerprint == b.state.fingerprint);  // the content counts, not the path
  CHECK(a.state.fingerprint != c.state.fingerprint);
}

TEST_CASE("allowEmpty: a rule may say that selecting no flow is intended") {
  LoadResult result = parse_manifest(R"(apiVersion: flowlink/v1
modules:
  m: {name: M}
rules:
  - name: later
    flows: {types: [bot], include: [Future_*]}
    allowEmpty: true
    ensure: [{module: m}]
  - name: now
    flows: {types: [bot], include: [X]}
    ensure: [{module: m}]
)",
                                     "empty.yaml");
  INFO(testing::all_errors(result));
  REQUIRE(result.ok());
  CHECK(result.state.rules.at(0).allow_empty);
  CHECK_FALSE(result.state.rules.at(1).allow_empty);  // the default

  result = parse_manifest(R"(apiVersion: flowlink/v1
modules:
  m: {name: M}
rules:
  - name: later
    flows: {types: [bot], include: [X]}
    allowEmpty: sometimes
    ensure: [{module: m}]
)",
                          "bad.yaml");
  CHECK_FALSE(result.ok());
  CHECK_MANIFEST_ERROR(result, "bad.yaml:7:17", "allowEmpty");

  result = parse_manifest(R"(apiVersion: flowlink/v1
modules:
  m: {name: M}
rules:
  - name: later
    flows: {types: [bot], include: [X]}
    allowempty: true
    ensure: [{module: m}]
)",
                          "typo.yaml");
  CHECK_FALSE(result.ok());
  CHECK_MANIFEST_ERROR(result, "typo.yaml:7:5", "did you mean 'allowEmpty'?");
}
