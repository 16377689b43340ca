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
// observed_version (ObservedFlow::version, FlowPlan::observed_version) means:
// the id of the version whose configuration latestconfiguration answers, as
// the flow listing reported it — savedVersion when a draft exists, else
// checkedInVersion, else publishedVersion; "" when the flow reports none. It is
// a label for people, journals and backup file names. What guards against a
// flow changing between plan and apply is the document's fingerprint, never
// this label.

#include <string>
#include <vector>

#include "genesys/flow_api.hpp"
#include "manifest/desired_state.hpp"
#include "plan/plan.hpp"
#include "plan/planner.hpp"

namespace flowlink::source {

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
  genesys::RequestStats stats;    // requests this read made
};

// The load_error given to common modules that were listed but not read
// because the manifest does not name them.
inline constexpr const char* kModuleNotRead = "not read: the manifest does not name this common module";

// Reads the flows the manifest's rules select and the modules it names.
// Throws genesys::ApiError when the flows cannot be listed; a flow whose
// configuration cannot be read or parsed becomes an ObservedFlow with
// load_error and does not stop the others.
OrgReadResult read_org(genesys::FlowApi& api, const manifest::DesiredState& desired, int parallelism);

// Only the common modules (named ones with a document, the others without):
// what the applier needs to re-plan a flow for verification.
OrgReadResult read_modules(genesys::FlowApi& api, const manifest::DesiredState& desired, int parallelism);

// The common modules among `flows` (for plan::plan_flow).
std::vector<plan::ObservedFlow> modules_of(const std::vector<plan::ObservedFlow>& flows);

// The version label for a flow as listed (see observed_version above).
std::string observed_version_of(const genesys::Flow& flow);

// "flow 'Name' (id)": how documents read from an org are named in errors.
std::string flow_source_name(const std::string& name, const std::string& id);

// Reads the org and plans it: what `flowlink plan` / `drift` / `apply -f`
// run against a live org. `read` (optional) receives the read's details.
plan::Plan plan_org(genesys::FlowApi& api, const manifest::DesiredState& desired, const plan::PlanOptions& options,
                    int parallelism, OrgReadResult* read = nullptr);

// The difference of two stats snapshots (after - before).
genesys::RequestStats stats_delta(const genesys::RequestStats& after, const genesys::RequestStats& before);

}  // namespace flowlink::source
