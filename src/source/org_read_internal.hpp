#pragma once
// What org_source.cpp and cached_plan.cpp share of reading an org: the
// listing and the selection of what to read, and the bookkeeping after.
// Not for other callers.

#include <vector>

#include "plan/plan_sink.hpp"
#include "source/org_source.hpp"

namespace flowlink::source::detail {

struct ListedOrg {
  // flows: observed from the listing (no documents yet), sorted by type,
  // then name, then id (the plan's order).
  OrgReadResult result;
  // Indices into result.flows whose documents are to be read: the matched
  // flows and the common modules the manifest names.
  std::vector<std::size_t> to_read;
  // The listing's Flow object of each of result.flows, as received
  // (genesys::Flow::raw), when ReadOptions::cache is set and the flow is in
  // to_read (its plan's cache key); else "".
  std::vector<std::string> listing;
};

// Lists the flows of the types the manifest's rules select (or only the
// modules) and selects what to read, each flow kept as an ObservedFlow as
// its page arrives (FlowApi::for_each_flow). Throws genesys::ApiError when the
// flows cannot be listed.
ListedOrg list_and_select(genesys::FlowApi& api, const manifest::DesiredState& desired, const ReadOptions& options,
                          bool modules_only);

// Counts load errors (unread[i] set: a flow or named module in to_read whose
// documents could not be read) and modules read among to_read.
void finish_read(ListedOrg& listed, const std::vector<char>& unread);

// plan_org: the modules, then each flow planned as its documents arrive
// (from the cache when read_options.cache holds it) and given to the sink in
// plan order; org_plan.cpp.
void plan_org_streaming(genesys::FlowApi& api, const manifest::DesiredState& desired,
                        const plan::PlanOptions& options, const ReadOptions& read_options, plan::PlanSink& sink,
                        OrgReadResult* read);

}  // namespace flowlink::source::detail
