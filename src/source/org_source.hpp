#pragma once
// Observed flows from a live org (or the emulator), through genesys::FlowApi.
//
// One list call names every flow of the types the manifest's rules select plus
// every common module; names are matched locally (manifest::FlowSelector),
// then the matched flows' latest configurations are read concurrently. Common
// modules the manifest names (by name, or by pinned id) are read too, for their
// interfaces; the other common modules are passed on without a document so
// that the planner can suggest a name when the manifest misspells one.
//
// Each selected flow is read as a lifecycle (see planner.hpp): the published
// version's configuration (versions/{id}/configuration) and, only when a
// saved or checked-in version stands above it, the draft's (latest-
// configuration). A flow never published has only its draft. Who made the
// draft and who holds the lock come from the listing: no extra request.
//
// ObservedFlow::version is the version `document` was read at: the
// published version, or for a flow never published its draft's; "" when the
// flow reports none. It is a label for people, journals and backup file
// names; what guards against a flow changing between plan and apply is the
// version the plan's basis was (FlowPlan::observed_version) together with
// the document's fingerprint.

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "cache/entry_store.hpp"
#include "genesys/flow_api.hpp"
#include "manifest/desired_state.hpp"
#include "plan/plan.hpp"
#include "plan/plan_sink.hpp"
#include "plan/planner.hpp"
#include "source/document_parse.hpp"
#include "util/progress.hpp"

namespace flowlink::source {

// What a work dir remembers of flowlink's own runs, so that flowlink's own
// draft or lock (this OAuth client's) is told from someone else's, and a
// running run from an interrupted one. src/apply/run_history implements it
// from the journal; without one, this client's drafts and locks count as
// someone else's (the cautious reading).
class RunMemory {
 public:
  virtual ~RunMemory() = default;
  struct SavedVersion {
    std::string run_id;
    bool publish_intended = true;
  };
  // The run that saved this version of the flow, if this work dir recorded it.
  virtual std::optional<SavedVersion> saved_version(const std::string& flow_id, const std::string& version) const = 0;
  struct Checkout {
    std::string run_id;
    bool running = false;  // the run is still alive
  };
  // The latest run that checked the flow out (or tried to), if any.
  virtual std::optional<Checkout> checkout(const std::string& flow_id) const = 0;
};

struct ReadOptions {
  int parallelism = 8;
  std::string client_id;             // this OAuth client: tells flowlink's drafts and locks
  const RunMemory* memory = nullptr; // the work dir's journal, if any
  // The cache of repeat runs (see cached_plan.hpp), or none. Only plan_org
  // uses it: read_org and read_modules always read every document, because
  // their callers (apply, `modules`) act on or report the documents.
  cache::EntryStore* cache = nullptr;
  // Counted as the read goes (total, read, planned, cache hits), for a
  // progress line; none when null.
  util::ProgressCounters* progress = nullptr;
  // --target: read only these flows (by name or id) besides the modules; the
  // planner limits the plan to them too (plan::PlanOptions::targets).
  std::vector<std::string> targets;
};

struct OrgReadResult {
  // Matched flows (with a document, or with load_error when it could not be
  // read or parsed), the named common modules (with a document), and the
  // other common modules (no document; load_error says they were not read).
  // Sorted by type, then name, then id.
  std::vector<plan::ObservedFlow> flows;
  std::size_t flows_listed = 0;   // flows the list call returned
  std::size_t flows_matched = 0;  // flows some rule selects
  std::size_t modules_read = 0;   // common modules whose document was read
  std::size_t load_errors = 0;    // flows (matched or named modules) that could not be read
  // plan_org with a cache: matched flows planned from it (their ObservedFlow
  // has no document: none was read) and named modules read from it.
  std::size_t cache_hits = 0;
  std::size_t module_cache_hits = 0;
  genesys::RequestStats stats;    // requests this read made
};

// The load_error given to common modules that were listed but not read
// because the manifest does not name them.
inline constexpr const char* kModuleNotRead = "not read: the manifest does not name this common module";
// The load_error of a flow a rule selects that --target leaves out.
inline constexpr const char* kNotTargeted = "not read: not among the --target flows";

// Reads the flows the manifest's rules select and the modules it names.
// Throws genesys::ApiError when the flows cannot be listed; a flow whose
// configuration cannot be read or parsed becomes an ObservedFlow with
// load_error and does not stop the others.
OrgReadResult read_org(genesys::FlowApi& api, const manifest::DesiredState& desired, const ReadOptions& options);
OrgReadResult read_org(genesys::FlowApi& api, const manifest::DesiredState& desired, int parallelism);

// One flow's lifecycle from its Flow object (listing or GET): versions,
// owners, lock; documents are not read.
plan::ObservedFlow observe_flow(const genesys::Flow& flow, const ReadOptions& options);
// Reads what observe_flow's lifecycle needs: the published configuration
// and, when a draft is above it, the draft's too (a flow never published:
// its draft's alone). Failures become load_error; never throws.
// `published_text` (optional) receives the published configuration as the
// server sent it (for the cache of module documents).
// `parse`: PlanningView for a flow that is planned and let go (a module is
// parsed whole whatever it says).
void load_documents(genesys::FlowApi& api, plan::ObservedFlow& observed, std::string* published_text = nullptr,
                    DocumentParse parse = DocumentParse::Whole);

// Only the common modules (named ones with a document, the others without):
// what the applier needs to re-plan a flow for verification.
OrgReadResult read_modules(genesys::FlowApi& api, const manifest::DesiredState& desired, int parallelism);

// The common modules among `flows` (for plan::plan_flow).
std::vector<plan::ObservedFlow> modules_of(const std::vector<plan::ObservedFlow>& flows);

// The flow's latest version as listed: the saved version, else the checked-in
// one, else the published one ("" when none): the version
// latestconfiguration answers, which apply compares with the plan's basis.
std::string observed_version_of(const genesys::Flow& flow);

// "flow 'Name' (id)": how documents read from an org are named in errors.
std::string flow_source_name(const std::string& name, const std::string& id);

// Reads the org and plans it: what `flowlink plan` / `drift` / `apply -f`
// run against a live org. `read` (optional) receives the read's details; its
// flows keep no document but the named modules' (each flow is planned as its
// documents arrive and they are let go: memory stays flat in the number of
// flows). The plan is make_plan's over read_org's flows, byte for byte.
// With read_options.cache, unchanged flows are planned from the cache and
// their documents are not read (cached_plan.hpp); the plan is the same.
plan::Plan plan_org(genesys::FlowApi& api, const manifest::DesiredState& desired, const plan::PlanOptions& options,
                    const ReadOptions& read_options, OrgReadResult* read = nullptr);
plan::Plan plan_org(genesys::FlowApi& api, const manifest::DesiredState& desired, const plan::PlanOptions& options,
                    int parallelism, OrgReadResult* read = nullptr);
// The same plan given to `sink` as it is made: the head once the modules are
// read, then each flow in plan order as soon as it and the flows before it
// are planned. No flow's plan is kept once the sink has it: with a sink that
// writes and lets go (plan::TextPlanWriter, plan::JsonPlanWriter) memory does
// not grow with the plan.
void plan_org(genesys::FlowApi& api, const manifest::DesiredState& desired, const plan::PlanOptions& options,
              const ReadOptions& read_options, plan::PlanSink& sink, OrgReadResult* read = nullptr);

// ISO-8601 UTC with milliseconds for an epoch-ms time ("" for 0).
std::string iso_from_epoch_ms(std::int64_t epoch_ms);

// The difference of two stats snapshots (after - before).
genesys::RequestStats stats_delta(const genesys::RequestStats& after, const genesys::RequestStats& before);

}  // namespace flowlink::source
