// gather_module_usage against the emulator serving examples/org, over a
// socket: consumers from dependency tracking and from documents agree; a
// module's new version makes its consumers stale (snapshot 1.0) and a
// republished consumer current (snapshot 2.0); a build that is not
// OPERATIONAL falls back to documents and says so; calls to a module that is
// gone; the cross-check; --module; the snapshot limit.

#include <doctest/doctest.h>

#include <algorithm>
#include <atomic>
#include <map>
#include <set>

#include "apply/org_fixture.hpp"
#include "source/module_usage.hpp"

using namespace flowlink;
using flowlink::testing::OrgFixture;
using plan::ModuleConsumer;
using plan::ModuleReport;
using plan::ModuleUsage;

namespace {

// The example manifest, with validation required current.
std::string current_manifest() {
  std::string text = flowlink::testing::kExampleManifest;
  const std::string from = "validation: { name: Common_Validation_Module }";
  const auto at = text.find(from);
  REQUIRE(at != std::string::npos);
  text.replace(at, from.size(), "validation: { name: Common_Validation_Module, current: true }");
  return text;
}

// A FlowApi in front of the real one: can pretend the dependency tracking
// build is not OPERATIONAL, hide a flow from the listing (as if deleted),
// leave a consumer out of consumingresources, and counts the dependency
// tracking calls.
class TwistedApi : public genesys::FlowApi {
 public:
  explicit TwistedApi(genesys::FlowApi& inner) : inner_(inner) {}
  std::string build_status;        // "" -> ask the real one
  std::string hidden_flow;         // id left out of list_flows
  std::string untracked_consumer;  // id left out of consuming_resources answers
  std::atomic<int> consuming_calls{0}, consumed_calls{0}, configuration_reads{0};

  std::vector<genesys::Flow> list_flows(const genesys::ListFlowsQuery& query) override {
    auto flows = inner_.list_flows(query);
    flows.erase(std::remove_if(flows.begin(), flows.end(), [&](const genesys::Flow& f) { return f.id == hidden_flow; }),
                flows.end());
    return flows;
  }
  genesys::Flow get_flow(const std::string& id) override { return inner_.get_flow(id); }
  std::string latest_configuration(const std::string& id) override { return inner_.latest_configuration(id); }
  std::string version_configuration(const std::string& id, const std::string& version) override {
    ++configuration_reads;
    return inner_.version_configuration(id, version);
  }
  genesys::Flow checkout(const std::string& id) override { return inner_.checkout(id); }
  genesys::FlowVersionInfo save_version(const std::string& id, const std::string& document) override {
    return inner_.save_version(id, document);
  }
  genesys::Operation checkin(const std::string& id) override { return inner_.checkin(id); }
  genesys::Operation publish(const std::string& id, const std::string& version) override {
    return inner_.publish(id, version);
  }
  genesys::Flow revert(const std::string& id) override { return inner_.revert(id); }
  genesys::Flow unlock(const std::string& id) override { return inner_.unlock(id); }
  genesys::OperationWait wait_for_operation(const std::string& id, const std::string& op,
                                            std::chrono::milliseconds timeout) override {
    return inner_.wait_for_operation(id, op, timeout);
  }
  void pause_for_operation(const std::string& id, const std::string& op) override { inner_.pause_for_operation(id, op); }
  genesys::Organization organization() override { return inner_.organization(); }
  std::vector<genesys::Dependency> consuming_resources(const std::string& id, const std::string& object_type,
                                                       const std::string& flow_filter) override {
    ++consuming_calls;
    auto found = inner_.consuming_resources(id, object_type, flow_filter);
    found.erase(std::remove_if(found.begin(), found.end(),
                               [&](const genesys::Dependency& d) { return d.id == untracked_consumer; }),
                found.end());
    return found;
  }
  std::vector<genesys::Dependency> consumed_resources(const std::string& id, const std::string& version,
                                                      const std::string& object_type) override {
    ++consumed_calls;
    return inner_.consumed_resources(id, version, object_type);
  }
  std::string dependency_tracking_status() override {
    return build_status.empty() ? inner_.dependency_tracking_status() : build_status;
  }
  std::string client_id() const override { return inner_.client_id(); }
  genesys::RequestStats stats() const override { return inner_.stats(); }

 private:
  genesys::FlowApi& inner_;
};

source::ModuleUsageOptions usage_options() {
  source::ModuleUsageOptions options;
  options.parallelism = 4;
  options.source = "emulator";
  return options;
}

const ModuleUsage& module_named(const ModuleReport& report, const std::string& name) {
  for (const auto& module : report.modules)
    if (module.name == name) return module;
  FAIL("no module " << name << " in the report");
  return report.modules.front();
}

const ModuleConsumer* consumer_named(const ModuleUsage& module, const std::string& name) {
  for (const auto& consumer : module.consumers)
    if (consumer.flow.name == name) return &consumer;
  return nullptr;
}

// module name -> consumer flow names.
std::map<std::string, std::set<std::string>> who_calls_what(const ModuleReport& report) {
  std::map<std::string, std::set<std::string>> out;
  for (const auto& module : report.modules)
    for (const auto& consumer : module.consumers) out[module.name].insert(consumer.flow.name);
  return out;
}

std::string id_of(OrgFixture& org, const std::string& name) {
  for (const auto& flow : org.api->list_flows({}))
    if (flow.name == name) return flow.id;
  FAIL("no flow " << name);
  return "";
}

// A colleague publishes the flow's published content again as a new version
// (check out, save, check in, publish), as one does in the UI to take a
// module's new version.
void republish_as(OrgFixture& org, const std::string& user, const std::string& flow_id) {
  const genesys::Flow flow = org.api->get_flow(flow_id);
  REQUIRE(flow.published_version);
  const std::string document = org.api->version_configuration(flow_id, flow.published_version->id);
  org.control->act_as_checkout(user, flow_id);
  org.control->act_as_save(user, flow_id, document);
  org.control->act_as_checkin(user, flow_id);
  org.control->wait_for_operation(flow_id);
  org.control->act_as_publish(user, flow_id);
  const auto after = org.control->wait_for_operation(flow_id);
  REQUIRE(after["currentOperation"]["actionStatus"] == "SUCCESS");
}

}  // namespace

TEST_CASE("a fresh org: dependency tracking and the documents agree, every consumer current with snapshot 1.0") {
  OrgFixture org("modules-fresh");
  const ModuleReport report = source::gather_module_usage(*org.api, org.desired, usage_options());
  CHECK(report.errors.empty());
  CHECK(report.notes.empty());
  CHECK(report.dependency_tracking_status == "OPERATIONAL");
  CHECK(report.dependency_tracking_used);

  std::size_t org_modules = 0;
  for (const auto& flow : org.api->list_flows({})) org_modules += flow.type == "commonmodule";
  CHECK(report.modules.size() == org_modules);
  CHECK(org_modules >= 6);

  const ModuleUsage& validation = module_named(report, "Common_Validation_Module");
  CHECK(validation.key == "validation");
  CHECK(validation.published_version == "1.0");
  CHECK(validation.division_name == "Home");
  CHECK_FALSE(validation.must_be_current);
  REQUIRE(validation.consumers.size() >= 5);
  const auto* main = consumer_named(validation, "Inbound_Support_Main");
  REQUIRE(main);
  CHECK(main->found_by == std::vector<std::string>{"dependency tracking", "documents"});
  CHECK(main->flow.type == "inboundcall");
  CHECK(main->division_name == "Home");

  int consumers = 0;
  for (const auto& module : report.modules) {
    for (const auto& consumer : module.consumers) {
      CAPTURE(module.name);
      CAPTURE(consumer.flow.name);
      ++consumers;
      CHECK(consumer.status == ModuleConsumer::Status::Current);
      CHECK(consumer.decided_by == "datePublished");
      CHECK(consumer.snapshot_version == "1.0");
      CHECK(consumer.published_version == "1.0");
      CHECK(consumer.notes.empty());  // the sources agree
      CHECK(std::find(consumer.found_by.begin(), consumer.found_by.end(), "dependency tracking") !=
            consumer.found_by.end());
    }
  }
  // One consumedresources request per consumer flow, not per (flow, module).
  std::set<std::string> consumer_flows;
  for (const auto& module : report.modules)
    for (const auto& consumer : module.consumers) consumer_flows.insert(consumer.flow.id);
  CHECK(report.snapshot_requests == static_cast<int>(consumer_flows.size()));
  CHECK(consumers > static_cast<int>(consumer_flows.size()));  // some flow calls two modules
  CHECK(report.summary().current == consumers);

  // Every module the manifest names exists; the legacy module is still called.
  for (const auto& entry : report.uncalled) CHECK(entry.in_org);
  CHECK(report.missing.empty());
  // Modules no manifest names, and their callers.
  for (const auto& entry : report.unmanaged) {
    CAPTURE(entry.module_name);
    CHECK(module_named(report, entry.module_name).key.empty());
    CHECK_FALSE(entry.flows.empty());
  }
}

TEST_CASE("a module's new version makes its consumers stale; a republished consumer is current again") {
  OrgFixture org("modules-stale", current_manifest().c_str());
  const std::string validation_id = id_of(org, "Common_Validation_Module");
  republish_as(org, "alice", validation_id);  // module v2.0

  ModuleReport report = source::gather_module_usage(*org.api, org.desired, usage_options());
  const ModuleUsage& validation = module_named(report, "Common_Validation_Module");
  CHECK(validation.published_version == "2.0");
  CHECK(validation.must_be_current);
  REQUIRE_FALSE(validation.consumers.empty());
  for (const auto& consumer : validation.consumers) {
    CAPTURE(consumer.flow.name);
    CHECK(consumer.status == ModuleConsumer::Status::Stale);
    CHECK(consumer.snapshot_version == "1.0");
    CHECK(consumer.decided_by == "datePublished");
    CHECK(consumer.notes.empty());
    // current: true is on the module: every consumer must be current.
    CHECK(consumer.must_be_current);
  }
  CHECK(report.summary().stale == static_cast<int>(validation.consumers.size()));
  CHECK(report.summary().stale_must_be_current == static_cast<int>(validation.consumers.size()));
  // The other modules' consumers are untouched, and nobody asks them to be current.
  const ModuleUsage& closure = module_named(report, "Common_Closure_Check");
  for (const auto& consumer : closure.consumers) {
    CHECK(consumer.status == ModuleConsumer::Status::Current);
    CHECK_FALSE(consumer.must_be_current);
  }

  // `current: true` on a module binds only the flows a publishing rule
  // ensures it in (as the planner republishes): legacy-auth is only removed.
  std::string text = flowlink::testing::kExampleManifest;
  const std::string from = "legacy-auth: { name: Legacy_Auth_Module }";
  REQUIRE(text.find(from) != std::string::npos);
  text.replace(text.find(from), from.size(), "legacy-auth: { name: Legacy_Auth_Module, current: true }");
  const auto removing = flowlink::testing::load_test_manifest(text, "legacy-current.yaml");
  auto legacy_options = usage_options();
  legacy_options.module = "legacy-auth";
  const ModuleReport legacy = source::gather_module_usage(*org.api, removing, legacy_options);
  REQUIRE(legacy.modules.size() == 1);
  CHECK(legacy.modules[0].must_be_current);
  REQUIRE_FALSE(legacy.modules[0].consumers.empty());
  for (const auto& consumer : legacy.modules[0].consumers) CHECK_FALSE(consumer.must_be_current);

  // Inbound_Support_Main is republished: it takes module v2.0.
  const std::string main_id = id_of(org, "Inbound_Support_Main");
  republish_as(org, "bob", main_id);
  report = source::gather_module_usage(*org.api, org.desired, usage_options());
  const ModuleUsage& after = module_named(report, "Common_Validation_Module");
  const auto* main = consumer_named(after, "Inbound_Support_Main");
  REQUIRE(main);
  CHECK(main->status == ModuleConsumer::Status::Current);
  CHECK(main->snapshot_version == "2.0");
  CHECK(main->published_version == "2.0");
  CHECK(main->notes.empty());
  CHECK(after.count(ModuleConsumer::Status::Stale) == static_cast<int>(after.consumers.size()) - 1);
}

TEST_CASE("a build that is not OPERATIONAL: consumers from the documents of every published flow, said in a note") {
  // The chat manifest selects a few flows: with dependency tracking only they are read.
  OrgFixture org("modules-fallback", flowlink::testing::kChatManifest);
  const ModuleReport tracked = source::gather_module_usage(*org.api, org.desired, usage_options());
  TwistedApi api(*org.api);
  api.build_status = "BUILDINPROGRESS";
  const ModuleReport report = source::gather_module_usage(api, org.desired, usage_options());

  CHECK(report.dependency_tracking_status == "BUILDINPROGRESS");
  CHECK_FALSE(report.dependency_tracking_used);
  REQUIRE(report.notes.size() == 1);
  CHECK(report.notes[0].find("BUILDINPROGRESS, not OPERATIONAL") != std::string::npos);
  CHECK(api.consuming_calls == 0);  // not trusted at all
  CHECK(api.consumed_calls == 0);
  CHECK(report.snapshot_requests == 0);

  std::size_t published_flows = 0;
  for (const auto& flow : org.api->list_flows({}))
    published_flows += flow.type != "commonmodule" && flow.published_version.has_value();
  CHECK(report.documents_read == static_cast<int>(published_flows));
  CHECK(api.configuration_reads == static_cast<int>(published_flows));

  // Two independent paths to the same answer.
  CHECK(who_calls_what(report) == who_calls_what(tracked));
  CHECK(report.summary().consumers == tracked.summary().consumers);
  for (const auto& module : report.modules) {
    for (const auto& consumer : module.consumers) {
      CAPTURE(consumer.flow.name);
      CHECK(consumer.found_by == std::vector<std::string>{"documents"});
      CHECK(consumer.snapshot_version.empty());
      CHECK(consumer.status == ModuleConsumer::Status::Current);
      CHECK(consumer.decided_by == "datePublished");
    }
  }
  // With tracking, only the manifest's flows are read.
  CHECK(tracked.documents_read > 0);
  CHECK(tracked.documents_read < report.documents_read);
}

TEST_CASE("calls to a module that no longer exists; a manifest module not in the org") {
  OrgFixture org("modules-missing");
  TwistedApi api(*org.api);
  api.hidden_flow = id_of(org, "Legacy_Auth_Module");  // as if deleted
  const ModuleReport report = source::gather_module_usage(api, org.desired, usage_options());

  // The real org knows who calls it.
  const auto callers = org.api->consuming_resources(api.hidden_flow, "COMMONMODULEFLOW", "published");
  REQUIRE_FALSE(callers.empty());
  std::set<std::string> expected;
  for (const auto& c : callers) expected.insert(c.id);

  REQUIRE(report.missing.size() == 1);
  const auto& missing = report.missing[0];
  CHECK(missing.module_name == "Legacy_Auth_Module");
  CHECK(missing.module_id == api.hidden_flow);
  std::set<std::string> found;
  for (const auto& flow : missing.flows) found.insert(flow.id);
  CHECK(found == expected);  // retire-legacy-auth selects every caller's type, so documents see them all
  CHECK(missing.found_by == std::vector<std::string>{"dependency tracking", "documents"});

  bool listed = false;
  for (const auto& entry : report.uncalled)
    if (entry.key == "legacy-auth") listed = !entry.in_org && entry.id.empty();
  CHECK(listed);
  for (const auto& module : report.modules) CHECK(module.name != "Legacy_Auth_Module");
}

TEST_CASE("the cross-check: a consumer the documents find and dependency tracking does not gets a note") {
  OrgFixture org("modules-crosscheck");
  TwistedApi api(*org.api);
  api.untracked_consumer = id_of(org, "Inbound_Support_Main");
  const ModuleReport report = source::gather_module_usage(api, org.desired, usage_options());
  const auto* main = consumer_named(module_named(report, "Common_Validation_Module"), "Inbound_Support_Main");
  REQUIRE(main);
  CHECK(main->found_by == std::vector<std::string>{"documents"});
  REQUIRE(main->notes.size() == 1);
  CHECK(main->notes[0].find("dependency tracking does not list it") != std::string::npos);
  // Still judged, and its snapshot still asked.
  CHECK(main->status == ModuleConsumer::Status::Current);
  CHECK(main->snapshot_version == "1.0");
}

TEST_CASE("--module by key or name; an unknown one is an error; the snapshot limit") {
  OrgFixture org("modules-filter");
  auto options = usage_options();
  for (const char* filter : {"validation", "Common_Validation_Module"}) {
    CAPTURE(filter);
    options.module = filter;
    const ModuleReport report = source::gather_module_usage(*org.api, org.desired, options);
    REQUIRE(report.modules.size() == 1);
    CHECK(report.modules[0].name == "Common_Validation_Module");
    CHECK(report.module_filter == filter);
    CHECK(report.errors.empty());
    CHECK(report.unmanaged.empty());  // only the covered module's story
  }

  options.module = "Common_Validaton_Module";
  const ModuleReport unknown = source::gather_module_usage(*org.api, org.desired, options);
  CHECK(unknown.modules.empty());
  REQUIRE(unknown.errors.size() == 1);
  CHECK(unknown.errors[0].find("'Common_Validaton_Module'") != std::string::npos);

  options.module = "validation";
  options.max_snapshot_requests = 2;
  TwistedApi api(*org.api);
  const ModuleReport limited = source::gather_module_usage(api, org.desired, options);
  const auto& consumers = limited.modules.at(0).consumers;
  REQUIRE(consumers.size() > 2);
  CHECK(api.consumed_calls == 2);
  CHECK(limited.snapshot_requests == 2);
  CHECK(limited.snapshots_skipped == static_cast<int>(consumers.size()) - 2);
  CHECK(std::count_if(consumers.begin(), consumers.end(),
                      [](const ModuleConsumer& c) { return !c.snapshot_version.empty(); }) == 2);
  // datePublished still decides every one of them.
  for (const auto& consumer : consumers) CHECK(consumer.status == ModuleConsumer::Status::Current);
  REQUIRE(limited.notes.size() == 1);
  CHECK(limited.notes[0].find("2 of " + std::to_string(consumers.size())) != std::string::npos);
}
