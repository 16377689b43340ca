// See find_flow.hpp.
#include "source/find_flow.hpp"

#include <stdexcept>
#include <vector>

#include <fmt/format.h>

#include "manifest/suggestions.hpp"
#include "source/export_dir.hpp"
#include "source/org_source.hpp"

namespace flowlink::source {

namespace {

struct Candidate {
  std::string id;
  std::string name;
  std::string type;
};

// The one candidate answering to `name_or_id` (an id first: ids are unique).
std::size_t choose(const std::vector<Candidate>& candidates, const std::string& name_or_id, const std::string& where) {
  for (std::size_t i = 0; i < candidates.size(); ++i)
    if (candidates[i].id == name_or_id) return i;
  std::vector<std::size_t> named;
  for (std::size_t i = 0; i < candidates.size(); ++i)
    if (candidates[i].name == name_or_id) named.push_back(i);
  if (named.size() == 1) return named.front();
  if (named.empty()) {
    std::vector<std::string> names;
    for (const auto& candidate : candidates) names.push_back(candidate.name);
    const auto guess = manifest::closest(name_or_id, names);
    throw std::runtime_error(fmt::format("no flow named or with id '{}' in {}{}", name_or_id, where,
                                         guess ? fmt::format("; did you mean '{}'?", *guess) : ""));
  }
  std::vector<std::string> which;
  for (std::size_t i : named) which.push_back(fmt::format("{} ({})", candidates[i].id, candidates[i].type));
  throw std::runtime_error(fmt::format("{} flows are named '{}' in {}: give the id of one: {}", named.size(),
                                       name_or_id, where, manifest::join_list(which)));
}

void require_document(const plan::ObservedFlow& flow) {
  if (!flow.document)
    throw std::runtime_error(fmt::format("the document of {} could not be read: {}", flow_source_name(flow.name, flow.id),
                                         flow.load_error.empty() ? "no document" : flow.load_error));
}

}  // namespace

plan::ObservedFlow find_org_flow(genesys::FlowApi& api, const std::string& name_or_id) {
  const std::vector<genesys::Flow> listed = api.list_flows({});
  std::vector<Candidate> candidates;
  std::vector<const genesys::Flow*> flows;
  for (const auto& flow : listed) {
    if (flow.deleted) continue;
    candidates.push_back({flow.id, flow.name, flow.type});
    flows.push_back(&flow);
  }
  const genesys::Flow& flow = *flows[choose(candidates, name_or_id, "the org")];
  plan::ObservedFlow observed = observe_flow(flow, ReadOptions{});
  load_documents(api, observed);
  require_document(observed);
  return observed;
}

plan::ObservedFlow find_export_flow(const std::string& dir, const std::string& name_or_id) {
  std::vector<plan::ObservedFlow> flows = read_export_dir(dir);
  std::vector<Candidate> candidates;
  for (const auto& flow : flows) candidates.push_back({flow.id, flow.name, flow.type});
  plan::ObservedFlow observed = std::move(flows[choose(candidates, name_or_id, "export directory " + dir)]);
  require_document(observed);
  return observed;
}

}  // namespace flowlink::source
