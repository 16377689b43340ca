#include "manifest/environment.hpp"

#include <algorithm>
#include <filesystem>
#include <set>

#include "manifest/suggestions.hpp"
#include "manifest/utf8.hpp"
#include "manifest/yaml_reader.hpp"

namespace flowlink::manifest {

namespace {

namespace fs = std::filesystem;
using detail::MapEntry;
using detail::YamlReader;

const std::string kApiVersion = "flowlink/v1";
const std::string kKind = "Environment";
const std::vector<std::string> kTopKeys = {"apiVersion", "kind", "org", "modules", "variables"};
const std::vector<std::string> kOrgKeys = {"region", "id", "name"};
const std::vector<std::string> kPinKeys = {"id"};
const std::vector<std::string> kExtensions = {".yaml", ".yml"};

// The directory whose environments/ serves a -f path.
fs::path manifest_directory(const std::string& path) {
  std::error_code ec;
  if (fs::is_directory(path, ec)) return fs::path(path);
  fs::path parent = fs::path(path).parent_path();
  return parent.empty() ? fs::path(".") : parent;
}

bool is_regular(const fs::path& path) {
  std::error_code ec;
  return fs::is_regular_file(path, ec);
}

// The file's identity, whichever path names it.
std::string identity(const fs::path& path) {
  std::error_code ec;
  fs::path canonical = fs::weakly_canonical(path, ec);
  return ec ? path.lexically_normal().string() : canonical.string();
}

std::string where_looked(const std::vector<std::string>& places) {
  return places.size() == 1 ? places.front() : "any of " + join_list(places);
}

void read_org(YamlReader& reader, const MapEntry& entry, Environment& environment) {
  auto map = reader.map(entry.value, entry.value_location, entry.path,
                        "a map with the org's 'region', and optionally its 'id' and 'name'", &kOrgKeys);
  if (!map) return;
  if (const MapEntry* region = map->find("region"))
    if (auto value = reader.string(*region, "a Genesys Cloud region, e.g. mypurecloud.ie")) environment.region = *value;
  if (const MapEntry* id = map->find("id"))
    if (auto value = reader.string(*id, "the org's id (GET /api/v2/organizations/me)")) environment.org_id = *value;
  if (const MapEntry* name = map->find("name"))
    if (auto value = reader.string(*name, "the org's name")) environment.org_name = *value;
}

void read_pins(YamlReader& reader, const MapEntry& entry, std::map<std::string, ModulePin>& pins) {
  auto map = reader.map(entry.value, entry.value_location, entry.path,
                        "a map of module key -> {id: <the common module's flow id in this org>}");
  if (!map) return;
  for (const auto& module : map->entries) {
    auto fields = reader.map(module.value, module.value_location, module.path,
                             "a map with 'id' (the common module's flow id in this org)", &kPinKeys);
    if (!fields) continue;
    if (const MapEntry* id = reader.require(*fields, "id", "the common module's flow id in this org"))
      if (auto value = reader.string(*id, "the common module's flow id"))
        pins.emplace(module.key, ModulePin{*value, module.key_location});
  }
}

void read_variables(YamlReader& reader, const MapEntry& entry, Variables& variables) {
  auto map = reader.map(entry.value, entry.value_location, entry.path, "a map of variable name -> value");
  if (!map) return;
  for (const auto& item : map->entries) {
    if (!valid_variable_name(item.key)) {
      reader.error(item.key_location, item.path,
                   "'" + item.key + "' is not a variable name (a letter or '_', then letters, digits, '_' or '-')");
      continue;
    }
    if (!item.value.IsScalar()) {
      reader.error(item.value_location, item.path,
                   "expected a single value (a string, a number, or true/false), got " +
                       detail::describe_node_kind(item.value));
      continue;
    }
    Variable variable{item.key, item.value.Scalar(), false, item.key_location};
    // Unquoted true/false is a boolean (what `publish` takes); quoted, a string.
    const bool quoted = item.value.Tag() == "!";
    if (!quoted && (variable.value == "true" || variable.value == "false")) variable.is_boolean = true;
    variables.emplace(item.key, std::move(variable));
  }
}

}  // namespace

bool valid_environment_name(const std::string& name) {
  auto alnum = [](char c) { return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9'); };
  if (name.empty() || name.size() > 100 || !alnum(name.front())) return false;
  return std::all_of(name.begin(), name.end(), [&](char c) { return alnum(c) || c == '_' || c == '-' || c == '.'; });
}

std::vector<std::string> environment_names(const std::vector<std::string>& manifest_paths) {
  std::set<std::string> names;
  for (const auto& path : manifest_paths) {
    std::error_code ec;
    fs::directory_iterator it(manifest_directory(path) / kEnvironmentsDirectory, ec), end;
    for (; !ec && it != end; it.increment(ec)) {
      const fs::path file = it->path();
      const std::string ext = file.extension().string();
      const std::string stem = file.stem().string();
      if (std::find(kExtensions.begin(), kExtensions.end(), ext) != kExtensions.end() &&
          valid_environment_name(stem) && is_regular(file))
        names.insert(stem);
    }
  }
  return {names.begin(), names.end()};
}

EnvironmentLookup find_environment(const std::vector<std::string>& manifest_paths, const EnvironmentChoice& choice) {
  EnvironmentLookup lookup;
  auto fail = [&](std::string file, std::string message) {
    lookup.error = ManifestError{{std::move(file), 0, 0}, "", std::move(message)};
    return lookup;
  };
  if (!choice.name.empty() && !choice.file.empty())
    return fail("", "give either --env NAME or --env-file PATH, not both");
  if (!choice.file.empty()) {
    lookup.file = choice.file;
    lookup.name = fs::path(choice.file).stem().string();
    if (!valid_environment_name(lookup.name))
      return fail(choice.file, "an environment file's name (without extension) names the environment: a letter or "
                               "digit, then letters, digits, '_', '-' or '.'");
    return lookup;
  }
  lookup.name = choice.name;
  if (!valid_environment_name(choice.name))
    return fail("", "'" + choice.name + "' is not an environment name (a letter or digit, then letters, digits, '_', "
                    "'-' or '.'); to name a file, use --env-file PATH");
  std::vector<std::string> looked;
  std::map<std::string, std::string> found;  // identity -> path as found
  std::set<std::string> directories;
  for (const auto& path : manifest_paths) {
    const fs::path directory = manifest_directory(path) / kEnvironmentsDirectory;
    if (!directories.insert(identity(directory)).second) continue;
    for (const auto& ext : kExtensions) {
      const fs::path candidate = directory / (choice.name + ext);
      looked.push_back(candidate.string());
      if (is_regular(candidate)) found.emplace(identity(candidate), candidate.string());
    }
  }
  if (found.size() == 1) {
    lookup.file = found.begin()->second;
    return lookup;
  }
  if (found.size() > 1) {
    std::vector<std::string> files;
    for (const auto& [id, file] : found) files.push_back(file);
    return fail("", "environment '" + choice.name + "' is defined more than once: " + join_list(files) +
                        "; keep one, or name it with --env-file PATH");
  }
  const auto names = environment_names(manifest_paths);
  std::string message = "no environment '" + choice.name + "': there is no " + where_looked(looked) + ";";
  message += names.empty() ? " no environments are defined (environments/NAME.yaml beside the manifests)"
                           : suggestion_suffix(choice.name, names);
  return fail("", message);
}

EnvironmentFile parse_environment(const std::string& text, const std::string& file, const std::string& name,
                                  std::vector<ManifestError>& errors) {
  EnvironmentFile result;
  result.environment.name = name;
  result.environment.file = file;
  YamlReader reader(file, text, errors);
  for (std::size_t i = 0, line = 1, column = 1; i < text.size(); ++column) {
    const std::size_t length = detail::utf8_sequence_length(text, i);
    if (length == 0) {
      reader.error(SourceLocation{file, static_cast<int>(line), static_cast<int>(column)}, "",
                   "invalid UTF-8; an environment file must be UTF-8 text");
      return result;
    }
    if (text[i] == '\n') {
      ++line;
      column = 0;
    }
    i += length;
  }
  YAML::Node root;
  try {
    root = YAML::Load(text);
  } catch (const YAML::Exception& e) {
    SourceLocation where = e.mark.is_null() ? SourceLocation{file, 1, 1} : reader.location(e.mark.line, e.mark.column);
    errors.push_back(ManifestError{where, "", "YAML syntax error: " + e.msg});
    return result;
  }
  const std::string what = "a map with 'apiVersion: " + kApiVersion + "', 'kind: " + kKind +
                           "' and optional 'org', 'modules', 'variables'";
  auto top = reader.map(root, root.IsNull() ? SourceLocation{file, 1, 1} : reader.location(root), "", what, &kTopKeys);
  if (!top) return result;
  if (const MapEntry* version = reader.require(*top, "apiVersion", "'apiVersion: " + kApiVersion + "'")) {
    auto value = reader.string(*version, "'" + kApiVersion + "'");
    if (value && *value != kApiVersion)
      reader.error(version->value_location, version->path,
                   "unsupported apiVersion '" + *value + "'; expected '" + kApiVersion + "'");
  }
  if (const MapEntry* kind = reader.require(*top, "kind", "'kind: " + kKind + "'")) {
    auto value = reader.string(*kind, "'" + kKind + "'");
    if (value && *value != kKind)
      reader.error(kind->value_location, kind->path, "expected 'kind: " + kKind + "', got '" + *value + "'");
  }
  if (const MapEntry* org = top->find("org")) read_org(reader, *org, result.environment);
  if (const MapEntry* modules = top->find("modules")) read_pins(reader, *modules, result.pins);
  if (const MapEntry* variables = top->find("variables")) read_variables(reader, *variables, result.variables);
  return result;
}

std::optional<std::string> org_mismatch(const Environment& environment, const std::string& org_id,
                                        const std::string& org_name) {
  auto differs = [](const std::string& expected, const std::string& actual) {
    return !expected.empty() && expected != actual;
  };
  if (!differs(environment.org_id, org_id) && !differs(environment.org_name, org_name)) return std::nullopt;
  std::string expected = environment.org_name.empty() ? environment.org_id
                         : environment.org_id.empty() ? "'" + environment.org_name + "'"
                                                      : "'" + environment.org_name + "' (" + environment.org_id + ")";
  return "environment '" + environment.name + "' (" + environment.file + ") is for org " + expected +
         ", but these credentials belong to org '" + org_name + "' (" + org_id + ")";
}

}  // namespace flowlink::manifest
