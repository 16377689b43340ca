#pragma once
// Walking a parsed YAML document with locations: every accessor checks the
// node's shape, and on a mismatch records a ManifestError naming
// file:line:col, the key path and what was expected, then returns nothing so
// the caller can carry on and find the next error. Internal to src/manifest.

#include <optional>
#include <set>
#include <string>
#include <string_view>
#include <vector>

#include <yaml-cpp/yaml.h>

#include "manifest/loader.hpp"
#include "manifest/variables.hpp"

namespace flowlink::manifest::detail {

// Key paths as users read them: rules[0].ensure[1].at, inputs["Common.X"].
std::string child_path(std::string_view parent, std::string_view key);
std::string index_path(std::string_view parent, std::size_t index);

// One key: value pair of a mapping, with the key's own location (a null
// value, e.g. `at:` with nothing after it, has no useful mark of its own).
struct MapEntry {
  std::string key;
  YAML::Node key_node;
  YAML::Node value;
  std::string path;          // key path of the value
  SourceLocation key_location;
  SourceLocation value_location;  // the key's location when the value is null
};

struct MapView {
  std::vector<MapEntry> entries;   // in document order, duplicates dropped
  SourceLocation location;
  std::string path;
  // Keys reported as unknown, with the known key each was taken for (empty
  // if none): a misspelt required key is then not also reported missing.
  std::vector<std::pair<std::string, std::string>> rejected;
  const MapEntry* find(std::string_view key) const;
};

// The variables a manifest's values may use (an environment's), and which
// of them were used: shared by the readers of every file of a manifest, so
// that a variable no file uses can be reported.
struct VariableScope {
  const Variables* variables = nullptr;  // null: no environment was given
  std::string environment;               // its name, for messages
  std::set<std::string> used;
  std::set<std::string> suggested;  // offered as "did you mean" for an unknown one
};

class YamlReader {
 public:
  // `text` is the file's content, used to turn yaml-cpp's byte columns into
  // character (code point) columns. Without `variables`, a ${var.NAME} is an
  // unknown variable.
  YamlReader(std::string file, std::string_view text, std::vector<ManifestError>& errors,
             VariableScope* variables = nullptr);

  const std::string& file() const { return file_; }
  SourceLocation location(const YAML::Node& node) const;
  SourceLocation location(int zero_based_line, int zero_based_byte_column) const;

  void error(const SourceLocation& where, std::string key_path, std::string message);

  // A mapping whose keys are all strings. With `allowed`, unknown keys are
  // errors with a suggestion; duplicate keys are always errors. `what`
  // describes the expected map in the error if `node` is not one.
  std::optional<MapView> map(const YAML::Node& node, const SourceLocation& where, const std::string& path,
                             std::string_view what, const std::vector<std::string>* allowed = nullptr);
  // Records "missing required key" at the map when absent.
  const MapEntry* require(const MapView& map, std::string_view key, std::string_view expected);

  // Scalars. `expected` says what should have been there. A ${var.NAME} in
  // a plain string is an error: variables are substituted only where the
  // interpolated_ accessors read.
  std::optional<std::string> string(const MapEntry& entry, std::string_view expected, bool allow_empty = false);
  std::optional<std::string> string(const YAML::Node& node, const SourceLocation& where, const std::string& path,
                                    std::string_view expected, bool allow_empty = false);
  std::optional<bool> boolean(const MapEntry& entry);

  // Strings with ${var.NAME} replaced by the environment's values and $${
  // by ${ (variables.hpp). An unknown variable or a malformed reference is
  // an error at its own column; the value must not be blank once expanded.
  std::optional<std::string> interpolated_string(const MapEntry& entry, std::string_view expected);
  std::optional<std::string> interpolated_string(const YAML::Node& node, const SourceLocation& where,
                                                 const std::string& path, std::string_view expected);
  // true or false, or exactly one ${var.NAME} whose value is true or false.
  std::optional<bool> interpolated_boolean(const MapEntry& entry);
  std::optional<int> positive_int(const MapEntry& entry);
  // A sequence; elements come back with their paths and locations.
  struct Item {
    YAML::Node node;
    std::string path;
    SourceLocation location;
  };
  std::optional<std::vector<Item>> sequence(const MapEntry& entry, std::string_view expected);

 private:
  std::optional<std::string> raw_string(const YAML::Node& node, const SourceLocation& where, const std::string& path,
                                        std::string_view expected, bool allow_empty);
  // The location of `token`, found at byte `offset` of the scalar `node`'s
  // value, in the file (the node's own location when the scalar's text
  // cannot be found on its line, e.g. a multi-line scalar).
  SourceLocation location_in(const YAML::Node& node, const SourceLocation& fallback, std::string_view value,
                             std::size_t offset, std::string_view token) const;
  // Reports what is wrong with `parsed` (a malformed reference, unknown
  // variables); true when it can be expanded.
  bool check_references(const ParsedTemplate& parsed, const YAML::Node& node, const SourceLocation& where,
                        const std::string& path, const std::string& value);

  std::string file_;
  std::vector<std::string> lines_;
  std::vector<ManifestError>& errors_;
  VariableScope* variables_;
};

std::string describe_node_kind(const YAML::Node& node);

}  // namespace flowlink::manifest::detail
