// plan_org: reading an org and planning it as a stream. The named common
// modules are read first (every flow's plan depends on them); then each
// matched flow is planned as soon as its documents arrive, its documents are
// let go, and its plan goes to the sink in plan order, so that memory stays
// flat in the number of flows (only what the listing said of each flow, and
// its listing text when a cache keys on it, are kept). With the cache of repeat runs (see
// cached_plan.hpp for what is cached under which key), an unchanged flow's
// plan comes from the cache and none of its documents is read.
#include "source/cached_plan.hpp"

#include <algorithm>
#include <map>
#include <memory>
#include <mutex>

#include <nlohmann/json.hpp>

#include "genesys/vocabulary.hpp"
#include "plan/plan_sink.hpp"
#include "plan/render.hpp"
#include "source/org_read_internal.hpp"
#include "util/encoding.hpp"

namespace flowlink::source::detail {

namespace {

using nlohmann::json;

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
  if (genesys::is_common_module(flow.type)) return true;
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
    if (genesys::is_common_module(flow.type))
      facts["document"] = flow.document ? flow.document->source_fingerprint() : "unread: " + flow.load_error;
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

std::string flow_key(const std::string& shared, const std::string& listing, const plan::ObservedFlow& flow) {
  return util::sha256_hex(shared + "\n" + listing + "\n" + observed_facts(flow).dump());
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
  if (flow.lifecycle && flow.lifecycle->draft && flow.published && !genesys::is_common_module(flow.type)) {
    const auto& draft = *flow.lifecycle->draft;
    if (!draft.document || !draft.load_error.empty()) return false;
  }
  return true;
}

// Gives a sink the flows that several threads plan, in plan order: each
// thread leaves its flow at its position; whichever thread finds the next
// positions ready writes them (outside the lock) while the others go on
// planning. Positions are handed out in plan order, so only the flows
// planned ahead of a slower one wait here, not the plan.
class InPlanOrder {
 public:
  InPlanOrder(plan::PlanSink& sink, std::size_t count) : sink_(sink), ready_(count) {}

  void put(std::size_t position, std::unique_ptr<plan::FlowPlan> flow) {
    std::unique_lock lock(mutex_);
    ready_[position] = std::move(flow);
    if (writing_ || failed_) return;  // the writing thread writes this one too, once its turn comes
    writing_ = true;
    std::vector<std::unique_ptr<plan::FlowPlan>> batch;
    while (next_ < ready_.size() && ready_[next_]) {
      while (next_ < ready_.size() && ready_[next_]) batch.push_back(std::move(ready_[next_++]));
      lock.unlock();
      try {
        for (auto& planned : batch) {
          // make_plan leaves out a flow no rule matches: so does the stream.
          if (!planned->rules.empty()) {
            tally_.add(*planned);
            sink_.flow(*planned);
          }
          planned.reset();
        }
      } catch (...) {
        lock.lock();
        writing_ = false;
        failed_ = true;  // the run stops (parallel_for rethrows): nothing after a gap is written
        throw;
      }
      batch.clear();
      lock.lock();
    }
    writing_ = false;
  }

  // After every position was put: the tally of the flows written.
  plan::PlanTally& tally() { return tally_; }

 private:
  plan::PlanSink& sink_;
  std::mutex mutex_;
  std::vector<std::unique_ptr<plan::FlowPlan>> ready_;
  std::size_t next_ = 0;
  bool writing_ = false;
  bool failed_ = false;
  plan::PlanTally tally_;  // only the writing thread touches it
};

}  // namespace

void plan_org_streaming(genesys::FlowApi& api, const manifest::DesiredState& desired,
                        const plan::PlanOptions& options, const ReadOptions& read_options, plan::PlanSink& sink,
                        OrgReadResult* read_result) {
  const genesys::RequestStats before = api.stats();
  ListedOrg listed = list_and_select(api, desired, read_options, false);
  auto& flows = listed.result.flows;
  const int parallelism = std::max(1, read_options.parallelism);
  // Nothing identifies a manifest without its fingerprint: no cache then.
  cache::EntryStore* store = desired.fingerprint.empty() ? nullptr : read_options.cache;

  std::vector<std::size_t> module_slots, flow_slots;  // positions in to_read
  for (std::size_t i = 0; i < listed.to_read.size(); ++i)
    (genesys::is_common_module(flows[listed.to_read[i]].type) ? module_slots : flow_slots).push_back(i);
  // Per position in to_read, written by one thread each (hence not vector<bool>).
  std::vector<char> from_cache(listed.to_read.size(), 0), unread(listed.to_read.size(), 0);

  // 1. The named modules: every flow's plan (and cache key) depends on them.
  genesys::parallel_for(module_slots.size(), parallelism, [&](std::size_t i) {
    auto& module = flows[listed.to_read[module_slots[i]]];
    if (store) {
      if (load_module(api, *store, module)) from_cache[module_slots[i]] = 1;
    } else {
      load_documents(api, module);
    }
    if (!module.document) unread[module_slots[i]] = 1;
  });
  const std::string shared = store ? shared_key(desired, options, flows) : std::string();

  // 2. The plan's head: the listing and the modules decide all of it.
  const plan::PerFlowPlanner planner(desired, flows, options);
  plan::PlanHead head = planner.head(flows);
  sink.begin(head);

  // 3. Each matched flow, in plan order: its plan from the cache, or its
  // documents read, planned and let go; then written by the sink and let go
  // too. The flows in `flows` keep no document: the planner resolved the
  // modules above and needs only their type, name and id.
  // flow_slots are in plan order: list_and_select sorted the flows.
  InPlanOrder in_order(sink, flow_slots.size());
  genesys::parallel_for(flow_slots.size(), parallelism, [&](std::size_t i) {
    const std::size_t slot = flow_slots[i];
    const std::size_t index = listed.to_read[slot];
    std::unique_ptr<plan::FlowPlan> planned;
    std::string key;
    if (store) {
      key = flow_key(shared, listed.listing[index], flows[index]);
      if (auto cached = cached_flow_plan(*store, flows[index], key))
        planned = std::make_unique<plan::FlowPlan>(std::move(*cached));
    }
    if (planned) {
      from_cache[slot] = 1;
    } else {
      plan::ObservedFlow observed = flows[index];  // the listing's facts; the documents live only here
      load_documents(api, observed, nullptr, DocumentParse::PlanningView);
      if (!observed.document) unread[slot] = 1;
      planned = std::make_unique<plan::FlowPlan>(planner.plan(observed));
      if (store && fully_read(observed) && !planned->rules.empty())
        store->write(kFlowPlanEntries, observed.id, key, plan::flow_to_json(*planned).dump());
    }
    if (auto* progress = read_options.progress) {
      ++progress->read;
      ++progress->planned;
      if (from_cache[slot]) ++progress->cache_hits;
    }
    in_order.put(i, std::move(planned));
  });

  int cache_hits = 0;
  for (std::size_t slot : flow_slots)
    if (from_cache[slot]) ++cache_hits;
  head.cache_hits = cache_hits;
  in_order.tally().summary.cache_hits = cache_hits;
  sink.end(head, in_order.tally());
  if (store) store->enforce_bound();

  for (std::size_t slot : module_slots)
    if (from_cache[slot]) ++listed.result.module_cache_hits;
  listed.result.cache_hits = static_cast<std::size_t>(cache_hits);
  finish_read(listed, unread);
  listed.result.stats = stats_delta(api.stats(), before);
  if (read_result) *read_result = std::move(listed.result);
}

}  // namespace flowlink::source::detail
