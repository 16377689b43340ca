// Manifest files -> one validated DesiredState. Each file is read on its
// own; the checks that need every file (unique module keys and rule names,
// references to modules) run after all are read, so a directory may keep
// modules and rules in separate files.

#include "manifest/loader.hpp"

#include <algorithm>
#include <cerrno>
#include <cstdio>
#include <cstring>
#include <filesystem>
#include <memory>
#include <set>

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include "manifest/environment.hpp"
#include "manifest/rule_reader.hpp"
#include "manifest/suggestions.hpp"
#include "manifest/utf8.hpp"
#include "manifest/yaml_documents.hpp"
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
        if (auto value = reader.interpolated_string(*name, "the common module flow's name"))
          definition.ref.name = *value;
      if (const MapEntry* id = fields->find("id"))
        if (auto value = reader.interpolated_string(*id, "the common module flow's id")) definition.ref.id = *value;
      if (const MapEntry* current = fields->find("current"))
        if (auto value = reader.boolean(*current)) definition.ref.current = *value;
    }
    // Even a broken module is recorded so that references to its key are not
    // reported as unknown a second time.
    content.modules.push_back(std::move(definition));
  }
}

// The key path of each YAML node, by the node's position: a position's
// path is that of the last node starting at or before it on the same line
// (yaml-cpp gives no end marks; a comment line gets no path). Walked with an
// explicit stack; each collection is entered once, so aliases cannot make
// the walk loop or multiply.
struct NodePaths {
  std::vector<std::pair<std::pair<int, int>, std::string>> marks;  // (line, byte column) -> path, sorted

  explicit NodePaths(const std::vector<YAML::Node>& documents) {
    std::vector<std::pair<YAML::Node, std::string>> stack;
    for (auto it = documents.rbegin(); it != documents.rend(); ++it) stack.emplace_back(*it, "");
    std::set<std::pair<int, int>> entered;
    while (!stack.empty()) {
      auto [node, path] = std::move(stack.back());
      stack.pop_back();
      const YAML::Mark mark = node.Mark();
      if (mark.is_null()) continue;
      marks.emplace_back(std::make_pair(mark.line, mark.column), path);
      if (!node.IsMap() && !node.IsSequence()) continue;
      if (!entered.insert({mark.line, mark.column}).second) continue;
      std::size_t index = 0;
      for (const auto& child : node) {
        if (node.IsMap()) {
          const YAML::Node key = child.first;
          const YAML::Node value = child.second;
          std::string child_path = key.IsScalar() ? detail::child_path(path, key.Scalar()) : path;
          stack.emplace_back(key, child_path);
          stack.emplace_back(value, child_path);
        } else {
          stack.emplace_back(YAML::Node(child), detail::index_path(path, index++));
        }
      }
    }
    std::stable_sort(marks.begin(), marks.end(),
                     [](const auto& a, const auto& b) { return a.first < b.first; });
  }

  std::string at(int line, int column) const {
    auto after = std::upper_bound(marks.begin(), marks.end(), std::make_pair(line, column),
                                  [](const auto& position, const auto& entry) { return position < entry.first; });
    if (after == marks.begin() || std::prev(after)->first.first != line) return {};
    return std::prev(after)->second;
  }
};

// A manifest is UTF-8 text. Each line with bytes that are not UTF-8 is an
// error at the first such byte (at most kMaxReported lines, then a count).
// Returns whether the text is clean.
bool check_utf8(const std::string& text, YamlReader& reader) {
  constexpr std::size_t kMaxReported = 10;
  struct Bad {
    int line;
    int column;
    unsigned char byte;
  };
  std::vector<Bad> bad;
  std::size_t lines_with_bad = 0;
  int line = 0;
  std::size_t line_start = 0;
  int last_bad_line = -1;
  for (std::size_t i = 0; i < text.size();) {
    if (std::size_t length = detail::utf8_sequence_length(text, i)) {
      if (text[i] == '\n') {
        ++line;
        line_start = i + 1;
      }
      i += length;
      continue;
    }
    if (line != last_bad_line) {
      last_bad_line = line;
      ++lines_with_bad;
      if (bad.size() < kMaxReported)
        bad.push_back(Bad{line, static_cast<int>(i - line_start), static_cast<unsigned char>(text[i])});
    }
    ++i;
  }
  if (bad.empty()) return true;
  // Parsed only to name the key paths; yaml-cpp passes such bytes through.
  std::vector<YAML::Node> documents;
  try {
    documents = detail::load_all_documents(text);
  } catch (const YAML::Exception&) {
  }
  NodePaths paths(documents);
  for (const auto& b : bad) {
    char hex[8];
    std::snprintf(hex, sizeof hex, "0x%02X", b.byte);
    reader.error(reader.location(b.line, b.column), paths.at(b.line, b.column),
                 std::string("invalid UTF-8 (byte ") + hex + "); a manifest must be UTF-8 text");
  }
  if (lines_with_bad > bad.size())
    reader.error(reader.location(bad.back().line, bad.back().column), "",
                 "invalid UTF-8 on " + std::to_string(lines_with_bad - bad.size()) + " more lines");
  return false;
}

// Parses one file's text; appends its problems to `errors`.
FileContent read_file_text(const std::string& text, const std::string& file, std::vector<ManifestError>& errors,
                           detail::VariableScope* variables) {
  FileContent content;
  YamlReader reader(file, text, errors, variables);
  if (!check_utf8(text, reader)) return content;
  std::vector<YAML::Node> documents;
  try {
    documents = detail::load_all_documents(text);
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
  if (root.IsMap() && root["kind"] && root["kind"].IsScalar() && root["kind"].Scalar() == "Environment") {
    reader.error(reader.location(root["kind"]), "kind",
                 "this is an environment file (kind: Environment), not a manifest: give it with --env-file "
                 "(or keep it in environments/ beside the manifests and use --env NAME)");
    return content;
  }
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
                              : suggestion_suffix(reference.key, keys);
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

std::string describe_file_type(mode_t mode) {
  if (S_ISDIR(mode)) return "a directory";
  if (S_ISCHR(mode)) return "a character device";
  if (S_ISBLK(mode)) return "a block device";
  if (S_ISFIFO(mode)) return "a named pipe";
  if (S_ISSOCK(mode)) return "a socket";
  return "not a regular file";
}

std::string not_regular(mode_t mode) {
  return "not a regular file (" + describe_file_type(mode) + "); a manifest must be a regular file or a directory";
}

std::string too_large(std::uintmax_t size) {
  return "the file is " + (size > kMaxManifestBytes ? std::to_string(size) + " bytes" : std::string("larger")) +
         "; a manifest file may be at most " + std::to_string(kMaxManifestBytes) + " bytes (1 MiB)";
}

// Why `path` (which stat could not follow) cannot be read: a dangling
// symbolic link, a loop of links, or the system's reason.
std::string unreachable(const fs::path& path, const std::error_code& status_error) {
  std::error_code ec;
  if (fs::is_symlink(fs::symlink_status(path, ec))) {
    if (status_error.value() == ELOOP) return "symbolic link loop (too many levels of symbolic links)";
    std::error_code read_ec;
    fs::path target = fs::read_symlink(path, read_ec);
    if (status_error.value() == ENOENT)
      return "dangling symbolic link: its target '" + target.string() + "' does not exist";
    return "cannot follow symbolic link to '" + target.string() + "': " + status_error.message();
  }
  if (status_error.value() == ENOENT) return "no such file or directory";
  return "cannot read: " + status_error.message();
}

// Closes a descriptor on every path out.
struct FileDescriptor {
  int fd = -1;
  ~FileDescriptor() {
    if (fd >= 0) ::close(fd);
  }
};

// The identity of a file, whichever path reached it (symlinks, `a/../a`,
// hard links).
using FileIdentity = std::pair<dev_t, ino_t>;

// Reads a manifest file: a regular file of at most kMaxManifestBytes, read
// with that bound (a device or a growing file is never slurped). Returns
// false with `problem` set.
bool read_bounded(const std::string& file, std::string& text, FileIdentity& identity, std::string& problem) {
  // stat first: opening a device or a FIFO can block or have side effects.
  struct stat st {};
  if (::stat(file.c_str(), &st) != 0) {
    problem = unreachable(file, std::error_code(errno, std::generic_category()));
    return false;
  }
  if (!S_ISREG(st.st_mode)) {
    problem = not_regular(st.st_mode);
    return false;
  }
  FileDescriptor in;
  in.fd = ::open(file.c_str(), O_RDONLY | O_CLOEXEC | O_NOCTTY | O_NONBLOCK);
  if (in.fd < 0) {
    problem = std::string("cannot read file: ") + std::strerror(errno);
    return false;
  }
  // The file may have been swapped since the stat: judge what was opened.
  if (::fstat(in.fd, &st) != 0) {
    problem = std::string("cannot read file: ") + std::strerror(errno);
    return false;
  }
  if (!S_ISREG(st.st_mode)) {
    problem = not_regular(st.st_mode);
    return false;
  }
  if (static_cast<std::uintmax_t>(st.st_size) > kMaxManifestBytes) {
    problem = too_large(static_cast<std::uintmax_t>(st.st_size));
    return false;
  }
  identity = {st.st_dev, st.st_ino};
  text.clear();
  char buffer[64 * 1024];
  for (;;) {
    ssize_t got = ::read(in.fd, buffer, sizeof buffer);
    if (got < 0) {
      if (errno == EINTR) continue;
      problem = std::string("cannot read file: ") + std::strerror(errno);
      return false;
    }
    if (got == 0) break;
    if (text.size() + static_cast<std::size_t>(got) > kMaxManifestBytes) {
      problem = too_large(0);  // it grew while being read
      return false;
    }
    text.append(buffer, static_cast<std::size_t>(got));
  }
  return true;
}


// An environment applied to the manifests being read: its file, read, and
// the variables the manifests used.
struct EnvironmentContext {
  EnvironmentFile file;
  std::string text;
  detail::VariableScope scope;
};

std::unique_ptr<EnvironmentContext> environment_from_text(std::string text, const std::string& file,
                                                          const std::string& name, LoadResult& result) {
  auto context = std::make_unique<EnvironmentContext>();
  const std::size_t errors_before = result.errors.size();
  context->file = parse_environment(text, file, name, result.errors);
  if (result.errors.size() != errors_before) return nullptr;
  context->text = std::move(text);
  context->scope.variables = &context->file.variables;
  context->scope.environment = name;
  return context;
}

// The environment file for `choice`; nothing (its errors recorded) when it
// cannot be used.
std::unique_ptr<EnvironmentContext> open_environment(const std::vector<std::string>& paths,
                                                     const EnvironmentChoice& choice, LoadResult& result) {
  const EnvironmentLookup lookup = find_environment(paths, choice);
  if (lookup.error) {
    result.errors.push_back(*lookup.error);
    return nullptr;
  }
  std::string text, problem;
  FileIdentity identity;
  if (!read_bounded(lookup.file, text, identity, problem)) {
    result.errors.push_back(ManifestError{{lookup.file, 0, 0}, "", "environment file: " + problem});
    return nullptr;
  }
  return environment_from_text(std::move(text), lookup.file, lookup.name, result);
}

// The environment's module pins set the ids of the modules they name.
void apply_pins(const EnvironmentContext& environment, std::vector<FileContent>& contents,
                std::vector<ManifestError>& errors) {
  std::map<std::string, ModuleDefinition*> definitions;  // the first definition of each key
  for (auto& content : contents)
    for (auto& definition : content.modules) definitions.emplace(definition.ref.key, &definition);
  std::vector<std::string> keys;
  for (const auto& [key, definition] : definitions) keys.push_back(key);
  for (const auto& [key, pin] : environment.file.pins) {
    auto found = definitions.find(key);
    if (found == definitions.end()) {
      errors.push_back(ManifestError{pin.location, "modules." + key,
                                     "module pin for '" + key + "', which no manifest defines;" +
                                         (keys.empty() ? std::string(" the manifests define no modules")
                                                       : suggestion_suffix(key, keys))});
      continue;
    }
    ModuleRef& ref = found->second->ref;
    if (ref.id) {
      errors.push_back(ManifestError{pin.location, "modules." + key,
                                     "module '" + key + "' is already pinned to id '" + *ref.id + "' at " +
                                         ref.location.str() + "; pin it in one place"});
      continue;
    }
    ref.id = pin.id;
  }
}

// Every variable the environment declares must be used: one left over is
// most likely a reference misspelt or deleted.
void check_unused(const EnvironmentContext& environment, std::vector<ManifestError>& errors) {
  for (const auto& [name, variable] : environment.file.variables) {
    if (environment.scope.used.count(name)) continue;
    // Offered as "did you mean" for an unknown variable: that error says it.
    if (environment.scope.suggested.count(name)) continue;
    errors.push_back(ManifestError{variable.location, "variables." + name,
                                   "unused variable '" + name + "': no manifest uses ${var." + name +
                                       "}; remove it, or use it"});
  }
}

// What the loaders share once the manifest texts are read: the environment's
// part, the cross-file checks, the fingerprint.
void finish(std::vector<FileContent>& contents, std::string fingerprinted, const EnvironmentContext* environment,
            LoadResult& result) {
  if (environment) {
    apply_pins(*environment, contents, result.errors);
    if (!contents.empty()) check_unused(*environment, result.errors);
    result.state.environment = environment->file.environment;
    fingerprinted += "environment " + environment->file.environment.name + '\0' + environment->text + '\0';
  }
  result.state.fingerprint = util::sha256_hex(fingerprinted);
  merge(contents, result);
  result.state.api_version = kApiVersion;
  sort_errors(result);
}

LoadResult parse_with(const std::string& text, const std::string& file, EnvironmentContext* environment,
                      LoadResult result) {
  result.state.files.push_back(file);
  std::vector<FileContent> contents;
  if (text.size() > kMaxManifestBytes)
    result.errors.push_back(ManifestError{{file, 0, 0}, "", too_large(text.size())});
  else
    contents.push_back(read_file_text(text, file, result.errors, environment ? &environment->scope : nullptr));
  finish(contents, text + '\0', environment, result);
  return result;
}

}  // namespace

LoadResult parse_manifest(const std::string& text, const std::string& file) {
  return parse_with(text, file, nullptr, LoadResult{});
}

LoadResult parse_manifest(const std::string& text, const std::string& file, const std::string& environment_text,
                          const std::string& environment_file) {
  LoadResult result;
  auto environment =
      environment_from_text(environment_text, environment_file, fs::path(environment_file).stem().string(), result);
  if (!environment) {
    sort_errors(result);
    return result;
  }
  return parse_with(text, file, environment.get(), std::move(result));
}

LoadResult load_manifest(const std::vector<std::string>& paths) { return load_manifest(paths, EnvironmentChoice{}); }

LoadResult load_manifest(const std::vector<std::string>& paths, const EnvironmentChoice& choice) {
  LoadResult result;
  if (paths.empty()) {
    result.errors.push_back(ManifestError{{}, "", "no manifest file or directory given"});
    return result;
  }
  std::unique_ptr<EnvironmentContext> environment;
  if (!choice.empty()) {
    environment = open_environment(paths, choice, result);
    if (!environment) return result;
  }
  auto fail = [&](const std::string& path, std::string message) {
    result.errors.push_back(ManifestError{{path, 0, 0}, "", std::move(message)});
  };
  // Expand directories, keep the order given.
  std::vector<std::string> files;
  for (const auto& path : paths) {
    std::error_code ec;
    fs::file_status status = fs::status(path, ec);
    if (ec || !fs::exists(status)) {
      fail(path, unreachable(path, ec ? ec : std::make_error_code(std::errc::no_such_file_or_directory)));
      continue;
    }
    if (!fs::is_directory(status)) {
      files.push_back(path);  // read_bounded refuses what is not a regular file
      continue;
    }
    std::vector<std::string> found;
    bool unusable = false;  // a manifest-named entry that cannot be read
    fs::directory_iterator it(path, ec), end;
    for (; !ec && it != end; it.increment(ec)) {
      const fs::path item = it->path();
      if (!is_manifest_name(item)) continue;
      std::error_code item_ec;
      fs::file_status item_status = fs::status(item, item_ec);
      if (item_ec || !fs::exists(item_status)) {
        // A dangling or looping link is a manifest that silently went missing.
        fail(item.string(), unreachable(item, item_ec ? item_ec : std::make_error_code(std::errc::no_such_file_or_directory)));
        unusable = true;
      } else if (fs::is_directory(item_status)) {
        continue;  // subdirectories are not read, whatever their name
      } else if (fs::is_regular_file(item_status)) {
        found.push_back(item.string());
      } else {
        struct stat st {};
        fail(item.string(), ::stat(item.c_str(), &st) == 0 ? not_regular(st.st_mode) : "not a regular file");
        unusable = true;
      }
    }
    if (ec) {
      fail(path, "cannot list directory: " + ec.message());
      continue;
    }
    if (found.empty()) {
      if (!unusable) fail(path, "directory has no *.yaml or *.yml manifest files");
      continue;
    }
    std::sort(found.begin(), found.end(), [](const std::string& a, const std::string& b) {
      return fs::path(a).filename().string() < fs::path(b).filename().string();
    });
    files.insert(files.end(), found.begin(), found.end());
  }

  // Read each file once, however many paths lead to it.
  std::vector<FileContent> contents;
  std::string fingerprinted;  // every file's content, NUL-separated
  std::set<FileIdentity> read;
  for (const auto& file : files) {
    std::string text, problem;
    FileIdentity identity;
    if (!read_bounded(file, text, identity, problem)) {
      fail(file, problem);
      continue;
    }
    if (!read.insert(identity).second) continue;
    result.state.files.push_back(file);
    fingerprinted += text;
    fingerprinted.push_back('\0');
    contents.push_back(read_file_text(text, file, result.errors, environment ? &environment->scope : nullptr));
  }
  finish(contents, std::move(fingerprinted), environment.get(), result);
  return result;
}

}  // namespace flowlink::manifest
