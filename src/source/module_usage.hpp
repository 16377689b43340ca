#pragma once
// Who calls which common module, and on which module version: gathers the
// module report (plan/module_report.hpp) that `flowlink modules` renders.
//
// How (requests, all through genesys::FlowApi, at most `parallelism` at once):
//   1. GET /api/v2/flows, every type, every page (pageSize 500): the modules,
//      every flow's publishedVersion (id, datePublished) and division.
//   2. GET .../dependencytracking/build: the index's status.
//   3. OPERATIONAL: per reported module, GET .../consumingresources
//      ?id=MODULE&objectType=COMMONMODULEFLOW&flowFilter=published (every
//      page): its consumers, joined by id with the listing of step 1.
//   4. Documents flowlink reads anyway: the published configuration
//      (versions/{publishedVersion}/configuration) of every flow a manifest
//      rule selects; their module calls (flowdoc::Document::module_calls) are
//      matched to modules by flowId or flowName, as the planner matches them.
//      They cross-check step 3 (a consumer one source finds and the other
//      does not gets a note) and find calls to modules that no longer exist.
//      When the build is not OPERATIONAL (or step 2 or a module's step 3
//      fails), that is said in a note and consumers are found from documents
//      instead: then the published configuration of EVERY published flow is
//      read (one request per flow; ~100 KB each on real flows).
//   5. OPERATIONAL: per consumer flow (not per module: one answer lists every
//      module that version uses), GET .../consumedresources?id=FLOW
//      &version=PUBLISHED&objectType=<its type>: the module version it
//      snapshotted. At most `max_snapshot_requests` of them (consumers in
//      type, name order); the rest keep an unknown snapshot and the report
//      counts them. They never decide staleness when datePublished can.
// Cost: 1 + ceil(flows/500) listing pages + 1 + (modules reported, with
// paging) + (flows the manifest selects, or every published flow without
// dependency tracking) + min(consumer flows, max_snapshot_requests).
//
// Staleness (the primary rule): a consumer is STALE when its
// publishedVersion.datePublished is earlier than the module's
// publishedVersion.datePublished (it was published before the module's latest
// publish, so it snapshotted an older module), CURRENT otherwise
// (decided_by "datePublished"). Only when either date is missing or
// unreadable does the snapshot version decide: equal to the module's
// published version -> current, else stale (decided_by "dependency
// tracking"). Neither -> unknown. When the two disagree, datePublished
// decides and the consumer carries a note.
//
// ============================================================================
// ASSUMPTIONS ABOUT DEPENDENCY TRACKING (not confirmed by Genesys's
// documentation; the one place they are written down — README links here).
// Each is our best reading of the API reference and the SDK models; correct
// them here against a live org.
//   A1. consumingresources?objectType=COMMONMODULEFLOW&flowFilter=published
//       without resourceType lists every flow (of any type) whose PUBLISHED
//       version calls the module, once per flow, with Dependency.version =
//       that published version. Drafts and checked-in-only versions are not
//       listed.
//   A2. consumedresources?id=FLOW&version=V reports, for each common module
//       version V calls, Dependency.version = the module version V
//       snapshotted when V was published (not the module's latest version),
//       and Dependency.deleted = true for a module deleted since.
//   A3. Object types are the flow type + "FLOW", except WORKFLOW
//       (genesys/vocabulary.hpp), for objectType on both endpoints.
//   A4. Only build status OPERATIONAL means the index is complete and
//       current. Any other status (BUILDINPROGRESS, OPERATIONALNEEDSREBUILD,
//       ...) or a failure to read it: consumingresources is not used at all,
//       consumers come from documents, and the report says so.
//   A5. The index follows a publish soon after it completes, but not
//       necessarily at once: a consumer published seconds ago may be missing
//       from consumingresources. The documents cross-check catches this for
//       the flows the manifest selects (a note on the consumer); for others
//       it is not caught.
//   A6. The snapshot is taken when the consumer is published (Genesys's
//       help for common module flows: "Architect snapshots the common module
//       into the consuming flow"; republish to pick up a new version), and
//       both datePublished values come from the same clock (Genesys's), so
//       comparing them as instants is sound.
// ============================================================================

#include <string>

#include "genesys/flow_api.hpp"
#include "manifest/desired_state.hpp"
#include "plan/module_report.hpp"

namespace flowlink::source {

struct ModuleUsageOptions {
  int parallelism = 8;
  // --module: the common module's name (exact) or a manifest key; "" for
  // every common module of the org.
  std::string module;
  // consumedresources requests at most (one per consumer flow); 0: none.
  int max_snapshot_requests = 200;
  // Recorded in the report.
  std::string source;
  std::string flowlink_version;
  std::string org_id;
  std::string org_name;
};

// Gathers the report. Throws genesys::ApiError when the flows cannot be
// listed; every later failure (build status, one module's consumers, one
// document, one snapshot) becomes a note and a fallback, never an exception.
// `--module` naming no module is a report error (ModuleReport::errors).
plan::ModuleReport gather_module_usage(genesys::FlowApi& api, const manifest::DesiredState& desired,
                                       const ModuleUsageOptions& options);

}  // namespace flowlink::source
