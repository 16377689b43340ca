#pragma once
// The cache of repeat runs, as plan_org uses it (read_options.cache): a
// warm `plan` or `drift` of unchanged flows reads only the listing.
//
// What is cached, per matched flow: its FlowPlan (plan::flow_to_json), under
// a key that covers everything that plan was made from:
// - the flow's Flow object as the listing sent it (ids and dates of the
//   published, checked-in and saved versions, who made them, the lock, the
//   current operation), and what this work dir's journal says of its draft
//   and lock (ObservedFlow's lifecycle);
// - the manifest's fingerprint, the plan options that reach a flow's plan
//   (--unpublished, whether modules must be published), the org;
// - every common module as read this run (id, name, versions, dates, the
//   document's fingerprint) and any flow a module reference could resolve
//   to (by pinned id or name);
// - flowlink's version, the plan format and the cache format (the store).
// Per named common module: its published version's configuration as the
// server sent it, under (id, published version, its date): a version's
// content never changes once published.
//
// Rules: any difference in the key is a miss; a corrupt, truncated or
// foreign entry is a miss (cache::EntryStore); a flow whose documents could
// not all be read is never written; without a manifest fingerprint nothing
// is cached. A plan made from the cache is the plan that reading every
// document would make (only Plan::cache_hits differs). Apply never acts on
// what is cached: it re-reads each flow and compares the fingerprint.

#include "source/org_source.hpp"

namespace flowlink::source {

// The entry kinds in the store.
inline constexpr const char* kFlowPlanEntries = "flows";
inline constexpr const char* kModuleDocumentEntries = "modules";

}  // namespace flowlink::source
