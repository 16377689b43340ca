// Reading observed flows from a live org: one listing, local name matching,
// concurrent configuration reads. See org_source.hpp.
#include "source/org_source.hpp"

#include <algorithm>
#include <cctype>
#include <exception>
#include <set>
#include <tuple>

#include <fmt/format.h>

#include "util/ascii.hpp"

namespace flowlink::source {

namespace {

constexpr const char* kModuleType = "commonmodule";

bool selected_by_rules(const manifest::DesiredState& desired, const genesys::Flow& flow) {
  return std::any_of(desired.rules.begin(), desired.rules.end(),
                     [&](const manifest::Rule& rule) { return rule.flows.matches(flow.type, flow.name); });
}

// A module is read when the manifest names it. Names compare without case so
// that a module the manifest misspells only in case is read and the planner's
// exact comparison can explain the mismatch with the real document at hand.
bool named_by_manifest(const manifest::DesiredState& desired, const genesys::Flow& flow) {
  const std::string name = util::ascii_lower(flow.name);
  for (const auto& [key, ref] : desired.modules) {
    if (ref.id && *ref.id == flow.id) return true;
    if (util::ascii_lower(ref.name) == name) return true;
  }
  return false;
}

plan::ObservedFlow observed_from_listing(const genesys::Flow& flow) {
  plan::ObservedFlow observed;
  observed.id = flow.id;
  observed.name = flow.name;
  observed.type = util::ascii_lower(flow.type);
  observed.version = observed_version_of(flow);
  observed.published = flow.published_version.has_value();
  return observed;
}

// Reads one flow's latest configuration into `observed`; failures become its
// load_error (the flow alone is affected).
void load_document(genesys::FlowApi& api, plan::ObservedFlow& observed) {
  const std::string source = flow_source_name(observed.name, observed.id);
  try {
    std::string text = api.latest_configuration(observed.id);
    observed.document = flowdoc::Document::parse(text, source);
  } catch (const genesys::ApiError& e) {
    observed.load_error = fmt::format("{}: could not read the configuration: {}", source, e.what());
  } catch (const flowdoc::DocumentError& e) {
    observed.load_error = fmt::format("{}: could not parse the configuration: {}", source, e.what());
  } catch (const std::exception& e) {
    observed.load_error = fmt::format("{}: {}", source, e.what());
  }
}

std::vector<std::string> listed_types(const manifest::DesiredState& desired, bool modules_only) {
  std::set<std::string> types = {kModuleType};
  if (!modules_only)
    for (const auto& rule : desired.rules)
      for (const auto& type : rule.flows.types) types.insert(util::ascii_lower(type));
  return {types.begin(), types.end()};
}

OrgReadResult read(genesys::FlowApi& api, const manifest::DesiredState& desired, int parallelism,
                   bool modules_only) {
  const genesys::RequestStats before = api.stats();
  OrgReadResult result;

  genesys::ListFlowsQuery query;
  query.types = listed_types(desired, modules_only);
  std::vector<genesys::Flow> listed = api.list_flows(query);
  result.flows_listed = listed.size();

  std::vector<std::size_t> to_read;  // indices into result.flows
  for (const auto& flow : listed) {
    if (flow.deleted) continue;
    plan::ObservedFlow observed = observed_from_listing(flow);
    const bool is_module = observed.type == kModuleType;
    const bool selected = !modules_only && selected_by_rules(desired, flow);
    const bool named = is_module && named_by_manifest(desired, flow);
    if (selected) ++result.flows_matched;
    if (!selected && !is_module) continue;  // listed for its type, but no rule wants it
    if (selected || named) {
      to_read.push_back(result.flows.size());
    } else {
      observed.load_error = kModuleNotRead;
    }
    result.flows.push_back(std::move(observed));
  }

  genesys::parallel_for(to_read.size(), std::max(1, parallelism),
                        [&](std::size_t i) { load_document(api, result.flows[to_read[i]]); });

  for (std::size_t index : to_read) {
    const auto& observed = result.flows[index];
    if (!observed.document) ++result.load_errors;
    else if (observed.type == kModuleType) ++result.modules_read;
  }
  std::sort(result.flows.begin(), result.flows.end(), [](const plan::ObservedFlow& a, const plan::ObservedFlow& b) {
    return std::tie(a.type, a.name, a.id) < std::tie(b.type, b.name, b.id);
  });
  result.stats = stats_delta(api.stats(), before);
  return result;
}

}  // namespace

std::string observed_version_of(const genesys::Flow& flow) {
  if (flow.saved_version && !flow.saved_version->id.empty()) return flow.saved_version->id;
  if (flow.checked_in_version && !flow.checked_in_version->id.empty()) return flow.checked_in_version->id;
  if (flow.published_version && !flow.published_version->id.empty()) return flow.published_version->id;
  return {};
}

std::string flow_source_name(const std::string& name, const std::string& id) {
  return fmt::format("flow '{}' ({})", name, id);
}

OrgReadResult read_org(genesys::FlowApi& api, const manifest::DesiredState& desired, int parallelism) {
  return read(api, desired, parallelism, false);
}

OrgReadResult read_modules(genesys::FlowApi& api, const manifest::DesiredState& desired, int parallelism) {
  return read(api, desired, parallelism, true);
}

std::vector<plan::ObservedFlow> modules_of(const std::vector<plan::ObservedFlow>& flows) {
  std::vector<plan::ObservedFlow> modules;
  for (const auto& flow : flows)
    if (flow.type == kModuleType) modules.push_back(flow);
  return modules;
}

plan::Plan plan_org(genesys::FlowApi& api, const manifest::DesiredState& desired, const plan::PlanOptions& options,
                    int parallelism, OrgReadResult* read_result) {
  OrgReadResult result = read_org(api, desired, parallelism);
  plan::Plan plan = plan::make_plan(desired, result.flows, options);
  if (read_result) *read_result = std::move(result);
  return plan;
}

genesys::RequestStats stats_delta(const genesys::RequestStats& after, const genesys::RequestStats& before) {
  genesys::RequestStats d;
  d.requests = after.requests - before.requests;
  d.retries = after.retries - before.retries;
  d.rate_limited = after.rate_limited - before.rate_limited;
  d.server_errors = after.server_errors - before.server_errors;
  d.token_requests = after.token_requests - before.token_requests;
  return d;
}

}  // namespace flowlink::source
