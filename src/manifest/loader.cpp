// Manifest files -> one validated DesiredState. Each file is read on its
// own; the checks that need every file (unique module keys and rule names,
// references to modules) run after all are read, so a directory may keep
// modules and rules in separate files.

#include "manifest/loader.hpp"

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <set>
#include <sstream>

#include "manifest/rule_reader.hpp"
#include "manifest/suggestions.hpp"
#include "manifest/yaml_reader.hpp"
#include "util/encoding.hpp"

namespace flowlink::manifest {

namespace {

namespace fs = std::filesystem;
using detail::MapEntry;
using detail::ModuleReference;
using detail::YamlReader;

const std::string kApiVersion = "flowlink/v1";
const std::vector<std::string> kTopKeys = {"apiVersion", "modules", "rules"};
const std::vector<std::string> kModuleKeys = {"name", "id", "current"};

struct ModuleDefinition {
  ModuleRef ref;
  std::string path;
};

// What one file declares, before the cross-file checks.
struct FileContent {
  std::vector<ModuleDefinition> modules;
  std::vector<Rule> rules;
  std::vector<std::string> rule_paths;
  std::vector<ModuleReference> references;
};

bool valid_module_key(std::string_view key) {
  if (key.empty()) return false;
  auto alnum = [](char c) { return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9'); };
  if (!alnum(key.front())) return false;
  return std::all_of(key.begin(), key.end(), [&](char c) { return alnum(c) || c == '_' || c == '-' || c == '.'; });
}

void read_modules(YamlReader& reader, const MapEntry& entry, FileContent& content) {
  auto map = reader.map(entry.value, entry.value_location, entry.path,
                        "a map of module key -> {name: <common module flow name>}");
  if (!map) return;
  for (const auto& module : map->entries) {
    if (!valid_module_key(module.key)) {
      reader.error(module.key_location, module.path,
                   "module key '" + module.key +
                       "' must start with a letter or digit and contain only letters, digits, '_', '-', '.'");
      continue;
    }
    ModuleDefinition definition;
    definition.ref.key = module.key;
    definition.ref.location = module.key_location;
    definition.path = module.path;
    auto fields = reader.map(module.value, module.value_location, module.path,
                             "a map with 'name' (the common module flow's name) and optional 'id'", &kModuleKeys);
    if (fields) {
      if (const MapEntry* name = reader.require(*fields, "name", "the common module flow's name in Genesys"))
        if (auto value = reader.string(*name, "the common module flow's name")) definition.ref.name = *value;
      if (const MapEntry* id = fields->find("id"))
        if (auto value = reader.string(*id, "the common module flow's id")) definition.ref.id = *value;
      if (const MapEntry* current = fields->find("current"))
        if (auto value = reader.boolean(*current)) definition.ref.current = *value;
    }
    // Even a broken module is recorded so that references to its key are not
    // reported as unknown a second time.
    content.modules.push_back(std::move(definition));
  }
}

// Parses one file's text; appends its problems to `errors`.
FileContent read_file_text(const std::string& text, const std::string& file, std::vector<ManifestError>& errors) {
  FileContent content;
  YamlReader reader(file, text, errors);
  std::vector<YAML::Node> documents;
  try {
    documents = YAML::LoadAll(text);
  } catch (const YAML::Exception& e) {
    SourceLocation where = e.mark.is_null() ? SourceLocation{file, 1, 1} : reader.location(e.mark.line, e.mark.column);
    errors.push_back(ManifestError{where, "", "YAML syntax error: " + e.msg});
    return content;
  }
  documents.erase(std::remove_if(documents.begin(), documents.end(), [](const YAML::Node& d) { return d.IsNull(); }),
                  documents.end());
  if (documents.empty()) {
    reader.error(SourceLocation{file, 1, 1}, "",
                 "the manifest is empty; expected 'apiVersion: " + kApiVersion + "' with 'modules' and 'rules'");
    return content;
  }
  if (documents.size() > 1)
    reader.error(reader.location(documents[1]), "",
                 "expected one YAML document per file, found " + std::to_string(documents.size()) +
                     "; put each in its own file");
  const YAML::Node& root = documents.front();
  auto top = reader.map(root, reader.location(root), "",
                        "a map with 'apiVersion', 'modules' and 'rules' at the top level", &kTopKeys);
  if (!top) return content;

  if (const MapEntry* version = reader.require(*top, "apiVersion", "'apiVersion: " + kApiVersion + "'")) {
    auto value = reader.string(*version, "'" + kApiVersion + "'");
    if (value && *value != kApiVersion)
      reader.error(version->value_location, version->path,
                   "unsupported apiVersion '" + *value + "'; expected '" + kApiVersion + "'");
  }
  if (const MapEntry* modules = top->find("modules")) read_modules(reader, *modules, content);
  if (const MapEntry* rules = top->find("rules")) {
    if (auto items = reader.sequence(*rules, "a list of rules")) {
      for (const auto& item : *items) {
        if (auto rule = detail::read_rule(reader, item, content.references)) {
          content.rules.push_back(std::move(*rule));
          content.rule_paths.push_back(item.path);
        }
      }
    }
  }
  return content;
}

std::string at_location(const SourceLocation& where) { return where.str(); }

// The checks that span files: unique keys, names and flows, known references.
void merge(std::vector<FileContent>& contents, LoadResult& result) {
  auto& errors = result.errors;
  auto& state = result.state;
  std::map<std::string, std::string> module_by_flow_name;  // name -> key
  std::map<std::string, std::string> module_by_flow_id;     // id -> key
  for (auto& content : contents) {
    for (auto& definition : content.modules) {
      const ModuleRef& ref = definition.ref;
      auto existing = state.modules.find(ref.key);
      if (existing != state.modules.end()) {
        errors.push_back(ManifestError{ref.location, definition.path,
                                       "module key '" + ref.key + "' is already defined at " +
                                           at_location(existing->second.location) + "; module keys must be unique"});
        continue;
      }
      if (!ref.name.empty()) {
        auto [it, fresh] = module_by_flow_name.emplace(ref.name, ref.key);
        if (!fresh)
          errors.push_back(ManifestError{ref.location, definition.path,
                                         "modules '" + it->second + "' and '" + ref.key + "' both name the flow '" +
                                             ref.name + "'; use one key per common module"});
      }
      if (ref.id) {
        auto [it, fresh] = module_by_flow_id.emplace(*ref.id, ref.key);
        if (!fresh)
          errors.push_back(ManifestError{ref.location, definition.path,
                                         "modules '" + it->second + "' and '" + ref.key + "' both pin the flow id '" +
                                             *ref.id + "'; use one key per common module"});
      }
      state.modules.emplace(ref.key, ref);
    }
  }
  std::vector<std::string> keys;
  for (const auto& [key, ref] : state.modules) keys.push_back(key);

  std::map<std::string, SourceLocation> rule_names;
  for (auto& content : contents) {
    for (std::size_t i = 0; i < content.rules.size(); ++i) {
      Rule& rule = content.rules[i];
      if (!rule.name.empty()) {
        auto [it, fresh] = rule_names.emplace(rule.name, rule.location);
        if (!fresh)
          errors.push_back(ManifestError{rule.location, content.rule_paths[i] + ".name",
                                         "rule name '" + rule.name + "' is already used at " + at_location(it->second) +
                                             "; rule names must be unique"});
      }
      state.rules.push_back(std::move(rule));
    }
    for (const auto& reference : content.references) {
      if (state.modules.count(reference.key)) continue;
      std::string message = "unknown module '" + reference.key + "';";
      message += keys.empty() ? " no modules are defined under 'modules'"
                              : detail::suggestion_suffix(reference.key, keys);
      errors.push_back(ManifestError{reference.location, reference.path, message});
    }
  }
}

// Errors read best in file order, then line order, whichever check found them.
void sort_errors(LoadResult& result) {
  std::map<std::string, std::size_t> file_order;
  for (std::size_t i = 0; i < result.state.files.size(); ++i) file_order.emplace(result.state.files[i], i);
  auto rank = [&](const ManifestError& e) {
    auto it = file_order.find(e.location.file);
    return std::make_tuple(it == file_order.end() ? std::size_t{0} : it->second + 1, e.location.line,
                           e.location.column);
  };
  std::stable_sort(result.errors.begin(), result.errors.end(),
                   [&](const ManifestError& a, const ManifestError& b) { return rank(a) < rank(b); });
}

bool is_manifest_name(const fs::path& path) {
  std::string name = path.filename().string();
  if (name.empty() || name.front() == '.') return false;  // editor and OS droppings
  std::string ext = path.extension().string();
  return ext == ".yaml" || ext == ".yml";
}

}  // namespace

LoadResult parse_manifest(const std::string& text, const std::string& file) {
  LoadResult result;
  result.state.files.push_back(file);
  std::vector<FileContent> contents;
  contents.push_back(read_file_text(text, file, result.errors));
  result.state.fingerprint = util::sha256_hex(text + '\0');
  merge(contents, result);
  result.state.api_version = kApiVersion;
  sort_errors(result);
  return result;
}

LoadResult load_manifest(const std::vector<std::string>& paths) {
  LoadResult result;
  if (paths.empty()) {
    result.errors.push_back(ManifestError{{}, "", "no manifest file or directory given"});
    return result;
  }
  // Expand directories, keep the order given, read each file once.
  std::vector<std::string> files;
  std::set<std::string> seen;
  auto add_file = [&](const std::string& file) {
    std::error_code ec;
    fs::path canonical = fs::weakly_canonical(file, ec);
    if (seen.insert(ec ? file : canonical.string()).second) files.push_back(file);
  };
  for (const auto& path : paths) {
    std::error_code ec;
    fs::file_status status = fs::status(path, ec);
    if (ec || !fs::exists(status)) {
      result.errors.push_back(ManifestError{{path, 0, 0}, "", "no such file or directory"});
      continue;
    }
    if (fs::is_directory(status)) {
      std::vector<std::string> found;
      for (const auto& item : fs::directory_iterator(path, ec)) {
        std::error_code item_ec;
        if (item.is_regular_file(item_ec) && is_manifest_name(item.path())) found.push_back(item.path().string());
      }
      if (ec) {
        result.errors.push_back(ManifestError{{path, 0, 0}, "", "cannot list directory: " + ec.message()});
        continue;
      }
      if (found.empty()) {
        result.errors.push_back(ManifestError{{path, 0, 0}, "", "directory has no *.yaml or *.yml manifest files"});
        continue;
      }
      std::sort(found.begin(), found.end(), [](const std::string& a, const std::string& b) {
        return fs::path(a).filename().string() < fs::path(b).filename().string();
      });
      for (const auto& file : found) add_file(file);
    } else {
      add_file(path);
    }
  }

  std::vector<FileContent> contents;
  std::string fingerprinted;  // every file's content, NUL-separated
  for (const auto& file : files) {
    std::ifstream in(file, std::ios::binary);
    if (!in) {
      result.errors.push_back(ManifestError{{file, 0, 0}, "", std::string("cannot read file: ") + std::strerror(errno)});
      continue;
    }
    std::ostringstream text;
    text << in.rdbuf();
    if (in.bad()) {
      result.errors.push_back(ManifestError{{file, 0, 0}, "", "cannot read file"});
      continue;
    }
    result.state.files.push_back(file);
    fingerprinted += text.str();
    fingerprinted.push_back('\0');
    contents.push_back(read_file_text(text.str(), file, result.errors));
  }
  result.state.fingerprint = util::sha256_hex(fingerprinted);
  merge(contents, result);
  result.state.api_version = kApiVersion;
  sort_errors(result);
  return result;
}

}  // namespace flowlink::manifest
