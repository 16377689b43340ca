// Broken manifests: each error names file:line:col, the key path, and what
// was expected. Line and column numbers refer to the YAML text in each case
// (1-based, columns in characters).

#include <doctest/doctest.h>

#include "manifest/loader.hpp"
#include "manifest_test_support.hpp"

using namespace flowlink::manifest;

namespace {

// A valid manifest header: lines 1-5. Rules start on line 6 ("rules:") so the
// first rule item is on line 7.
const std::string kHeader = R"(apiVersion: flowlink/v1
modules:
  validation: {name: Common_Validation_Module}
  legacy-auth: {name: Legacy_Auth_Module}
  survey: {name: Survey_Module}
)";

LoadResult parse(const std::string& text) { return parse_manifest(text, "m.yaml"); }

}  // namespace

TEST_CASE("YAML syntax errors carry yaml-cpp's mark, 1-based") {
  LoadResult result = parse("apiVersion: flowlink/v1\nrules: [\n  - name: x\n");
  REQUIRE(result.errors.size() == 1);
  CHECK(result.errors[0].location.file == "m.yaml");
  CHECK(result.errors[0].location.line >= 2);
  CHECK(result.errors[0].str().find("YAML syntax error: ") != std::string::npos);

  LoadResult bad_map = parse("apiVersion: flowlink/v1\nmodules: a: b\n");
  CHECK_MANIFEST_ERROR(bad_map, "m.yaml:2:11", "YAML syntax error: illegal map value");
}

TEST_CASE("apiVersion must be flowlink/v1") {
  CHECK_MANIFEST_ERROR(parse("apiVersion: flowlink/v2\nmodules: {}\n"), "m.yaml:1:13",
                       "apiVersion: unsupported apiVersion 'flowlink/v2'; expected 'flowlink/v1'");
  CHECK_MANIFEST_ERROR(parse("modules: {}\n"), "m.yaml:1:1", "missing required key 'apiVersion'");
}

TEST_CASE("the top level must be a map of known keys") {
  CHECK_MANIFEST_ERROR(parse("- apiVersion: flowlink/v1\n"), "m.yaml:1:1",
                       "expected a map with 'apiVersion', 'modules' and 'rules' at the top level, got a list");
  CHECK_MANIFEST_ERROR(parse("apiVersion: flowlink/v1\nmodule:\n  m: {name: M}\n"), "m.yaml:2:1",
                       "module: unknown key 'module'; did you mean 'modules'?");
  CHECK_MANIFEST_ERROR(parse("apiVersion: flowlink/v1\nsettings: {}\n"), "m.yaml:2:1",
                       "unknown key 'settings'; expected one of: apiVersion, modules, rules.");
  CHECK_MANIFEST_ERROR(parse("apiVersion: flowlink/v1\n---\napiVersion: flowlink/v1\n"), "m.yaml:3:1",
                       "expected one YAML document per file, found 2");
}

TEST_CASE("every module needs a non-empty name and a well-formed key") {
  LoadResult result = parse(R"(apiVersion: flowlink/v1
modules:
  no-name: {id: abc}
  blank: {name: ""}
  typo: {nmae: X}
  "bad key": {name: Y}
  scalar: Z
  dup-a: {name: Same_Flow}
  dup-b: {name: Same_Flow}
)");
  CHECK_MANIFEST_ERROR(result, "m.yaml:3:12", "modules.no-name: missing required key 'name'");
  CHECK_MANIFEST_ERROR(result, "m.yaml:4:17", "modules.blank.name: expected the common module flow's name, got an empty string");
  CHECK_MANIFEST_ERROR(result, "m.yaml:5:10", "modules.typo.nmae: unknown key 'nmae'; did you mean 'name'?");
  CHECK_MANIFEST_ERROR(result, "m.yaml:6:3", "module key 'bad key' must start with a letter or digit");
  CHECK_MANIFEST_ERROR(result, "m.yaml:7:11", "modules.scalar: expected a map with 'name'");
  CHECK_MANIFEST_ERROR(result, "m.yaml:9:3", "modules 'dup-a' and 'dup-b' both name the flow 'Same_Flow'");
}

TEST_CASE("a key given twice in one map is an error") {
  CHECK_MANIFEST_ERROR(parse(kHeader + "  validation: {name: Other}\n"), "m.yaml:6:3",
                       "modules.validation: duplicate key 'validation' (first given at line 3)");
}

TEST_CASE("rules need a unique non-empty name, flows and something to do") {
  LoadResult result = parse(kHeader + R"(rules:
  - flows: {types: [inboundcall], include: ["*"]}
    ensure: [{module: validation}]
  - name: ""
    flows: {types: [inboundcall], include: ["*"]}
    ensure: [{module: validation}]
  - name: twice
    flows: {types: [inboundcall], include: ["*"]}
    ensure: [{module: validation}]
  - name: twice
    flows: {types: [inboundcall], include: ["*"]}
  - name: no-flows
    remove: [legacy-auth]
    publsh: true
)");
  CHECK_MANIFEST_ERROR(result, "m.yaml:7:5", "rules[0]: missing required key 'name'");
  CHECK_MANIFEST_ERROR(result, "m.yaml:9:11", "rules[1].name: expected a non-empty rule name, got an empty string");
  CHECK_MANIFEST_ERROR(result, "m.yaml:15:5", "rules[3].name: rule name 'twice' is already used at m.yaml:12:5");
  CHECK_MANIFEST_ERROR(result, "m.yaml:15:5", "rules[3]: the rule neither ensures nor removes a module");
  CHECK_MANIFEST_ERROR(result, "m.yaml:17:5", "rules[4]: missing required key 'flows'");
  CHECK_MANIFEST_ERROR(result, "m.yaml:19:5", "rules[4].publsh: unknown key 'publsh'; did you mean 'publish'?");
  CHECK_MANIFEST_ERROR(parse(kHeader + "rules: {a: 1}\n"), "m.yaml:6:8", "rules: expected a list of rules, got a map");
}

TEST_CASE("flows: types are required, known, and never commonmodule") {
  LoadResult result = parse(kHeader + R"(rules:
  - name: a
    flows: {include: ["*"]}
    ensure: [{module: validation}]
  - name: b
    flows: {types: [], include: ["*"]}
    ensure: [{module: validation}]
  - name: c
    flows: {types: [inboundcal, commonmodule, CommonModule, InboundCall, fax], include: ["*"]}
    ensure: [{module: validation}]
  - name: d
    flows: {types: inboundcall, include: ["*"]}
    ensure: [{module: validation}]
)");
  CHECK_MANIFEST_ERROR(result, "m.yaml:8:12", "rules[0].flows: missing required key 'types'");
  CHECK_MANIFEST_ERROR(result, "m.yaml:11:20", "rules[1].flows.types: expected at least one flow type");
  CHECK_MANIFEST_ERROR(result, "m.yaml:14:21",
                       "rules[2].flows.types[0]: unknown flow type 'inboundcal'; did you mean 'inboundcall'?");
  CHECK_MANIFEST_ERROR(result, "m.yaml:14:33",
                       "rules[2].flows.types[1]: 'commonmodule' cannot be a rule target: a common module cannot call a common module");
  CHECK_MANIFEST_ERROR(result, "m.yaml:14:47", "rules[2].flows.types[2]: 'CommonModule' cannot be a rule target");
  CHECK_MANIFEST_ERROR(result, "m.yaml:14:74", "rules[2].flows.types[4]: unknown flow type 'fax'; expected one of: inboundcall,");
  CHECK_MANIFEST_ERROR(result, "m.yaml:17:20", "rules[3].flows.types: expected a non-empty list of flow types");
  CHECK(result.errors.size() == 7);
}

TEST_CASE("flows: include is required; patterns must be well formed") {
  LoadResult result = parse(kHeader + R"(rules:
  - name: a
    flows: {types: [inboundcall]}
    ensure: [{module: validation}]
  - name: b
    flows:
      types: [inboundcall]
      include: []
      exclude: ["regex:("]
    ensure: [{module: validation}]
  - name: c
    flows:
      types: [inboundcall]
      include: ['Support_[0-9', 'Trailing\', "regex:", ""]
      caseSensitive: 'false'
    ensure: [{module: validation}]
)");
  CHECK_MANIFEST_ERROR(result, "m.yaml:8:12", "rules[0].flows: missing required key 'include'");
  CHECK_MANIFEST_ERROR(result, "m.yaml:13:16", "rules[1].flows.include: expected at least one flow-name pattern");
  CHECK_MANIFEST_ERROR(result, "m.yaml:14:17", "rules[1].flows.exclude[0]: invalid regular expression '('");
  CHECK_MANIFEST_ERROR(result, "m.yaml:19:17",
                       "rules[2].flows.include[0]: glob 'Support_[0-9' has a '[' without a closing ']'");
  CHECK_MANIFEST_ERROR(result, "m.yaml:19:33", "rules[2].flows.include[1]: glob 'Trailing\\' ends with a lone '\\'");
  CHECK_MANIFEST_ERROR(result, "m.yaml:19:46", "rules[2].flows.include[2]: empty regular expression after 'regex:'");
  CHECK_MANIFEST_ERROR(result, "m.yaml:19:56", "rules[2].flows.include[3]: expected a flow-name glob or 'regex:' pattern, got an empty string");
  CHECK_MANIFEST_ERROR(result, "m.yaml:20:22",
                       "rules[2].flows.caseSensitive: expected true or false, got the quoted string 'false' (remove the quotes)");
}

TEST_CASE("ensure and remove must name defined modules") {
  LoadResult result = parse(kHeader + R"(rules:
  - name: a
    flows: {types: [inboundcall], include: ["*"]}
    ensure:
      - module: validaton
      - at: start
    remove: [legacy_auth, nothing-like-it]
)");
  CHECK_MANIFEST_ERROR(result, "m.yaml:10:17",
                       "rules[0].ensure[0].module: unknown module 'validaton'; did you mean 'validation'?");
  CHECK_MANIFEST_ERROR(result, "m.yaml:11:9", "rules[0].ensure[1]: missing required key 'module'");
  CHECK_MANIFEST_ERROR(result, "m.yaml:12:14",
                       "rules[0].remove[0]: unknown module 'legacy_auth'; did you mean 'legacy-auth'?");
  CHECK_MANIFEST_ERROR(result, "m.yaml:12:27",
                       "rules[0].remove[1]: unknown module 'nothing-like-it'; expected one of: legacy-auth, survey, validation.");

  LoadResult none = parse("apiVersion: flowlink/v1\nrules:\n  - name: a\n    flows: {types: [bot], include: [x]}\n"
                          "    remove: [m]\n");
  CHECK_MANIFEST_ERROR(none, "m.yaml:5:14", "unknown module 'm'; no modules are defined under 'modules'");
}

TEST_CASE("a module is ensured or removed at most once per rule") {
  LoadResult result = parse(kHeader + R"(rules:
  - name: a
    flows: {types: [inboundcall], include: ["*"]}
    ensure:
      - module: validation
      - {module: survey, at: start}
      - module: validation
        at: {task: Main}
    remove: [survey, legacy-auth, legacy-auth]
)");
  CHECK_MANIFEST_ERROR(result, "m.yaml:12:17",
                       "rules[0].ensure[2].module: module 'validation' is ensured twice in this rule (first at line 10)");
  CHECK_MANIFEST_ERROR(result, "m.yaml:14:14",
                       "rules[0].remove[0]: module 'survey' is both ensured and removed in this rule (ensured at line 11)");
  CHECK_MANIFEST_ERROR(result, "m.yaml:14:35", "rules[0].remove[2]: module 'legacy-auth' is removed twice in this rule");
  CHECK(result.errors.size() == 3);
}

TEST_CASE("inputs and outputs map Common.* variables to expressions") {
  LoadResult result = parse(kHeader + R"(rules:
  - name: a
    flows: {types: [inboundcall], include: ["*"]}
    ensure:
      - module: validation
        inputs:
          CallerAni: Call.Ani
          Common.: Call.Ani
          Common.Language: {expr: Call.Language}
          Common.Empty: ""
        outputs: [Flow.IsValid]
)");
  CHECK_MANIFEST_ERROR(result, "m.yaml:12:11",
                       "rules[0].ensure[0].inputs.CallerAni: module input 'CallerAni' must name a common-module variable: "
                       "'Common.' followed by its name, e.g. 'Common.CallerAni'");
  CHECK_MANIFEST_ERROR(result, "m.yaml:13:11", "inputs[\"Common.\"]: module input 'Common.' must name");
  CHECK_MANIFEST_ERROR(result, "m.yaml:14:28",
                       "inputs[\"Common.Language\"]: expected an expression to pass in, e.g. \"Call.Ani\", got a map");
  CHECK_MANIFEST_ERROR(result, "m.yaml:15:25", "inputs[\"Common.Empty\"]: expected an expression to pass in");
  CHECK_MANIFEST_ERROR(result, "m.yaml:16:18",
                       "rules[0].ensure[0].outputs: expected a map of module variable -> expression");
}

TEST_CASE("at: 'start' or exactly one of task/after/before") {
  LoadResult result = parse(kHeader + R"(rules:
  - name: a
    flows: {types: [inboundcall], include: ["*"]}
    ensure:
      - {module: validation, at: end}
      - {module: survey, at: strat}
      - {module: legacy-auth, at: after}
  - name: b
    flows: {types: [inboundcall], include: ["*"]}
    ensure:
      - module: validation
        at: {task: Main, after: "Play Welcome"}
      - module: survey
        at: {}
      - module: legacy-auth
        at: {afer: "Play Welcome"}
  - name: c
    flows: {types: [inboundcall], include: ["*"]}
    ensure:
      - module: validation
        at:
      - module: survey
        at: {task: ""}
)");
  CHECK_MANIFEST_ERROR(result, "m.yaml:10:34",
                       "rules[0].ensure[0].at: expected 'start' or a map with exactly one of 'task', 'after', 'before', got 'end'");
  CHECK_MANIFEST_ERROR(result, "m.yaml:11:30", "got 'strat' (did you mean 'start'?)");
  CHECK_MANIFEST_ERROR(result, "m.yaml:12:35", "got 'after' ('after' needs a value, e.g. at: {after: \"Name\"})");
  CHECK_MANIFEST_ERROR(result, "m.yaml:17:13",
                       "rules[1].ensure[0].at: expected exactly one of 'task', 'after', 'before', got 'task', 'after'");
  CHECK_MANIFEST_ERROR(result, "m.yaml:19:13", "rules[1].ensure[1].at: expected exactly one of 'task', 'after', 'before', got an empty map");
  CHECK_MANIFEST_ERROR(result, "m.yaml:21:14", "rules[1].ensure[2].at.afer: unknown key 'afer'; did you mean 'after'?");
  CHECK_MANIFEST_ERROR(result, "m.yaml:26:9", "rules[2].ensure[0].at: expected 'start' or a map with exactly one of");
  CHECK_MANIFEST_ERROR(result, "m.yaml:28:20", "rules[2].ensure[1].at.task: expected a task name, got an empty string");
}

TEST_CASE("anchors: a name, or a map with name/trackingId/type; trackingId positive") {
  LoadResult result = parse(kHeader + R"(rules:
  - name: a
    flows: {types: [inboundcall], include: ["*"]}
    ensure:
      - module: validation
        at: {after: {}}
      - module: survey
        at: {before: {trackingId: 0}}
      - module: legacy-auth
        at: {after: {trackingId: "27", type: UpdateVariableAction}}
  - name: b
    flows: {types: [inboundcall], include: ["*"]}
    ensure:
      - module: validation
        at: {before: {name: X, trackingID: 3}}
      - module: survey
        at: {after: [X]}
      - module: legacy-auth
        at: {after: {trackingId: -4}}
)");
  CHECK_MANIFEST_ERROR(result, "m.yaml:11:21",
                       "rules[0].ensure[0].at.after: expected at least one of 'name', 'trackingId', 'type'");
  CHECK_MANIFEST_ERROR(result, "m.yaml:13:35",
                       "rules[0].ensure[1].at.before.trackingId: expected a positive integer (1 or more), got '0'");
  CHECK_MANIFEST_ERROR(result, "m.yaml:15:34", "at.after.trackingId: expected a positive integer (1 or more), got the quoted string '27'");
  CHECK_MANIFEST_ERROR(result, "m.yaml:20:32",
                       "rules[1].ensure[0].at.before.trackingID: unknown key 'trackingID'; did you mean 'trackingId'?");
  CHECK_MANIFEST_ERROR(result, "m.yaml:22:21",
                       "rules[1].ensure[1].at.after: expected an action name, or a map with 'name', 'trackingId' and/or 'type', got a list");
  CHECK_MANIFEST_ERROR(result, "m.yaml:24:34", "got '-4'");
}

TEST_CASE("move, dedupe and publish are booleans; ensure entries have known keys") {
  LoadResult result = parse(kHeader + R"(rules:
  - name: a
    flows: {types: [inboundcall], include: ["*"]}
    publish: maybe
    ensure:
      - module: validation
        move: yes
        dedupe: 1
        modul: survey
)");
  CHECK_MANIFEST_ERROR(result, "m.yaml:9:14", "rules[0].publish: expected true or false, got 'maybe'");
  CHECK_MANIFEST_ERROR(result, "m.yaml:12:15", "rules[0].ensure[0].move: expected true or false, got 'yes'");
  CHECK_MANIFEST_ERROR(result, "m.yaml:13:17", "rules[0].ensure[0].dedupe: expected true or false, got '1'");
  CHECK_MANIFEST_ERROR(result, "m.yaml:14:9", "rules[0].ensure[0].modul: unknown key 'modul'; did you mean 'module'?");
}

TEST_CASE("all errors are collected, in file order") {
  LoadResult result = parse(R"(apiVersion: flowlink/v0
modules:
  m: {}
rules:
  - name: r
    flows: {types: [inboundcalls], include: ["[x"]}
    ensure: [{module: n, at: nowhere}]
    publish: "true"
)");
  INFO(testing::all_errors(result));
  REQUIRE(result.errors.size() == 7);
  CHECK(result.errors[0].str().rfind("m.yaml:1:13: apiVersion:", 0) == 0);
  CHECK(result.errors[1].str().rfind("m.yaml:3:6: modules.m: missing required key 'name'", 0) == 0);
  CHECK(result.errors[2].str().rfind("m.yaml:6:21: rules[0].flows.types[0]: unknown flow type", 0) == 0);
  CHECK(result.errors[3].str().rfind("m.yaml:6:46: rules[0].flows.include[0]: glob '[x'", 0) == 0);
  CHECK(result.errors[4].str().rfind("m.yaml:7:23: rules[0].ensure[0].module: unknown module 'n'", 0) == 0);
  CHECK(result.errors[5].str().rfind("m.yaml:7:30: rules[0].ensure[0].at:", 0) == 0);
  CHECK(result.errors[6].str().rfind("m.yaml:8:14: rules[0].publish:", 0) == 0);
}

TEST_CASE("columns count characters, not bytes, on non-ASCII lines") {
  LoadResult result = parse(kHeader + R"(rules:
  - name: "Réception ☎"
    flows: {types: [inboundcall], include: ["Réception_*"], façade: 1}
    ensure: [{module: validation}]
)");
  // "    flows: {types: [inboundcall], include: ["Réception_*"], " is 60 characters (61 bytes).
  CHECK_MANIFEST_ERROR(result, "m.yaml:8:61", "rules[0].flows[\"façade\"]: unknown key 'façade'");
}

TEST_CASE("a misspelt required key is reported once, as a misspelling") {
  LoadResult result = parse(kHeader + R"(rules:
  - nmae: a
    flows: {types: [inboundcall], include: ["*"]}
    ensur: [{module: validation, at: {afer: X}}]
)");
  INFO(testing::all_errors(result));
  REQUIRE(result.errors.size() == 2);
  CHECK(result.errors[0].str() == "m.yaml:7:5: rules[0].nmae: unknown key 'nmae'; did you mean 'name'?");
  CHECK(result.errors[1].str() == "m.yaml:9:5: rules[0].ensur: unknown key 'ensur'; did you mean 'ensure'?");
}

TEST_CASE("a broken module definition is reported once, not again at each use") {
  LoadResult result = parse(R"(apiVersion: flowlink/v1
modules:
  m: Just_A_Name
rules:
  - name: r
    flows: {types: [bot], include: ["*"]}
    ensure: [{module: m}]
)");
  INFO(testing::all_errors(result));
  REQUIRE(result.errors.size() == 1);
  CHECK(result.errors[0].str().rfind("m.yaml:3:6: modules.m: expected a map with 'name'", 0) == 0);
}
