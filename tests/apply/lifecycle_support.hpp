#pragma once
// Helpers for the lifecycle scenarios (published version, someone's draft,
// locks, flowlink's own unfinished work) end to end over sockets: plan as
// `flowlink plan` does (with the work dir's run history), snapshot what the
// org looks like, play a colleague, and compute what a flow's document must be
// after apply (the basis document + the plan's edits).

#include <doctest/doctest.h>

#include <map>
#include <optional>
#include <set>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "apply/apply_support.hpp"
#include "apply/run_history.hpp"
#include "flowdoc/document.hpp"
#include "genesys/http_transport.hpp"
#include "plan/planner.hpp"
#include "source/org_source.hpp"

namespace flowlink::testing {

// New action ids in apply (ApplyOptions::ids) and in the expected documents.
inline constexpr const char* kApplyIdPrefix = "00000000-0000-4000-8000-";
// Ids a colleague's own edits use (never the same as flowlink's).
inline constexpr const char* kColleagueIdPrefix = "cccccccc-0000-4000-8000-";

// The closure rule of kChatManifest for exactly the flows named, with an
// `unpublished:` policy when one is given.
inline std::string closure_manifest(const std::vector<std::string>& flows, const std::string& unpublished = "") {
  std::string include;
  for (const auto& name : flows) include += (include.empty() ? "\"" : ", \"") + name + "\"";
  std::string text = "apiVersion: flowlink/v1\n"
                     "modules:\n"
                     "  closure: { name: Common_Closure_Check }\n"
                     "rules:\n"
                     "  - name: chat-closure\n"
                     "    flows: { types: [inboundchat], include: [" + include + "] }\n";
  if (!unpublished.empty()) text += "    unpublished: " + unpublished + "\n";
  text += "    ensure:\n"
          "      - module: closure\n"
          "        at: start\n"
          "        inputs: { Common.QueueName: \"Flow.QueueName\" }\n"
          "        outputs: { Common.IsClosed: \"Flow.IsClosed\" }\n";
  return text;
}

// Plans the org the way `flowlink plan` / `apply -f` do: this client's id and
// the work dir's run history tell flowlink's own drafts and locks.
inline plan::Plan plan_as_cli(OrgFixture& org, std::optional<plan::UnpublishedPolicy> policy = std::nullopt) {
  const apply::RunHistory history = apply::RunHistory::load(org.work_dir());
  source::ReadOptions read;
  read.parallelism = 4;
  read.client_id = org.api->client_id();
  read.memory = &history;
  plan::PlanOptions options = org.plan_options();
  options.unpublished_override = policy;
  const genesys::Organization me = org.api->organization();
  options.org_id = me.id;
  options.org_name = me.name;
  return source::plan_org(*org.api, org.desired, options, read);
}

// Apply options for the scenarios: one flow at a time (plan order) and
// sequential ids, so that expected_documents() can replay the edits exactly.
inline apply::ApplyOptions scenario_options(const OrgFixture& org, std::ostream* progress = nullptr) {
  apply::ApplyOptions options = apply_options(org, progress);
  options.parallelism = 1;
  options.ids = flowdoc::sequential_id_source(kApplyIdPrefix);
  return options;
}

inline const plan::FlowPlan& flow_plan(const plan::Plan& plan, const std::string& flow_id) {
  for (const auto& flow : plan.flows)
    if (flow.flow_id == flow_id) return flow;
  FAIL("flow " << flow_id << " is not in the plan");
  throw std::logic_error("unreachable");
}

inline bool has_note(const plan::FlowPlan& flow, plan::Note::Kind kind) {
  for (const auto& note : flow.notes)
    if (note.kind == kind) return true;
  return false;
}

inline std::string notes_of(const plan::FlowPlan& flow) {
  std::string out;
  for (const auto& note : flow.notes) out += std::string(plan::to_string(note.kind)) + ": " + note.message + "\n";
  return out;
}

inline std::string flow_id_named(OrgFixture& org, const std::string& name) {
  for (const auto& flow : org.api->list_flows({}))
    if (flow.name == name) return flow.id;
  FAIL("no flow named " << name);
  return "";
}

// What a flow's lifecycle looks like from the outside: version ids, lock
// holder and current operation. A version's content never changes, so equal
// snapshots mean nothing was saved, checked in, published, reverted or locked.
struct FlowSnapshot {
  std::string name, published, saved, checked_in, lock, operation;
  bool operator==(const FlowSnapshot&) const = default;
};

inline std::ostream& operator<<(std::ostream& out, const FlowSnapshot& s) {
  return out << s.name << " {published " << s.published << ", saved " << s.saved << ", checked in " << s.checked_in
             << ", lock " << s.lock << ", operation " << s.operation << "}";
}

inline FlowSnapshot snapshot_of(const genesys::Flow& flow) {
  FlowSnapshot s;
  s.name = flow.name;
  s.published = flow.published_version ? flow.published_version->id : "";
  s.saved = flow.saved_version ? flow.saved_version->id : "";
  s.checked_in = flow.checked_in_version ? flow.checked_in_version->id : "";
  if (flow.locked_user) s.lock = "user " + flow.locked_user->id;
  else if (flow.locked_client) s.lock = "client " + flow.locked_client->id;
  if (flow.current_operation) s.operation = flow.current_operation->id;
  return s;
}

inline std::map<std::string, FlowSnapshot> org_snapshot(OrgFixture& org) {
  std::map<std::string, FlowSnapshot> out;
  for (const auto& flow : org.api->list_flows({})) out[flow.id] = snapshot_of(flow);
  return out;
}

// Every flow but `except` is as it was.
inline void check_unchanged_except(const std::map<std::string, FlowSnapshot>& before,
                                   const std::map<std::string, FlowSnapshot>& after,
                                   const std::set<std::string>& except = {}) {
  CHECK(before.size() == after.size());
  for (const auto& [id, was] : before) {
    if (except.count(id)) continue;
    auto it = after.find(id);
    REQUIRE(it != after.end());
    INFO("flow " << id << " changed");
    CHECK(it->second == was);
  }
}

inline std::string published_text(OrgFixture& org, const std::string& flow_id) {
  genesys::Flow flow = org.api->get_flow(flow_id);
  REQUIRE(flow.published_version);
  return org.api->version_configuration(flow_id, flow.published_version->id);
}

// GET /api/v2/flows/{id}/versions (newest first), through a client of its own.
inline nlohmann::json versions_listing(const OrgFixture& org, const std::string& flow_id) {
  genesys::ClientOptions client;
  client.api_url = org.emulator->base_url();
  client.login_url = org.emulator->base_url();
  client.client_id = OrgFixture::kClientId;
  client.client_secret = OrgFixture::kSecret;
  genesys::HttpTransport transport(client);
  auto body = nlohmann::json::parse(
      transport.send({"GET", "/api/v2/flows/" + flow_id + "/versions", "pageSize=100", "", flow_id}));
  return body.at("entities");
}

// Versions of the flow that an OAuth client (not a person) made.
inline int versions_by_client(const OrgFixture& org, const std::string& flow_id, const std::string& client_id) {
  int n = 0;
  for (const auto& version : versions_listing(org, flow_id)) {
    if (version.contains("createdBy")) continue;
    if (version.contains("createdByClient") && version["createdByClient"].value("id", "") == client_id) ++n;
  }
  return n;
}

// POST /api/v2/flows as this client: a new flow, locked by its creator, no version yet.
inline std::string create_flow(const OrgFixture& org, const std::string& name, const std::string& type) {
  genesys::ClientOptions client;
  client.api_url = org.emulator->base_url();
  client.login_url = org.emulator->base_url();
  client.client_id = OrgFixture::kClientId;
  client.client_secret = OrgFixture::kSecret;
  genesys::HttpTransport transport(client);
  nlohmann::json body = {{"name", name}, {"type", type}};
  auto flow = nlohmann::json::parse(transport.send({"POST", "/api/v2/flows", "", body.dump(), "", false}));
  return flow.at("id");
}

// The document `text` with `flow_plan`'s edits applied, as the applier would.
inline std::string with_edits(const std::string& text, const plan::FlowPlan& flow_plan, const flowdoc::IdSource& ids) {
  flowdoc::Document document = flowdoc::Document::parse(text, "expected " + flow_plan.flow_name);
  plan::apply_edits(document, flow_plan, ids);
  return document.serialize();
}

// For every flow the plan edits (action edit), in plan order, the document
// its basis must become: basis text + edits, with the ids scenario_options()
// hands out. `basis` maps flow id -> the basis document as read before apply.
inline std::map<std::string, std::string> expected_documents(const plan::Plan& plan,
                                                              const std::map<std::string, std::string>& basis) {
  std::map<std::string, std::string> out;
  flowdoc::IdSource ids = flowdoc::sequential_id_source(kApplyIdPrefix);
  for (const auto& flow : plan.flows) {
    if (flow.action != plan::FlowAction::Edit || !flow.errors.empty()) continue;
    auto it = basis.find(flow.flow_id);
    REQUIRE_MESSAGE(it != basis.end(), "no basis document for " << flow.flow_name);
    out[flow.flow_id] = with_edits(it->second, flow, ids);
  }
  return out;
}

// The basis document of every flow in the plan, read now: the published
// version's or the draft's (latestconfiguration), as the plan says.
inline std::map<std::string, std::string> basis_documents(OrgFixture& org, const plan::Plan& plan) {
  std::map<std::string, std::string> out;
  for (const auto& flow : plan.flows) {
    if (!flow.errors.empty()) continue;
    out[flow.flow_id] = flow.basis == plan::Basis::Draft || !flow.published
                            ? org.api->latest_configuration(flow.flow_id)
                            : org.api->version_configuration(flow.flow_id, flow.published->version);
  }
  return out;
}

// `text` with a top-level "description": a colleague's own change that
// flowlink does not care about.
inline std::string with_marker(const std::string& text, const std::string& marker) {
  auto document = nlohmann::ordered_json::parse(text);
  document["description"] = marker;
  return document.dump();
}

// `text` with every call to `module` removed (a colleague's edit).
inline std::string without_calls(const std::string& text, const std::string& module) {
  flowdoc::Document document = flowdoc::Document::parse(text, "colleague's edit");
  int removed = 0;
  for (const auto& call : document.module_calls()) {
    if (call.module_name != module) continue;
    document.remove_call(call.action_id);
    ++removed;
  }
  REQUIRE(removed > 0);
  return document.serialize();
}

// The published document of `flow_id` made compliant with the manifest by
// flowlink's own planner (a colleague who did the work by hand).
inline std::string compliant_version_of(OrgFixture& org, const std::string& flow_id) {
  plan::Plan plan = plan_as_cli(org);
  const plan::FlowPlan& flow = flow_plan(plan, flow_id);
  REQUIRE_FALSE(flow.edits.empty());
  REQUIRE(flow.basis == plan::Basis::Published);
  return with_edits(published_text(org, flow_id), flow, flowdoc::sequential_id_source(kColleagueIdPrefix));
}

// A colleague saves `text` and checks it in (not published); waits until the
// check-in is done.
inline void colleague_checks_in(const OrgFixture& org, const std::string& user, const std::string& flow_id,
                                const std::string& text) {
  org.control->act_as_save(user, flow_id, text);
  org.control->act_as_checkin(user, flow_id);
  auto flow = org.control->wait_for_operation(flow_id);
  REQUIRE(flow.at("currentOperation").at("actionStatus") == "SUCCESS");
  REQUIRE_FALSE(flow.contains("lockedUser"));
}

inline std::vector<nlohmann::json> journal_lines_of(const OrgFixture& org, const std::string& flow_id,
                                                    const std::string& step, const std::string& outcome = "") {
  std::vector<nlohmann::json> out;
  for (auto& line : journal_lines(org))
    if (line.value("flow_id", "") == flow_id && line.value("step", "") == step &&
        (outcome.empty() || line.value("outcome", "") == outcome))
      out.push_back(line);
  return out;
}

}  // namespace flowlink::testing
