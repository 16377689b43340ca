// The planner: desired state + observed flows -> Plan. See planner.hpp for the
// semantics; this file decides, per document, which edits and findings follow
// (the lifecycle, which version is the basis and what apply does, is in
// lifecycle_planning.cpp).
#include <algorithm>
#include <set>

#include <fmt/format.h>

#include "genesys/vocabulary.hpp"
#include "plan/planner.hpp"
#include "plan/planner_internal.hpp"

namespace flowlink::plan {

bool detail::calls_module(const flowdoc::ModuleCall& call, const std::string& module_id,
                          const std::string& module_name) {
  return (!module_id.empty() && call.module_id == module_id) || (!module_name.empty() && call.module_name == module_name);
}

namespace {

using detail::calls_module;
using detail::ResolvedModule;
using manifest::Placement;

constexpr std::size_t kMaxProblemsReported = 10;

// One module a flow must call, merged over the rules that ask for it.
struct EnsureDemand {
  std::vector<std::string> rules;
  const manifest::EnsureEntry* entry = nullptr;
  const ResolvedModule* module = nullptr;
  bool move = false;
  bool dedupe = false;
  std::vector<flowdoc::ModuleCall> calls;  // calls to the module, by trackingId
  detail::Slot slot;
};

// One module a flow must no longer call.
struct RemoveDemand {
  std::vector<std::string> rules;
  std::string key, module_id, module_name;
};

bool same_placement(const Placement& a, const Placement& b) {
  return a.kind == b.kind && (a.kind != Placement::Kind::Task || a.task == b.task) &&
         ((a.kind != Placement::Kind::After && a.kind != Placement::Kind::Before) ||
          (a.anchor.name == b.anchor.name && a.anchor.tracking_id == b.anchor.tracking_id &&
           a.anchor.type == b.anchor.type));
}

std::string describe_bindings(const flowdoc::Bindings& bindings) {
  std::vector<std::string> parts;
  for (const auto& [name, value] : bindings) parts.push_back(fmt::format("{} = {}", name, value));
  return parts.empty() ? "none" : fmt::format("{}", fmt::join(parts, ", "));
}

std::string describe_demand(const manifest::EnsureEntry& entry) {
  return fmt::format("at {} with inputs {{{}}} and outputs {{{}}}", entry.at.describe(), describe_bindings(entry.inputs),
                     describe_bindings(entry.outputs));
}


void diff_bindings(const std::string& direction, const flowdoc::Bindings& have, const flowdoc::Bindings& want,
                   std::vector<Edit::FieldChange>& changes) {
  std::set<std::string> names;
  for (const auto& [name, value] : have) names.insert(name);
  for (const auto& [name, value] : want) names.insert(name);
  for (const auto& name : names) {
    auto before = have.find(name);
    auto after = want.find(name);
    std::optional<std::string> b = before == have.end() ? std::nullopt : std::optional<std::string>(before->second);
    std::optional<std::string> a = after == want.end() ? std::nullopt : std::optional<std::string>(after->second);
    if (a != b) changes.push_back({direction + "." + name, b, a});
  }
}

std::string rules_suffix(const std::vector<std::string>& rules) {
  return rules.size() > 1 ? fmt::format(" (rules {})", detail::quoted_list(rules)) : std::string();
}

class FlowPlanner {
 public:
  FlowPlanner(const flowdoc::Document& document, FlowPlan& out) : doc_(document), out_(out) {}

  void plan(std::vector<EnsureDemand>& ensures, const std::vector<RemoveDemand>& removes);

 private:
  void plan_group(std::vector<EnsureDemand*>& group);
  Edit base_edit(Edit::Kind kind, const EnsureDemand& demand) const;
  Edit call_edit(Edit::Kind kind, const EnsureDemand& demand, const flowdoc::ModuleCall& call) const;

  const flowdoc::Document& doc_;
  FlowPlan& out_;
  std::vector<Edit> removes_, updates_, placements_;
  std::vector<int> placement_order_;  // ensure index of each placement edit
  std::vector<Finding> findings_;
  std::vector<std::string> removed_by_entries_;  // calls under `remove`
};

Edit FlowPlanner::base_edit(Edit::Kind kind, const EnsureDemand& demand) const {
  Edit edit;
  edit.kind = kind;
  edit.rule = demand.rules.front();
  edit.module_key = demand.module->key;
  edit.module_id = demand.module->id();
  edit.module_name = demand.module->flow->name;
  return edit;
}

Edit FlowPlanner::call_edit(Edit::Kind kind, const EnsureDemand& demand, const flowdoc::ModuleCall& call) const {
  Edit edit = base_edit(kind, demand);
  edit.action_id = call.action_id;
  edit.action_name = call.action_name;
  edit.position_description = call.position.describe();
  return edit;
}

void FlowPlanner::plan(std::vector<EnsureDemand>& ensures, const std::vector<RemoveDemand>& removes) {
  // Ensure entries that share a slot are planned together: their calls stand
  // as one run, in ensure order.
  std::vector<std::string> slot_keys;
  std::vector<std::vector<EnsureDemand*>> groups;
  for (auto& demand : ensures) {
    std::string key = demand.slot.key();
    auto it = std::find(slot_keys.begin(), slot_keys.end(), key);
    if (it == slot_keys.end()) {
      slot_keys.push_back(key);
      groups.emplace_back();
      it = slot_keys.end() - 1;
    }
    groups[static_cast<std::size_t>(it - slot_keys.begin())].push_back(&demand);
  }
  // Calls under `remove` first: they go before anything else is placed, so
  // the runs are judged as they will stand without them.
  for (const auto& demand : removes) {
    for (const auto& call : doc_.module_calls()) {
      if (!calls_module(call, demand.module_id, demand.module_name)) continue;
      Edit edit;
      edit.kind = Edit::Kind::RemoveCall;
      edit.rule = demand.rules.front();
      edit.module_key = demand.key;
      edit.module_id = call.module_id;
      edit.module_name = call.module_name;
      edit.action_id = call.action_id;
      edit.action_name = call.action_name;
      edit.position_description = call.position.describe();
      edit.reason = fmt::format("listed under remove in rule{} {}", demand.rules.size() > 1 ? "s" : "",
                                detail::quoted_list(demand.rules));
      removed_by_entries_.push_back(edit.action_id);
      removes_.push_back(std::move(edit));
    }
  }
  for (auto& group : groups) plan_group(group);

  // Removes run first: the anchors of the later edits are never removed (checked below).
  std::set<std::string> removed;
  for (const auto& edit : removes_) removed.insert(edit.action_id);
  for (const auto& demand : ensures) {
    if (!demand.slot.anchor_id.empty() && removed.count(demand.slot.anchor_id))
      out_.errors.push_back(fmt::format(
          "rule '{}': the anchor {} of module '{}' is a call this plan removes; anchor it to another action",
          demand.rules.front(), demand.slot.anchor_label, demand.module->key));
  }
  for (const auto& edit : placements_) {
    if (!edit.insertion.action_id.empty() && removed.count(edit.insertion.action_id))
      out_.errors.push_back(fmt::format("rule '{}': call to '{}' would be inserted next to an action this plan removes",
                                        edit.rule, edit.module_name));
  }
  if (!out_.errors.empty()) return;

  // Placement edits that share an insertion point are ordered so that the
  // calls end up in ensure order: inserting at a start or after an action
  // pushes earlier insertions down, so those go in reverse ensure order;
  // inserting before an action keeps earlier insertions in front.
  std::vector<std::size_t> order(placements_.size());
  for (std::size_t i = 0; i < order.size(); ++i) order[i] = i;
  auto point_key = [&](std::size_t i) {
    const auto& p = placements_[i].insertion;
    return fmt::format("{}|{}|{}", static_cast<int>(p.kind), p.task_name, p.action_id);
  };
  std::vector<std::string> first_seen;
  for (std::size_t i : order)
    if (std::find(first_seen.begin(), first_seen.end(), point_key(i)) == first_seen.end())
      first_seen.push_back(point_key(i));
  std::stable_sort(order.begin(), order.end(), [&](std::size_t a, std::size_t b) {
    auto ka = std::find(first_seen.begin(), first_seen.end(), point_key(a)) - first_seen.begin();
    auto kb = std::find(first_seen.begin(), first_seen.end(), point_key(b)) - first_seen.begin();
    if (ka != kb) return ka < kb;
    bool before_kind = placements_[a].insertion.kind == flowdoc::InsertionPoint::Kind::BeforeAction;
    return before_kind ? placement_order_[a] < placement_order_[b] : placement_order_[a] > placement_order_[b];
  });

  for (auto& edit : removes_) out_.edits.push_back(std::move(edit));
  for (auto& edit : updates_) out_.edits.push_back(std::move(edit));
  for (std::size_t i : order) out_.edits.push_back(std::move(placements_[i]));
  for (auto& finding : findings_) out_.findings.push_back(std::move(finding));
}

void FlowPlanner::plan_group(std::vector<EnsureDemand*>& group) {
  const detail::Slot& slot = group.front()->slot;
  std::vector<std::string> group_calls;
  for (const auto* demand : group)
    for (const auto& call : demand->calls) group_calls.push_back(call.action_id);
  const std::vector<std::string> run = detail::run_at_slot(doc_, slot, group_calls, removed_by_entries_);
  auto run_index = [&](const std::string& id) -> int {
    auto it = std::find(run.begin(), run.end(), id);
    return it == run.end() ? -1 : static_cast<int>(it - run.begin());
  };
  const std::string target = detail::describe_insertion(doc_, detail::base_insertion(slot));

  // Pass 1: keepers, updates, extras; which members need a place.
  std::vector<std::string> settled(group.size());  // keeper id when it stands in the run
  std::vector<const flowdoc::ModuleCall*> to_place(group.size(), nullptr);
  std::vector<bool> missing(group.size(), false);
  for (std::size_t i = 0; i < group.size(); ++i) {
    EnsureDemand& demand = *group[i];
    const std::string& rule = demand.rules.front();
    if (demand.calls.empty()) {
      missing[i] = true;
      continue;
    }
    const flowdoc::ModuleCall* keeper = nullptr;
    for (const auto& call : demand.calls)
      if (run_index(call.action_id) >= 0 && (!keeper || run_index(call.action_id) < run_index(keeper->action_id)))
        keeper = &call;
    if (keeper) {
      settled[i] = keeper->action_id;
    } else {
      keeper = &demand.calls.front();
      if (demand.move) {
        to_place[i] = keeper;
      } else {
        findings_.push_back({Finding::Kind::Misplaced, rule, demand.module->key, demand.module->flow->name,
                             keeper->action_id,
                             fmt::format("call '{}' (#{}) to '{}' is {}, but rule '{}' wants it {}; set `move: true` "
                                         "to move it",
                                         keeper->action_name, keeper->tracking_id, demand.module->flow->name,
                                         keeper->position.describe(), rule, target)});
      }
    }
    std::vector<Edit::FieldChange> changes;
    diff_bindings("inputs", keeper->inputs, demand.entry->inputs, changes);
    diff_bindings("outputs", keeper->outputs, demand.entry->outputs, changes);
    if (!changes.empty()) {
      Edit edit = call_edit(Edit::Kind::UpdateCall, demand, *keeper);
      edit.inputs = demand.entry->inputs;
      edit.outputs = demand.entry->outputs;
      bool inputs = std::any_of(changes.begin(), changes.end(), [](const auto& c) { return c.field.rfind("inputs.", 0) == 0; });
      bool outputs = std::any_of(changes.begin(), changes.end(), [](const auto& c) { return c.field.rfind("outputs.", 0) == 0; });
      edit.reason = std::string(inputs && outputs ? "inputs and outputs differ" : inputs ? "inputs differ" : "outputs differ") +
                    rules_suffix(demand.rules);
      edit.changes = std::move(changes);
      updates_.push_back(std::move(edit));
    }
    for (const auto& call : demand.calls) {
      if (&call == keeper) continue;
      if (demand.dedupe) {
        Edit edit = call_edit(Edit::Kind::RemoveCall, demand, call);
        edit.reason = fmt::format("duplicate of '{}' (#{}) (dedupe: true)", keeper->action_name, keeper->tracking_id);
        removes_.push_back(std::move(edit));
      } else {
        findings_.push_back({Finding::Kind::Duplicate, rule, demand.module->key, demand.module->flow->name,
                             call.action_id,
                             fmt::format("call '{}' (#{}) {} repeats the call to '{}' kept at #{}; set `dedupe: "
                                         "true` to remove it",
                                         call.action_name, call.tracking_id, call.position.describe(),
                                         demand.module->flow->name, keeper->tracking_id)});
      }
    }
  }

  // Pass 2: insertion points. A member goes next to the settled calls of its
  // neighbours in ensure order, so the run keeps that order where it can.
  const bool before_slot = slot.kind == Placement::Kind::Before;
  for (std::size_t i = 0; i < group.size(); ++i) {
    if (!missing[i] && !to_place[i]) continue;
    EnsureDemand& demand = *group[i];
    flowdoc::InsertionPoint point = detail::base_insertion(slot);
    int best = -1;
    for (std::size_t j = 0; j < group.size(); ++j) {
      if (settled[j].empty() || (before_slot ? j <= i : j >= i)) continue;
      int index = run_index(settled[j]);
      if (best < 0 || (before_slot ? index < best : index > best)) best = index;
    }
    if (best >= 0) {
      point.kind = before_slot ? flowdoc::InsertionPoint::Kind::BeforeAction : flowdoc::InsertionPoint::Kind::AfterAction;
      point.task_name.clear();
      point.action_id = run[static_cast<std::size_t>(best)];
    }
    Edit edit;
    if (missing[i]) {
      edit = base_edit(Edit::Kind::AddCall, demand);
      edit.action_name = "Call " + demand.module->flow->name;
      edit.inputs = demand.entry->inputs;
      edit.outputs = demand.entry->outputs;
      edit.reason = "missing" + rules_suffix(demand.rules);
    } else {
      edit = call_edit(Edit::Kind::MoveCall, demand, *to_place[i]);
      edit.reason = fmt::format("misplaced: it is {} (move: true)", to_place[i]->position.describe());
    }
    edit.placement = demand.entry->at;
    edit.insertion = point;
    edit.position_description = detail::describe_insertion(doc_, point);
    placements_.push_back(std::move(edit));
    placement_order_.push_back(static_cast<int>(i));
  }
}

// Collects the demands of the matched rules, or the errors that stop the flow.
void collect_demands(const manifest::DesiredState& desired, const std::vector<const manifest::Rule*>& rules,
                     const std::map<std::string, ResolvedModule>& modules, FlowPlan& out,
                     std::vector<EnsureDemand>& ensures, std::vector<RemoveDemand>& removes) {
  for (const auto* rule : rules) {
    for (const auto& entry : rule->ensure) {
      auto module_it = modules.find(entry.module);
      if (module_it != modules.end() && !module_it->second.ok()) {
        out.errors.push_back(fmt::format("rule '{}' ensures module '{}' ({}), which cannot be used: {}", rule->name,
                                         entry.module, module_it->second.name, module_it->second.error));
        continue;
      }
      std::string error = detail::ensure_entry_error(*rule, entry, modules);
      if (!error.empty()) {
        out.errors.push_back(error);
        continue;
      }
      const ResolvedModule* module = &module_it->second;
      auto same = std::find_if(ensures.begin(), ensures.end(),
                               [&](const EnsureDemand& d) { return d.module->id() == module->id(); });
      if (same == ensures.end()) {
        EnsureDemand demand;
        demand.rules.push_back(rule->name);
        demand.entry = &entry;
        demand.module = module;
        demand.move = entry.move;
        demand.dedupe = entry.dedupe;
        ensures.push_back(std::move(demand));
      } else if (same_placement(same->entry->at, entry.at) && same->entry->inputs == entry.inputs &&
                 same->entry->outputs == entry.outputs) {
        // Identical demands merge; `move` / `dedupe` from any of them apply.
        if (std::find(same->rules.begin(), same->rules.end(), rule->name) == same->rules.end())
          same->rules.push_back(rule->name);
        same->move = same->move || entry.move;
        same->dedupe = same->dedupe || entry.dedupe;
      } else {
        out.errors.push_back(fmt::format("rules '{}' and '{}' demand different calls to module '{}' ({}): '{}' wants it "
                                         "{}, '{}' wants it {}",
                                         same->rules.front(), rule->name, module->key, module->flow->name,
                                         same->rules.front(), describe_demand(*same->entry), rule->name,
                                         describe_demand(entry)));
      }
    }
    for (const auto& entry : rule->remove) {
      RemoveDemand demand;
      demand.key = entry.module;
      auto module_it = modules.find(entry.module);
      if (module_it != modules.end()) {
        demand.module_id = module_it->second.id();
        demand.module_name = module_it->second.flow ? module_it->second.flow->name : module_it->second.name;
      } else {
        demand.module_name = entry.module;
      }
      auto same = std::find_if(removes.begin(), removes.end(), [&](const RemoveDemand& d) {
        return d.module_id == demand.module_id && d.module_name == demand.module_name;
      });
      if (same != removes.end()) {
        if (std::find(same->rules.begin(), same->rules.end(), rule->name) == same->rules.end())
          same->rules.push_back(rule->name);
        continue;
      }
      demand.rules.push_back(rule->name);
      removes.push_back(std::move(demand));
    }
  }
  // A module cannot be both ensured and removed.
  for (const auto& remove : removes) {
    for (const auto& ensure : ensures) {
      bool same = (!remove.module_id.empty() && remove.module_id == ensure.module->id()) ||
                  remove.module_name == ensure.module->flow->name;
      if (same)
        out.errors.push_back(fmt::format("rule '{}' ensures module '{}' ({}) but rule '{}' removes it",
                                         ensure.rules.front(), ensure.module->key, ensure.module->flow->name,
                                         remove.rules.front()));
    }
  }
}

}  // namespace

// Plans one document against the matched rules: fills out.fingerprint,
// edits, findings and errors.
void detail::plan_document(const manifest::DesiredState& desired,
                           const std::vector<const manifest::Rule*>& rules,
                           const std::map<std::string, ResolvedModule>& modules,
                           const flowdoc::Document& document, const std::string& flow_name, FlowPlan& out) {
  try {
    out.fingerprint = document.source_fingerprint();
    auto problems = document.check();
    if (!problems.empty()) {
      for (std::size_t i = 0; i < problems.size() && i < kMaxProblemsReported; ++i)
        out.errors.push_back(fmt::format("the flow document is unsound, flowlink will not edit it: {}: {}",
                                         problems[i].where, problems[i].message));
      if (problems.size() > kMaxProblemsReported)
        out.errors.push_back(fmt::format("... and {} more problems", problems.size() - kMaxProblemsReported));
      return;
    }

    std::vector<EnsureDemand> ensures;
    std::vector<RemoveDemand> removes;
    collect_demands(desired, rules, modules, out, ensures, removes);

    std::vector<flowdoc::ModuleCall> calls = document.module_calls();
    std::stable_sort(calls.begin(), calls.end(),
                     [](const auto& a, const auto& b) { return a.tracking_id < b.tracking_id; });
    for (auto& demand : ensures) {
      for (const auto& call : calls)
        if (calls_module(call, demand.module->id(), demand.module->flow->name)) demand.calls.push_back(call);
      std::vector<std::string> excluded;
      for (const auto& call : demand.calls) excluded.push_back(call.action_id);
      auto slot = detail::resolve_slot(document, demand.entry->at, excluded);
      if (slot.slot) {
        demand.slot = *slot.slot;
      } else {
        out.errors.push_back(fmt::format("rule '{}', module '{}': {}", demand.rules.front(), demand.module->key, slot.error));
      }
    }
    if (!out.errors.empty()) return;

    FlowPlanner(document, out).plan(ensures, removes);
  } catch (const std::exception& e) {
    out.errors.push_back(fmt::format("planning flow '{}' failed: {}", flow_name, e.what()));
  }
  if (!out.errors.empty()) out.edits.clear();  // a flow in error is never half-applied
}

namespace {

FlowPlan plan_one_flow(const manifest::DesiredState& desired, const ObservedFlow& flow,
                       const std::map<std::string, ResolvedModule>& modules, const PlanOptions& options) {
  FlowPlan out;
  out.flow_id = flow.id;
  out.flow_name = flow.name;
  out.flow_type = flow.type;
  out.observed_version = flow.version;
  std::vector<const manifest::Rule*> rules;
  for (const auto& rule : desired.rules) {
    if (!rule.flows.matches(flow.type, flow.name)) continue;
    rules.push_back(&rule);
    out.rules.push_back(rule.name);
    out.publish = out.publish || rule.publish;
  }
  if (rules.empty()) return out;
  if (flow.lifecycle) {
    detail::plan_lifecycle(desired, rules, modules, flow, options, out);
    if (!out.errors.empty()) out.edits.clear();
    if (!out.errors.empty() && out.action != FlowAction::None) out.action = FlowAction::None;
    return out;
  }
  out.policy = detail::policy_of(rules, options);
  if (!flow.document) {
    out.errors.push_back("the flow document could not be read: " +
                         (flow.load_error.empty() ? std::string("no document") : flow.load_error));
    return out;
  }
  detail::plan_document(desired, rules, modules, *flow.document, flow.name, out);
  out.action = out.edits.empty() ? FlowAction::None : FlowAction::Edit;
  return out;
}

}  // namespace

Plan make_plan(const manifest::DesiredState& desired, const std::vector<ObservedFlow>& flows,
               const PlanOptions& options, std::map<std::string, FlowPlan>* planned) {
  const PerFlowPlanner planner(desired, flows, options);
  Plan plan;
  static_cast<PlanHead&>(plan) = planner.head(flows);
  std::vector<const ObservedFlow*> ordered;
  for (const auto& flow : flows)
    if (!genesys::is_common_module(flow.type)) ordered.push_back(&flow);
  std::sort(ordered.begin(), ordered.end(), [](const ObservedFlow* a, const ObservedFlow* b) {
    return std::tie(a->type, a->name, a->id) < std::tie(b->type, b->name, b->id);
  });
  // Not grown by doubling: a FlowPlan is ~850 bytes, and thousands of them
  // moved to a twice larger array at once would be the plan's peak. At most
  // one per observed flow (reserving the exact count would match every flow
  // against every rule a second time).
  plan.flows.reserve(ordered.size());
  for (const auto* flow : ordered) {
    if (!is_targeted(options.targets, flow->id, flow->name)) continue;
    if (planned) {
      if (auto known = planned->find(flow->id); known != planned->end()) {
        if (!known->second.rules.empty()) plan.flows.push_back(std::move(known->second));
        planned->erase(known);
        continue;
      }
    }
    FlowPlan flow_plan = planner.plan(*flow);
    if (!flow_plan.rules.empty()) plan.flows.push_back(std::move(flow_plan));
  }
  return plan;
}

struct PerFlowPlanner::ResolvedModules {
  std::map<std::string, detail::ResolvedModule> by_key;
};

PerFlowPlanner::PerFlowPlanner(const manifest::DesiredState& desired, const std::vector<ObservedFlow>& flows,
                               const PlanOptions& options)
    : desired_(desired),
      options_(options),
      modules_(std::make_unique<ResolvedModules>(ResolvedModules{detail::resolve_modules(desired, flows, options)})) {}

PerFlowPlanner::~PerFlowPlanner() = default;

PlanHead PerFlowPlanner::head(const std::vector<ObservedFlow>& flows) const {
  PlanHead plan;
  plan.flowlink_version = options_.flowlink_version;
  plan.source = options_.source;
  plan.manifest_files = desired_.files;
  plan.manifest_fingerprint = desired_.fingerprint;
  plan.org_id = options_.org_id;
  plan.org_name = options_.org_name;
  plan.errors = detail::plan_wide_errors(desired_, modules_->by_key);
  record_environment(plan, desired_);
  // Rules select flows by type: a flow whose type could not be told (an
  // export file that does not say, or could not be read) would otherwise drop
  // out of every rule unseen.
  for (const auto& flow : flows) {
    if (!flow.type.empty()) continue;
    plan.errors.push_back(
        flow.load_error.empty()
            ? fmt::format("flow '{}' ({}) has no type, so no rule can tell whether it selects it", flow.name, flow.id)
            : fmt::format("flow '{}' ({}) has no known type, so no rule can tell whether it selects it: {}", flow.name,
                          flow.id, flow.load_error));
  }
  plan.targets = options_.targets;
  // The flows the plan holds are the targeted ones some rule selects (a
  // FlowPlan's rules are the rules whose selector matches its type and name):
  // the counts and the target errors need no flow planned.
  for (const auto& rule : desired_.rules) plan.rules.push_back(RuleMatch{rule.name, 0, rule.allow_empty});
  std::vector<const ObservedFlow*> selected;
  for (const auto& flow : flows) {
    if (genesys::is_common_module(flow.type) || !is_targeted(options_.targets, flow.id, flow.name)) continue;
    bool any = false;
    for (std::size_t i = 0; i < desired_.rules.size(); ++i) {
      if (!desired_.rules[i].flows.matches(flow.type, flow.name)) continue;
      ++plan.rules[i].flows;
      any = true;
    }
    if (any) selected.push_back(&flow);
  }
  for (auto& error : detail::target_errors(options_.targets, selected, flows)) plan.errors.push_back(std::move(error));
  return plan;
}

FlowPlan PerFlowPlanner::plan(const ObservedFlow& flow) const {
  return plan_one_flow(desired_, flow, modules_->by_key, options_);
}

FlowPlan plan_flow(const manifest::DesiredState& desired, const ObservedFlow& flow,
                   const std::vector<ObservedFlow>& modules, const PlanOptions& options) {
  return PerFlowPlanner(desired, modules, options).plan(flow);
}

}  // namespace flowlink::plan
