// The schemas kept in step with the loader: the promotion example's manifest
// and environment files validate against schemas/manifest.schema.json and
// schemas/environment.schema.json (ajv, via tests/node/check-schema.js), and
// files the loader refuses are refused by the schema too.
#include <doctest/doctest.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <regex>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>
#include <yaml-cpp/yaml.h>

#include "manifest/environment.hpp"
#include "manifest/loader.hpp"

namespace {

namespace fs = std::filesystem;
using Json = nlohmann::ordered_json;

const std::string kSource = FLOWLINK_SOURCE_DIR;
const std::string kExample = kSource + "/examples/environments/manifests";

// YAML as JSON the way the loader reads it: unquoted true/false are booleans,
// unquoted numbers numbers, every other scalar a string.
Json to_json(const YAML::Node& node) {
  switch (node.Type()) {
    case YAML::NodeType::Map: {
      Json out = Json::object();
      for (const auto& pair : node) out[pair.first.Scalar()] = to_json(pair.second);
      return out;
    }
    case YAML::NodeType::Sequence: {
      Json out = Json::array();
      for (const auto& item : node) out.push_back(to_json(item));
      return out;
    }
    case YAML::NodeType::Scalar: {
      const std::string& text = node.Scalar();
      if (node.Tag() == "?") {
        if (text == "true" || text == "false") return text == "true";
        if (std::regex_match(text, std::regex("-?[0-9]+"))) return std::stoll(text);
      }
      return text;
    }
    default: return nullptr;
  }
}

// Runs the schema checker on YAML files converted to JSON; its exit status.
int schema_check(const std::string& schema, const std::vector<std::pair<std::string, std::string>>& yaml_texts) {
  const fs::path dir = fs::path(FLOWLINK_BINARY_DIR) / "test-environment-schema";
  fs::create_directories(dir);
  std::string command = "node '" + kSource + "/tests/node/check-schema.js' '" + kSource + "/schemas/" + schema + "'";
  for (const auto& [name, text] : yaml_texts) {
    std::ofstream(dir / name) << to_json(YAML::Load(text)).dump(2) << "\n";
    command += " '" + (dir / name).string() + "'";
  }
  command += " > '" + (dir / (yaml_texts.front().first + ".log")).string() + "' 2>&1";
  return std::system(command.c_str());
}

std::string read(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  return std::string(std::istreambuf_iterator<char>(in), {});
}

}  // namespace

TEST_CASE("the promotion example validates against the manifest and environment schemas, and loads") {
  REQUIRE_MESSAGE(fs::exists(kSource + "/tests/node/node_modules/ajv/package.json"),
                  "run scripts/install-deps: tests/node/node_modules/ajv is missing");
  CHECK(schema_check("manifest.schema.json", {{"example-support.json", read(kExample + "/support.yaml")}}) == 0);
  std::vector<std::pair<std::string, std::string>> environments;
  for (const std::string env : {"dev", "test", "prod"}) {
    environments.emplace_back("example-" + env + ".json", read(kExample + "/environments/" + env + ".yaml"));
    const auto loaded = flowlink::manifest::load_manifest({kExample}, flowlink::manifest::EnvironmentChoice{env, ""});
    std::string errors;
    for (const auto& e : loaded.errors) errors += e.str() + "\n";
    INFO(env << ": " << errors);
    CHECK(loaded.ok());
  }
  CHECK(schema_check("environment.schema.json", environments) == 0);
}

TEST_CASE("what the loader refuses in an environment or a variable reference, the schemas refuse too") {
  const std::string head = "apiVersion: flowlink/v1\nkind: Environment\n";
  const std::vector<std::pair<std::string, std::string>> bad_environments = {
      {"env-no-kind.json", "apiVersion: flowlink/v1\n"},
      {"env-bad-kind.json", "apiVersion: flowlink/v1\nkind: Manifest\n"},
      {"env-bad-key.json", head + "variabels: {}\n"},
      {"env-list-variable.json", head + "variables: {lines: [a, b]}\n"},
      {"env-bad-variable-name.json", head + "variables: {var.x: 1}\n"},
      {"env-bad-pin.json", head + "modules: {closure: {name: x}}\n"},
      {"env-bad-org.json", head + "org: {regoin: mypurecloud.ie}\n"},
  };
  for (const auto& file : bad_environments) {
    CAPTURE(file.first);
    CHECK(schema_check("environment.schema.json", {file}) != 0);
    std::vector<flowlink::manifest::ManifestError> errors;
    flowlink::manifest::parse_environment(file.second, "e.yaml", "e", errors);
    CHECK_FALSE(errors.empty());
  }
  const std::string rule = "apiVersion: flowlink/v1\nmodules: {m: {name: M}}\nrules:\n  - name: r\n"
                           "    flows: {types: [inboundcall], include: ['*']}\n    ensure: [{module: m}]\n";
  CHECK(schema_check("manifest.schema.json", {{"manifest-publish-var.json", rule + "    publish: ${var.p}\n"}}) == 0);
  CHECK(schema_check("manifest.schema.json", {{"manifest-publish-text.json", rule + "    publish: x${var.p}\n"}}) != 0);
  CHECK(schema_check("manifest.schema.json", {{"manifest-policy-var.json", rule + "    unpublished: ${var.u}\n"}}) ==
        0);
}
