#include "manifest/rule_reader.hpp"

#include <fmt/format.h>

#include <algorithm>

#include "manifest/name_pattern.hpp"
#include "manifest/suggestions.hpp"
#include "util/ascii.hpp"

namespace flowlink::manifest::detail {

namespace {

const std::vector<std::string> kRuleKeys = {"name", "flows", "ensure", "remove", "publish", "unpublished"};
const std::vector<std::string> kFlowsKeys = {"types", "include", "exclude", "caseSensitive"};
const std::vector<std::string> kEnsureKeys = {"module", "at", "inputs", "outputs", "move", "dedupe", "current"};
const std::vector<std::string> kAtKeys = {"task", "after", "before"};
const std::vector<std::string> kAnchorKeys = {"name", "trackingId", "type"};

std::vector<std::string> read_types(YamlReader& reader, const MapEntry& entry) {
  std::vector<std::string> types;
  auto items = reader.sequence(entry, "a non-empty list of flow types, e.g. [inboundcall]");
  if (!items) return types;
  if (items->empty())
    reader.error(entry.value_location, entry.path, "expected at least one flow type, e.g. [inboundcall]");
  for (const auto& item : *items) {
    auto written = reader.string(item.node, item.location, item.path, "a flow type such as 'inboundcall'");
    if (!written) continue;
    std::string type = util::ascii_lower(*written);
    const auto& known = target_flow_types();
    if (type == kCommonModuleType) {
      reader.error(item.location, item.path,
                   "'" + *written + "' cannot be a rule target: a common module cannot call a common module; "
                   "select the flows that should call it");
    } else if (std::find(known.begin(), known.end(), type) == known.end()) {
      reader.error(item.location, item.path,
                   "unknown flow type '" + *written + "';" + suggestion_suffix(type, known));
    } else if (std::find(types.begin(), types.end(), type) == types.end()) {
      types.push_back(type);
    }
  }
  return types;
}

std::vector<NamePattern> read_patterns(YamlReader& reader, const MapEntry& entry, bool case_sensitive,
                                       bool required_non_empty) {
  std::vector<NamePattern> patterns;
  auto items = reader.sequence(entry, "a list of flow-name globs or 'regex:' patterns");
  if (!items) return patterns;
  if (items->empty() && required_non_empty)
    reader.error(entry.value_location, entry.path,
                 "expected at least one flow-name pattern (write [\"*\"] to select every flow of the types)");
  for (const auto& item : *items) {
    auto written =
        reader.interpolated_string(item.node, item.location, item.path, "a flow-name glob or 'regex:' pattern");
    if (!written) continue;
    NamePattern pattern = make_pattern(*written, case_sensitive, item.location);
    if (auto problem = pattern_syntax_error(pattern)) {
      reader.error(item.location, item.path, *problem);
      continue;
    }
    patterns.push_back(std::move(pattern));
  }
  return patterns;
}

FlowSelector read_flows(YamlReader& reader, const MapEntry& entry) {
  FlowSelector selector;
  auto map = reader.map(entry.value, entry.value_location, entry.path,
                        "a map with 'types' and 'include' (optional 'exclude', 'caseSensitive')", &kFlowsKeys);
  if (!map) return selector;
  bool case_sensitive = true;
  if (const MapEntry* cs = map->find("caseSensitive"))
    if (auto value = reader.boolean(*cs)) case_sensitive = *value;
  if (const MapEntry* types = reader.require(*map, "types", "a list of flow types, e.g. [inboundcall]"))
    selector.types = read_types(reader, *types);
  if (const MapEntry* include =
          reader.require(*map, "include", "a list of flow-name patterns; [\"*\"] selects every flow of the types"))
    selector.include = read_patterns(reader, *include, case_sensitive, true);
  if (const MapEntry* exclude = map->find("exclude"))
    selector.exclude = read_patterns(reader, *exclude, case_sensitive, false);
  return selector;
}

std::optional<flowdoc::ActionSelector> read_anchor(YamlReader& reader, const MapEntry& entry) {
  const char* expected = "an action name, or a map with 'name', 'trackingId' and/or 'type'";
  if (entry.value.IsScalar()) {
    auto name = reader.string(entry, expected);
    if (!name) return std::nullopt;
    flowdoc::ActionSelector selector;
    selector.name = *name;
    return selector;
  }
  auto map = reader.map(entry.value, entry.value_location, entry.path, expected, &kAnchorKeys);
  if (!map) return std::nullopt;
  flowdoc::ActionSelector selector;
  bool ok = true;
  if (const MapEntry* name = map->find("name")) {
    auto value = reader.string(*name, "an action name");
    ok = ok && value.has_value();
    if (value) selector.name = *value;
  }
  if (const MapEntry* tracking = map->find("trackingId")) {
    auto value = reader.positive_int(*tracking);
    ok = ok && value.has_value();
    if (value) selector.tracking_id = *value;
  }
  if (const MapEntry* type = map->find("type")) {
    auto value = reader.string(*type, "an action type such as 'UpdateVariableAction'");
    ok = ok && value.has_value();
    if (value) selector.type = *value;
  }
  if (map->entries.empty()) {
    if (map->rejected.empty())
      reader.error(entry.value_location, entry.path, "expected at least one of 'name', 'trackingId', 'type'");
    return std::nullopt;
  }
  if (!ok) return std::nullopt;
  return selector;
}

std::optional<Placement> read_placement(YamlReader& reader, const MapEntry& entry) {
  const std::string expected = "'start' or a map with exactly one of 'task', 'after', 'before'";
  Placement placement;
  if (entry.value.IsScalar()) {
    const std::string& word = entry.value.Scalar();
    if (word == "start") return placement;
    std::string hint;
    if (word == "task" || word == "after" || word == "before")
      hint = " ('" + word + "' needs a value, e.g. at: {" + word + ": \"Name\"})";
    else if (edit_distance(word, "start", 2) <= 2)
      hint = " (did you mean 'start'?)";
    reader.error(entry.value_location, entry.path, "expected " + expected + ", got '" + word + "'" + hint);
    return std::nullopt;
  }
  auto map = reader.map(entry.value, entry.value_location, entry.path, expected, &kAtKeys);
  if (!map) return std::nullopt;
  if (map->entries.empty() && !map->rejected.empty()) return std::nullopt;  // already reported
  if (map->entries.size() != 1) {
    std::vector<std::string> given;
    for (const auto& e : map->entries) given.push_back(e.key);
    reader.error(entry.value_location, entry.path,
                 given.empty() ? "expected exactly one of 'task', 'after', 'before', got an empty map"
                               : "expected exactly one of 'task', 'after', 'before', got " + join_list(given, "'"));
    return std::nullopt;
  }
  const MapEntry& only = map->entries.front();
  if (only.key == "task") {
    auto task = reader.string(only, "a task name");
    if (!task) return std::nullopt;
    placement.kind = Placement::Kind::Task;
    placement.task = *task;
    return placement;
  }
  auto anchor = read_anchor(reader, only);
  if (!anchor) return std::nullopt;
  placement.kind = only.key == "after" ? Placement::Kind::After : Placement::Kind::Before;
  placement.anchor = *anchor;
  return placement;
}

flowdoc::Bindings read_bindings(YamlReader& reader, const MapEntry& entry, std::string_view direction) {
  flowdoc::Bindings bindings;
  std::string what = "a map of module variable -> expression, e.g. {Common.CallerAni: \"Call.Ani\"}";
  auto map = reader.map(entry.value, entry.value_location, entry.path, what);
  if (!map) return bindings;
  static const std::string prefix = "Common.";
  for (const auto& binding : map->entries) {
    bool named_ok = binding.key.size() > prefix.size() && binding.key.compare(0, prefix.size(), prefix) == 0;
    if (!named_ok) {
      reader.error(binding.key_location, binding.path,
                   "module " + std::string(direction) + " '" + binding.key +
                       "' must name a common-module variable: 'Common.' followed by its name, e.g. 'Common." +
                       (binding.key.empty() ? std::string("Name") : binding.key) + "'");
    }
    std::string expected = direction == "input" ? "an expression to pass in, e.g. \"Call.Ani\""
                                                : "a flow variable to receive it, e.g. \"Flow.IsValid\"";
    auto value = reader.interpolated_string(binding, expected);
    if (named_ok && value) bindings[binding.key] = *value;
  }
  return bindings;
}

std::optional<EnsureEntry> read_ensure(YamlReader& reader, const YamlReader::Item& item,
                                       std::vector<ModuleReference>& references) {
  auto map = reader.map(item.node, item.location, item.path, "a map with 'module' (and 'at', 'inputs', ...)",
                        &kEnsureKeys);
  if (!map) return std::nullopt;
  EnsureEntry ensure;
  ensure.location = item.location;
  bool ok = true;
  if (const MapEntry* module = reader.require(*map, "module", "the key of a module under 'modules'")) {
    auto key = reader.string(*module, "a module key defined under 'modules'");
    if (key) {
      ensure.module = *key;
      references.push_back(ModuleReference{*key, module->value_location, module->path});
    } else {
      ok = false;
    }
  } else {
    ok = false;
  }
  if (const MapEntry* at = map->find("at")) {
    auto placement = read_placement(reader, *at);
    if (placement) ensure.at = *placement;
  }
  if (const MapEntry* inputs = map->find("inputs")) ensure.inputs = read_bindings(reader, *inputs, "input");
  if (const MapEntry* outputs = map->find("outputs")) ensure.outputs = read_bindings(reader, *outputs, "output");
  if (const MapEntry* move = map->find("move"))
    if (auto value = reader.boolean(*move)) ensure.move = *value;
  if (const MapEntry* dedupe = map->find("dedupe"))
    if (auto value = reader.boolean(*dedupe)) ensure.dedupe = *value;
  if (const MapEntry* current = map->find("current"))
    if (auto value = reader.boolean(*current)) ensure.current = *value;
  if (!ok) return std::nullopt;
  return ensure;
}

}  // namespace

const std::vector<std::string>& target_flow_types() {
  static const std::vector<std::string> types = {
      "inboundcall",  "inboundchat",   "inboundemail", "inboundshortmessage", "inqueuecall",
      "inqueueemail", "inqueueshortmessage", "outboundcall", "bot", "digitalbot",
      "emailsend",    "speech",        "securecall",   "surveyinvite",        "voice",
      "voicemail",    "voicesurvey",   "workflow",     "workitem"};
  return types;
}

std::optional<Rule> read_rule(YamlReader& reader, const YamlReader::Item& item,
                              std::vector<ModuleReference>& references) {
  auto map = reader.map(item.node, item.location, item.path, "a rule: a map with 'name', 'flows', 'ensure'/'remove'",
                        &kRuleKeys);
  if (!map) return std::nullopt;
  Rule rule;
  rule.location = item.location;
  if (const MapEntry* name = reader.require(*map, "name", "a unique name for the rule"))
    if (auto value = reader.string(*name, "a non-empty rule name")) rule.name = *value;
  if (const MapEntry* flows = reader.require(*map, "flows", "which flows the rule applies to"))
    rule.flows = read_flows(reader, *flows);
  if (const MapEntry* publish = map->find("publish"))
    if (auto value = reader.interpolated_boolean(*publish)) rule.publish = *value;
  if (const MapEntry* unpublished = map->find("unpublished")) {
    const char* expected = "what to do with someone else's unpublished draft: 'skip', 'edit-draft' or 'publish'";
    if (auto value = reader.interpolated_string(*unpublished, expected)) {
      if (*value == "skip") rule.unpublished = UnpublishedPolicy::Skip;
      else if (*value == "edit-draft") rule.unpublished = UnpublishedPolicy::EditDraft;
      else if (*value == "publish") rule.unpublished = UnpublishedPolicy::Publish;
      else reader.error(unpublished->value_location, unpublished->path, fmt::format("expected {}, got '{}'", expected, *value));
    }
  }

  // A module may appear once per rule: ensured twice, removed twice, or both
  // ensured and removed would ask two things of the same call.
  struct Seen {
    std::string how;
    SourceLocation where;
  };
  std::map<std::string, Seen> seen;
  auto claim = [&](const std::string& key, const std::string& how, const SourceLocation& where,
                   const std::string& path) {
    auto [it, fresh] = seen.emplace(key, Seen{how, where});
    if (fresh) return true;
    std::string message =
        it->second.how == how
            ? "module '" + key + "' is " + how + " twice in this rule (first at line " +
                  std::to_string(it->second.where.line) + "); merge the two entries"
            : "module '" + key + "' is both ensured and removed in this rule (" + it->second.how + " at line " +
                  std::to_string(it->second.where.line) + "); a rule must either ensure or remove a module";
    reader.error(where, path, message);
    return false;
  };

  bool has_work = false;
  if (const MapEntry* ensure = map->find("ensure")) {
    if (auto items = reader.sequence(*ensure, "a list of module calls to ensure")) {
      for (const auto& entry : *items) {
        std::size_t before = references.size();
        auto parsed = read_ensure(reader, entry, references);
        has_work = true;
        if (!parsed) continue;
        const ModuleReference& ref = references[before];
        if (claim(parsed->module, "ensured", ref.location, ref.path)) rule.ensure.push_back(std::move(*parsed));
      }
    } else {
      has_work = true;  // already reported
    }
  }
  if (const MapEntry* remove = map->find("remove")) {
    if (auto items = reader.sequence(*remove, "a list of module keys to remove")) {
      for (const auto& entry : *items) {
        has_work = true;
        auto key = reader.string(entry.node, entry.location, entry.path, "a module key defined under 'modules'");
        if (!key) continue;
        references.push_back(ModuleReference{*key, entry.location, entry.path});
        if (claim(*key, "removed", entry.location, entry.path))
          rule.remove.push_back(RemoveEntry{*key, entry.location});
      }
    } else {
      has_work = true;
    }
  }
  if (!rule.publish) {
    for (const auto& entry : rule.ensure)
      if (entry.current)
        reader.error(entry.location, item.path + ".ensure",
                     "module '" + entry.module +
                         "' must be current (current: true), which republishes its consumers, but the rule says "
                         "publish: false");
  }
  bool misspelt_work = std::any_of(map->rejected.begin(), map->rejected.end(), [](const auto& r) {
    return r.second == "ensure" || r.second == "remove";
  });
  if (!has_work && !misspelt_work)
    reader.error(item.location, item.path, "the rule neither ensures nor removes a module; add 'ensure' or 'remove'");
  return rule;
}

}  // namespace flowlink::manifest::detail
