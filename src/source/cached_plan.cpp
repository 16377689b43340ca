// plan_org with the cache of repeat runs. See cached_plan.hpp for what is
// cached under which key.
#include "source/cached_plan.hpp"

#include <algorithm>
#include <map>
#include <mutex>

#include <nlohmann/json.hpp>

#include "plan/render.hpp"
#include "source/org_read_internal.hpp"
#include "util/encoding.hpp"

namespace flowlink::source::detail {

namespace {

using nlohmann::json;
constexpr const char* kModuleType = "commonmodule";

json actor_facts(const std::optional<plan::Actor>& actor) {
  if (!actor) return nullptr;
  return json::array({plan::to_string(actor->kind), actor->id, actor->name});
}

// What observe_flow made of the listing and the journal: the lifecycle the
// planner judges (the journal's part is not in the listing).
json observed_facts(const plan::ObservedFlow& flow) {
  json out = {{"id", flow.id},           {"name", flow.name}, {"type", flow.type},
              {"version", flow.version}, {"published", flow.published}};
  if (!flow.lifecycle) return out;
  const auto& life = *flow.lifecycle;
  out["published_version"] = life.published_version;
  out["published_date"] = life.published_date;
  if (life.draft) {
    const auto& d = *life.draft;
    out["draft"] = {d.version,        plan::to_string(d.stage), actor_facts(d.owner), d.since, d.by_this_client,
                    d.flowlink,       d.run_id,                 d.publish_intended};
  }
  if (life.lock) {
    const auto& l = *life.lock;
    out["lock"] = {actor_facts(l.holder), plan::to_string(l.flowlink), l.run_id};
  }
  return out;
}

bool module_reference_could_mean(const manifest::DesiredState& desired, const plan::ObservedFlow& flow) {
  if (flow.type == kModuleType) return true;
  for (const auto& [key, ref] : desired.modules)
    if ((ref.id && *ref.id == flow.id) || ref.name == flow.name) return true;
  return false;
}

// Everything a flow's plan depends on besides the flow itself.
std::string shared_key(const manifest::DesiredState& desired, const plan::PlanOptions& options,
                       const std::vector<plan::ObservedFlow>& flows) {
  json modules = json::array();
  for (const auto& flow : flows) {
    if (!module_reference_could_mean(desired, flow)) continue;
    json facts = observed_facts(flow);
    // A module's document is its interface; a flow that only shares a
    // module's name matters by its listing alone (its document may be unread).
    if (flow.type == kModuleType)
      facts["document"] = flow.document ? flow.document->fingerprint() : "unread: " + flow.load_error;
    modules.push_back(std::move(facts));
  }
  std::sort(modules.begin(), modules.end(), [](const json& a, const json& b) { return a.dump() < b.dump(); });
  const json key = {
      {"plan_format", plan::kFormatVersion},
      {"manifest", desired.fingerprint},
      {"unpublished", options.unpublished_override ? plan::to_string(*options.unpublished_override) : ""},
      {"require_published_modules", options.require_published_modules},
      {"org", options.org_id},
      {"modules", std::move(modules)},
  };
  return util::sha256_hex(key.dump());
}

std::string flow_key(const std::string& shared, const json& listing, const plan::ObservedFlow& flow) {
  return util::sha256_hex(shared + "\n" + listing.dump() + "\n" + observed_facts(flow).dump());
}

std::string module_key(const plan::ObservedFlow& module) {
  const auto& life = *module.lifecycle;
  return util::sha256_hex(json::array({module.id, life.published_version, life.published_date}).dump());
}

// A named module's published document from the cache, else read (and cached).
bool load_module(genesys::FlowApi& api, cache::EntryStore& store, plan::ObservedFlow& module) {
  if (!module.published || !module.lifecycle || module.lifecycle->published_version.empty()) {
    load_documents(api, module);
    return false;
  }
  const std::string key = module_key(module);
  const std::string version = module.lifecycle->published_version;
  if (auto text = store.read(kModuleDocumentEntries, module.id, key)) {
    try {
      module.document = flowdoc::Document::parse(
          *text, flow_source_name(module.name, module.id) + " published version " + version);
      return true;
    } catch (const std::exception&) {
      // It parsed when it was written; whatever happened since, read it again.
    }
  }
  std::string text;
  load_documents(api, module, &text);
  if (module.document && !text.empty()) store.write(kModuleDocumentEntries, module.id, key, text);
  return false;
}

std::optional<plan::FlowPlan> cached_flow_plan(cache::EntryStore& store, const plan::ObservedFlow& flow,
                                               const std::string& key) {
  auto payload = store.read(kFlowPlanEntries, flow.id, key);
  if (!payload) return std::nullopt;
  try {
    plan::FlowPlan cached = plan::flow_from_json(nlohmann::ordered_json::parse(*payload));
    if (cached.flow_id != flow.id || cached.rules.empty()) return std::nullopt;
    return cached;
  } catch (const std::exception&) {
    return std::nullopt;
  }
}

bool fully_read(const plan::ObservedFlow& flow) {
  if (!flow.document || !flow.load_error.empty()) return false;
  if (flow.lifecycle && flow.lifecycle->draft && flow.published && flow.type != kModuleType) {
    const auto& draft = *flow.lifecycle->draft;
    if (!draft.document || !draft.load_error.empty()) return false;
  }
  return true;
}

}  // namespace

plan::Plan plan_org_cached(genesys::FlowApi& api, const manifest::DesiredState& desired,
                           const plan::PlanOptions& options, const ReadOptions& read_options,
                           OrgReadResult* read_result) {
  cache::EntryStore& store = *read_options.cache;
  const genesys::RequestStats before = api.stats();
  ListedOrg listed = list_and_select(api, desired, read_options, false);
  auto& flows = listed.result.flows;
  const int parallelism = std::max(1, read_options.parallelism);
  // Nothing identifies a manifest without its fingerprint: no cache then.
  const bool usable = !desired.fingerprint.empty();

  std::vector<std::size_t> module_slots, flow_slots;  // positions in to_read
  for (std::size_t i = 0; i < listed.to_read.size(); ++i)
    (flows[listed.to_read[i]].type == kModuleType ? module_slots : flow_slots).push_back(i);
  std::vector<bool> from_cache(listed.to_read.size(), false);

  // 1. The named modules: every flow's key depends on them.
  genesys::parallel_for(module_slots.size(), parallelism, [&](std::size_t i) {
    auto& module = flows[listed.to_read[module_slots[i]]];
    if (usable) {
      if (load_module(api, store, module)) from_cache[module_slots[i]] = true;
    } else {
      load_documents(api, module);
    }
  });
  const std::string shared = usable ? shared_key(desired, options, flows) : std::string();

  // 2. Each matched flow: its plan from the cache, or its documents read.
  std::vector<std::string> keys(listed.to_read.size());
  std::vector<std::optional<plan::FlowPlan>> found(listed.to_read.size());
  genesys::parallel_for(flow_slots.size(), parallelism, [&](std::size_t i) {
    const std::size_t slot = flow_slots[i];
    const std::size_t index = listed.to_read[slot];
    if (usable) {
      keys[slot] = flow_key(shared, listed.listing[index], flows[index]);
      found[slot] = cached_flow_plan(store, flows[index], keys[slot]);
    }
    if (!found[slot]) load_documents(api, flows[index]);
    if (auto* progress = read_options.progress) {
      ++progress->read;
      if (found[slot]) ++progress->cache_hits;
    }
  });
  std::map<std::string, plan::FlowPlan> planned;
  std::map<std::string, std::string> to_write;  // flow id -> key
  for (std::size_t slot : flow_slots) {
    const auto& flow = flows[listed.to_read[slot]];
    if (found[slot]) {
      from_cache[slot] = true;
      planned.emplace(flow.id, std::move(*found[slot]));
    } else if (usable && fully_read(flow)) {
      to_write.emplace(flow.id, keys[slot]);
    }
  }

  plan::Plan plan = plan::make_plan(desired, flows, options, &planned);
  if (read_options.progress) read_options.progress->planned = plan.flows.size();

  // 3. What was planned from documents, for the next run.
  std::vector<const plan::FlowPlan*> written;
  for (const auto& flow_plan : plan.flows)
    if (to_write.count(flow_plan.flow_id)) written.push_back(&flow_plan);
  genesys::parallel_for(written.size(), parallelism, [&](std::size_t i) {
    store.write(kFlowPlanEntries, written[i]->flow_id, to_write.at(written[i]->flow_id),
                plan::flow_to_json(*written[i]).dump());
  });
  if (usable) store.enforce_bound();

  for (std::size_t slot : module_slots)
    if (from_cache[slot]) ++listed.result.module_cache_hits;
  listed.result.cache_hits = static_cast<std::size_t>(plan.cache_hits);
  finish_read(listed, from_cache);
  // Modules read from the cache were read all the same: count them so.
  listed.result.modules_read += listed.result.module_cache_hits;
  listed.result.stats = stats_delta(api.stats(), before);
  if (read_result) *read_result = std::move(listed.result);
  return plan;
}

}  // namespace flowlink::source::detail
