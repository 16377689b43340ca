// Environments: ${var.NAME} substitution in manifests, the environment file
// itself, where --env finds it, and every error with file:line:col.
#include <doctest/doctest.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <string>

#include "manifest/environment.hpp"
#include "manifest/loader.hpp"
#include "manifest/variables.hpp"
#include "manifest_test_support.hpp"

using namespace flowlink::manifest;

namespace {

namespace fs = std::filesystem;

// Line numbers below refer to this text.
const std::string kManifest = R"(apiVersion: flowlink/v1
modules:
  closure: {name: "${var.module}"}
rules:
  - name: chat
    flows:
      types: [inboundchat]
      include: ["Chat_${var.line}_*"]
    ensure:
      - module: closure
        inputs:
          Common.QueueName: ${var.queue}
    publish: ${var.publish}
)";

const std::string kEnvironment = R"(apiVersion: flowlink/v1
kind: Environment
org:
  region: mypurecloud.ie
  id: org-1
  name: Acme Dev
variables:
  module: Common_Closure_Check
  line: Support
  queue: '"Support Dev"'
  publish: false
)";

LoadResult load(const std::string& manifest, const std::string& environment = kEnvironment) {
  return parse_manifest(manifest, "m.yaml", environment, "envs/dev.yaml");
}

// kManifest with one line replaced (1-based).
std::string with_line(int number, const std::string& text) {
  std::string out;
  int line = 1;
  std::size_t start = 0;
  while (start < kManifest.size()) {
    std::size_t end = kManifest.find('\n', start);
    out += (line == number ? text : kManifest.substr(start, end - start)) + "\n";
    start = end + 1;
    ++line;
  }
  return out;
}

struct TempDir {
  fs::path path;
  TempDir() {
    std::string pattern = (fs::temp_directory_path() / "flowlink-env-XXXXXX").string();
    path = ::mkdtemp(pattern.data());
  }
  ~TempDir() {
    std::error_code ec;
    fs::remove_all(path, ec);
  }
  std::string write(const std::string& name, const std::string& text) const {
    fs::create_directories((path / name).parent_path());
    std::ofstream(path / name, std::ios::binary) << text;
    return (path / name).string();
  }
};

}  // namespace

TEST_CASE("variables fill bindings, name patterns, publish and module names") {
  const LoadResult result = load(kManifest);
  INFO(testing::all_errors(result));
  REQUIRE(result.ok());
  const DesiredState& state = result.state;
  CHECK(state.modules.at("closure").name == "Common_Closure_Check");
  REQUIRE(state.rules.size() == 1);
  const Rule& rule = state.rules[0];
  REQUIRE(rule.flows.include.size() == 1);
  CHECK(rule.flows.include[0].text == "Chat_Support_*");
  CHECK(rule.flows.matches("inboundchat", "Chat_Support_Web"));
  CHECK_FALSE(rule.flows.matches("inboundchat", "Chat_Sales_Web"));
  CHECK(rule.ensure[0].inputs.at("Common.QueueName") == "\"Support Dev\"");
  CHECK(rule.publish == false);
  REQUIRE(state.environment);
  CHECK(state.environment->name == "dev");
  CHECK(state.environment->file == "envs/dev.yaml");
  CHECK(state.environment->region == "mypurecloud.ie");
  CHECK(state.environment->org_id == "org-1");
  CHECK(state.environment->org_name == "Acme Dev");
}

TEST_CASE("a variable's value becomes part of a pattern; unpublished and module ids take variables too") {
  const std::string manifest = R"(apiVersion: flowlink/v1
modules:
  closure: {name: Common_Closure_Check, id: "${var.closure_id}"}
rules:
  - name: chat
    flows: {types: [inboundchat], include: ["${var.lines}"]}
    ensure: [{module: closure}]
    unpublished: ${var.policy}
)";
  const std::string environment = R"(apiVersion: flowlink/v1
kind: Environment
variables:
  closure_id: 7d2e-closure
  lines: "Chat_*_Web"
  policy: edit-draft
)";
  const LoadResult result = load(manifest, environment);
  INFO(testing::all_errors(result));
  REQUIRE(result.ok());
  CHECK(result.state.modules.at("closure").id == "7d2e-closure");
  CHECK(result.state.rules[0].flows.matches("inboundchat", "Chat_Sales_Web"));
  CHECK_FALSE(result.state.rules[0].flows.matches("inboundchat", "Chat_Sales_Mobile"));
  CHECK(result.state.rules[0].unpublished == UnpublishedPolicy::EditDraft);

  const LoadResult bad_policy = load(manifest, std::string(environment).replace(environment.find("edit-draft"), 10, "publsh"));
  CHECK_MANIFEST_ERROR(bad_policy, "m.yaml:8:18", "rules[0].unpublished: expected what to do with someone else's");
}

TEST_CASE("$${ is a literal ${, in a value with or without variables") {
  const LoadResult result = load(with_line(12, "          Common.QueueName: \"$${var.queue} is ${var.queue}\""));
  INFO(testing::all_errors(result));
  REQUIRE(result.ok());
  CHECK(result.state.rules[0].ensure[0].inputs.at("Common.QueueName") == "${var.queue} is \"Support Dev\"");

  // Without any environment, an escape still means the literal.
  const LoadResult plain = parse_manifest(R"(apiVersion: flowlink/v1
modules: {m: {name: M}}
rules:
  - name: r
    flows: {types: [inboundcall], include: ["*"]}
    ensure: [{module: m, inputs: {Common.X: "$${not.a.variable}"}}]
)", "p.yaml");
  INFO(testing::all_errors(plain));
  REQUIRE(plain.ok());
  CHECK(plain.state.rules[0].ensure[0].inputs.at("Common.X") == "${not.a.variable}");
  CHECK_FALSE(plain.state.environment);
}

TEST_CASE("an unknown variable is an error at its own column, with a did-you-mean") {
  const LoadResult result = load(with_line(8, "      include: [\"Chat_${var.lines}_*\"]"));
  CHECK_MANIFEST_ERROR(result, "m.yaml:8:23",
                       "rules[0].flows.include[0]: unknown variable 'lines' in ${var.lines}; did you mean 'line'?");
  // The variable it was taken for is not also reported unused.
  CHECK(testing::all_errors(result).find("unused variable 'line'") == std::string::npos);
  CHECK(result.errors.size() == 1);

  // The second reference on a line is found, not the first.
  const LoadResult second = load(with_line(12, "          Common.QueueName: ${var.queue}-${var.qeueu}"));
  CHECK_MANIFEST_ERROR(second, "m.yaml:12:42", "unknown variable 'qeueu' in ${var.qeueu}; did you mean 'queue'?");

  // Nothing close: the variables there are.
  const LoadResult far = load(with_line(12, "          Common.QueueName: ${var.region_code}"));
  CHECK_MANIFEST_ERROR(far, "m.yaml:12:29",
                       "unknown variable 'region_code' in ${var.region_code}; expected one of: line, module, "
                       "publish, queue.");
}

TEST_CASE("without an environment, a variable is unknown and the message says where variables come from") {
  const LoadResult result = parse_manifest(kManifest, "m.yaml");
  CHECK_MANIFEST_ERROR(result, "m.yaml:3:20",
                       "modules.closure.name: unknown variable 'module' in ${var.module}; no environment was given");
  CHECK_MANIFEST_ERROR(result, "m.yaml:12:29", "--env NAME or --env-file PATH");
  CHECK_MANIFEST_ERROR(result, "m.yaml:13:14", "rules[0].publish: unknown variable 'publish'");
}

TEST_CASE("a variable the environment declares and no manifest uses is an error at its declaration") {
  const std::string environment = kEnvironment + "  spare: 1\n";
  const LoadResult result = load(kManifest, environment);
  CHECK_MANIFEST_ERROR(result, "envs/dev.yaml:12:3",
                       "variables.spare: unused variable 'spare': no manifest uses ${var.spare}");
  CHECK(result.errors.size() == 1);
}

TEST_CASE("publish takes a variable only when its value is true or false") {
  // Quoted in the environment: a string, not a boolean.
  std::string environment = kEnvironment;
  environment.replace(environment.find("publish: false"), 14, "publish: \"false\"");
  CHECK_MANIFEST_ERROR(load(kManifest, environment), "m.yaml:13:14",
                       "rules[0].publish: type error: ${var.publish} is the string 'false' (envs/dev.yaml:11:3), "
                       "but publish needs true or false");

  environment = kEnvironment;
  environment.replace(environment.find("publish: false"), 14, "publish: yes");
  CHECK_MANIFEST_ERROR(load(kManifest, environment), "m.yaml:13:14", "is the string 'yes'");

  // Text around the reference cannot be a boolean.
  CHECK_MANIFEST_ERROR(load(with_line(13, "    publish: \"${var.publish}!\"")), "m.yaml:13:14",
                       "expected true or false, or a single ${var.NAME} whose value is true or false");

  // A plain boolean still reads as one.
  const LoadResult literal = load(with_line(13, "    publish: true"), kEnvironment.substr(0, kEnvironment.find("  publish:")));
  INFO(testing::all_errors(literal));
  CHECK(literal.ok());
}

TEST_CASE("a malformed reference is an error, never taken literally") {
  CHECK_MANIFEST_ERROR(load(with_line(12, "          Common.QueueName: x${queue}")), "m.yaml:12:30",
                       "'${' starts a variable reference, written ${var.NAME}; write $${ for a literal '${'");
  CHECK_MANIFEST_ERROR(load(with_line(12, "          Common.QueueName: ${var.queue")), "m.yaml:12:29",
                       "unterminated variable reference");
  CHECK_MANIFEST_ERROR(load(with_line(12, "          Common.QueueName: \"${var.que ue}\"")), "m.yaml:12:30",
                       "'que ue' is not a variable name");
}

TEST_CASE("a variable where values are not substituted is an error, not silently literal") {
  const LoadResult result = load(with_line(5, "  - name: chat-${var.line}"));
  CHECK_MANIFEST_ERROR(result, "m.yaml:5:16",
                       "rules[0].name: ${var.line}: variables are not substituted here; they may be used in bindings");
}

TEST_CASE("a value that a variable leaves blank is an error naming the environment") {
  std::string environment = kEnvironment;
  environment.replace(environment.find("line: Support"), 13, "line: \"\"");
  const LoadResult result = load(with_line(8, "      include: [\"${var.line}\"]"), environment);
  CHECK_MANIFEST_ERROR(result, "m.yaml:8:17", "got an empty string once '${var.line}' was expanded (environment 'dev')");
}

TEST_CASE("the environment file: its own errors with file:line:col, and the manifests are then not read") {
  const auto errors_for = [](const std::string& environment) { return load(kManifest, environment); };
  CHECK_MANIFEST_ERROR(errors_for("apiVersion: flowlink/v1\nvariables: {}\n"), "envs/dev.yaml:1:1",
                       "missing required key 'kind'");
  CHECK_MANIFEST_ERROR(errors_for("apiVersion: flowlink/v1\nkind: Manifest\n"), "envs/dev.yaml:2:7",
                       "kind: expected 'kind: Environment', got 'Manifest'");
  const LoadResult misspelt = errors_for("apiVersion: flowlink/v1\nkind: Environment\nvariabels: {a: 1}\n");
  CHECK_MANIFEST_ERROR(misspelt, "envs/dev.yaml:3:1", "unknown key 'variabels'; did you mean 'variables'?");
  CHECK(misspelt.errors.size() == 1);  // no cascade of unknown variables from the manifest
  CHECK_MANIFEST_ERROR(errors_for("apiVersion: flowlink/v1\nkind: Environment\nvariables:\n  lines: [a, b]\n"),
                       "envs/dev.yaml:4:10", "variables.lines: expected a single value");
  CHECK_MANIFEST_ERROR(errors_for("apiVersion: flowlink/v1\nkind: Environment\nvariables:\n  var.x: 1\n"),
                       "envs/dev.yaml:4:3", "'var.x' is not a variable name");
  CHECK_MANIFEST_ERROR(errors_for("apiVersion: flowlink/v1\nkind: Environment\norg: {regoin: x}\n"),
                       "envs/dev.yaml:3:7", "unknown key 'regoin'; did you mean 'region'?");
  CHECK_MANIFEST_ERROR(errors_for("apiVersion: flowlink/v1\nkind: Environment\nvariables: {a: [\n"),
                       "envs/dev.yaml:4:1", "YAML syntax error");
}

TEST_CASE("module pins: the environment sets a module's id; unknown keys and double pins are errors") {
  const std::string pins = kEnvironment + "modules:\n  closure: {id: closure-in-dev}\n";
  const LoadResult pinned = load(kManifest, pins);
  INFO(testing::all_errors(pinned));
  REQUIRE(pinned.ok());
  CHECK(pinned.state.modules.at("closure").id == "closure-in-dev");

  const LoadResult unknown = load(kManifest, kEnvironment + "modules:\n  closur: {id: x}\n");
  CHECK_MANIFEST_ERROR(unknown, "envs/dev.yaml:13:3",
                       "modules.closur: module pin for 'closur', which no manifest defines; did you mean 'closure'?");

  const LoadResult twice = load(with_line(3, "  closure: {name: \"${var.module}\", id: fixed}"), pins);
  CHECK_MANIFEST_ERROR(twice, "envs/dev.yaml:13:3", "module 'closure' is already pinned to id 'fixed' at m.yaml:3:3");
}

TEST_CASE("an environment file given as a manifest is named for what it is") {
  const LoadResult result = parse_manifest(kEnvironment, "environments/dev.yaml");
  CHECK_MANIFEST_ERROR(result, "environments/dev.yaml:2:7", "this is an environment file (kind: Environment)");
  CHECK(result.errors.size() == 1);
}

TEST_CASE("--env NAME finds environments/NAME.yaml beside the manifests; --env-file names a file") {
  TempDir dir;
  const std::string manifest = dir.write("manifests/support.yaml", kManifest);
  const std::string dev = dir.write("manifests/environments/dev.yaml", kEnvironment);
  dir.write("manifests/environments/prod.yaml", kEnvironment);
  const std::string manifests = (dir.path / "manifests").string();

  // From the directory and from a file in it: the same environment file.
  for (const auto& path : {manifests, manifest}) {
    const EnvironmentLookup found = find_environment({path}, EnvironmentChoice{"dev", ""});
    REQUIRE_FALSE(found.error);
    CHECK(fs::equivalent(found.file, dev));
    CHECK(found.name == "dev");
  }
  CHECK(environment_names({manifests}) == std::vector<std::string>{"dev", "prod"});

  const EnvironmentLookup typo = find_environment({manifests}, EnvironmentChoice{"prd", ""});
  REQUIRE(typo.error);
  CHECK(typo.error->message.find("no environment 'prd': there is no ") != std::string::npos);
  CHECK(typo.error->message.find("environments/prd.yaml") != std::string::npos);
  CHECK(typo.error->message.find("did you mean 'prod'?") != std::string::npos);

  // A name is never a path.
  const EnvironmentLookup path_like = find_environment({manifests}, EnvironmentChoice{"../dev", ""});
  REQUIRE(path_like.error);
  CHECK(path_like.error->message.find("is not an environment name") != std::string::npos);

  const EnvironmentLookup by_file = find_environment({manifests}, EnvironmentChoice{"", dir.write("other/qa.yaml", kEnvironment)});
  REQUIRE_FALSE(by_file.error);
  CHECK(by_file.name == "qa");

  // Loading records it; the fingerprint covers the environment file.
  const LoadResult with_dev = load_manifest({manifests}, EnvironmentChoice{"dev", ""});
  INFO(testing::all_errors(with_dev));
  REQUIRE(with_dev.ok());
  CHECK(with_dev.state.environment->name == "dev");
  std::string other = kEnvironment;
  other.replace(other.find("\"Support Dev\""), 13, "\"Support Prod\"");
  dir.write("manifests/environments/prod.yaml", other);
  const LoadResult with_prod = load_manifest({manifests}, EnvironmentChoice{"prod", ""});
  REQUIRE(with_prod.ok());
  CHECK(with_prod.state.rules[0].ensure[0].inputs.at("Common.QueueName") == "\"Support Prod\"");
  CHECK(with_prod.state.fingerprint != with_dev.state.fingerprint);

  const LoadResult missing = load_manifest({manifests}, EnvironmentChoice{"qa", ""});
  REQUIRE(missing.errors.size() == 1);
  CHECK(missing.errors[0].message.find("no environment 'qa'") != std::string::npos);
}

TEST_CASE("org_mismatch: an environment's org id and name must be the credentials' org's") {
  Environment environment;
  environment.name = "prod";
  environment.file = "environments/prod.yaml";
  CHECK_FALSE(org_mismatch(environment, "any", "Any"));  // nothing declared: any org
  environment.org_id = "org-prod";
  CHECK_FALSE(org_mismatch(environment, "org-prod", "Acme Prod"));
  const auto wrong = org_mismatch(environment, "org-dev", "Acme Dev");
  REQUIRE(wrong);
  CHECK(*wrong == "environment 'prod' (environments/prod.yaml) is for org org-prod, but these credentials belong to "
                  "org 'Acme Dev' (org-dev)");
  environment.org_id.clear();
  environment.org_name = "Acme Prod";
  CHECK(org_mismatch(environment, "org-dev", "Acme Dev"));
}

TEST_CASE("parse_template: references, escapes and lone dollars") {
  const ParsedTemplate parsed = parse_template("a$b $${x} ${var.n-1}$");
  REQUIRE_FALSE(parsed.error);
  REQUIRE(parsed.parts.size() == 3);
  CHECK(parsed.parts[0].text == "a$b ${x} ");
  CHECK(parsed.parts[1].kind == TemplatePart::Kind::Variable);
  CHECK(parsed.parts[1].text == "n-1");
  CHECK(parsed.parts[1].offset == 10);
  CHECK(parsed.parts[2].text == "$");
  Variables variables{{"n-1", Variable{"n-1", "V", false, {}}}};
  CHECK(expand(parsed, variables) == "a$b ${x} V$");
  CHECK(parse_template("${var.x}").is_single_variable());
  CHECK_FALSE(parse_template("${var.x} ").is_single_variable());
  // A value is not scanned again: no recursion, whatever it holds.
  Variables nested{{"x", Variable{"x", "${var.x}", false, {}}}};
  CHECK(expand(parse_template("${var.x}"), nested) == "${var.x}");
}
