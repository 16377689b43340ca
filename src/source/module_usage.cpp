// Gathering the module report: the listing, dependency tracking, the
// documents, the snapshots, then the judgement. See module_usage.hpp (the
// requests, the staleness rule and the assumptions A1-A6).
#include "source/module_usage.hpp"

#include <algorithm>
#include <exception>
#include <map>
#include <optional>
#include <set>
#include <tuple>

#include <fmt/format.h>

#include "flowdoc/document.hpp"
#include "genesys/vocabulary.hpp"
#include "source/org_source.hpp"
#include "util/ascii.hpp"
#include "util/iso_time.hpp"

namespace flowlink::source {

namespace {

using plan::ModuleConsumer;
using Status = ModuleConsumer::Status;

bool is_module(const genesys::Flow& flow) { return genesys::is_common_module_any_case(flow.type); }

std::string published_version_of(const genesys::Flow& flow) {
  return flow.published_version ? flow.published_version->id : std::string();
}

std::string published_date_of(const genesys::Flow& flow) {
  return flow.published_version ? flow.published_version->date_published : std::string();
}

std::pair<std::string, std::string> division_of(const genesys::Flow& flow) {
  if (!flow.division) return {};
  return {flow.division->id, flow.division->name};
}

plan::FlowRef ref_of(const genesys::Flow& flow) { return {flow.id, flow.name, util::ascii_lower(flow.type)}; }

ModuleConsumer consumer_of(const genesys::Flow& flow) {
  ModuleConsumer consumer;
  consumer.flow = ref_of(flow);
  std::tie(consumer.division_id, consumer.division_name) = division_of(flow);
  consumer.published_version = published_version_of(flow);
  consumer.published_date = published_date_of(flow);
  return consumer;
}

void add_once(std::vector<std::string>& items, const std::string& item) {
  if (std::find(items.begin(), items.end(), item) == items.end()) items.push_back(item);
}

bool flow_less(const plan::FlowRef& a, const plan::FlowRef& b) {
  return std::tie(a.type, a.name, a.id) < std::tie(b.type, b.name, b.id);
}

// A module the report covers, while it is being gathered.
struct ModuleState {
  const genesys::Flow* flow = nullptr;
  std::string key;
  bool tracked = false;  // consumingresources answered for it
  std::map<std::string, ModuleConsumer> consumers;  // by flow id
  std::vector<std::string> notes;
};

// Calls to a module that is not in the org, by (id, name) as the calls say.
struct MissingState {
  std::vector<plan::FlowRef> flows;
  std::vector<std::string> found_by;
};

struct DocumentRead {
  std::optional<std::vector<flowdoc::ModuleCall>> calls;
  std::string error;
};

struct SnapshotRead {
  std::optional<std::vector<genesys::Dependency>> used;
  std::string error;
};

// The org's common modules, by id and by name.
struct ModuleIndex {
  std::map<std::string, const genesys::Flow*> by_id;
  std::multimap<std::string, const genesys::Flow*> by_name;

  // A call belongs to a module when its flowId or its flowName is the
  // module's (as the planner matches calls).
  const genesys::Flow* resolve(const std::string& id, const std::string& name) const {
    if (auto it = by_id.find(id); !id.empty() && it != by_id.end()) return it->second;
    if (auto it = by_name.find(name); !name.empty() && it != by_name.end()) return it->second;
    return nullptr;
  }
};

// Must the consumer run the module's latest version? As the planner decides
// whom to republish (plan/planner.cpp, stale_modules): a rule that selects
// the flow, publishes, and ensures the module with `current: true` on the
// entry or on the module.
bool wants_current(const manifest::DesiredState& desired, const std::string& key, const std::string& flow_type,
                   const std::string& flow_name) {
  if (key.empty()) return false;
  auto module = desired.modules.find(key);
  const bool module_current = module != desired.modules.end() && module->second.current;
  for (const auto& rule : desired.rules) {
    if (!rule.publish || !rule.flows.matches(flow_type, flow_name)) continue;
    for (const auto& entry : rule.ensure)
      if (entry.module == key && (entry.current || module_current)) return true;
  }
  return false;
}

bool module_wants_current(const manifest::DesiredState& desired, const std::string& key) {
  if (key.empty()) return false;
  if (auto module = desired.modules.find(key); module != desired.modules.end() && module->second.current) return true;
  for (const auto& rule : desired.rules)
    for (const auto& entry : rule.ensure)
      if (entry.module == key && entry.current) return true;
  return false;
}

bool selected_by_rules(const manifest::DesiredState& desired, const genesys::Flow& flow) {
  const std::string type = util::ascii_lower(flow.type);
  return std::any_of(desired.rules.begin(), desired.rules.end(),
                     [&](const manifest::Rule& rule) { return rule.flows.matches(type, flow.name); });
}

// The judgement (module_usage.hpp, "Staleness").
void judge(ModuleConsumer& consumer, const genesys::Flow& module) {
  const std::string module_version = published_version_of(module);
  if (module_version.empty()) {
    consumer.status = Status::Unknown;
    consumer.notes.push_back("the module has no published version to compare with");
    return;
  }
  const auto module_time = util::parse_iso8601_ms(published_date_of(module));
  const auto consumer_time = util::parse_iso8601_ms(consumer.published_date);
  const bool have_snapshot = !consumer.snapshot_version.empty();
  if (module_time && consumer_time) {
    consumer.status = *consumer_time < *module_time ? Status::Stale : Status::Current;
    consumer.decided_by = plan::kDecidedByDatePublished;
    const bool snapshot_current = consumer.snapshot_version == module_version;
    if (have_snapshot && snapshot_current != (consumer.status == Status::Current)) {
      consumer.notes.push_back(fmt::format(
          "dependency tracking says it snapshotted module v{} (the module is at v{}), which disagrees with the publish "
          "dates; datePublished decides",
          consumer.snapshot_version, module_version));
    }
    return;
  }
  if (have_snapshot) {
    consumer.status = consumer.snapshot_version == module_version ? Status::Current : Status::Stale;
    consumer.decided_by = plan::kDecidedByDependencyTracking;
    return;
  }
  consumer.status = Status::Unknown;
  consumer.notes.push_back(!consumer_time ? "no datePublished for its published version and no snapshot version"
                                          : "no datePublished for the module's published version and no snapshot "
                                            "version");
}

std::string error_text(const std::exception& e) { return e.what(); }

}  // namespace

plan::ModuleReport gather_module_usage(genesys::FlowApi& api, const manifest::DesiredState& desired,
                                       const ModuleUsageOptions& options) {
  plan::ModuleReport report;
  report.flowlink_version = options.flowlink_version;
  report.source = options.source;
  report.org_id = options.org_id;
  report.org_name = options.org_name;
  report.manifest_files = desired.files;
  report.module_filter = options.module;
  const int parallelism = std::max(1, options.parallelism);

  // 1. Every flow, every type.
  const std::vector<genesys::Flow> listed = api.list_flows(genesys::ListFlowsQuery{});
  std::map<std::string, const genesys::Flow*> flows_by_id;
  ModuleIndex modules;
  for (const auto& flow : listed) {
    if (flow.deleted) continue;
    flows_by_id[flow.id] = &flow;
    if (is_module(flow)) {
      modules.by_id[flow.id] = &flow;
      modules.by_name.emplace(flow.name, &flow);
    }
  }

  // The manifest's keys, resolved among the modules (pinned id, else exact name).
  std::map<std::string, const genesys::Flow*> module_of_key;
  std::map<std::string, std::string> key_of_module;  // module id -> key
  for (const auto& [key, ref] : desired.modules) {
    const genesys::Flow* found = nullptr;
    if (ref.id) {
      if (auto it = modules.by_id.find(*ref.id); it != modules.by_id.end()) found = it->second;
    } else {
      const auto [first, last] = modules.by_name.equal_range(ref.name);
      const auto count = std::distance(first, last);
      if (count == 1) found = first->second;
      if (count > 1)
        report.notes.push_back(fmt::format("manifest module '{}': {} common modules are named '{}'; none is taken as it",
                                           key, count, ref.name));
    }
    module_of_key[key] = found;
    if (found) key_of_module.emplace(found->id, key);
  }

  // The modules the report covers.
  std::vector<ModuleState> covered;
  auto cover = [&](const genesys::Flow* flow) {
    ModuleState state;
    state.flow = flow;
    if (auto key = key_of_module.find(flow->id); key != key_of_module.end()) state.key = key->second;
    covered.push_back(std::move(state));
  };
  if (options.module.empty()) {
    for (const auto& [id, flow] : modules.by_id) cover(flow);
  } else {
    std::set<std::string> ids;
    const auto [first, last] = modules.by_name.equal_range(options.module);
    for (auto it = first; it != last; ++it) ids.insert(it->second->id);
    if (auto key = module_of_key.find(options.module); key != module_of_key.end() && key->second)
      ids.insert(key->second->id);
    for (const auto& id : ids) cover(modules.by_id.at(id));
    if (covered.empty()) {
      const bool is_key = desired.modules.count(options.module) > 0;
      report.errors.push_back(
          is_key ? fmt::format("--module '{}': the manifest's module '{}' ({}) is not a common module of the org",
                               options.module, options.module, desired.modules.at(options.module).name)
                 : fmt::format("--module '{}': no common module of the org has that name, and no manifest key is '{}'",
                               options.module, options.module));
      return report;
    }
  }
  std::sort(covered.begin(), covered.end(), [](const ModuleState& a, const ModuleState& b) {
    return std::tie(a.flow->name, a.flow->id) < std::tie(b.flow->name, b.flow->id);
  });
  std::map<std::string, std::size_t> covered_index;  // module id -> index
  for (std::size_t i = 0; i < covered.size(); ++i) covered_index[covered[i].flow->id] = i;

  // 2. Is dependency tracking to be trusted?
  try {
    report.dependency_tracking_status = api.dependency_tracking_status();
  } catch (const std::exception& e) {
    report.notes.push_back(fmt::format("could not read dependency tracking's build status: {}", error_text(e)));
  }
  const bool operational = util::ascii_iequals(report.dependency_tracking_status, genesys::kIndexOperational);

  // 3. Consumers from dependency tracking.
  if (operational) {
    std::vector<std::optional<std::vector<genesys::Dependency>>> answers(covered.size());
    std::vector<std::string> failures(covered.size());
    genesys::parallel_for(covered.size(), parallelism, [&](std::size_t i) {
      try {
        answers[i] = api.consuming_resources(covered[i].flow->id, genesys::kCommonModuleObjectType,
                                                genesys::flow_filter::kPublished);
      } catch (const std::exception& e) {
        failures[i] = error_text(e);
      }
    });
    for (std::size_t i = 0; i < covered.size(); ++i) {
      ModuleState& module = covered[i];
      if (!answers[i]) {
        module.notes.push_back(fmt::format(
            "dependency tracking could not list its consumers ({}); they were found from documents", failures[i]));
        continue;
      }
      module.tracked = true;
      for (const auto& dependency : *answers[i]) {
        if (dependency.id.empty() || dependency.id == module.flow->id) continue;
        auto [it, added] = module.consumers.try_emplace(dependency.id);
        ModuleConsumer& consumer = it->second;
        if (added) {
          if (auto listed_flow = flows_by_id.find(dependency.id); listed_flow != flows_by_id.end()) {
            consumer = consumer_of(*listed_flow->second);
          } else {
            consumer.flow = {dependency.id, dependency.name, genesys::flow_type_of_object(dependency.type)};
            consumer.published_version = dependency.version;
            consumer.notes.push_back("dependency tracking lists it, but the flow listing does not (deleted?)");
          }
        }
        add_once(consumer.found_by, plan::kFoundByDependencyTracking);
        if (!dependency.version.empty() && !consumer.published_version.empty() &&
            dependency.version != consumer.published_version)
          consumer.notes.push_back(fmt::format("dependency tracking reports its version {}, the listing's published "
                                               "version is {}",
                                               dependency.version, consumer.published_version));
      }
    }
  }
  const bool all_tracked = operational && std::all_of(covered.begin(), covered.end(),
                                                      [](const ModuleState& m) { return m.tracked; });
  report.dependency_tracking_used = operational;

  // 4. Documents: the flows the manifest selects; every published flow when
  // dependency tracking cannot answer for some module.
  std::vector<const genesys::Flow*> to_read;
  for (const auto& flow : listed) {
    if (flow.deleted || is_module(flow) || published_version_of(flow).empty()) continue;
    if (!all_tracked || selected_by_rules(desired, flow)) to_read.push_back(&flow);
  }
  std::vector<DocumentRead> documents(to_read.size());
  genesys::parallel_for(to_read.size(), parallelism, [&](std::size_t i) {
    const genesys::Flow& flow = *to_read[i];
    try {
      const std::string text = api.version_configuration(flow.id, published_version_of(flow));
      documents[i].calls =
          flowdoc::Document::parse_for_planning(text, flow_source_name(flow.name, flow.id)).module_calls();
    } catch (const std::exception& e) {
      documents[i].error = error_text(e);
    }
  });
  report.documents_read = static_cast<int>(to_read.size());
  if (!operational) {
    report.notes.push_back(fmt::format(
        "dependency tracking's build is {}, not OPERATIONAL: its answers may be incomplete, so consumers were found "
        "from the published documents of {} flows instead, and no snapshot version is known",
        report.dependency_tracking_status.empty() ? "unknown" : report.dependency_tracking_status, to_read.size()));
  } else if (!all_tracked) {
    report.notes.push_back(fmt::format(
        "dependency tracking could not answer for every module: the published documents of {} flows were read",
        to_read.size()));
  }

  std::map<std::string, std::set<std::string>> document_calls;  // flow id -> module ids its published version calls
  std::map<std::pair<std::string, std::string>, MissingState> missing;
  for (std::size_t i = 0; i < to_read.size(); ++i) {
    const genesys::Flow& flow = *to_read[i];
    if (!documents[i].calls) {
      report.notes.push_back(fmt::format("could not read the published configuration (v{}) of {}: {}",
                                         published_version_of(flow), flow_source_name(flow.name, flow.id),
                                         documents[i].error));
      continue;
    }
    auto& called = document_calls[flow.id];
    for (const auto& call : *documents[i].calls) {
      const genesys::Flow* module = modules.resolve(call.module_id, call.module_name);
      if (!module) {
        MissingState& entry = missing[{call.module_id, call.module_name}];
        if (std::none_of(entry.flows.begin(), entry.flows.end(), [&](const plan::FlowRef& f) { return f.id == flow.id; }))
          entry.flows.push_back(ref_of(flow));
        add_once(entry.found_by, plan::kFoundByDocuments);
        continue;
      }
      called.insert(module->id);
      auto index = covered_index.find(module->id);
      if (index == covered_index.end()) continue;
      ModuleState& state = covered[index->second];
      auto [it, added] = state.consumers.try_emplace(flow.id);
      if (added) {
        it->second = consumer_of(flow);
        if (state.tracked)
          it->second.notes.push_back(
              "its published document calls the module, but dependency tracking does not list it (the index may lag "
              "a recent publish)");
      }
      add_once(it->second.found_by, plan::kFoundByDocuments);
    }
  }
  // The other way: dependency tracking lists a consumer whose published
  // document, read above, does not call the module.
  for (auto& module : covered) {
    for (auto& [flow_id, consumer] : module.consumers) {
      auto called = document_calls.find(flow_id);
      if (called == document_calls.end() || called->second.count(module.flow->id)) continue;
      consumer.notes.push_back(fmt::format(
          "dependency tracking lists it, but its published document (v{}) does not call the module",
          consumer.published_version));
    }
  }

  // 5. Snapshot versions, one request per consumer flow, up to the limit.
  if (operational) {
    std::map<std::string, plan::FlowRef> consumer_flows;
    for (const auto& module : covered)
      for (const auto& [flow_id, consumer] : module.consumers)
        if (!consumer.published_version.empty() && !consumer.flow.type.empty()) consumer_flows.emplace(flow_id, consumer.flow);
    std::vector<plan::FlowRef> ordered;
    for (const auto& [id, ref] : consumer_flows) ordered.push_back(ref);
    std::sort(ordered.begin(), ordered.end(), flow_less);
    const std::size_t limit = static_cast<std::size_t>(std::max(0, options.max_snapshot_requests));
    const std::size_t asked = std::min(limit, ordered.size());
    std::vector<SnapshotRead> snapshots(asked);
    std::vector<std::string> versions(asked);
    for (std::size_t i = 0; i < asked; ++i) {
      for (const auto& module : covered) {
        if (auto c = module.consumers.find(ordered[i].id); c != module.consumers.end()) {
          versions[i] = c->second.published_version;
          break;
        }
      }
    }
    genesys::parallel_for(asked, parallelism, [&](std::size_t i) {
      try {
        snapshots[i].used =
            api.consumed_resources(ordered[i].id, versions[i], genesys::object_type_of_flow(ordered[i].type));
      } catch (const std::exception& e) {
        snapshots[i].error = error_text(e);
      }
    });
    report.snapshot_requests = static_cast<int>(asked);
    report.snapshots_skipped = static_cast<int>(ordered.size() - asked);
    if (report.snapshots_skipped > 0)
      report.notes.push_back(fmt::format(
          "snapshot versions were asked for {} of {} consumer flows (the limit is {}); the others show none",
          asked, ordered.size(), limit));

    for (std::size_t i = 0; i < asked; ++i) {
      const std::string& flow_id = ordered[i].id;
      for (auto& module : covered) {
        auto c = module.consumers.find(flow_id);
        if (c == module.consumers.end()) continue;
        if (!snapshots[i].used) {
          c->second.notes.push_back(fmt::format("snapshot version unknown: {}", snapshots[i].error));
          continue;
        }
        const auto& used = *snapshots[i].used;
        auto hit = std::find_if(used.begin(), used.end(),
                                [&](const genesys::Dependency& d) { return d.id == module.flow->id; });
        if (hit == used.end())
          hit = std::find_if(used.begin(), used.end(),
                             [&](const genesys::Dependency& d) { return d.name == module.flow->name; });
        if (hit != used.end()) c->second.snapshot_version = hit->version;
        else c->second.notes.push_back("dependency tracking does not list the module among what its published version uses");
      }
      // What this version uses that is gone.
      if (!snapshots[i].used) continue;
      for (const auto& dependency : *snapshots[i].used) {
        const bool module_object = util::ascii_upper(dependency.type) == genesys::kCommonModuleObjectType;
        if (!module_object) continue;
        if (!dependency.deleted && modules.resolve(dependency.id, dependency.name)) continue;
        MissingState& entry = missing[{dependency.id, dependency.name}];
        if (std::none_of(entry.flows.begin(), entry.flows.end(), [&](const plan::FlowRef& f) { return f.id == flow_id; }))
          entry.flows.push_back(ordered[i]);
        add_once(entry.found_by, plan::kFoundByDependencyTracking);
      }
    }
  }

  // The judgement, and the report's shape.
  for (auto& state : covered) {
    plan::ModuleUsage usage;
    usage.key = state.key;
    usage.id = state.flow->id;
    usage.name = state.flow->name;
    std::tie(usage.division_id, usage.division_name) = division_of(*state.flow);
    usage.published_version = published_version_of(*state.flow);
    usage.published_date = published_date_of(*state.flow);
    usage.must_be_current = module_wants_current(desired, state.key);
    usage.notes = state.notes;
    for (auto& [flow_id, consumer] : state.consumers) {
      judge(consumer, *state.flow);
      consumer.must_be_current = wants_current(desired, state.key, consumer.flow.type, consumer.flow.name);
      // found_by in a fixed order.
      std::vector<std::string> found;
      for (const char* source : {plan::kFoundByDependencyTracking, plan::kFoundByDocuments})
        if (std::find(consumer.found_by.begin(), consumer.found_by.end(), source) != consumer.found_by.end())
          found.push_back(source);
      consumer.found_by = std::move(found);
      usage.consumers.push_back(std::move(consumer));
    }
    std::sort(usage.consumers.begin(), usage.consumers.end(),
              [](const ModuleConsumer& a, const ModuleConsumer& b) { return flow_less(a.flow, b.flow); });
    if (usage.key.empty() && !usage.consumers.empty()) {
      plan::UnmanagedModule unmanaged{usage.id, usage.name, {}};
      for (const auto& consumer : usage.consumers) unmanaged.flows.push_back(consumer.flow);
      report.unmanaged.push_back(std::move(unmanaged));
    }
    report.modules.push_back(std::move(usage));
  }

  for (const auto& [key, ref] : desired.modules) {
    const genesys::Flow* flow = module_of_key.at(key);
    if (!flow) {
      // Not in the org: reported when every module is, or when --module names it.
      if (options.module.empty()) report.uncalled.push_back({key, ref.name, "", false});
      continue;
    }
    auto index = covered_index.find(flow->id);
    if (index == covered_index.end()) continue;  // not covered (--module)
    if (report.modules[index->second].consumers.empty()) report.uncalled.push_back({key, ref.name, flow->id, true});
  }

  for (auto& [id_name, entry] : missing) {
    std::sort(entry.flows.begin(), entry.flows.end(), flow_less);
    std::vector<std::string> found;
    for (const char* source : {plan::kFoundByDependencyTracking, plan::kFoundByDocuments})
      if (std::find(entry.found_by.begin(), entry.found_by.end(), source) != entry.found_by.end()) found.push_back(source);
    report.missing.push_back({id_name.first, id_name.second, std::move(entry.flows), std::move(found)});
  }
  std::sort(report.missing.begin(), report.missing.end(), [](const plan::MissingModule& a, const plan::MissingModule& b) {
    return std::tie(a.module_name, a.module_id) < std::tie(b.module_name, b.module_id);
  });
  return report;
}

}  // namespace flowlink::source
