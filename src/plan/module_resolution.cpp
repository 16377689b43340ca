// Resolving the manifest's modules among the observed COMMONMODULE flows and
// checking ensure entries' bindings against each module's interface.
#include <algorithm>
#include <set>

#include <fmt/format.h>

#include "genesys/vocabulary.hpp"
#include "manifest/suggestions.hpp"
#include "plan/planner_internal.hpp"

namespace flowlink::plan::detail {

namespace {

constexpr const char* kModuleType = genesys::flow_type::kCommonModule;

// "manifest.yaml:3:5: " or "" when the location is unknown (hand-built states).
std::string where(const manifest::SourceLocation& location) {
  return location.file.empty() ? std::string() : location.str() + ": ";
}

std::string resolve_error(const manifest::ModuleRef& ref, const std::vector<ObservedFlow>& flows,
                          const ObservedFlow*& found) {
  found = nullptr;
  if (ref.id) {
    auto it = std::find_if(flows.begin(), flows.end(), [&](const ObservedFlow& f) { return f.id == *ref.id; });
    if (it == flows.end()) return fmt::format("no flow has the pinned id {}", *ref.id);
    if (it->type != kModuleType)
      return fmt::format("flow {} ('{}') is a {} flow, not a common module", it->id, it->name, it->type);
    if (it->name != ref.name)
      return fmt::format("flow {} is named '{}' in the org, but the manifest names it '{}'", it->id, it->name, ref.name);
    found = &*it;
    return {};
  }
  std::vector<const ObservedFlow*> modules, others;
  std::vector<std::string> module_names;
  for (const auto& flow : flows) {
    if (flow.type == kModuleType) {
      module_names.push_back(flow.name);
      if (flow.name == ref.name) modules.push_back(&flow);
    } else if (flow.name == ref.name) {
      others.push_back(&flow);
    }
  }
  if (modules.size() == 1) {
    found = modules.front();
    return {};
  }
  if (modules.size() > 1) {
    std::vector<std::string> ids;
    for (const auto* m : modules) ids.push_back(m->id);
    std::sort(ids.begin(), ids.end());
    return fmt::format("{} common modules are named '{}' (ids {}); pin one with `id:`", modules.size(), ref.name,
                       fmt::join(ids, ", "));
  }
  if (!others.empty())
    return fmt::format("'{}' is a {} flow ({}), not a common module", ref.name, others.front()->type, others.front()->id);
  std::string message = fmt::format("no common module named '{}'", ref.name);
  std::string guess = closest_match(ref.name, module_names);
  if (!guess.empty()) message += fmt::format("; did you mean '{}'?", guess);
  return message;
}

std::string unknown_bindings(const manifest::Rule& rule, const manifest::EnsureEntry& entry,
                             const ResolvedModule& module, const char* direction,
                             const flowdoc::Bindings& bindings, const std::vector<std::string>& declared) {
  std::vector<std::string> messages;
  for (const auto& [name, value] : bindings) {
    if (std::find(declared.begin(), declared.end(), name) != declared.end()) continue;
    std::string message = fmt::format("{}rule '{}': module '{}' ({}) has no {} '{}'", where(entry.location), rule.name,
                                      module.key, module.name, direction, name);
    std::string guess = closest_match(name, declared);
    if (!guess.empty()) message += fmt::format("; did you mean '{}'?", guess);
    message += declared.empty() ? fmt::format(" (it declares no {}s)", direction)
                                : fmt::format(" (its {}s: {})", direction, quoted_list(declared));
    messages.push_back(std::move(message));
  }
  std::string joined;
  for (const auto& m : messages) joined += (joined.empty() ? "" : "\n") + m;
  return joined;
}

}  // namespace

// One suggestion engine for manifests and plans: the manifest loader's.
std::string closest_match(const std::string& word, const std::vector<std::string>& candidates) {
  return manifest::closest(word, candidates).value_or("");
}

std::string quoted_list(const std::vector<std::string>& items, std::size_t limit) {
  std::string out;
  for (std::size_t i = 0; i < items.size(); ++i) {
    if (i == limit) {
      out += fmt::format(", ... ({} more)", items.size() - limit);
      break;
    }
    out += fmt::format("{}'{}'", i ? ", " : "", items[i]);
  }
  return out;
}

std::string ResolvedModule::id() const {
  if (flow) return flow->id;
  return pinned_id.value_or("");
}

std::map<std::string, ResolvedModule> resolve_modules(const manifest::DesiredState& desired,
                                                      const std::vector<ObservedFlow>& flows,
                                                      const PlanOptions& options) {
  std::map<std::string, ResolvedModule> resolved;
  for (const auto& [key, ref] : desired.modules) {
    ResolvedModule module;
    module.key = key;
    module.name = ref.name;
    module.pinned_id = ref.id;
    const ObservedFlow* flow = nullptr;
    module.error = resolve_error(ref, flows, flow);
    if (module.error.empty()) {
      if (options.require_published_modules && !flow->published) {
        module.error = fmt::format(
            "common module '{}' ({}) is not published; a flow can only call a published module, publish it first",
            flow->name, flow->id);
      } else if (!flow->document) {
        module.error = fmt::format("the document of common module '{}' ({}) could not be read: {}", flow->name,
                                   flow->id, flow->load_error.empty() ? "no document" : flow->load_error);
      } else {
        try {
          module.interface = flow->document->module_interface();
        } catch (const std::exception& e) {
          module.error = fmt::format("the interface of common module '{}' ({}) could not be read: {}", flow->name,
                                     flow->id, e.what());
        }
      }
    }
    // A module that resolved keeps its flow even when unusable, so that calls
    // to it are still recognised by id (e.g. for `remove`).
    module.flow = flow;
    resolved.emplace(key, std::move(module));
  }
  return resolved;
}

std::string ensure_entry_error(const manifest::Rule& rule, const manifest::EnsureEntry& entry,
                               const std::map<std::string, ResolvedModule>& modules) {
  auto it = modules.find(entry.module);
  if (it == modules.end())
    return fmt::format("{}rule '{}': module '{}' is not declared under `modules`", where(entry.location), rule.name,
                       entry.module);
  const ResolvedModule& module = it->second;
  if (!module.ok()) return fmt::format("module '{}' ({}): {}", module.key, module.name, module.error);
  std::string inputs = unknown_bindings(rule, entry, module, "input", entry.inputs, module.interface.inputs);
  std::string outputs = unknown_bindings(rule, entry, module, "output", entry.outputs, module.interface.outputs);
  if (inputs.empty()) return outputs;
  if (outputs.empty()) return inputs;
  return inputs + "\n" + outputs;
}

std::vector<std::string> plan_wide_errors(const manifest::DesiredState& desired,
                                          const std::map<std::string, ResolvedModule>& modules) {
  std::vector<std::string> errors;
  // Unusable modules, once each, naming the rules that ensure them.
  for (const auto& [key, module] : modules) {
    if (module.ok()) continue;
    std::vector<std::string> rules;
    for (const auto& rule : desired.rules)
      for (const auto& entry : rule.ensure)
        if (entry.module == key && std::find(rules.begin(), rules.end(), rule.name) == rules.end())
          rules.push_back(rule.name);
    if (rules.empty()) continue;  // only removed (or unused): calls are matched by name
    const auto& ref = desired.modules.at(key);
    errors.push_back(fmt::format("{}module '{}' ({}): {} (ensured by rule{} {})", where(ref.location), key,
                                 module.name, module.error, rules.size() > 1 ? "s" : "", quoted_list(rules)));
  }
  // Undeclared modules and unknown bindings, per rule and entry.
  for (const auto& rule : desired.rules) {
    for (const auto& entry : rule.ensure) {
      auto it = modules.find(entry.module);
      if (it != modules.end() && !it->second.ok()) continue;  // reported above
      std::string error = ensure_entry_error(rule, entry, modules);
      if (error.empty()) continue;
      std::size_t start = 0;
      while (start <= error.size()) {
        std::size_t end = error.find('\n', start);
        if (end == std::string::npos) end = error.size();
        errors.push_back(error.substr(start, end - start));
        start = end + 1;
      }
    }
  }
  return errors;
}

}  // namespace flowlink::plan::detail
