#include "manifest/yaml_reader.hpp"

#include <algorithm>
#include <climits>

#include "manifest/suggestions.hpp"

namespace flowlink::manifest::detail {

namespace {

bool is_plain_key(std::string_view key) {
  if (key.empty()) return false;
  return std::all_of(key.begin(), key.end(), [](char c) {
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_' || c == '-';
  });
}

// yaml-cpp tags plain (unquoted) scalars "?" and quoted ones "!".
bool is_quoted(const YAML::Node& node) { return node.Tag() == "!"; }

bool is_blank(std::string_view s) {
  return std::all_of(s.begin(), s.end(), [](char c) { return c == ' ' || c == '\t' || c == '\r' || c == '\n'; });
}

}  // namespace

std::string child_path(std::string_view parent, std::string_view key) {
  std::string out(parent);
  if (is_plain_key(key)) {
    if (!out.empty()) out += '.';
    out += key;
  } else {
    out += "[\"";
    out += key;
    out += "\"]";
  }
  return out;
}

std::string index_path(std::string_view parent, std::size_t index) {
  return std::string(parent) + "[" + std::to_string(index) + "]";
}

std::string describe_node_kind(const YAML::Node& node) {
  switch (node.Type()) {
    case YAML::NodeType::Map: return "a map";
    case YAML::NodeType::Sequence: return "a list";
    case YAML::NodeType::Scalar:
      return (is_quoted(node) ? "the quoted string '" : "'") + node.Scalar() + "'";
    case YAML::NodeType::Null:
    case YAML::NodeType::Undefined: return "nothing";
  }
  return "nothing";
}

const MapEntry* MapView::find(std::string_view key) const {
  for (const auto& entry : entries)
    if (entry.key == key) return &entry;
  return nullptr;
}

YamlReader::YamlReader(std::string file, std::string_view text, std::vector<ManifestError>& errors,
                       VariableScope* variables)
    : file_(std::move(file)), errors_(errors), variables_(variables) {
  std::size_t start = 0;
  while (start <= text.size()) {
    std::size_t end = text.find('\n', start);
    if (end == std::string_view::npos) end = text.size();
    lines_.emplace_back(text.substr(start, end - start));
    start = end + 1;
  }
}

SourceLocation YamlReader::location(int line, int byte_column) const {
  SourceLocation where{file_, 0, 0};
  if (line < 0) return where;
  where.line = line + 1;
  where.column = byte_column + 1;
  // Count code points, not bytes, so that columns agree with what an editor
  // shows on lines with non-ASCII text.
  if (static_cast<std::size_t>(line) < lines_.size() && byte_column >= 0) {
    const std::string& text = lines_[static_cast<std::size_t>(line)];
    int points = 0;
    for (int i = 0; i < byte_column && static_cast<std::size_t>(i) < text.size(); ++i)
      if ((static_cast<unsigned char>(text[static_cast<std::size_t>(i)]) & 0xC0) != 0x80) ++points;
    where.column = points + 1;
  }
  return where;
}

SourceLocation YamlReader::location(const YAML::Node& node) const {
  YAML::Mark mark = node.Mark();
  if (mark.is_null()) return SourceLocation{file_, 0, 0};
  return location(mark.line, mark.column);
}

void YamlReader::error(const SourceLocation& where, std::string key_path, std::string message) {
  errors_.push_back(ManifestError{where, std::move(key_path), std::move(message)});
}

std::optional<MapView> YamlReader::map(const YAML::Node& node, const SourceLocation& where, const std::string& path,
                                       std::string_view what, const std::vector<std::string>* allowed) {
  if (!node.IsMap()) {
    error(where, path, "expected " + std::string(what) + ", got " + describe_node_kind(node));
    return std::nullopt;
  }
  MapView view;
  view.location = where;
  view.path = path;
  for (const auto& pair : node) {
    // Copies, not references into the iterator's proxy (GCC warns about those).
    const YAML::Node key_node = pair.first;
    const YAML::Node value_node = pair.second;
    SourceLocation key_location = location(key_node);
    if (!key_node.IsScalar()) {
      error(key_location, path, "expected a string key, got " + describe_node_kind(key_node));
      continue;
    }
    std::string key = key_node.Scalar();
    std::string entry_path = child_path(path, key);
    if (const MapEntry* first = view.find(key)) {
      error(key_location, entry_path,
            "duplicate key '" + key + "' (first given at line " + std::to_string(first->key_location.line) + ")");
      continue;
    }
    if (allowed && std::find(allowed->begin(), allowed->end(), key) == allowed->end()) {
      error(key_location, entry_path, "unknown key '" + key + "';" + suggestion_suffix(key, *allowed));
      view.rejected.emplace_back(key, closest(key, *allowed).value_or(""));
      continue;
    }
    MapEntry entry;
    entry.key = key;
    entry.key_node = key_node;
    entry.value = value_node;
    entry.path = entry_path;
    entry.key_location = key_location;
    entry.value_location = value_node.IsNull() ? key_location : location(value_node);
    view.entries.push_back(std::move(entry));
  }
  return view;
}

const MapEntry* YamlReader::require(const MapView& map, std::string_view key, std::string_view expected) {
  if (const MapEntry* entry = map.find(key)) return entry;
  for (const auto& [written, meant] : map.rejected)
    if (meant == key) return nullptr;  // already reported as a misspelling of `key`
  error(map.location, map.path,
        "missing required key '" + std::string(key) + "' (" + std::string(expected) + ")");
  return nullptr;
}

std::optional<std::string> YamlReader::string(const YAML::Node& node, const SourceLocation& where,
                                              const std::string& path, std::string_view expected,
                                              bool allow_empty) {
  auto value = raw_string(node, where, path, expected, allow_empty);
  if (!value) return value;
  const ParsedTemplate parsed = parse_template(*value);
  if (parsed.has_variables()) {
    const TemplatePart& first = *std::find_if(parsed.parts.begin(), parsed.parts.end(), [](const TemplatePart& p) {
      return p.kind == TemplatePart::Kind::Variable;
    });
    error(location_in(node, where, *value, first.offset, first.source), path,
          first.source + ": variables are not substituted here; they may be used in bindings (inputs, outputs), "
                         "flow-name patterns (include, exclude), publish, unpublished and a module's name and id "
                         "(write $${ for a literal '${')");
    return std::nullopt;
  }
  return value;
}

std::optional<std::string> YamlReader::raw_string(const YAML::Node& node, const SourceLocation& where,
                                                  const std::string& path, std::string_view expected,
                                                  bool allow_empty) {
  if (!node.IsScalar()) {
    error(where, path, "expected " + std::string(expected) + ", got " + describe_node_kind(node));
    return std::nullopt;
  }
  const std::string& value = node.Scalar();
  if (!allow_empty && is_blank(value)) {
    error(where, path, "expected " + std::string(expected) + ", got an empty string");
    return std::nullopt;
  }
  return value;
}

std::optional<std::string> YamlReader::string(const MapEntry& entry, std::string_view expected, bool allow_empty) {
  return string(entry.value, entry.value_location, entry.path, expected, allow_empty);
}

std::optional<bool> YamlReader::boolean(const MapEntry& entry) {
  const YAML::Node& node = entry.value;
  if (node.IsScalar() && !is_quoted(node)) {
    const std::string& s = node.Scalar();
    // YAML 1.2 core schema booleans only: yes/no/on/off are strings there.
    if (s == "true" || s == "True" || s == "TRUE") return true;
    if (s == "false" || s == "False" || s == "FALSE") return false;
  }
  std::string hint = (node.IsScalar() && is_quoted(node)) ? " (remove the quotes)" : "";
  error(entry.value_location, entry.path,
        "expected true or false, got " + describe_node_kind(node) + hint);
  return std::nullopt;
}

SourceLocation YamlReader::location_in(const YAML::Node& node, const SourceLocation& fallback, std::string_view value,
                                       std::size_t offset, std::string_view token) const {
  const YAML::Mark mark = node.Mark();
  if (mark.is_null() || mark.line < 0 || static_cast<std::size_t>(mark.line) >= lines_.size()) return fallback;
  // The how-many-th `token` of the value this one is; the same one on the line.
  std::size_t occurrence = 0;
  for (std::size_t at = value.find(token); at != std::string_view::npos && at < offset; at = value.find(token, at + 1))
    ++occurrence;
  const std::string& line = lines_[static_cast<std::size_t>(mark.line)];
  std::size_t at = line.find(token, static_cast<std::size_t>(std::max(mark.column, 0)));
  for (; at != std::string::npos && occurrence > 0; --occurrence) at = line.find(token, at + 1);
  if (at == std::string::npos) return fallback;
  return location(mark.line, static_cast<int>(at));
}

bool YamlReader::check_references(const ParsedTemplate& parsed, const YAML::Node& node, const SourceLocation& where,
                                  const std::string& path, const std::string& value) {
  if (parsed.error) {
    error(location_in(node, where, value, parsed.error->first, "${"), path, parsed.error->second);
    return false;
  }
  bool ok = true;
  for (const auto& part : parsed.parts) {
    if (part.kind != TemplatePart::Kind::Variable) continue;
    const Variables* known = variables_ ? variables_->variables : nullptr;
    if (known && known->count(part.text)) {
      variables_->used.insert(part.text);
      continue;
    }
    ok = false;
    std::string message = "unknown variable '" + part.text + "' in " + part.source + ";";
    if (!known) {
      message += " no environment was given: variables come from an environment file (--env NAME or --env-file PATH)";
    } else if (known->empty()) {
      message += " environment '" + variables_->environment + "' declares no variables";
    } else {
      std::vector<std::string> names;
      for (const auto& [name, variable] : *known) names.push_back(name);
      message += suggestion_suffix(part.text, names);
      if (auto meant = closest(part.text, names)) variables_->suggested.insert(*meant);
      message += " (environment '" + variables_->environment + "')";
    }
    error(location_in(node, where, value, part.offset, part.source), path, message);
  }
  return ok;
}

std::optional<std::string> YamlReader::interpolated_string(const YAML::Node& node, const SourceLocation& where,
                                                           const std::string& path, std::string_view expected) {
  auto value = raw_string(node, where, path, expected, false);
  if (!value) return value;
  const ParsedTemplate parsed = parse_template(*value);
  if (!check_references(parsed, node, where, path, *value)) return std::nullopt;
  static const Variables kNone;
  std::string expanded = expand(parsed, variables_ && variables_->variables ? *variables_->variables : kNone);
  if (is_blank(expanded)) {
    error(where, path, "expected " + std::string(expected) + ", got an empty string once '" + *value +
                           "' was expanded (environment '" + (variables_ ? variables_->environment : "") + "')");
    return std::nullopt;
  }
  return expanded;
}

std::optional<std::string> YamlReader::interpolated_string(const MapEntry& entry, std::string_view expected) {
  return interpolated_string(entry.value, entry.value_location, entry.path, expected);
}

std::optional<bool> YamlReader::interpolated_boolean(const MapEntry& entry) {
  const YAML::Node& node = entry.value;
  if (!node.IsScalar() || node.Scalar().find("${") == std::string::npos) return boolean(entry);
  const std::string& value = node.Scalar();
  const ParsedTemplate parsed = parse_template(value);
  if (!check_references(parsed, node, entry.value_location, entry.path, value)) return std::nullopt;
  if (!parsed.is_single_variable()) {
    error(entry.value_location, entry.path,
          "expected true or false, or a single ${var.NAME} whose value is true or false, got '" + value + "'");
    return std::nullopt;
  }
  const Variable& variable = variables_->variables->at(parsed.parts.front().text);
  if (!variable.is_boolean) {
    error(entry.value_location, entry.path,
          "type error: " + parsed.parts.front().source + " is the string '" + variable.value + "' (" +
              variable.location.str() + "), but " + entry.key + " needs true or false (unquoted) in the environment");
    return std::nullopt;
  }
  return variable.value == "true";
}

std::optional<int> YamlReader::positive_int(const MapEntry& entry) {
  const YAML::Node& node = entry.value;
  if (node.IsScalar() && !is_quoted(node)) {
    const std::string& s = node.Scalar();
    bool digits = !s.empty() && std::all_of(s.begin(), s.end(), [](char c) { return c >= '0' && c <= '9'; });
    if (digits) {
      long long value = 0;
      for (char c : s) {
        value = value * 10 + (c - '0');
        if (value > INT_MAX) break;
      }
      if (value >= 1 && value <= INT_MAX) return static_cast<int>(value);
    }
  }
  error(entry.value_location, entry.path,
        "expected a positive integer (1 or more), got " + describe_node_kind(node));
  return std::nullopt;
}

std::optional<std::vector<YamlReader::Item>> YamlReader::sequence(const MapEntry& entry, std::string_view expected) {
  const YAML::Node& node = entry.value;
  if (!node.IsSequence()) {
    error(entry.value_location, entry.path,
          "expected " + std::string(expected) + ", got " + describe_node_kind(node));
    return std::nullopt;
  }
  std::vector<Item> items;
  std::size_t index = 0;
  for (const auto& element : node) {
    SourceLocation where = element.IsNull() ? entry.value_location : location(element);
    if (!element.IsNull() && where.line == 0) where = entry.value_location;
    items.push_back(Item{element, index_path(entry.path, index), where});
    ++index;
  }
  return items;
}

}  // namespace flowlink::manifest::detail
