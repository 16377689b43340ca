#pragma once
// One flow by name or id, with its document: what `flowlink inspect` reads,
// from a live org or an export directory.

#include <string>

#include "genesys/flow_api.hpp"
#include "plan/planner.hpp"

namespace flowlink::source {

// The flow whose id or name is `name_or_id`, with its document as the
// planner reads it (the published version; a flow never published: its
// draft). Throws std::runtime_error when no flow or several flows answer to
// it (naming their ids and types; "did you mean" for a near name), and when
// its document cannot be read.
plan::ObservedFlow find_org_flow(genesys::FlowApi& api, const std::string& name_or_id);
plan::ObservedFlow find_export_flow(const std::string& dir, const std::string& name_or_id);

}  // namespace flowlink::source
