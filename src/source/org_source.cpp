// Reading observed flows from a live org: one listing, local name matching,
// concurrent configuration reads. See org_source.hpp.
#include "source/org_source.hpp"

#include <algorithm>
#include <cctype>
#include <chrono>
#include <ctime>
#include <functional>
#include <exception>
#include <set>
#include <tuple>

#include <fmt/format.h>

#include "genesys/vocabulary.hpp"
#include "source/org_read_internal.hpp"
#include "util/ascii.hpp"

namespace flowlink::source {

namespace {

constexpr const char* kModuleType = genesys::flow_type::kCommonModule;

// items[i] becomes what items[order[i]] was, in place (no second copy of
// thousands of flows); `order` is a permutation of the positions.
template <typename T>
void permute_in_place(std::vector<T>& items, const std::vector<std::size_t>& order) {
  std::vector<char> done(items.size(), 0);
  for (std::size_t start = 0; start < items.size(); ++start) {
    if (done[start]) continue;
    T first = std::move(items[start]);
    std::size_t at = start;
    while (true) {
      done[at] = 1;
      const std::size_t from = order[at];
      if (from == start) {
        items[at] = std::move(first);
        break;
      }
      items[at] = std::move(items[from]);
      at = from;
    }
  }
}

bool selected_by_rules(const manifest::DesiredState& desired, const genesys::Flow& flow) {
  return std::any_of(desired.rules.begin(), desired.rules.end(),
                     [&](const manifest::Rule& rule) { return rule.flows.matches(flow.type, flow.name); });
}

// A module is read when the manifest names it. Names compare without case so
// that a module the manifest misspells only in case is read and the planner's
// exact comparison can explain the mismatch with the real document at hand.
bool named_by_manifest(const manifest::DesiredState& desired, const genesys::Flow& flow) {
  const std::string name = util::ascii_lower(flow.name);
  for (const auto& [key, ref] : desired.modules) {
    if (ref.id && *ref.id == flow.id) return true;
    if (util::ascii_lower(ref.name) == name) return true;
  }
  return false;
}

std::optional<plan::Actor> actor_of(const std::optional<genesys::EntityRef>& ref, plan::Actor::Kind kind) {
  if (!ref || ref->id.empty()) return std::nullopt;
  return plan::Actor{kind, ref->id, ref->name};
}

// The draft above the published version, if any: the saved version, else
// a checked-in version that is not the published one.
const genesys::FlowVersionInfo* draft_version(const genesys::Flow& flow) {
  const std::string published = flow.published_version ? flow.published_version->id : "";
  if (flow.saved_version && !flow.saved_version->id.empty() && flow.saved_version->id != published)
    return &*flow.saved_version;
  if (flow.checked_in_version && !flow.checked_in_version->id.empty() && flow.checked_in_version->id != published)
    return &*flow.checked_in_version;
  return nullptr;
}

std::string describe_source(const plan::ObservedFlow& observed) { return flow_source_name(observed.name, observed.id); }

// Reads one configuration; failures come back as the error text.
std::optional<flowdoc::Document> read_document(const std::function<std::string()>& read, DocumentParse parse,
                                               const std::string& source, const char* what, std::string& error) {
  try {
    return parse_document(read(), source, parse);
  } catch (const genesys::ApiError& e) {
    error = fmt::format("{}: could not read the {} configuration: {}", source, what, e.what());
  } catch (const flowdoc::DocumentError& e) {
    error = fmt::format("{}: could not parse the {} configuration: {}", source, what, e.what());
  } catch (const std::exception& e) {
    error = fmt::format("{}: {}", source, e.what());
  }
  return std::nullopt;
}

std::vector<std::string> listed_types(const manifest::DesiredState& desired, bool modules_only) {
  std::set<std::string> types = {kModuleType};
  if (!modules_only)
    for (const auto& rule : desired.rules)
      for (const auto& type : rule.flows.types) types.insert(util::ascii_lower(type));
  return {types.begin(), types.end()};
}

}  // namespace

namespace detail {

ListedOrg list_and_select(genesys::FlowApi& api, const manifest::DesiredState& desired, const ReadOptions& options,
                          bool modules_only) {
  ListedOrg listed_org;
  OrgReadResult& result = listed_org.result;

  genesys::ListFlowsQuery query;
  query.types = listed_types(desired, modules_only);
  query.raw = options.cache != nullptr;  // `listing`: only a cache keys on it
  const auto selected = [&](const genesys::Flow& flow) { return !modules_only && selected_by_rules(desired, flow); };
  // Kept: the flows a rule selects, and every module, each as an
  // ObservedFlow as soon as its page arrives; what the listing said of it
  // goes (a Flow is ~1.5 KB): the listing never stands whole.
  std::vector<char> read;  // per kept flow: to be read
  api.for_each_flow(query, [&](genesys::Flow&& flow) {
    ++result.flows_listed;
    if (flow.deleted) return;
    const bool is_module = util::ascii_lower(flow.type) == kModuleType;
    const bool is_selected = selected(flow);
    if (is_selected) ++result.flows_matched;
    if (!is_selected && !is_module) return;  // listed for its type, but no rule wants it
    plan::ObservedFlow observed = observe_flow(flow, options);
    const bool named = is_module && named_by_manifest(desired, flow);
    // Flows left out by --target are listed (the planner names them in "did
    // you mean") but not read.
    const bool targeted = is_module || plan::is_targeted(options.targets, flow.id, flow.name);
    const bool to_be_read = (is_selected && targeted) || named;
    if (!to_be_read) observed.load_error = is_module ? kModuleNotRead : kNotTargeted;
    result.flows.push_back(std::move(observed));
    // The listing text keys a read flow's plan in the cache: without a
    // cache, or for a flow not read, it is not kept (~2 KB a flow).
    listed_org.listing.push_back(to_be_read && options.cache ? std::move(flow.raw) : std::string());
    read.push_back(to_be_read ? 1 : 0);
  });

  // Pages arrive in any order: the flows are put in the plan's order (type,
  // name, id), so that what is made of them (module resolution, "did you
  // mean", the order of reads) is the same run after run.
  std::vector<std::size_t> order(result.flows.size());
  for (std::size_t i = 0; i < order.size(); ++i) order[i] = i;
  std::sort(order.begin(), order.end(), [&](std::size_t a, std::size_t b) {
    const auto& x = result.flows[a];
    const auto& y = result.flows[b];
    return std::tie(x.type, x.name, x.id) < std::tie(y.type, y.name, y.id);
  });
  permute_in_place(result.flows, order);
  permute_in_place(listed_org.listing, order);
  permute_in_place(read, order);
  for (std::size_t i = 0; i < read.size(); ++i)
    if (read[i]) listed_org.to_read.push_back(i);
  if (options.progress) options.progress->total = result.flows_matched;
  return listed_org;
}

void finish_read(ListedOrg& listed, const std::vector<char>& unread) {
  OrgReadResult& result = listed.result;
  for (std::size_t i = 0; i < listed.to_read.size(); ++i) {
    const bool failed = i < unread.size() && unread[i];
    if (failed) ++result.load_errors;
    else if (result.flows[listed.to_read[i]].type == kModuleType) ++result.modules_read;
  }
}

}  // namespace detail

namespace {

OrgReadResult read(genesys::FlowApi& api, const manifest::DesiredState& desired, const ReadOptions& options,
                   bool modules_only) {
  const genesys::RequestStats before = api.stats();
  detail::ListedOrg listed = detail::list_and_select(api, desired, options, modules_only);
  auto& flows = listed.result.flows;
  std::vector<char> unread(listed.to_read.size(), 0);
  genesys::parallel_for(listed.to_read.size(), std::max(1, options.parallelism), [&](std::size_t i) {
    auto& flow = flows[listed.to_read[i]];
    load_documents(api, flow);
    if (!flow.document) unread[i] = 1;
    if (options.progress && flow.type != kModuleType) ++options.progress->read;
  });
  detail::finish_read(listed, unread);
  listed.result.stats = stats_delta(api.stats(), before);
  return std::move(listed.result);
}

}  // namespace

std::string observed_version_of(const genesys::Flow& flow) {
  if (flow.saved_version && !flow.saved_version->id.empty()) return flow.saved_version->id;
  if (flow.checked_in_version && !flow.checked_in_version->id.empty()) return flow.checked_in_version->id;
  if (flow.published_version && !flow.published_version->id.empty()) return flow.published_version->id;
  return {};
}

std::string flow_source_name(const std::string& name, const std::string& id) {
  return fmt::format("flow '{}' ({})", name, id);
}

OrgReadResult read_org(genesys::FlowApi& api, const manifest::DesiredState& desired, const ReadOptions& options) {
  return read(api, desired, options, false);
}

OrgReadResult read_org(genesys::FlowApi& api, const manifest::DesiredState& desired, int parallelism) {
  ReadOptions options;
  options.parallelism = parallelism;
  options.client_id = api.client_id();
  return read(api, desired, options, false);
}

OrgReadResult read_modules(genesys::FlowApi& api, const manifest::DesiredState& desired, int parallelism) {
  ReadOptions options;
  options.parallelism = parallelism;
  options.client_id = api.client_id();
  return read(api, desired, options, true);
}

plan::ObservedFlow observe_flow(const genesys::Flow& flow, const ReadOptions& options) {
  plan::ObservedFlow observed;
  observed.id = flow.id;
  observed.name = flow.name;
  observed.type = util::ascii_lower(flow.type);
  observed.published = flow.published_version.has_value() && !flow.published_version->id.empty();
  plan::ObservedLifecycle life;
  if (observed.published) {
    life.published_version = flow.published_version->id;
    life.published_date = flow.published_version->date_published;
  }
  if (const genesys::FlowVersionInfo* version = draft_version(flow)) {
    plan::ObservedDraft draft;
    draft.version = version->id;
    const bool saved = flow.saved_version && version == &*flow.saved_version;
    draft.stage = saved ? plan::DraftState::Stage::Saved : plan::DraftState::Stage::CheckedIn;
    draft.owner = actor_of(version->created_by, plan::Actor::Kind::User);
    if (!draft.owner) draft.owner = actor_of(version->created_by_client, plan::Actor::Kind::Client);
    const std::int64_t when = saved || !version->date_checked_in ? version->date_created : version->date_checked_in;
    draft.since = iso_from_epoch_ms(when);
    draft.by_this_client = !version->created_by && version->created_by_client && !options.client_id.empty() &&
                           version->created_by_client->id == options.client_id;
    if (draft.by_this_client && options.memory) {
      if (auto record = options.memory->saved_version(flow.id, version->id)) {
        draft.flowlink = true;
        draft.run_id = record->run_id;
        draft.publish_intended = record->publish_intended;
      }
    }
    life.draft = std::move(draft);
  }
  if (flow.locked_user || flow.locked_client) {
    plan::LockState lock;
    if (flow.locked_user) {
      lock.holder = plan::Actor{plan::Actor::Kind::User, flow.locked_user->id, flow.locked_user->name};
    } else {
      lock.holder = plan::Actor{plan::Actor::Kind::Client, flow.locked_client->id, flow.locked_client->name};
      if (!options.client_id.empty() && flow.locked_client->id == options.client_id) {
        lock.flowlink = plan::LockState::Flowlink::Unknown;
        if (options.memory) {
          if (auto checkout = options.memory->checkout(flow.id)) {
            lock.flowlink = checkout->running ? plan::LockState::Flowlink::RunningRun
                                              : plan::LockState::Flowlink::InterruptedRun;
            lock.run_id = checkout->run_id;
          }
        }
      }
    }
    life.lock = lock;
  }
  observed.version = observed.published ? life.published_version : (life.draft ? life.draft->version : "");
  observed.lifecycle = std::move(life);
  return observed;
}

void load_documents(genesys::FlowApi& api, plan::ObservedFlow& observed, std::string* published_text,
                    DocumentParse parse) {
  const std::string source = describe_source(observed);
  const std::string id = observed.id;
  plan::ObservedLifecycle* life = observed.lifecycle ? &*observed.lifecycle : nullptr;
  const bool is_module = observed.type == kModuleType;
  if (is_module) parse = DocumentParse::Whole;
  if (observed.published) {
    const std::string version = life ? life->published_version : observed.version;
    observed.document = read_document(
        [&] {
          std::string text = api.version_configuration(id, version);
          if (published_text) *published_text = text;
          return text;
        },
        parse, source + " published version " + version, "published", observed.load_error);
    // A module's callers get its published version: its draft does not matter.
    if (life && life->draft && !is_module) {
      auto& draft = *life->draft;
      draft.document = read_document([&] { return api.latest_configuration(id); }, parse,
                                     source + " draft version " + draft.version, "draft", draft.load_error);
    }
  } else {
    // Never published: the draft (latestconfiguration) is all there is.
    observed.document =
        read_document([&] { return api.latest_configuration(id); }, parse, source, "latest", observed.load_error);
  }
}

std::string iso_from_epoch_ms(std::int64_t epoch_ms) {
  if (epoch_ms <= 0) return {};
  using namespace std::chrono;
  const auto ms = milliseconds(epoch_ms);
  const auto secs = duration_cast<seconds>(ms);
  std::time_t t = static_cast<std::time_t>(secs.count());
  std::tm tm{};
  gmtime_r(&t, &tm);
  return fmt::format("{:04}-{:02}-{:02}T{:02}:{:02}:{:02}.{:03}Z", tm.tm_year + 1900, tm.tm_mon + 1, tm.tm_mday,
                     tm.tm_hour, tm.tm_min, tm.tm_sec, static_cast<int>((ms - secs).count()));
}

std::vector<plan::ObservedFlow> modules_of(const std::vector<plan::ObservedFlow>& flows) {
  std::vector<plan::ObservedFlow> modules;
  for (const auto& flow : flows)
    if (flow.type == kModuleType) modules.push_back(flow);
  return modules;
}

plan::Plan plan_org(genesys::FlowApi& api, const manifest::DesiredState& desired, const plan::PlanOptions& options,
                    int parallelism, OrgReadResult* read_result) {
  ReadOptions read_options;
  read_options.parallelism = parallelism;
  read_options.client_id = api.client_id();
  return plan_org(api, desired, options, read_options, read_result);
}

plan::Plan plan_org(genesys::FlowApi& api, const manifest::DesiredState& desired, const plan::PlanOptions& options,
                    const ReadOptions& read_options, OrgReadResult* read_result) {
  plan::PlanCollector collector;
  plan_org(api, desired, options, read_options, collector, read_result);
  return std::move(collector.plan());
}

void plan_org(genesys::FlowApi& api, const manifest::DesiredState& desired, const plan::PlanOptions& options,
              const ReadOptions& read_options, plan::PlanSink& sink, OrgReadResult* read_result) {
  // Only the targeted flows are read: --target on 800 flows reads a few.
  ReadOptions targeted = read_options;
  if (targeted.targets.empty()) targeted.targets = options.targets;
  detail::plan_org_streaming(api, desired, options, targeted, sink, read_result);
}

genesys::RequestStats stats_delta(const genesys::RequestStats& after, const genesys::RequestStats& before) {
  genesys::RequestStats d;
  d.requests = after.requests - before.requests;
  d.retries = after.retries - before.retries;
  d.rate_limited = after.rate_limited - before.rate_limited;
  d.server_errors = after.server_errors - before.server_errors;
  d.token_requests = after.token_requests - before.token_requests;
  d.paced = after.paced - before.paced;
  return d;
}

}  // namespace flowlink::source
