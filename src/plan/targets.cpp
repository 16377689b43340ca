// --target: limiting a plan to some flows by name or id (see planner.hpp).
#include <algorithm>

#include <fmt/format.h>

#include "genesys/vocabulary.hpp"
#include "plan/planner.hpp"
#include "plan/planner_internal.hpp"

namespace flowlink::plan {

bool is_targeted(const std::vector<std::string>& targets, const std::string& flow_id, const std::string& flow_name) {
  if (targets.empty()) return true;
  return std::any_of(targets.begin(), targets.end(),
                     [&](const std::string& target) { return target == flow_id || target == flow_name; });
}

namespace detail {

std::vector<std::string> target_errors(const std::vector<std::string>& targets,
                                       const std::vector<const ObservedFlow*>& planned,
                                       const std::vector<ObservedFlow>& observed) {
  std::vector<std::string> errors;
  for (const auto& target : targets) {
    const bool found = std::any_of(planned.begin(), planned.end(), [&](const ObservedFlow* flow) {
      return flow->id == target || flow->name == target;
    });
    if (found) continue;
    const bool exists = std::any_of(observed.begin(), observed.end(), [&](const ObservedFlow& flow) {
      return flow.id == target || flow.name == target;
    });
    if (exists) {
      errors.push_back(fmt::format("target '{}' is a flow no rule selects", target));
      continue;
    }
    std::vector<std::string> names;
    for (const auto& flow : observed)
      if (!genesys::is_common_module(flow.type)) names.push_back(flow.name);
    const std::string guess = closest_match(target, names);
    errors.push_back(fmt::format("target '{}' is no flow the manifest's rules select{}", target,
                                 guess.empty() ? "" : fmt::format("; did you mean '{}'?", guess)));
  }
  return errors;
}

}  // namespace detail

}  // namespace flowlink::plan
