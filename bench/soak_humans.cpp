#include "soak_humans.hpp"

#include <algorithm>
#include <cstdio>
#include <stdexcept>
#include <thread>

#include <nlohmann/json.hpp>


namespace flowlink::bench {

using Json = nlohmann::json;
using Clock = std::chrono::steady_clock;

namespace {

const char* const kUsers[] = {"alice", "bob", "carol", "dave", "erin", "frank"};

// Whether any action of the document calls `module` (a
// CallCommonModuleAction naming it), read from the JSON itself rather than
// through flowdoc, the code under test.
bool calls_module(const Json& node, const std::string& module) {
  if (node.is_object()) {
    if (node.value("__type", "") == "CallCommonModuleAction" && node.value("flowName", "") == module) return true;
    for (const auto& [key, value] : node.items())
      if (calls_module(value, module)) return true;
  } else if (node.is_array()) {
    for (const auto& value : node)
      if (calls_module(value, module)) return true;
  }
  return false;
}

bool operation_succeeded(const Json& flow) {
  return flow.contains("currentOperation") && flow["currentOperation"].value("actionStatus", "") == "SUCCESS";
}

}  // namespace

std::string HumanChange::describe() const {
  const std::string change = kind == Kind::RemovedCall ? "removed the calls to " + what : "added variable " + what;
  return user + " " + change + " in " + flow_name + " (version " + version + ", trial " + std::to_string(trial) + ")";
}

Humans::Humans(SoakOrg& org, unsigned long long seed) : org_(org), rng_(seed) {
  for (const auto& flow : org_.targets())
    if (flow.module != SoakOrg::kManagedModule) unmanaged_calls_.emplace_back(flow.id, flow.module);
}

std::string Humans::pick_user() {
  return kUsers[std::uniform_int_distribution<std::size_t>(0, std::size(kUsers) - 1)(rng_)];
}

// A flow nobody worked on yet in this trial (one still calling a module the
// manifests do not manage, when the change is to remove such a call).
const TargetFlow* Humans::pick_flow(bool needs_unmanaged_call) {
  auto untouched = [&](const std::string& id) {
    return std::find(touched_.begin(), touched_.end(), id) == touched_.end();
  };
  std::vector<const TargetFlow*> candidates;
  for (const auto& flow : org_.targets()) {
    if (!untouched(flow.id)) continue;
    if (needs_unmanaged_call && std::none_of(unmanaged_calls_.begin(), unmanaged_calls_.end(),
                                             [&](const auto& call) { return call.first == flow.id; }))
      continue;
    candidates.push_back(&flow);
  }
  if (candidates.empty()) return nullptr;
  const TargetFlow* flow = candidates[std::uniform_int_distribution<std::size_t>(0, candidates.size() - 1)(rng_)];
  touched_.push_back(flow->id);
  return flow;
}

void Humans::work_during_run(int trial, int locks, int edits, int drafts, std::chrono::milliseconds span,
                             const std::atomic<bool>& stop) {
  enum class Act { Lock, RemoveCall, AddVariable, Draft };
  std::vector<Act> acts;
  for (int i = 0; i < locks; ++i) acts.push_back(Act::Lock);
  for (int i = 0; i < edits; ++i) acts.push_back(i % 2 == 0 ? Act::RemoveCall : Act::AddVariable);
  for (int i = 0; i < drafts; ++i) acts.push_back(Act::Draft);
  std::shuffle(acts.begin(), acts.end(), rng_);
  std::vector<long> at;
  for (std::size_t i = 0; i < acts.size(); ++i)
    at.push_back(std::uniform_int_distribution<long>(0, std::max<long>(0, span.count() - 1))(rng_));
  std::sort(at.begin(), at.end());

  const auto begin = Clock::now();
  for (std::size_t i = 0; i < acts.size(); ++i) {
    while (!stop && Clock::now() - begin < std::chrono::milliseconds(at[i]))
      std::this_thread::sleep_for(std::chrono::milliseconds(5));
    if (stop) return;
    const TargetFlow* flow = pick_flow(acts[i] == Act::RemoveCall);
    if (!flow) continue;
    switch (acts[i]) {
      case Act::Lock: lock(*flow); break;
      case Act::RemoveCall: remove_call(*flow, trial); break;
      case Act::AddVariable: add_variable(*flow, trial, false); break;
      case Act::Draft: add_variable(*flow, trial, true); break;
    }
  }
}

void Humans::lock(const TargetFlow& flow) {
  const std::string user = pick_user();
  try {
    org_.control().act_as_checkout(user, flow.id);
  } catch (const std::runtime_error&) {
    ++tally_.refused;  // locked by flowlink, or an operation under way
    return;
  }
  held_.push_back({flow.id, user, false, false, {}});
  ++tally_.locks;
}

bool Humans::check_in(const std::string& user, const std::string& flow_id) {
  try {
    org_.control().act_as_checkin(user, flow_id);
    return operation_succeeded(org_.control().wait_for_operation(flow_id));
  } catch (const std::runtime_error&) {
    return false;
  }
}

bool Humans::publish(const HumanChange& change) {
  try {
    org_.control().act_as_publish(change.user, change.flow_id, change.version);
    const Json flow = org_.control().wait_for_operation(change.flow_id);
    return flow.contains("publishedVersion") && flow["publishedVersion"].value("id", "") == change.version;
  } catch (const std::runtime_error&) {
    return false;  // locked by someone else, an operation under way: later
  }
}

// Architect's "remove this call": the emulator edits the latest document,
// saves and checks it in as the user; they publish it at once.
void Humans::remove_call(const TargetFlow& flow, int trial) {
  const std::string user = pick_user();
  auto call = std::find_if(unmanaged_calls_.begin(), unmanaged_calls_.end(),
                           [&](const auto& c) { return c.first == flow.id; });
  const std::string module = call->second;
  try {
    org_.control().call("POST", "/_emulator/act-as/" + user + "/remove-call?flow=" + flow.id +
                                    "&module=" + testing::detail::url_encode(module));
  } catch (const std::runtime_error&) {
    ++tally_.refused;
    return;
  }
  unmanaged_calls_.erase(call);
  const Json after = org_.control().wait_for_operation(flow.id);
  HumanChange change{HumanChange::Kind::RemovedCall, flow.id, flow.name, user, module, "", trial};
  if (!operation_succeeded(after)) {
    change.version = after.at("savedVersion").at("id");
    held_.push_back({flow.id, user, true, true, change});  // still their draft: published after the run
    return;
  }
  change.version = after.at("checkedInVersion").at("id");
  if (publish(change)) {
    published_.push_back(change);
    ++tally_.published;
  } else {
    to_publish_.push_back(change);
  }
}

// The UI's way: lock, read the latest document, change it, save; then
// check in and publish, or leave it as a draft for later.
void Humans::add_variable(const TargetFlow& flow, int trial, bool leave_as_draft) {
  const std::string user = pick_user();
  try {
    org_.control().act_as_checkout(user, flow.id);
  } catch (const std::runtime_error&) {
    ++tally_.refused;
    return;
  }
  HumanChange change{HumanChange::Kind::AddedVariable, flow.id, flow.name, user,
                     "Flow.SoakNote" + std::to_string(++variables_), "", trial};
  try {
    Json document = Json::parse(org_.ui().latest_configuration(flow.id));
    char id[40];
    std::snprintf(id, sizeof id, "5c0a0000-0000-4000-8000-%012d", variables_);
    document["variables"].push_back({{"id", id}, {"isCollection", false}, {"isInput", false}, {"isOutput", false},
                                     {"isInternal", false}, {"isSecure", false}, {"version", "1.0"},
                                     {"__type", "StringVariable"}, {"name", change.what}});
    change.version = org_.control().act_as_save(user, flow.id, document.dump()).at("id");
  } catch (const std::exception& e) {
    std::fprintf(stderr, "soak: %s could not edit %s: %s\n", user.c_str(), flow.name.c_str(), e.what());
    try {
      org_.control().act_as_revert(user, flow.id);
    } catch (const std::runtime_error&) {
    }
    ++tally_.refused;
    return;
  }
  if (leave_as_draft) {
    ++tally_.drafts;
    // Half the drafts stay saved (the flow locked to them), half are checked
    // in unpublished (no lock: flowlink's plan sees someone's draft above
    // the published version). A checked-in version cannot be discarded, so
    // those are published after the run; a saved one is, or is reverted.
    if (std::bernoulli_distribution(0.5)(rng_) && check_in(user, flow.id)) to_publish_.push_back(change);
    else held_.push_back({flow.id, user, true, std::bernoulli_distribution(0.5)(rng_), change});
    return;
  }
  if (!check_in(user, flow.id)) {
    held_.push_back({flow.id, user, true, true, change});
    return;
  }
  if (publish(change)) {
    published_.push_back(change);
    ++tally_.published;
  } else {
    to_publish_.push_back(change);
  }
}

bool Humans::finish(bool publish_checked_in) {
  for (auto it = held_.begin(); it != held_.end();) {
    bool done = false;
    if (it->draft && it->publish) {
      if (check_in(it->user, it->flow_id)) {
        to_publish_.push_back(it->change);
        done = true;
      }
    } else {
      try {
        org_.control().act_as_revert(it->user, it->flow_id);
        if (it->draft) ++tally_.drafts_reverted;
        done = true;
      } catch (const std::runtime_error&) {
      }
    }
    it = done ? held_.erase(it) : std::next(it);
  }
  for (auto it = to_publish_.begin(); publish_checked_in && it != to_publish_.end();) {
    if (publish(*it)) {
      published_.push_back(*it);
      ++tally_.published;
      it = to_publish_.erase(it);
    } else {
      ++it;
    }
  }
  return held_.empty() && to_publish_.empty();
}

std::vector<HumanChange> Humans::lost_changes() {
  std::vector<HumanChange> lost;
  for (const auto& change : published_) {
    const genesys::Flow flow = org_.ui().get_flow(change.flow_id);
    if (!flow.published_version) {
      lost.push_back(change);
      continue;
    }
    const std::string text = org_.ui().version_configuration(change.flow_id, flow.published_version->id);
    bool present = false;
    if (change.kind == HumanChange::Kind::RemovedCall) {
      present = !calls_module(Json::parse(text), change.what);
    } else {
      for (const auto& variable : Json::parse(text).value("variables", Json::array()))
        present = present || variable.value("name", "") == change.what;
    }
    if (!present) lost.push_back(change);
  }
  return lost;
}

HumanTally Humans::take_tally() {
  HumanTally tally = tally_;
  tally_ = {};
  touched_.clear();
  return tally;
}

}  // namespace flowlink::bench
