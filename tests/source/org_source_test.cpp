// read_org against the emulator serving examples/org, over a socket: which
// flows are listed, matched and read, what a flow that cannot be read turns
// into, and how many requests it costs.

#include <doctest/doctest.h>

#include <algorithm>
#include <map>
#include <iterator>
#include <set>
#include <sstream>
#include <stdexcept>

#include <nlohmann/json.hpp>

#include "apply/org_fixture.hpp"
#include "genesys/vocabulary.hpp"
#include "plan/render.hpp"
#include "source/org_source.hpp"

using namespace flowlink;
using flowlink::testing::OrgFixture;

namespace {

struct OrgEntry {
  std::string id, name, type;
  bool published = false;
};

// examples/org/org.json, the seed's own account of the org.
std::vector<OrgEntry> org_entries() {
  auto json = nlohmann::json::parse(testing::read_text(std::string(FLOWLINK_SOURCE_DIR) + "/examples/org/org.json"));
  std::vector<OrgEntry> out;
  for (const auto& e : json) {
    std::string type = e.at("type").get<std::string>();
    std::transform(type.begin(), type.end(), type.begin(), [](unsigned char c) { return std::tolower(c); });
    out.push_back({e.at("id"), e.at("name"), type, e.value("published", false)});
  }
  return out;
}

bool starts_with(const std::string& s, const std::string& p) { return s.rfind(p, 0) == 0; }
bool ends_with(const std::string& s, const std::string& x) {
  return s.size() >= x.size() && s.compare(s.size() - x.size(), x.size(), x) == 0;
}

// What the chat manifest selects, worked out without the glob matcher.
std::set<std::string> expected_support_chats() {
  std::set<std::string> ids;
  for (const auto& e : org_entries())
    if (e.type == "inboundchat" && starts_with(e.name, "Chat_Support_") && !ends_with(e.name, "_Sandbox"))
      ids.insert(e.id);
  return ids;
}

const plan::ObservedFlow* find_flow(const std::vector<plan::ObservedFlow>& flows, const std::string& id) {
  for (const auto& f : flows)
    if (f.id == id) return &f;
  return nullptr;
}

}  // namespace

TEST_CASE("read_org lists once, reads the matched flows and the named modules") {
  OrgFixture org("source-read", testing::kChatManifest);
  org.control->clear_requests();
  source::OrgReadResult read = source::read_org(*org.api, org.desired, 4);

  const auto entries = org_entries();
  const auto wanted = expected_support_chats();
  REQUIRE(wanted.size() >= 2);
  std::size_t modules_in_org = std::count_if(entries.begin(), entries.end(),
                                             [](const OrgEntry& e) { return e.type == "commonmodule"; });
  std::size_t listed_expected = std::count_if(entries.begin(), entries.end(), [](const OrgEntry& e) {
    return e.type == "commonmodule" || e.type == "inboundchat";
  });
  CHECK(read.flows_listed == listed_expected);
  CHECK(read.flows_matched == wanted.size());
  CHECK(read.modules_read == 1);
  CHECK(read.load_errors == 0);
  CHECK(read.flows.size() == wanted.size() + modules_in_org);

  for (const auto& e : entries) {
    const plan::ObservedFlow* flow = find_flow(read.flows, e.id);
    if (wanted.count(e.id)) {
      REQUIRE_MESSAGE(flow != nullptr, e.name);
      REQUIRE(flow->document.has_value());
      CHECK(flow->document->name() == e.name);
      CHECK(flow->type == "inboundchat");
      CHECK(flow->published == e.published);
      CHECK_FALSE(flow->version.empty());
      CHECK(flow->load_error.empty());
    } else if (e.type == "commonmodule") {
      REQUIRE_MESSAGE(flow != nullptr, e.name);
      if (e.name == "Common_Closure_Check") {
        REQUIRE(flow->document.has_value());
        CHECK_FALSE(flow->document->module_interface().inputs.empty());
      } else {
        CHECK_FALSE(flow->document.has_value());
        CHECK(flow->load_error == source::kModuleNotRead);
      }
    } else {
      CHECK_MESSAGE(flow == nullptr, e.name);  // not selected: not read, not passed on
    }
  }
  CHECK(std::is_sorted(read.flows.begin(), read.flows.end(), [](const auto& a, const auto& b) {
    return std::tie(a.type, a.name, a.id) < std::tie(b.type, b.name, b.id);
  }));

  // One list call, one configuration read per flow read, nothing else. Every
  // flow of the example org is published and has no draft: what is read is
  // the published version's configuration, never latestconfiguration.
  auto requests = org.control->requests();
  auto by = requests.at("by_endpoint");
  INFO(requests.dump());
  CHECK(by.value("GET /api/v2/flows", 0) == 1);
  CHECK(by.value("GET /api/v2/flows/{id}/versions/{version}/configuration", 0) ==
        static_cast<int>(wanted.size() + 1));
  CHECK(by.value("GET /api/v2/flows/{id}/latestconfiguration", 0) == 0);
  int api_requests = 0;  // the token request aside
  for (const auto& [endpoint, count] : by.items())
    if (endpoint != "POST /oauth/token") api_requests += count.get<int>();
  CHECK(api_requests == static_cast<int>(wanted.size() + 2));
  CHECK(read.stats.requests >= wanted.size() + 2);
  CHECK(read.stats.retries == 0);
  for (const auto& id : wanted) {
    const plan::ObservedFlow* flow = find_flow(read.flows, id);
    REQUIRE(flow != nullptr);
    REQUIRE(flow->lifecycle.has_value());
    CHECK_FALSE(flow->lifecycle->published_version.empty());
    CHECK(flow->version == flow->lifecycle->published_version);
    CHECK_FALSE(flow->lifecycle->draft.has_value());
    CHECK_FALSE(flow->lifecycle->lock.has_value());
  }
}

TEST_CASE("read_org reads a flow's draft (latestconfiguration) only when a draft stands above the published version") {
  OrgFixture org("source-draft", testing::kChatManifest);
  const auto wanted = expected_support_chats();
  const std::string drafted_id = *wanted.begin();
  // A colleague saves a draft: the same document with a marker of their own.
  auto document = nlohmann::ordered_json::parse(org.api->latest_configuration(drafted_id));
  const std::string published_fingerprint = flowdoc::Document::parse(document.dump(), "published").fingerprint();
  document["description"] = "alice's unpublished draft";
  org.control->act_as("alice", "save", drafted_id, document.dump());

  org.control->clear_requests();
  source::OrgReadResult read = source::read_org(*org.api, org.desired, 4);
  CHECK(read.load_errors == 0);
  auto requests = org.control->requests();
  auto by = requests.at("by_endpoint");
  INFO(requests.dump());
  CHECK(by.value("GET /api/v2/flows", 0) == 1);
  CHECK(by.value("GET /api/v2/flows/{id}/versions/{version}/configuration", 0) ==
        static_cast<int>(wanted.size() + 1));
  CHECK(by.value("GET /api/v2/flows/{id}/latestconfiguration", 0) == 1);  // the one draft

  const plan::ObservedFlow* flow = find_flow(read.flows, drafted_id);
  REQUIRE(flow != nullptr);
  REQUIRE(flow->document.has_value());
  REQUIRE(flow->lifecycle.has_value());
  // The flow's document is still what callers run: the published version.
  CHECK(flow->document->fingerprint() == published_fingerprint);
  CHECK(flow->version == flow->lifecycle->published_version);
  REQUIRE(flow->lifecycle->draft.has_value());
  const plan::ObservedDraft& draft = *flow->lifecycle->draft;
  CHECK(draft.stage == plan::DraftState::Stage::Saved);
  CHECK(draft.version != flow->lifecycle->published_version);
  REQUIRE(draft.owner.has_value());
  CHECK(draft.owner->kind == plan::Actor::Kind::User);
  CHECK(draft.owner->name.find("alice") != std::string::npos);
  CHECK_FALSE(draft.by_this_client);
  CHECK_FALSE(draft.flowlink);
  CHECK_FALSE(draft.since.empty());
  REQUIRE(draft.document.has_value());
  CHECK(draft.document->fingerprint() != published_fingerprint);
  CHECK(draft.load_error.empty());
  REQUIRE(flow->lifecycle->lock.has_value());  // saving locked the flow to her
  CHECK(flow->lifecycle->lock->holder.kind == plan::Actor::Kind::User);
  CHECK(flow->lifecycle->lock->flowlink == plan::LockState::Flowlink::No);
  for (const auto& id : wanted)
    if (id != drafted_id) CHECK_FALSE(find_flow(read.flows, id)->lifecycle->draft.has_value());
}

TEST_CASE("a flow whose draft cannot be parsed: the published version is judged, the draft's error is its own") {
  OrgFixture org("source-broken", testing::kChatManifest);
  const auto wanted = expected_support_chats();
  const std::string broken_id = *wanted.begin();
  // Another user saves a document that is JSON but not a flow document. It
  // is a draft: the published version, what callers run, is untouched.
  org.control->act_as("mallory", "save", broken_id, R"({"name":"broken","type":"inboundchat"})");

  source::OrgReadResult read = source::read_org(*org.api, org.desired, 2);
  CHECK(read.load_errors == 0);  // every published version was read
  for (const auto& id : wanted) {
    const plan::ObservedFlow* flow = find_flow(read.flows, id);
    REQUIRE(flow != nullptr);
    CHECK(flow->document.has_value());
    CHECK(flow->load_error.empty());
    REQUIRE(flow->lifecycle.has_value());
    if (id == broken_id) {
      REQUIRE(flow->lifecycle->draft.has_value());
      const plan::ObservedDraft& draft = *flow->lifecycle->draft;
      CHECK_FALSE(draft.document.has_value());
      CHECK(draft.load_error.find(broken_id) != std::string::npos);
      CHECK(draft.load_error.find("could not parse the draft configuration") != std::string::npos);
    } else {
      CHECK_FALSE(flow->lifecycle->draft.has_value());
    }
  }

  // Under the default policy (skip) the flow is planned on its published
  // version and never acted on; the unreadable draft is a note of its own.
  plan::Plan plan = plan::make_plan(org.desired, read.flows, org.plan_options());
  for (const auto& fp : plan.flows) {
    CHECK_MESSAGE(fp.errors.empty(), fp.flow_name);
    if (fp.flow_id != broken_id) continue;
    CHECK(fp.basis == plan::Basis::Published);
    CHECK_FALSE(fp.actionable());
    CHECK((fp.action == plan::FlowAction::Skip) == !fp.edits.empty());
    REQUIRE(fp.draft.has_value());
    CHECK_FALSE(fp.draft->complies);
    const bool noted = std::any_of(fp.notes.begin(), fp.notes.end(), [](const plan::Note& note) {
      return note.kind == plan::Note::Kind::ForeignDraft && note.message.find("cannot be planned") != std::string::npos;
    });
    CHECK(noted);
  }

  // A policy that works on the draft cannot: an error of that flow alone.
  for (auto policy : {plan::UnpublishedPolicy::EditDraft, plan::UnpublishedPolicy::Publish}) {
    plan::PlanOptions options = org.plan_options();
    options.unpublished_override = policy;
    plan::Plan on_draft = plan::make_plan(org.desired, read.flows, options);
    for (const auto& fp : on_draft.flows) {
      INFO(plan::to_string(policy) << ": " << fp.flow_name);
      if (fp.flow_id == broken_id) {
        REQUIRE_FALSE(fp.errors.empty());
        CHECK(fp.errors.front().find(broken_id) != std::string::npos);
        CHECK(fp.edits.empty());
        CHECK_FALSE(fp.actionable());
      } else {
        CHECK(fp.errors.empty());
      }
    }
  }
}

TEST_CASE("plan_org plans the live org as a stream: the plan of every document read, documents let go") {
  OrgFixture org("source-plan");
  source::OrgReadResult read;
  plan::Plan plan = source::plan_org(*org.api, org.desired, org.plan_options(), 4, &read);
  INFO(plan.errors.size());
  CHECK_FALSE(plan.has_errors());
  CHECK(plan.has_changes());
  CHECK(plan.flows.size() == read.flows_matched);
  CHECK(read.load_errors == 0);
  CHECK(read.modules_read > 0);
  // The reference: every document read and held, then planned at once.
  const source::OrgReadResult whole = source::read_org(*org.api, org.desired, 4);
  CHECK(plan::render_json(plan) == plan::render_json(plan::make_plan(org.desired, whole.flows, org.plan_options())));
  for (const auto& flow : read.flows) {
    CAPTURE(flow.name);
    // Only the named modules keep their documents (apply verifies against them).
    CHECK(flow.document.has_value() == (genesys::is_common_module(flow.type) && flow.load_error.empty()));
  }
  for (const auto& fp : plan.flows) {
    const plan::ObservedFlow* flow = find_flow(whole.flows, fp.flow_id);
    REQUIRE(flow != nullptr);
    REQUIRE(flow->document.has_value());
    CHECK(fp.fingerprint == flow->document->source_fingerprint());
    CHECK(fp.observed_version == flow->version);
    // The label is the checked-in version as the listing reports it.
    genesys::Flow live = org.api->get_flow(fp.flow_id);
    CHECK(fp.observed_version == source::observed_version_of(live));
  }
}

TEST_CASE("plan_org's planning views plan drafts, locks and broken drafts as whole documents do") {
  OrgFixture org("source-plan-lifecycle", testing::kChatManifest);
  const auto wanted = expected_support_chats();
  REQUIRE(wanted.size() >= 3);
  auto id = wanted.begin();
  const std::string drafted = *id++, unsound = *id++, locked = *id++;
  // alice's draft (indented) points the module calls elsewhere: a draft
  // that needs edits; bob's draft is JSON but no flow document (its error
  // names what is missing); carol only holds the lock.
  auto draft = nlohmann::ordered_json::parse(org.api->latest_configuration(drafted));
  for (auto& item : draft["flowSequenceItemList"])
    for (auto& action : item["actionList"])
      if (action.value("__type", "") == "CallCommonModuleAction") action["flowName"] = "Some Other Module";
  draft["description"] = "alice's draft";
  org.control->act_as("alice", "save", drafted, draft.dump(2));
  org.control->act_as("bob", "save", unsound, R"({"name": "broken", "type": "inboundchat"})");
  org.control->act_as_checkout("carol", locked);

  source::OrgReadResult read;
  const plan::Plan streamed = source::plan_org(*org.api, org.desired, org.plan_options(), 4, &read);
  const source::OrgReadResult whole = source::read_org(*org.api, org.desired, 4);
  const plan::Plan reference = plan::make_plan(org.desired, whole.flows, org.plan_options());
  CHECK(plan::render_json(streamed) == plan::render_json(reference));
  CHECK(plan::render_text(streamed, {}) == plan::render_text(reference, {}));
  // The scenario is what it says: drafts judged, one of them unsound.
  int drafts = 0;
  for (const auto& fp : streamed.flows) drafts += fp.draft ? 1 : 0;
  CHECK(drafts == 2);
  CHECK(read.load_errors == 0);
  const std::string json = plan::render_json(streamed);
  CHECK(json.find("/flowSequenceItemList: missing") != std::string::npos);  // bob's draft, named
  CHECK(json.find("carol") != std::string::npos);           // her lock
}

namespace {

// Records what a sink is given, and when.
struct RecordingSink final : plan::PlanSink {
  std::vector<std::string> calls;  // "begin", a flow's id, "end"
  plan::PlanHead head;
  plan::PlanTally tally;
  std::vector<std::string> flow_json;
  void begin(const plan::PlanHead& h) override {
    calls.push_back("begin");
    head = h;
  }
  void flow(const plan::FlowPlan& flow) override {
    calls.push_back(flow.flow_id);
    flow_json.push_back(plan::flow_to_json(flow).dump());
  }
  void end(const plan::PlanHead& h, const plan::PlanTally& t) override {
    calls.push_back("end");
    head.cache_hits = h.cache_hits;
    tally = t;
  }
};

}  // namespace

TEST_CASE("plan_org to a sink: the head first, each flow once in plan order, then the tally; the same plan") {
  OrgFixture org("source-plan-sink", testing::kChatManifest);
  plan::PlanOptions options = org.plan_options();
  // A target that names nothing: a plan-wide error the head must carry
  // before any flow is planned.
  const auto wanted = expected_support_chats();
  REQUIRE(wanted.size() >= 3);
  options.targets = {*wanted.begin(), *std::next(wanted.begin()), "Chat_Support_Nowhere"};

  source::ReadOptions read_options;
  read_options.parallelism = 3;
  RecordingSink sink;
  std::ostringstream text, json;
  plan::TextPlanWriter text_writer({}, text);
  plan::JsonPlanWriter json_writer(json);
  plan::PlanTee tee({&sink, &text_writer, &json_writer});
  source::plan_org(*org.api, org.desired, options, read_options, tee);

  const plan::Plan whole = source::plan_org(*org.api, org.desired, options, 3);
  REQUIRE(whole.flows.size() == 2);
  REQUIRE(sink.calls.size() == whole.flows.size() + 2);
  CHECK(sink.calls.front() == "begin");
  CHECK(sink.calls.back() == "end");
  for (std::size_t i = 0; i < whole.flows.size(); ++i) {
    CAPTURE(i);
    CHECK(sink.calls[i + 1] == whole.flows[i].flow_id);
    CHECK(sink.flow_json[i] == plan::flow_to_json(whole.flows[i]).dump());
  }
  // The head is the whole plan but its flows, and final before any flow.
  plan::Plan head_only, without_flows = whole;
  static_cast<plan::PlanHead&>(head_only) = sink.head;
  without_flows.flows.clear();
  CHECK(plan::to_json(head_only).dump() == plan::to_json(without_flows).dump());
  REQUIRE(sink.head.errors.size() == 1);
  CHECK(sink.head.errors[0].find("Chat_Support_Nowhere") != std::string::npos);
  CHECK(sink.head.rules.at(0).flows == 2);
  // The tally counts what the whole plan counts.
  const plan::PlanTally expected = whole.tally();
  CHECK(sink.tally.summary.flows_matched == expected.summary.flows_matched);
  CHECK(sink.tally.summary.to_change == expected.summary.to_change);
  CHECK(sink.tally.summary.add == expected.summary.add);
  CHECK(sink.tally.changes == expected.changes);
  CHECK(sink.tally.drifted_published == expected.drifted_published);
  // Written as made, byte for byte the whole plan's renderings.
  CHECK(text.str() == plan::render_text(whole, {}));
  CHECK(json.str() == plan::render_json(whole));
}

TEST_CASE("plan_org to a sink, many flows and threads: every flow once, in plan order") {
  OrgFixture org("source-plan-sink-many");
  RecordingSink sink;
  source::ReadOptions read_options;
  read_options.parallelism = 8;
  source::plan_org(*org.api, org.desired, org.plan_options(), read_options, sink);
  const plan::Plan whole = source::plan_org(*org.api, org.desired, org.plan_options(), 1);
  REQUIRE(whole.flows.size() > 8);
  REQUIRE(sink.calls.size() == whole.flows.size() + 2);
  for (std::size_t i = 0; i < whole.flows.size(); ++i) CHECK(sink.calls[i + 1] == whole.flows[i].flow_id);
  CHECK(sink.tally.summary.flows_matched == static_cast<int>(whole.flows.size()));
}

TEST_CASE("plan_org to a sink that fails half-way: the failure comes out, nothing is written after it, no end") {
  OrgFixture org("source-plan-sink-fails");
  struct FailsOnThird final : plan::PlanSink {
    int flows = 0;
    void begin(const plan::PlanHead&) override {}
    void flow(const plan::FlowPlan&) override {
      if (++flows == 3) throw std::runtime_error("write failed: disk full");
    }
    void end(const plan::PlanHead&, const plan::PlanTally&) override {}
  };
  RecordingSink before;
  FailsOnThird failing;
  RecordingSink after;  // what a sink behind the failing one is given
  plan::PlanTee tee({&before, &failing, &after});
  source::ReadOptions read_options;
  read_options.parallelism = 8;
  CHECK_THROWS_WITH_AS(source::plan_org(*org.api, org.desired, org.plan_options(), read_options, tee),
                       "write failed: disk full", std::runtime_error);
  // The first two flows went through; the third stopped in the failing
  // sink; none after it and no end, in any sink.
  CHECK(failing.flows == 3);
  REQUIRE(before.calls.size() == 4);  // begin, two flows, the third
  CHECK(before.calls.front() == "begin");
  CHECK(std::find(before.calls.begin(), before.calls.end(), "end") == before.calls.end());
  CHECK(after.calls.size() == 3);  // begin and the two flows before the failure
}
